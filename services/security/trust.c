/*
 * services/security/trust.c - what the security service learns from the package
 * service (proto/pkg.h PKG_TRUSTINFO): which installed package an image from /data/pkg
 * belongs to (for the launch policy by package and publisher), and the trust report
 * `security trust` shows: per repository its keys and what was verified, per installed
 * package who signed it, its verification, the install rule that let it in and the
 * launch policy's verdict for it. Repository changes seen between two looks (added,
 * removed, keys or root version changed) go into the audit history; what was last seen
 * is kept in state/security/repos so a reboot does not record them twice.
 *
 * The channel to the package service is looked up once after the service is ready and
 * kept (sl_conn_to_keep); the launch check uses it only while it is live and never
 * looks it up (the root manager waits in that check, and a lookup would ask it).
 *
 * Layer: services (security).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sl/service.h>
#include <sl/sl.h>

#include <proto/pkg.h>
#include <proto/security.h>

#include "records.h"
#include "security.h"

#define PKG_CALL_NS 2000000000ll
#define REPOS_FILE "repos"

static struct sl_conn_to g_pkgc;

void sec_trust_init(void)
{
    sl_conn_to_init(&g_pkgc, "package", 0);
    /* the package service may still be starting: it is ready within its own 10 s */
    if (sl_conn_to_refresh(&g_pkgc, sos_deadline_after(SOS_MS(12000))) == 0)
        sl_conn_to_keep(&g_sec.srv, &g_pkgc);
}

/* PKG_TRUSTINFO(image) into *text (malloc'd, NUL-terminated); `lookup`: may look the
 * package service up when there is no live channel (never in the launch check). */
static int pkg_records(const char *image, bool lookup, char **text)
{
    uint8_t b[128], *rb = malloc(SOS_CHANNEL_MAX_BYTES);
    struct sl_msg req, rep;
    if (!rb)
        return SOS_ERR_NO_MEMORY;
    sl_msg_begin(&req, b, sizeof(b), NULL, 0, PKG_TRUSTINFO);
    sl_msg_put_str(&req, image);
    sl_msg_begin(&rep, rb, SOS_CHANNEL_MAX_BYTES, NULL, 0, PKG_TRUSTINFO);
    sos_signals_t seen = 0;
    bool live = g_pkgc.ch && sos_object_wait_one(g_pkgc.ch, SOS_SIG_PEER_CLOSED, 0, &seen) != 0;
    int err = sl_msg_finish(&req);
    if (!err && !live && !lookup)
        err = SOS_ERR_PEER_CLOSED;
    else if (!err)
        err = live ? sl_call(g_pkgc.ch, &req, &rep, sos_deadline_after(PKG_CALL_NS))
                   : sl_conn_to_call(&g_pkgc, &req, &rep, sos_deadline_after(PKG_CALL_NS));
    if (!err && !g_pkgc.keep && g_pkgc.ch)
        sl_conn_to_keep(&g_sec.srv, &g_pkgc);
    struct sl_parse p;
    const char *s = NULL;
    if (!err && !(err = sl_parse_begin(&p, rep.bytes, rep.len, NULL, 0, NULL)))
        s = sl_parse_str(&p, NULL);
    if (!err && !s)
        err = SOS_ERR_BAD_FORMAT;
    *text = err ? NULL : strdup(s);
    free(rb);
    return err ? err : *text ? 0 : SOS_ERR_NO_MEMORY;
}

