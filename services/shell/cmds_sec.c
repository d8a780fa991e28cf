/*
 * services/shell/cmds_sec.c - `security`: the security service from the shell
 * (proto/security.h, docs/security.md), over a lookup of "security" (shell.svc:
 * read+manage).
 *
 *   security apps                         the images asked about since it started, and
 *                                         the installed packages, with their verdicts
 *   security policy                       the default verdict and every rule
 *   security policy set <target> allow|block|ask
 *                                         <target>: an image (a path in storage, whose
 *                                         SHA-256 is taken here, or 64 hex digits),
 *                                         package:<name> or publisher:<repository|key id>
 *   security pending                      launches and capability requests waiting
 *   security approve|deny <id> [remember] decide one; remember makes it a rule
 *   security revoke <target>|<id>         drop the target's rule (and an image's one-time
 *                                         approval), or revoke capability grant <id>
 *                                         (kernel revoker)
 *   security trust                        per repository and installed package: who
 *                                         signed it, its verification, what let it in
 *   security grants                       capability requests and grants, with state
 *   security audit [N]                    the last N records of the history (10), and
 *                                         whether the whole chain verifies
 *   security audit verify                 the verification alone
 *
 * Layer: services (shell).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <proto/security.h>

#include "hash/sha256.h"
#include "parse.h"
#include "shell.h"

#define IMAGE_MAX (32u << 20)

static const char *verdict_name(uint32_t v)
{
    return v == SEC_V_ALLOW ? "allow" : v == SEC_V_BLOCK ? "block" : v == SEC_V_ASK ? "ask" : "?";
}

static int sec_call(struct sl_msg *req, struct sl_msg *rep)
{
    int err = sl_msg_finish(req);
    return err ? err : sh_call(&g_sh.sec, req, rep);
}

static void say_err(const char *what, int err)
{
    if (err == SOS_ERR_PEER_CLOSED || err == SOS_ERR_BAD_STATE)
        sh_eprintf("security %s: the security service is not running\n", what);
    else
        sh_eprintf("security %s: %s\n", what, sh_errtext(err));
}

static bool is_hex_hash(const char *s)
{
    if (strlen(s) != 64)
        return false;
    for (int i = 0; i < 64; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    return true;
}

/* A policy target: package:<name> and publisher:<id> as they are; an image as its hash
 * (64 hex digits as they are, else the SHA-256 of that storage file). out: 65 bytes at
 * least and SEC_TARGET_TEXT for the other forms. */
#define SEC_TARGET_TEXT 80
#define BAD_TARGET "not a target: an image (a path or 64 hex digits), package:<name> or " \
                   "publisher:<repository|key id>, a name of 1 to 47 printable characters " \
                   "without blanks or commas"
static bool image_hash(const char *what, const char *image, char *hex, const char **name)
{
    const char *slash = strrchr(image, '/');
    *name = slash ? slash + 1 : image;
    if ((!strncmp(image, "package:", 8) || !strncmp(image, "publisher:", 10)) &&
        strlen(image) < SEC_TARGET_TEXT) {
        memcpy(hex, image, strlen(image) + 1);
        *name = "";
        return true;
    }
    if (is_hex_hash(image)) {
        memcpy(hex, image, 65);
        *name = "by-hash";
        return true;
    }
    char *data;
    size_t len;
    if (sh_store_get(what, image, IMAGE_MAX, &data, &len))
        return false;
    uint8_t h[SHA256_SIZE];
    sha256(data, len, h);
    free(data);
    for (int i = 0; i < SHA256_SIZE; i++)
        snprintf(hex + 2 * i, 3, "%02x", h[i]);
    return true;
}

