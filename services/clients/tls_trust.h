/*
 * services/clients/tls_trust.h - what tls.c needs of the trust store beside the public
 * API in client/tls.h: the anchors as BearSSL's array.
 *
 * Layer: services (client library over BearSSL; private to services/clients).
 */
#ifndef CLIENTS_TLS_TRUST_H
#define CLIENTS_TLS_TRUST_H

#include <bearssl.h>

#include <client/tls.h>

const br_x509_trust_anchor *tls_trust_anchors(const struct tls_trust *t);

#endif
