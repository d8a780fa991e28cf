/*
 * services/include/client/tls.h - a TLS 1.2 client transport (BearSSL) that wraps
 * another transport (client/http.h's struct http_transport).
 *
 * tls_client_open runs the handshake over `lower` with BearSSL's full client profile
 * restricted to TLS 1.2, SNI set to the host name, and the server's chain checked by
 * br_x509_minimal against a trust store loaded from PEM text, at the time the caller
 * gives. It needs a seed: the caller's entropy source (struct tls_entropy) gives 32
 * bytes for BearSSL's HMAC-DRBG. The result is a transport like any other, so an https
 * connector is a TCP transport passed through here (docs/network.md, "HTTP and TLS").
 *
 * Layer: services (client library over BearSSL; needs sos_tls, built when the BearSSL
 * sources are present).
 */
#ifndef CLIENT_TLS_H
#define CLIENT_TLS_H

#include <stddef.h>
#include <stdint.h>

#include <client/http.h>

/* Fills buf with len unpredictable bytes: 0, or SOS_ERR_* when no source can. */
struct tls_entropy {
    void *ctx;
    int (*fill)(void *ctx, void *buf, size_t len);
};

/* On ServiceOS: the entropy_read system call (tls_entropy.c). */
struct tls_entropy tls_entropy_system(void);

#define TLS_SEED_BYTES 32        /* what BearSSL's HMAC-DRBG(SHA-256) wants */
#define TLS_TRUST_MAX 1024       /* anchors in one store */
#define TLS_CERT_MAX 16384       /* bytes of one DER certificate in a PEM bundle */

struct tls_trust; /* a set of trust anchors (opaque) */

/* An empty store, or NULL when out of memory. */
struct tls_trust *tls_trust_new(void);
void tls_trust_free(struct tls_trust *t);
size_t tls_trust_count(const struct tls_trust *t);

/*
 * Add every "CERTIFICATE" object of the PEM text pem[0..len) as a trust anchor (other
 * PEM objects are skipped). Returns how many were added, or SOS_ERR_BAD_FORMAT (bad
 * PEM, a certificate that does not decode, a key type other than RSA or EC),
 * SOS_ERR_OUT_OF_RANGE (past TLS_TRUST_MAX or TLS_CERT_MAX) or SOS_ERR_NO_MEMORY, with
 * *why; on error the store keeps what it had before the call.
 */
int tls_trust_add_pem(struct tls_trust *t, const char *pem, size_t len, const char **why);

struct tls_config {
    const struct tls_trust *trust;
    struct tls_entropy entropy;
    uint64_t unix_time;          /* seconds since 1970 for validity; 0 = unknown: refused */
};

/*
 * Handshake over *lower for host (SNI and the DNS name the certificate must carry;
 * an IP address is refused with SOS_ERR_INVALID_ARGS: BearSSL matches names only). On
 * success *out is a transport whose close sends close_notify and closes lower too; reads return 0 only after the server's
 * close_notify (an end of stream without it is SOS_ERR_PEER_CLOSED, so a truncated
 * body is never taken for a whole one). On failure lower is closed, *why says why:
 * SOS_ERR_ACCESS_DENIED for certificate problems ("certificate not trusted",
 * "certificate does not match host name", ...), SOS_ERR_NOT_SUPPORTED for a server
 * without TLS 1.2, SOS_ERR_IO for other protocol failures, the lower transport's error
 * for its own failures (SOS_ERR_TIMED_OUT at the deadline).
 */
int tls_client_open(const struct tls_config *cfg, const struct http_transport *lower,
                    const char *host, sos_time_t deadline, struct http_transport *out,
                    const char **why);

#endif