static void apps_images(struct sl_parse *p)
{
    uint32_t n = sl_parse_u32(p);
    sh_printf("%-20s %-16s %-16s %-6s %8s %8s\n", "IMAGE", "SHA256", "PACKAGE", "POLICY",
              "LAUNCHES", "REFUSED");
    for (uint32_t i = 0; i < n && !p->bad; i++) {
        const char *hex = sl_parse_str(p, NULL), *name = sl_parse_str(p, NULL);
        const char *pkg = sl_parse_str(p, NULL);
        uint32_t v = sl_parse_u32(p), l = sl_parse_u32(p), f = sl_parse_u32(p);
        if (hex && name && pkg)
            sh_printf("%-20s %.16s %-16s %-6s %8u %8u\n", name, hex, pkg[0] ? pkg : "-",
                      verdict_name(v), l, f);
    }
    if (n == 0)
        sh_printf("security: no image from storage asked to run yet\n");
}

static void apps_packages(struct sl_parse *p)
{
    uint32_t n = sl_parse_u32(p);
    if (n)
        sh_printf("%-16s %-10s %-12s %-6s %s\n", "PACKAGE", "VERSION", "REPOSITORY", "POLICY", "BY");
    for (uint32_t i = 0; i < n && !p->bad; i++) {
        const char *name = sl_parse_str(p, NULL), *ver = sl_parse_str(p, NULL);
        const char *repo = sl_parse_str(p, NULL);
        uint32_t v = sl_parse_u32(p);
        const char *why = sl_parse_str(p, NULL);
        if (name && ver && repo && why)
            sh_printf("%-16s %-10s %-12s %-6s %s\n", name, ver, repo[0] ? repo : "-",
                      verdict_name(v), why);
    }
    if (n == 0)
        sh_printf("security: no installed package (or the package service cannot be asked)\n");
}

/* A request without arguments whose reply is parsed by show (SEC_APPS, SEC_TRUST). */
static void simple_query(uint32_t ordinal, const char *what, void (*show)(struct sl_parse *p))
{
    uint8_t b[64], *rb = malloc(SOS_CHANNEL_MAX_BYTES);
    struct sl_msg req, rep;
    if (!rb)
        return;
    sl_msg_begin(&req, b, sizeof(b), NULL, 0, ordinal);
    sl_msg_begin(&rep, rb, SOS_CHANNEL_MAX_BYTES, NULL, 0, ordinal);
    int err = sec_call(&req, &rep);
    struct sl_parse p;
    if (!err && !(err = sl_parse_begin(&p, rep.bytes, rep.len, NULL, 0, NULL))) {
        show(&p);
        err = sl_parse_end(&p);
    }
    free(rb);
    if (err == SOS_ERR_NOT_FOUND || err == SOS_ERR_TIMED_OUT)
        sh_eprintf("security %s: the package service cannot be asked (%s)\n", what, sh_errtext(err));
    else if (err)
        say_err(what, err);
}

static void show_apps(struct sl_parse *p)
{
    apps_images(p);
    apps_packages(p);
}

static void show_trust(struct sl_parse *p)
{
    uint32_t n = sl_parse_u32(p);
    for (uint32_t i = 0; i < n && !p->bad; i++) {
        const char *line = sl_parse_str(p, NULL);
        if (line)
            sh_printf("%s\n", line);
    }
    if (n == 0)
        sh_printf("security: no repository and no installed package\n");
}

static void do_policy_list(void)
{
    uint8_t b[64], *rb = malloc(SOS_CHANNEL_MAX_BYTES);
    struct sl_msg req, rep;
    if (!rb)
        return;
    sl_msg_begin(&req, b, sizeof(b), NULL, 0, SEC_POLICY_LIST);
    sl_msg_begin(&rep, rb, SOS_CHANNEL_MAX_BYTES, NULL, 0, SEC_POLICY_LIST);
    int err = sec_call(&req, &rep);
    struct sl_parse p;
    if (!err && !(err = sl_parse_begin(&p, rep.bytes, rep.len, NULL, 0, NULL))) {
        uint32_t dflt = sl_parse_u32(&p), n = sl_parse_u32(&p);
        sh_printf("default: %s (config security.default_launch); boot-store images: allow\n",
                  verdict_name(dflt));
        for (uint32_t i = 0; i < n && !p.bad; i++) {
            const char *hex = sl_parse_str(&p, NULL);
            uint32_t v = sl_parse_u32(&p);
            const char *name = sl_parse_str(&p, NULL);
            if (hex && name)
                sh_printf("%-6s %s%s%s\n", verdict_name(v), hex, name[0] ? " " : "", name);
        }
        err = sl_parse_end(&p);
    }
    free(rb);
    if (err)
        say_err("policy", err);
}