int sec_trust_origin(const uint8_t hash[SEC_HASH_SIZE], struct sec_origin *o)
{
    char hex[SEC_HASH_HEX + 1], *text;
    sec_hash_format(hash, hex);
    memset(o, 0, sizeof(*o));
    int err = pkg_records(hex, false, &text);
    if (err)
        return err;
    for (char *line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
        if (!strncmp(line, "pkg\t", 4)) {
            sec_record_field(line, "name", o->package, sizeof(o->package));
            sec_record_field(line, "repo", o->repo, sizeof(o->repo));
            sec_record_field(line, "keys", o->keys, sizeof(o->keys));
            break;
        }
    free(text);
    return 0;
}

/* ---- repository changes into the history */

static void note_change(void *ctx, const char *what, const char *name, size_t nl,
                        const char *rest, size_t rl)
{
    (void)ctx;
    if (rl)
        sec_audit("repository %.*s %s: %.*s", (int)nl, name, what, (int)rl, rest);
    else
        sec_audit("repository %.*s %s", (int)nl, name, what);
}

/* Compares the repositories in text with those last seen; records and keeps changes. */
static void repos_seen(const char *text)
{
    static char now[2048];
    size_t n = sec_repo_summary(text, now, sizeof(now));
    char *was = NULL;
    size_t wl = 0;
    int err = sec_store_get(REPOS_FILE, &was, &wl);
    if (err && err != SOS_ERR_NOT_FOUND)
        return; /* storage away: look again next time */
    if (!was || wl != n || memcmp(was, now, n)) {
        sec_repo_changes(was ? was : "", now, note_change, NULL);
        sec_store_put(REPOS_FILE, now, n);
    }
    free(was);
}

/* ---- the report */

static void say_keys(struct sl_msg *m, const char *keys)
{
    char line[512];
    snprintf(line, sizeof(line), "  keys %s", keys);
    for (char *c = line; *c; c++)
        if (*c == '+')
            *c = ',';
        else if (*c == ':')
            *c = ' ';
    sl_msg_put_str(m, line);
}

static void report_repo(struct sl_msg *m, const char *l)
{
    char name[40], url[168], root[16], snap[16], targets[16], pk[16], clock[16], exp[24], keys[400];
    char line[512];
    snprintf(line, sizeof(line), "repository %s (%s)", sec_record_field(l, "name", name, sizeof name),
             sec_record_field(l, "url", url, sizeof url));
    sl_msg_put_str(m, line);
    say_keys(m, sec_record_field(l, "keys", keys, sizeof keys));
    sec_record_field(l, "clock", clock, sizeof clock);
    snprintf(line, sizeof(line), "  verified: root version %s, snapshot %s, targets %s, %s packages; "
             "expires %s (%s)", sec_record_field(l, "root", root, sizeof root),
             sec_record_field(l, "snapshot", snap, sizeof snap), sec_record_field(l, "targets", targets, sizeof targets),
             sec_record_field(l, "packages", pk, sizeof pk), sec_record_field(l, "expires", exp, sizeof exp),
             !strcmp(clock, "none") ? "not checked: no clock of day" : clock);
    sl_msg_put_str(m, line);
}

static int rank(uint32_t v) { return v == SEC_BLOCK ? 2 : v == SEC_ASK ? 1 : 0; }

/* The launch verdict for a package's images (the strictest of them) and why. */
static uint32_t package_verdict(const char *l, char *why, size_t cap)
{
    char name[40], repo[40], keys[160], images[600];
    struct sec_subject s = {NULL, sec_record_field(l, "name", name, sizeof name),
                            sec_record_field(l, "repo", repo, sizeof repo), sec_record_field(l, "keys", keys, sizeof keys)};
    uint32_t v = SEC_ALLOW;
    const struct sec_rule *r = NULL, *rr;
    bool first = true;
    snprintf(why, cap, "the default");
    sec_record_field(l, "images", images, sizeof images);
    for (char *h = images; *h;) {
        uint8_t hash[SEC_HASH_SIZE];
        size_t hl = strcspn(h, ",");
        if (sec_hash_parse(h, hl, hash) == 0) {
            s.hash = hash;
            uint32_t hv = sec_policy_decide_subject(&g_sec.policy, &s, &rr);
            if (first || rank(hv) > rank(v))
                v = hv, r = rr, first = false;
        }
        h += hl + (h[hl] == ',');
    }
    if (r)
        sec_rule_target(r, why, cap);
    if (!images[0])
        snprintf(why, cap, "no program");
    return images[0] ? v : SEC_ALLOW;
}

static void report_pkg(struct sl_msg *m, const char *l)
{
    char name[40], ver[32], repo[40], keys[160], verified[64], listed[8], sha[24], policy[160];
    char line[512], why[SEC_TARGET_MAX];
    sec_record_field(l, "repo", repo, sizeof repo);
    snprintf(line, sizeof(line), "package %s %s from %s, signed by %s", sec_record_field(l, "name", name, sizeof name),
             sec_record_field(l, "version", ver, sizeof ver), repo[0] ? repo : "(unknown)",
             sec_record_field(l, "keys", keys, sizeof keys)[0] ? keys : "(unknown keys)");
    sl_msg_put_str(m, line);
    snprintf(line, sizeof(line), "  verified: %s; package sha256 %s; %s", sec_record_field(l, "verified", verified, sizeof verified),
             sec_record_field(l, "sha256", sha, sizeof sha),
             !strcmp(sec_record_field(l, "listed", listed, sizeof listed), "yes") ? "still in its repository's verified index"
                                                                      : "no longer in a verified index");
    sl_msg_put_str(m, line);
    snprintf(line, sizeof(line), "  let in by: %s", sec_record_field(l, "policy", policy, sizeof policy));
    sl_msg_put_str(m, line);
    uint32_t v = package_verdict(l, why, sizeof(why));
    snprintf(line, sizeof(line), "  launch: %s (%s)", sec_verdict_name(v), why);
    sl_msg_put_str(m, line);
}

int sec_do_trust(struct sl_request *r)
{
    struct sl_peer *peer = r->client;
    if (!peer || r->client == (void *)r->srv || !(peer->rights & SOS_RIGHT_READ))
        return SOS_ERR_ACCESS_DENIED;
    if (r->len != sizeof(struct sos_msg_hdr))
        return SOS_ERR_INVALID_ARGS;
    char *text;
    int err = pkg_records("", true, &text);
    if (err)
        return err;
    g_sec.policy.dflt = sec_default_verdict();
    repos_seen(text);
    uint32_t n = 0;
    for (const char *l = text; *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : "")
        n += !strncmp(l, "repo\t", 5) ? 3 : !strncmp(l, "pkg\t", 4) ? 4 : 0;
    sl_msg_put_u32(r->reply, n);
    for (const char *l = text; *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : "")
        if (!strncmp(l, "repo\t", 5))
            report_repo(r->reply, l);
    for (const char *l = text; *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : "")
        if (!strncmp(l, "pkg\t", 4))
            report_pkg(r->reply, l);
    free(text);
    return 0;
}

/* SEC_APPS' second part: every installed package with its launch verdict. */
void sec_trust_apps(struct sl_msg *m)
{
    char *text = NULL;
    uint32_t n = 0;
    if (pkg_records("", true, &text) == 0) {
        repos_seen(text);
        for (const char *l = text; *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : "")
            n += !strncmp(l, "pkg\t", 4);
    }
    sl_msg_put_u32(m, n);
    for (const char *l = text ? text : ""; *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : "") {
        if (strncmp(l, "pkg\t", 4))
            continue;
        char name[40], ver[32], repo[40], why[SEC_TARGET_MAX];
        sl_msg_put_str(m, sec_record_field(l, "name", name, sizeof name));
        sl_msg_put_str(m, sec_record_field(l, "version", ver, sizeof ver));
        sl_msg_put_str(m, sec_record_field(l, "repo", repo, sizeof repo));
        sl_msg_put_u32(m, package_verdict(l, why, sizeof(why)));
        sl_msg_put_str(m, why);
    }
    free(text);
}
