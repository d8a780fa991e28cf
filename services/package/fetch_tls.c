/*
 * fetch_tls.c - https for the package service's HTTP backend (fetch_http.c): the TLS
 * hook of the clients' connector (client/net_http.h) over BearSSL (client/tls.h), the
 * transport `net http https://` uses too.
 *
 * Trust: the PEM bundle /etc/ca.pem in storage (the service's resource storage/etc,
 * read-only; the default of `net http`, which can put it there), read again for every
 * connection so a bundle replaced by the operator counts from the next fetch. Time:
 * the kernel's clock of day (pkgsvc_now), against which the certificates' validity is
 * checked; a machine without one cannot check it, and https is then refused rather
 * than trusted blindly. TLS adds confidentiality and the server's identity; TUF's checks
 * (trust.c) stay the same, and stay what decides what is installed.
 *
 * Layer: services (package).
 */
#include <stdio.h>
#include <stdlib.h>

#include <client/storage.h>
#include <client/net_http.h>
#include <client/tls.h>

#include "pkgsvc.h"

#define CA_FILE "ca.pem"    /* in the resource storage/etc: /etc/ca.pem */
#define CA_MAX (1u << 20)

static struct tls_config g_cfg;
static struct tls_trust *g_trust;

static int tls_open(void *ctx, const struct http_transport *lower, const char *host,
                    sos_time_t deadline, struct http_transport *out, const char **why)
{
    return tls_client_open(ctx, lower, host, deadline, out, why);
}

/* The trust store from /etc/ca.pem into g_trust: 0, or an error with *why. */
static int load_trust(char *why, size_t size)
{
    static sos_handle_t etc;
    char *pem = NULL;
    size_t n = 0;
    const char *bad = "";
    if (!etc)
        etc = sos_startup_handle("storage/etc");
    int rc = etc ? stc_read_file(etc, CA_FILE, CA_MAX, &pem, &n) : SOS_ERR_ACCESS_DENIED;
    if (rc) {
        snprintf(why, size, "no trust store /etc/ca.pem for https: %s", sos_strerror(rc));
        return SOS_ERR_BAD_STATE; /* not NOT_FOUND: that is the server's 404 (no next root) */
    }
    struct tls_trust *t = tls_trust_new();
    int got = t ? tls_trust_add_pem(t, pem, n, &bad) : SOS_ERR_NO_MEMORY;
    free(pem);
    if (got <= 0) {
        tls_trust_free(t);
        snprintf(why, size, "trust store /etc/ca.pem: %s",
                 got == 0 ? "no certificates in it" : got == SOS_ERR_NO_MEMORY ? "out of memory" : bad);
        return got == 0 ? SOS_ERR_BAD_STATE : got;
    }
    g_trust = t;
    return 0;
}

int pkgsvc_tls_prepare(struct net_http *nh, char *why, size_t size)
{
    uint64_t now = pkgsvc_now();
    if (!now) {
        snprintf(why, size, "https needs a clock of day to check certificates, and this "
                            "machine has none");
        return SOS_ERR_NOT_SUPPORTED;
    }
    int rc = load_trust(why, size);
    if (rc)
        return rc;
    g_cfg = (struct tls_config){.trust = g_trust, .entropy = tls_entropy_system(), .unix_time = now};
    nh->secure = tls_open;
    nh->secure_ctx = &g_cfg;
    return 0;
}

void pkgsvc_tls_release(void)
{
    tls_trust_free(g_trust);
    g_trust = NULL;
}