static void do_policy_set(const char *image, const char *verdict)
{
    uint32_t v = !strcmp(verdict, "allow") ? SEC_V_ALLOW : !strcmp(verdict, "block") ? SEC_V_BLOCK
                 : !strcmp(verdict, "ask") ? SEC_V_ASK : 99;
    if (v == 99) {
        sh_eprintf("security policy set: the verdict is allow, block or ask, not '%s'\n", verdict);
        return;
    }
    char hex[SEC_TARGET_TEXT];
    const char *name;
    if (!image_hash("security policy set", image, hex, &name))
        return;
    uint8_t b[256], rb[64];
    struct sl_msg req, rep;
    sl_msg_begin(&req, b, sizeof(b), NULL, 0, SEC_POLICY_SET);
    sl_msg_put_str(&req, hex);
    sl_msg_put_str(&req, name);
    sl_msg_put_u32(&req, v);
    sl_msg_begin(&rep, rb, sizeof(rb), NULL, 0, SEC_POLICY_SET);
    int err = sec_call(&req, &rep);
    if (err == SOS_ERR_INVALID_ARGS)
        sh_eprintf("security policy set: %s: %s\n", image, BAD_TARGET);
    else if (err)
        say_err("policy set", err);
    else if (!name[0])
        sh_printf("security: %s is now '%s'\n", image, verdict);
    else
        sh_printf("security: %s is now '%s' (sha256 %.16s)\n", image, verdict, hex);
}

/* Capability requests and grants (SEC_GRANTS); prints the waiting ones with `all`
 * false, every one with `all` true. Returns how many it printed. */
static uint32_t list_grants(bool all)
{
    static const char *const states[] = {"waiting", "granted", "revoked"};
    uint8_t b[64], rb[4096];
    struct sl_msg req, rep;
    sl_msg_begin(&req, b, sizeof(b), NULL, 0, SEC_GRANTS);
    sl_msg_begin(&rep, rb, sizeof(rb), NULL, 0, SEC_GRANTS);
    struct sl_parse p;
    uint32_t shown = 0;
    if (sec_call(&req, &rep) || sl_parse_begin(&p, rep.bytes, rep.len, NULL, 0, NULL))
        return 0;
    uint32_t n = sl_parse_u32(&p);
    for (uint32_t i = 0; i < n && !p.bad; i++) {
        uint64_t id = sl_parse_u64(&p);
        const char *client = sl_parse_str(&p, NULL), *what = sl_parse_str(&p, NULL);
        uint32_t st = sl_parse_u32(&p);
        if (client && what && (all || st == SEC_GRANT_WAITING)) {
            sh_printf("%llu: %s asks for %s%s%s\n", (unsigned long long)id, client, what,
                      all ? ": " : "", all ? (st < 3 ? states[st] : "?") : "");
            shown++;
        }
    }
    return shown;
}

static uint32_t pending_caps(void) { return list_grants(false); }

static void do_pending(void)
{
    uint8_t b[64], *rb = malloc(SOS_CHANNEL_MAX_BYTES);
    struct sl_msg req, rep;
    if (!rb)
        return;
    sl_msg_begin(&req, b, sizeof(b), NULL, 0, SEC_PENDING);
    sl_msg_begin(&rep, rb, SOS_CHANNEL_MAX_BYTES, NULL, 0, SEC_PENDING);
    int err = sec_call(&req, &rep);
    struct sl_parse p;
    if (!err && !(err = sl_parse_begin(&p, rep.bytes, rep.len, NULL, 0, NULL))) {
        uint32_t n = sl_parse_u32(&p);
        for (uint32_t i = 0; i < n && !p.bad; i++) {
            uint64_t id = sl_parse_u64(&p);
            const char *hex = sl_parse_str(&p, NULL), *name = sl_parse_str(&p, NULL);
            const char *path = sl_parse_str(&p, NULL);
            if (hex && name && path)
                sh_printf("%llu: launch of %s (%s), sha256 %.16s\n", (unsigned long long)id, name,
                          path, hex);
        }
        err = sl_parse_end(&p);
        uint32_t caps = err ? 0 : pending_caps();
        if (!err && n == 0 && caps == 0)
            sh_printf("security: nothing waits for approval\n");
    }
    free(rb);
    if (err)
        say_err("pending", err);
}

