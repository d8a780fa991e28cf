/*
 * services/clients/tls.c - the TLS 1.2 client transport (client/tls.h) over BearSSL.
 *
 * One heap block per connection holds the BearSSL client and X.509 contexts and the
 * bidirectional record buffer (about 33 KiB; BearSSL allocates nothing itself). The
 * engine is driven by engine_run, the loop of BearSSL's own br_sslio (send pending
 * records first, stop at the wanted state, else read a record), but with our
 * transport's deadline and error codes instead of -1, so a timeout on the socket
 * stays SOS_ERR_TIMED_OUT. Handshake failures become sentences: the certificate's
 * errors (not trusted, wrong name, expired) are SOS_ERR_ACCESS_DENIED.
 *
 * Layer: services (client library over BearSSL).
 */
#include <client/tls.h>

#include <stdlib.h>
#include <string.h>

#include <bearssl.h>

#include "tls_trust.h"

struct tls_conn {
    br_ssl_client_context sc;
    br_x509_minimal_context xc;
    struct http_transport lower;
    sos_time_t deadline;
    int io_err;               /* the lower transport's error, when it failed */
    bool lower_eof;           /* lower ended without close_notify */
    unsigned char iobuf[BR_SSL_BUFSIZE_BIDI];
};

/* ---- errors */

static const char *cert_error(int e)
{
    switch (e) {
    case BR_ERR_X509_NOT_TRUSTED:
        return "certificate not trusted";
    case BR_ERR_X509_BAD_SERVER_NAME:
        return "certificate does not match host name";
    case BR_ERR_X509_EXPIRED:
        return "certificate expired or not yet valid (check the system time)";
    case BR_ERR_X509_TIME_UNKNOWN:
        return "no time to check the certificate's validity";
    case BR_ERR_X509_NOT_CA:
        return "certificate chain has a non-CA issuer";
    case BR_ERR_X509_BAD_SIGNATURE:
        return "certificate signature does not verify";
    case BR_ERR_X509_WEAK_PUBLIC_KEY:
        return "certificate key is too weak";
    case BR_ERR_X509_FORBIDDEN_KEY_USAGE:
        return "certificate key usage forbids TLS server use";
    case BR_ERR_X509_EMPTY_CHAIN:
        return "server sent no certificate";
    default:
        return "certificate could not be decoded or checked";
    }
}

/* The status and sentence for the engine's last error. */
static int engine_error(struct tls_conn *c, const char **why)
{
    int e = br_ssl_engine_last_error(&c->sc.eng);
    if (c->io_err) {
        *why = NULL;
        return c->io_err;
    }
    if (e == BR_ERR_OK) {
        *why = "TLS connection closed";
        return SOS_ERR_PEER_CLOSED;
    }
    if (e >= BR_ERR_X509_OK && e <= BR_ERR_X509_NOT_TRUSTED) {
        *why = cert_error(e);
        return SOS_ERR_ACCESS_DENIED;
    }
    if (e == BR_ERR_UNSUPPORTED_VERSION || e == BR_ERR_BAD_VERSION) {
        *why = "server does not offer TLS 1.2";
        return SOS_ERR_NOT_SUPPORTED;
    }
    if (e & BR_ERR_RECV_FATAL_ALERT)
        *why = "server sent a fatal TLS alert";
    else if (e == BR_ERR_NO_RANDOM)
        *why = "TLS has no random seed";
    else
        *why = "TLS protocol error";
    return SOS_ERR_IO;
}

/* ---- the engine loop */

static int send_records(struct tls_conn *c)
{
    size_t len;
    unsigned char *buf = br_ssl_engine_sendrec_buf(&c->sc.eng, &len);
    int err = c->lower.write(c->lower.ctx, buf, len, c->deadline);
    if (err) {
        c->io_err = err;
        return err;
    }
    br_ssl_engine_sendrec_ack(&c->sc.eng, len);
    return 0;
}

static int recv_record(struct tls_conn *c)
{
    size_t len;
    unsigned char *buf = br_ssl_engine_recvrec_buf(&c->sc.eng, &len);
    int64_t n = c->lower.read(c->lower.ctx, buf, len, c->deadline);
    if (n <= 0) {
        c->io_err = n < 0 ? (int)n : SOS_ERR_PEER_CLOSED;
        c->lower_eof = n == 0;
        return c->io_err;
    }
    br_ssl_engine_recvrec_ack(&c->sc.eng, (size_t)n);
    return 0;
}

/* Run until the engine's state has a bit of target: 0, or 1 when it closed. */
static int engine_run(struct tls_conn *c, unsigned target)
{
    for (;;) {
        unsigned st = br_ssl_engine_current_state(&c->sc.eng);
        int err = 0;
        if ((st & BR_SSL_CLOSED) || c->io_err)
            return 1;
        if (st & BR_SSL_SENDREC)
            err = send_records(c);
        else if (st & target)
            return 0;
        else if (st & BR_SSL_RECVAPP)
            return 1; /* wants to send while unread data waits: cannot happen in HTTP */
        else if (st & BR_SSL_RECVREC)
            err = recv_record(c);
        else
            br_ssl_engine_flush(&c->sc.eng, 0);
        if (err)
            return 1;
    }
}

/* ---- the transport */

