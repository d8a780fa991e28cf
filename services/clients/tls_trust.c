/*
 * services/clients/tls_trust.c - the TLS trust store (client/tls.h): trust anchors
 * made from the certificates of a PEM bundle.
 *
 * BearSSL's PEM decoder turns the text into DER objects; each CERTIFICATE goes through
 * br_x509_decoder, which gives its subject DN (the anchor's name), its public key
 * (RSA or EC) and whether it is a CA. Those are copied into heap blocks the anchor
 * owns, as BearSSL's own brssl tool does. A bundle is taken whole or not at all: on
 * any error the anchors added by that call are dropped again.
 *
 * Layer: services (client library over BearSSL).
 */
#include "tls_trust.h"

#include <stdlib.h>
#include <string.h>

struct tls_trust {
    br_x509_trust_anchor *ta;
    size_t count, cap;
};

/* A growing byte buffer for a DER object or a DN. */
struct blob {
    unsigned char *data;
    size_t len, cap, max;
    bool failed;          /* out of memory or past max */
};

static void blob_append(void *ctx, const void *buf, size_t len)
{
    struct blob *b = ctx;
    if (b->failed)
        return;
    if (b->len + len > b->max) {
        b->failed = true;
        return;
    }
    if (b->len + len > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 1024;
        while (cap < b->len + len)
            cap *= 2;
        unsigned char *d = realloc(b->data, cap);
        if (!d) {
            b->failed = true;
            return;
        }
        b->data = d, b->cap = cap;
    }
    memcpy(b->data + b->len, buf, len);
    b->len += len;
}

static unsigned char *dup(const void *p, size_t n)
{
    unsigned char *d = malloc(n ? n : 1);
    if (d)
        memcpy(d, p, n);
    return d;
}

struct tls_trust *tls_trust_new(void)
{
    return calloc(1, sizeof(struct tls_trust));
}

static void anchor_free(br_x509_trust_anchor *ta)
{
    free(ta->dn.data);
    if (ta->pkey.key_type == BR_KEYTYPE_RSA) {
        free(ta->pkey.key.rsa.n);
        free(ta->pkey.key.rsa.e);
    } else if (ta->pkey.key_type == BR_KEYTYPE_EC) {
        free(ta->pkey.key.ec.q);
    }
}

void tls_trust_free(struct tls_trust *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->count; i++)
        anchor_free(&t->ta[i]);
    free(t->ta);
    free(t);
}

size_t tls_trust_count(const struct tls_trust *t)
{
    return t ? t->count : 0;
}

const br_x509_trust_anchor *tls_trust_anchors(const struct tls_trust *t)
{
    return t->ta;
}

/* The key of a decoded certificate into ta (copies). */
static int copy_key(br_x509_trust_anchor *ta, const br_x509_pkey *pk)
{
    ta->pkey.key_type = pk->key_type;
    if (pk->key_type == BR_KEYTYPE_RSA) {
        ta->pkey.key.rsa.n = dup(pk->key.rsa.n, pk->key.rsa.nlen);
        ta->pkey.key.rsa.nlen = pk->key.rsa.nlen;
        ta->pkey.key.rsa.e = dup(pk->key.rsa.e, pk->key.rsa.elen);
        ta->pkey.key.rsa.elen = pk->key.rsa.elen;
        return ta->pkey.key.rsa.n && ta->pkey.key.rsa.e ? 0 : SOS_ERR_NO_MEMORY;
    }
    ta->pkey.key.ec.curve = pk->key.ec.curve;
    ta->pkey.key.ec.q = dup(pk->key.ec.q, pk->key.ec.qlen);
    ta->pkey.key.ec.qlen = pk->key.ec.qlen;
    return ta->pkey.key.ec.q ? 0 : SOS_ERR_NO_MEMORY;
}

/* One DER certificate into a new anchor at the end of t. */
static int add_cert(struct tls_trust *t, const struct blob *der, const char **why)
{
    br_x509_decoder_context dc;
    struct blob dn = {.max = TLS_CERT_MAX};
    if (t->count == TLS_TRUST_MAX) {
        *why = "too many certificates in the trust store";
        return SOS_ERR_OUT_OF_RANGE;
    }
    br_x509_decoder_init(&dc, blob_append, &dn);
    br_x509_decoder_push(&dc, der->data, der->len);
    const br_x509_pkey *pk = br_x509_decoder_get_pkey(&dc);
    if (!pk || dn.failed || (pk->key_type != BR_KEYTYPE_RSA && pk->key_type != BR_KEYTYPE_EC)) {
        free(dn.data);
        *why = "a certificate in the PEM bundle does not decode";
        return SOS_ERR_BAD_FORMAT;
    }
    if (t->count == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 16;
        br_x509_trust_anchor *ta = realloc(t->ta, cap * sizeof(*ta));
        if (!ta) {
            free(dn.data);
            return SOS_ERR_NO_MEMORY;
        }
        t->ta = ta, t->cap = cap;
    }
    br_x509_trust_anchor *ta = &t->ta[t->count];
    memset(ta, 0, sizeof(*ta));
    ta->dn.data = dn.data ? dn.data : dup("", 0);
    ta->dn.len = dn.len;
    ta->flags = br_x509_decoder_isCA(&dc) ? BR_X509_TA_CA : 0;
    int err = copy_key(ta, pk);
    if (err) {
        anchor_free(ta);
        return err;
    }
    t->count++;
    return 0;
}

/* One PEM event: start or finish an object. */
static int pem_event(struct tls_trust *t, br_pem_decoder_context *pc, struct blob *der,
                     bool *in_cert, const char **why)
{
    switch (br_pem_decoder_event(pc)) {
    case BR_PEM_BEGIN_OBJ:
        *in_cert = strcmp(br_pem_decoder_name(pc), "CERTIFICATE") == 0;
        der->len = 0;
        der->failed = false;
        br_pem_decoder_setdest(pc, *in_cert ? blob_append : NULL, der);
        return 0;
    case BR_PEM_END_OBJ:
        if (!*in_cert)
            return 0;
        *in_cert = false;
        if (der->failed) {
            *why = "a certificate in the PEM bundle is too large";
            return SOS_ERR_OUT_OF_RANGE;
        }
        return add_cert(t, der, why);
    case BR_PEM_ERROR:
        *why = "the trust store is not valid PEM";
        return SOS_ERR_BAD_FORMAT;
    default:
        return 0;
    }
}

int tls_trust_add_pem(struct tls_trust *t, const char *pem, size_t len, const char **why)
{
    const char *dummy;
    why = why ? why : &dummy;
    br_pem_decoder_context pc;
    struct blob der = {.max = TLS_CERT_MAX};
    size_t before = t->count;
    bool in_cert = false, nl_added = false;
    int err = 0;
    br_pem_decoder_init(&pc);
    while (len > 0 && !err) {
        size_t n = br_pem_decoder_push(&pc, pem, len);
        pem += n, len -= n;
        err = pem_event(t, &pc, &der, &in_cert, why);
        if (len == 0 && !nl_added) /* a last line without its newline */
            pem = "\n", len = 1, nl_added = true;
    }
    if (!err && in_cert) {
        *why = "the PEM bundle ends inside a certificate";
        err = SOS_ERR_BAD_FORMAT;
    }
    free(der.data);
    if (err) {
        while (t->count > before)
            anchor_free(&t->ta[--t->count]);
        return err;
    }
    return (int)(t->count - before);
}