static void do_decide(const char *what, int argc, char **argv)
{
    uint64_t id;
    bool remember = argc == 2 && !strcmp(argv[1], "remember");
    if (argc < 1 || argc > 2 || (argc == 2 && !remember) || !sh_parse_u64(argv[0], UINT64_MAX, &id) ||
        id == 0) {
        sh_eprintf("usage: security %s <id> [remember]\n", what);
        return;
    }
    uint8_t b[64], rb[64];
    struct sl_msg req, rep;
    sl_msg_begin(&req, b, sizeof(b), NULL, 0, SEC_DECIDE);
    sl_msg_put_u64(&req, id);
    sl_msg_put_u32(&req, !strcmp(what, "approve"));
    sl_msg_put_u32(&req, remember);
    sl_msg_begin(&rep, rb, sizeof(rb), NULL, 0, SEC_DECIDE);
    int err = sec_call(&req, &rep);
    if (err == SOS_ERR_NOT_FOUND)
        sh_eprintf("security %s: nothing waits with id %llu (security pending lists them)\n", what,
                   (unsigned long long)id);
    else if (err)
        say_err(what, err);
    else
        sh_printf("security: %llu %s%s\n", (unsigned long long)id,
                  !strcmp(what, "approve") ? "approved" : "denied",
                  remember ? ", and remembered for that image" : " (this once)");
}

static void do_revoke_grant(uint64_t id)
{
    uint8_t b[64], rb[64];
    struct sl_msg req, rep;
    sl_msg_begin(&req, b, sizeof(b), NULL, 0, SEC_REVOKE_GRANT);
    sl_msg_put_u64(&req, id);
    sl_msg_begin(&rep, rb, sizeof(rb), NULL, 0, SEC_REVOKE_GRANT);
    int err = sec_call(&req, &rep);
    if (err == SOS_ERR_NOT_FOUND)
        sh_eprintf("security revoke: no grant %llu in force (security grants lists them)\n",
                   (unsigned long long)id);
    else if (err)
        say_err("revoke", err);
    else
        sh_printf("security: grant %llu revoked; every handle made from it is dead now\n",
                  (unsigned long long)id);
}

static void do_revoke(const char *image)
{
    uint64_t id;
    if (sh_parse_u64(image, UINT64_MAX, &id) && id > 0) {
        do_revoke_grant(id);
        return;
    }
    char hex[SEC_TARGET_TEXT];
    const char *name;
    if (!image_hash("security revoke", image, hex, &name))
        return;
    uint8_t b[128], rb[64];
    struct sl_msg req, rep;
    sl_msg_begin(&req, b, sizeof(b), NULL, 0, SEC_REVOKE);
    sl_msg_put_str(&req, hex);
    sl_msg_begin(&rep, rb, sizeof(rb), NULL, 0, SEC_REVOKE);
    int err = sec_call(&req, &rep);
    if (err == SOS_ERR_NOT_FOUND)
        sh_eprintf("security revoke: %s has no rule or approval to revoke\n", image);
    else if (err == SOS_ERR_INVALID_ARGS)
        sh_eprintf("security revoke: %s: %s\n", image, BAD_TARGET);
    else if (err)
        say_err("revoke", err);
    else
        sh_printf("security: revoked what %s had; its next launch follows the default\n", image);
}