static int64_t tls_read(void *ctx, void *buf, size_t len, sos_time_t deadline)
{
    struct tls_conn *c = ctx;
    const char *why;
    size_t avail;
    c->deadline = deadline;
    if (engine_run(c, BR_SSL_RECVAPP)) {
        if (br_ssl_engine_last_error(&c->sc.eng) == BR_ERR_OK && !c->io_err)
            return 0; /* close_notify: a clean end */
        return engine_error(c, &why);
    }
    unsigned char *app = br_ssl_engine_recvapp_buf(&c->sc.eng, &avail);
    size_t n = avail < len ? avail : len;
    memcpy(buf, app, n);
    br_ssl_engine_recvapp_ack(&c->sc.eng, n);
    return (int64_t)n;
}

static int tls_write(void *ctx, const void *buf, size_t len, sos_time_t deadline)
{
    struct tls_conn *c = ctx;
    const char *why;
    const unsigned char *p = buf;
    c->deadline = deadline;
    while (len > 0) {
        size_t room;
        if (engine_run(c, BR_SSL_SENDAPP))
            return engine_error(c, &why);
        unsigned char *app = br_ssl_engine_sendapp_buf(&c->sc.eng, &room);
        size_t n = room < len ? room : len;
        memcpy(app, p, n);
        br_ssl_engine_sendapp_ack(&c->sc.eng, n);
        p += n, len -= n;
    }
    br_ssl_engine_flush(&c->sc.eng, 0);
    if (engine_run(c, BR_SSL_SENDAPP | BR_SSL_RECVAPP))
        return engine_error(c, &why);
    return 0;
}

/* Best effort close_notify (never waits for the server's), then the lower close. */
static void tls_close(void *ctx)
{
    struct tls_conn *c = ctx;
    unsigned st = br_ssl_engine_current_state(&c->sc.eng);
    if (!(st & BR_SSL_CLOSED) && !c->io_err) {
        br_ssl_engine_close(&c->sc.eng);
        if (br_ssl_engine_current_state(&c->sc.eng) & BR_SSL_SENDREC)
            send_records(c);
    }
    c->lower.close(c->lower.ctx);
    free(c);
}

/* ---- opening */

/* Days from 0000-01-01 (proleptic Gregorian) to 1970-01-01, as br_x509_minimal counts. */
#define TLS_DAYS_TO_1970 719528u

static int setup(struct tls_conn *c, const struct tls_config *cfg, const char *host,
                 const char **why)
{
    unsigned char seed[TLS_SEED_BYTES];
    br_ssl_client_init_full(&c->sc, &c->xc, tls_trust_anchors(cfg->trust),
                            tls_trust_count(cfg->trust));
    br_ssl_engine_set_versions(&c->sc.eng, BR_TLS12, BR_TLS12);
    br_ssl_engine_set_buffer(&c->sc.eng, c->iobuf, sizeof(c->iobuf), 1);
    br_x509_minimal_set_time(&c->xc, (uint32_t)(cfg->unix_time / 86400) + TLS_DAYS_TO_1970,
                             (uint32_t)(cfg->unix_time % 86400));
    int err = cfg->entropy.fill ? cfg->entropy.fill(cfg->entropy.ctx, seed, sizeof(seed))
                                : SOS_ERR_NOT_SUPPORTED;
    if (err) {
        *why = "no entropy source to seed TLS";
        return err;
    }
    br_ssl_engine_inject_entropy(&c->sc.eng, seed, sizeof(seed));
    memset(seed, 0, sizeof(seed));
    if (!br_ssl_client_reset(&c->sc, host, 0))
        return engine_error(c, why);
    return 0;
}

/* An IPv6 literal or a dotted IPv4 address: BearSSL checks DNS names only, and SNI
 * must not carry an address (RFC 6066). */
static bool is_ip_literal(const char *host)
{
    if (strchr(host, ':'))
        return true;
    for (const char *c = host; *c; c++)
        if (!(*c >= '0' && *c <= '9') && *c != '.')
            return false;
    return true;
}

int tls_client_open(const struct tls_config *cfg, const struct http_transport *lower,
                    const char *host, sos_time_t deadline, struct http_transport *out,
                    const char **why)
{
    const char *dummy;
    why = why ? why : &dummy;
    *why = NULL;
    int err = SOS_ERR_INVALID_ARGS;
    struct tls_conn *c = NULL;
    if (!cfg->trust || tls_trust_count(cfg->trust) == 0)
        *why = "no trust anchors for TLS";
    else if (cfg->unix_time == 0)
        *why = "no wall-clock time to check certificates";
    else if (!host || !host[0] || is_ip_literal(host))
        *why = "TLS needs a host name (certificates are checked for names, not addresses)";
    else if (!(c = malloc(sizeof(*c))))
        err = SOS_ERR_NO_MEMORY;
    if (!c) {
        lower->close(lower->ctx);
        return err;
    }
    memset(c, 0, offsetof(struct tls_conn, iobuf));
    c->lower = *lower;
    c->deadline = deadline;
    err = setup(c, cfg, host, why);
    if (!err && engine_run(c, BR_SSL_SENDAPP))
        err = engine_error(c, why);
    if (err) {
        c->io_err = c->io_err ? c->io_err : err; /* no close_notify after a failure */
        tls_close(c);
        return err;
    }
    *out = (struct http_transport){c, tls_read, tls_write, tls_close};
    return 0;
}
