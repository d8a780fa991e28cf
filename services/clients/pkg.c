/*
 * services/clients/pkg.c - the package service's client (client/pkg.h).
 *
 * Layer: services (package client; used by the shell).
 */
#include <client/pkg.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PKGC_TIMEOUT_NS 60000000000ll /* an install unpacks and syncs: allow a minute */

static int call(struct sl_conn_to *c, struct sl_msg *req, uint32_t ordinal, char *text,
                size_t size)
{
    uint8_t *buf = malloc(PKG_REPLY_MAX + 256);
    struct sl_msg rep;
    struct sl_parse p;
    text[0] = 0;
    if (!buf)
        return SOS_ERR_NO_MEMORY;
    sl_msg_begin(&rep, buf, PKG_REPLY_MAX + 256, NULL, 0, ordinal);
    int err = sl_msg_finish(req);
    if (!err)
        err = sl_conn_to_call(c, req, &rep, sos_deadline_after(PKGC_TIMEOUT_NS));
    /* A refused request still carries its reason. */
    if ((err == 0 || rep.len > sizeof(struct sos_msg_hdr)) &&
        sl_parse_begin(&p, rep.bytes, rep.len, NULL, 0, NULL) == 0) {
        const char *s = sl_parse_str(&p, NULL);
        snprintf(text, size, "%s", s ? s : "");
    }
    free(buf);
    return err;
}

int pkgc_call(struct sl_conn_to *c, uint32_t ordinal, const char *a, const char *b,
              char *text, size_t size)
{
    uint8_t rb[2 * PKG_ARG_MAX + 64];
    struct sl_msg req;
    sl_msg_begin(&req, rb, sizeof rb, NULL, 0, ordinal);
    if (a)
        sl_msg_put_str(&req, a);
    if (b)
        sl_msg_put_str(&req, b);
    return call(c, &req, ordinal, text, size);
}

int pkgc_call4(struct sl_conn_to *c, uint32_t ordinal, const char *const arg[4], char *text,
               size_t size)
{
    uint8_t rb[2 * PKG_ARG_MAX + 2 * PKG_URL_MAX + 64];
    struct sl_msg req;
    sl_msg_begin(&req, rb, sizeof rb, NULL, 0, ordinal);
    for (int i = 0; i < 4; i++)
        sl_msg_put_str(&req, arg[i] ? arg[i] : "");
    return call(c, &req, ordinal, text, size);
}

int pkgc_list(struct sl_conn_to *c, uint32_t flags, char *text, size_t size)
{
    uint8_t rb[64];
    struct sl_msg req;
    sl_msg_begin(&req, rb, sizeof rb, NULL, 0, PKG_LIST);
    sl_msg_put_u32(&req, flags);
    return call(c, &req, PKG_LIST, text, size);
}

/* A call whose reply the caller decodes: the reply in rep (over buf); on a refusal the
 * reason, when the service gave one, in why[size]. */
static int call_records(struct sl_conn_to *c, struct sl_msg *req, struct sl_msg *rep, uint8_t *buf,
                        char *why, size_t size)
{
    uint32_t ordinal = sl_msg_hdr(req)->ordinal;
    sl_msg_begin(rep, buf, SOS_CHANNEL_MAX_BYTES, NULL, 0, ordinal);
    int err = sl_msg_finish(req);
    if (!err)
        err = sl_conn_to_call(c, req, rep, sos_deadline_after(PKGC_TIMEOUT_NS));
    struct sl_parse p;
    const char *s = NULL;
    if (err && rep->len > sizeof(struct sos_msg_hdr) && !sl_parse_begin(&p, rep->bytes, rep->len, NULL, 0, NULL))
        s = sl_parse_str(&p, NULL);
    if (err && why)
        snprintf(why, size, "%s", s ? s : sos_strerror(err));
    return err;
}

int pkgc_packages(struct sl_conn_to *c, uint32_t flags, const char *word, pkgc_package_fn fn,
                  void *ctx, char *why, size_t size)
{
    static struct pkgc_package page[PKG_PAGE_MAX];
    uint8_t rb[PKG_ARG_MAX + 64], *buf = malloc(SOS_CHANNEL_MAX_BYTES);
    if (!buf)
        return SOS_ERR_NO_MEMORY;
    uint32_t start = 0, n = 0;
    int err;
    do {
        struct sl_msg req, rep;
        sl_msg_begin(&req, rb, sizeof rb, NULL, 0, PKG_PACKAGES);
        sl_msg_put_u32(&req, flags);
        sl_msg_put_str(&req, word);
        sl_msg_put_u32(&req, start);
        err = call_records(c, &req, &rep, buf, why, size);
        uint32_t was = start;
        /* a page that does not move on would never end */
        bool bad = !err && (pkgc_packages_decode(rep.bytes, rep.len, page, &n, &start) || (start && start <= was));
        if (bad) {
            err = SOS_ERR_BAD_FORMAT;
            if (why)
                snprintf(why, size, "the package service's reply is malformed");
        }
        for (uint32_t i = 0; !err && i < n; i++)
            fn(ctx, &page[i]);
    } while (!err && start);
    free(buf);
    return err;
}

int pkgc_trust(struct sl_conn_to *c, const char *name, struct pkgc_trust *out)
{
    uint8_t rb[PKG_ARG_MAX + 64], *buf = malloc(SOS_CHANNEL_MAX_BYTES);
    if (!buf)
        return SOS_ERR_NO_MEMORY;
    struct sl_msg req, rep;
    sl_msg_begin(&req, rb, sizeof rb, NULL, 0, PKG_TRUST);
    sl_msg_put_str(&req, name);
    int err = call_records(c, &req, &rep, buf, NULL, 0);
    if (!err)
        err = pkgc_trust_decode(rep.bytes, rep.len, out);
    free(buf);
    return err;
}