static void say_verify(struct sl_parse *p)
{
    uint32_t problem = sl_parse_u32(p);
    uint64_t records = sl_parse_u64(p);
    uint32_t line = sl_parse_u32(p);
    uint64_t expected = sl_parse_u64(p), found = sl_parse_u64(p);
    if (problem == 0)
        sh_printf("security audit history verified: %llu records\n", (unsigned long long)records);
    else if (problem == 1)
        sh_printf("security audit history BROKEN: line %u is not a record (%llu good records before it)\n",
                  line, (unsigned long long)records);
    else if (problem == 2)
        sh_printf("security audit history BROKEN: gap at line %u: record %llu expected, %llu found\n",
                  line, (unsigned long long)expected, (unsigned long long)found);
    else if (problem == 3)
        sh_printf("security audit history BROKEN: record %llu (line %u) was edited: its hash does not match\n",
                  (unsigned long long)expected, line);
    else
        sh_printf("security audit history BROKEN: cut at the end: %llu records written, %llu left\n",
                  (unsigned long long)expected, (unsigned long long)found);
}

static void do_audit(uint32_t n, bool records)
{
    uint8_t b[64], *rb = malloc(SOS_CHANNEL_MAX_BYTES);
    struct sl_msg req, rep;
    if (!rb)
        return;
    sl_msg_begin(&req, b, sizeof(b), NULL, 0, SEC_AUDIT);
    sl_msg_put_u32(&req, records ? n : 0);
    sl_msg_begin(&rep, rb, SOS_CHANNEL_MAX_BYTES, NULL, 0, SEC_AUDIT);
    int err = sec_call(&req, &rep);
    struct sl_parse p, q;
    if (!err && !(err = sl_parse_begin(&p, rep.bytes, rep.len, NULL, 0, NULL))) {
        q = p;
        for (int i = 0; i < 5; i++) /* the verification comes first; say it last */
            i == 0 || i == 2 ? (void)sl_parse_u32(&p) : (void)sl_parse_u64(&p);
        uint32_t k = sl_parse_u32(&p);
        for (uint32_t i = 0; i < k && !p.bad; i++) {
            const char *line = sl_parse_str(&p, NULL);
            if (line)
                sh_printf("%s\n", line);
        }
        err = sl_parse_end(&p);
        if (!err)
            say_verify(&q);
    }
    free(rb);
    if (err)
        say_err("audit", err);
}

void cmd_security(int argc, char **argv)
{
    const char *sub = argv[1];
    if (!strcmp(sub, "apps") && argc == 2)
        simple_query(SEC_APPS, "apps", show_apps);
    else if (!strcmp(sub, "trust") && argc == 2)
        simple_query(SEC_TRUST, "trust", show_trust);
    else if (!strcmp(sub, "policy") && argc == 2)
        do_policy_list();
    else if (!strcmp(sub, "policy") && argc == 5 && !strcmp(argv[2], "set"))
        do_policy_set(argv[3], argv[4]);
    else if (!strcmp(sub, "pending") && argc == 2)
        do_pending();
    else if (!strcmp(sub, "grants") && argc == 2) {
        if (list_grants(true) == 0)
            sh_printf("security: no capability asked for yet\n");
    }
    else if (!strcmp(sub, "approve") || !strcmp(sub, "deny"))
        do_decide(sub, argc - 2, argv + 2);
    else if (!strcmp(sub, "revoke") && argc == 3)
        do_revoke(argv[2]);
    else if (!strcmp(sub, "audit") && argc == 3 && !strcmp(argv[2], "verify"))
        do_audit(0, false);
    else if (!strcmp(sub, "audit") && argc <= 3) {
        uint64_t n = 10;
        if (argc == 3 && (!sh_parse_u64(argv[2], SEC_AUDIT_MAX, &n) || n == 0)) {
            sh_eprintf("security audit: N must be a number from 1 to %u, or 'verify'\n", SEC_AUDIT_MAX);
            return;
        }
        do_audit((uint32_t)n, true);
    } else
        sh_eprintf("usage: security apps | policy [set <image|package:<name>|publisher:<id>> "
                   "allow|block|ask] | pending | approve <id> [remember] | deny <id> [remember] | "
                   "revoke <target>|<id> | grants | trust | audit [N] | audit verify\n");
}
