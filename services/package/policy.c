/*
 * policy.c - install policy and provenance in the package service: `pkg policy` (which
 * repositories may supply which packages, and pins) and what `pkg show` says about where
 * an installed package came from.
 *
 * Policy is a short list of rules kept in the state directory's file "policy" (one per
 * line, replaced atomically):
 *   allow <repository> <package|*>   once any allow rule names a package (or *), only
 *                                    the repositories allowed for it may supply it
 *   pin <package> <version>          install and update take exactly that version
 *   channel <repository>[/<package>] <channel>
 *                                    the channel the repository (or that package of
 *                                    it) follows: stable, the default, or testing (which
 *                                    sees stable's packages too); a package's rule wins
 *                                    over its repository's
 * No rules: any repository the operator added may supply any package of its stable
 * channel, newest wins.
 *
 * Provenance: after every install or update, each package of the new generation that
 * has no record yet gets "prov.<name>-<version>": the repository and url it came from,
 * the keys its root trusted, the snapshot and targets versions verified, the package
 * file's SHA-256, the generation, the client that asked, and the time (since that boot,
 * and of day when the machine has a clock of day).
 *
 * Layer: services (package).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <client/storage.h>

#include "pkgsvc.h"

#define POLICY_FILE "policy"
#define POLICY_MAX 16
#define PROV_MAX 1024

enum rule_kind { RULE_ALLOW, RULE_PIN, RULE_CHANNEL, RULE_KINDS };
static const char *const g_kind[RULE_KINDS] = {"allow", "pin", "channel"};

struct rule {
    enum rule_kind kind;
    /* allow: repo, pkg; pin: pkg, version; channel: repo[/pkg], channel */
    char a[2 * PKG_NAME_MAX + 2], b[PKG_NAME_MAX + 1];
};

static struct rule g_rules[POLICY_MAX];
static uint32_t g_nrules;

static int save(void)
{
    char text[POLICY_MAX * (3 * PKG_NAME_MAX + 16)];
    size_t at = 0;
    for (uint32_t i = 0; i < g_nrules; i++)
        at += (size_t)snprintf(text + at, sizeof text - at, "%s %s %s\n",
                               g_kind[g_rules[i].kind], g_rules[i].a, g_rules[i].b);
    return stc_replace_file(g_pkg.state_dir, POLICY_FILE, text, at);
}

/* A channel rule's subject: repo or repo/pkg, each a name (one slash at most). */
static bool channel_subject_ok(const char *a)
{
    const char *slash = strchr(a, '/');
    return a[0] != '/' && (!slash || (slash[1] && !strchr(slash + 1, '/')));
}

static int add_rule(enum rule_kind kind, const char *a, const char *b, struct errmsg *err)
{
    size_t amax = kind == RULE_CHANNEL ? 2 * PKG_NAME_MAX + 1 : PKG_NAME_MAX;
    if (!a[0] || !b[0] || strlen(a) > amax || strlen(b) > PKG_NAME_MAX ||
        strchr(a, ' ') || strchr(b, ' '))
        return errmsg_set(err, SOS_ERR_INVALID_ARGS, "policy: %s takes two words", g_kind[kind]);
    if (kind == RULE_CHANNEL && (!channel_subject_ok(a) || pkg_channel_parse(b, strlen(b)) < 0))
        return errmsg_set(err, SOS_ERR_INVALID_ARGS, "policy: channel takes <repo>[/<pkg>] "
                          "and stable or testing");
    for (uint32_t i = g_nrules; kind != RULE_ALLOW && i-- > 0;)
        if (g_rules[i].kind == kind && !strcmp(g_rules[i].a, a))
            g_rules[i] = g_rules[--g_nrules]; /* a new pin or channel replaces the old one */
    if (g_nrules == POLICY_MAX)
        return errmsg_set(err, SOS_ERR_NO_RESOURCES, "policy: at most %d rules", POLICY_MAX);
    struct rule *r = &g_rules[g_nrules++];
    r->kind = kind;
    snprintf(r->a, sizeof r->a, "%s", a);
    snprintf(r->b, sizeof r->b, "%s", b);
    return 0;
}

int pkgsvc_policy_load(void)
{
    char *text = NULL, *save_ptr = NULL;
    size_t len = 0;
    int rc = stc_read_file(g_pkg.state_dir, POLICY_FILE, 4096, &text, &len);
    if (rc)
        return rc == SOS_ERR_NOT_FOUND ? 0 : rc;
    for (char *line = strtok_r(text, "\n", &save_ptr); line; line = strtok_r(NULL, "\n", &save_ptr)) {
        char kind[8], a[2 * PKG_NAME_MAX + 2], b[PKG_NAME_MAX + 1];
        char *s1 = strchr(line, ' '), *s2 = s1 ? strchr(s1 + 1, ' ') : NULL;
        struct errmsg e = {0};
        if (!s2 || (size_t)(s1 - line) >= sizeof kind || (size_t)(s2 - s1 - 1) >= sizeof a ||
            strlen(s2 + 1) > PKG_NAME_MAX)
            continue;
        snprintf(kind, sizeof kind, "%.*s", (int)(s1 - line), line);
        snprintf(a, sizeof a, "%.*s", (int)(s2 - s1 - 1), s1 + 1);
        snprintf(b, sizeof b, "%s", s2 + 1);
        for (int k = 0; k < RULE_KINDS; k++)
            if (!strcmp(kind, g_kind[k]))
                add_rule((enum rule_kind)k, a, b, &e);
    }
    free(text);
    return 0;
}

bool pkgsvc_policy_allows(const char *repo, const char *name)
{
    bool named = false;
    for (uint32_t i = 0; i < g_nrules; i++) {
        const struct rule *r = &g_rules[i];
        if (r->kind != RULE_ALLOW || (strcmp(r->b, name) && strcmp(r->b, "*")))
            continue;
        named = true;
        if (!strcmp(r->a, repo))
            return true;
    }
    return !named;
}

const char *pkgsvc_policy_pin(const char *name)
{
    for (uint32_t i = 0; i < g_nrules; i++)
        if (g_rules[i].kind == RULE_PIN && !strcmp(g_rules[i].a, name))
            return g_rules[i].b;
    return NULL;
}

unsigned pkgsvc_policy_channel(const char *repo, const char *name)
{
    int of_repo = PKG_CHANNEL_STABLE, of_pkg = -1;
    size_t rl = strlen(repo);
    for (uint32_t i = 0; i < g_nrules; i++) {
        const struct rule *r = &g_rules[i];
        if (r->kind != RULE_CHANNEL || strncmp(r->a, repo, rl))
            continue;
        if (!r->a[rl])
            of_repo = pkg_channel_parse(r->b, strlen(r->b));
        else if (r->a[rl] == '/' && !strcmp(r->a + rl + 1, name))
            of_pkg = pkg_channel_parse(r->b, strlen(r->b));
    }
    return (unsigned)(of_pkg >= 0 ? of_pkg : of_repo);
}

static void show(void)
{
    bool channel = false;
    for (uint32_t i = 0; i < g_nrules; i++) {
        pkgsvc_say("%s %s %s\n", g_kind[g_rules[i].kind], g_rules[i].a, g_rules[i].b);
        channel |= g_rules[i].kind == RULE_CHANNEL;
    }
    if (!g_nrules)
        pkgsvc_say("no rules: any repository may supply any package; no pins\n");
    if (!channel)
        pkgsvc_say("every repository follows its stable channel\n");
}

int pkgsvc_policy_op(const char *op, const char *a, const char *b, bool may_write,
                     struct errmsg *err)
{
    if (!op[0] || !strcmp(op, "show")) {
        show();
        return 0;
    }
    if (!may_write)
        return errmsg_set(err, SOS_ERR_ACCESS_DENIED, "not allowed");
    struct rule keep[POLICY_MAX];
    uint32_t nkeep = g_nrules;
    memcpy(keep, g_rules, sizeof keep);
    int rc = -1;
    for (int k = 0; k < RULE_KINDS; k++)
        if (!strcmp(op, g_kind[k]))
            rc = add_rule((enum rule_kind)k, a, b, err);
    if (!strcmp(op, "unpin") || !strcmp(op, "reset")) {
        for (uint32_t i = g_nrules; i-- > 0;)
            if (op[0] == 'r' || (g_rules[i].kind == RULE_PIN && !strcmp(g_rules[i].a, a)))
                g_rules[i] = g_rules[--g_nrules];
        rc = 0;
    } else if (rc == -1) {
        return errmsg_set(err, SOS_ERR_INVALID_ARGS,
                          "policy takes show, allow <repo> <pkg|*>, pin <pkg> <version>, unpin "
                          "<pkg>, channel <repo>[/<pkg>] <stable|testing> or reset");
    }
    if (!rc && (rc = save()) != 0)
        errmsg_set(err, rc, "cannot save the policy");
    if (rc) {
        memcpy(g_rules, keep, sizeof keep);
        g_nrules = nkeep;
        return rc;
    }
    show();
    return 0;
}

/* ---- provenance */

static void prov_name(const struct pkg_avail *a, char *out, size_t size)
{
    snprintf(out, size, "prov.%s-%s", a->name, a->version_text);
}

static void hex(const uint8_t *b, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++)
        snprintf(out + 2 * i, 3, "%02x", b[i]);
}

static void write_prov(const struct pkg_avail *a, const struct pkgsvc_repo *repo, const char *who)
{
    char text[PROV_MAX], sha[2 * SHA256_SIZE + 1], keys[TUF_MAX_KEYS * 17 + 1] = "", name[96];
    size_t k = 0;
    for (uint32_t i = 0; i < repo->tuf.root.nkeys; i++) {
        char id[2 * META_KEYID_SIZE + 1];
        hex(repo->tuf.root.keys[i].id, META_KEYID_SIZE, id);
        k += (size_t)snprintf(keys + k, sizeof keys - k, "%s%s", i ? "," : "", id);
    }
    hex(a->sha256, SHA256_SIZE, sha);
    char when[48] = "";
    uint64_t now = pkgsvc_now();
    if (now)
        snprintf(when, sizeof when, " (%llu s since 1970)", (unsigned long long)now);
    int n = snprintf(text, sizeof text,
                     "  from %s (%s), root version %u, keys %s\n"
                     "  verified snapshot %u, targets %u; package sha256 %s (%u bytes)\n"
                     "  installed in generation %u by %s, %llu ms after that boot%s\n",
                     repo->name, repo->url, (unsigned)repo->tuf.root.version, keys,
                     (unsigned)repo->tuf.version[TUF_SNAPSHOT],
                     (unsigned)repo->tuf.version[TUF_TARGETS], sha, (unsigned)a->size,
                     (unsigned)g_pkg.db.cur.number, who,
                     (unsigned long long)(sos_clock_get() / 1000000), when);
    prov_name(a, name, sizeof name);
    if (stc_replace_file(g_pkg.state_dir, name, text, (size_t)n))
        printf("package: cannot record where %s %s came from\n", a->name, a->version_text);
}

void pkgsvc_prov_note(const struct pkgsvc_repo *repo, const char *who)
{
    for (uint32_t i = 0; i < g_pkg.db.cur.set.count; i++) {
        const struct pkg_avail *a = &g_pkg.db.cur.set.pkg[i];
        char name[96];
        uint64_t size;
        prov_name(a, name, sizeof name);
        if (stc_size(g_pkg.state_dir, name, &size) == SOS_ERR_NOT_FOUND)
            write_prov(a, repo, who);
    }
}

void pkgsvc_prov_show(const struct pkg_avail *a)
{
    char name[96], *text = NULL;
    size_t len = 0;
    prov_name(a, name, sizeof name);
    if (stc_read_file(g_pkg.state_dir, name, PROV_MAX, &text, &len)) {
        pkgsvc_say("  provenance not recorded\n");
        return;
    }
    pkgsvc_say("%.*s", (int)len, text);
    free(text);
}

/* ---- for the security service (trustinfo.c) */

int pkgsvc_prov_read(const struct pkg_avail *a, char **text, size_t *len)
{
    char name[96];
    prov_name(a, name, sizeof name);
    return stc_read_file(g_pkg.state_dir, name, PROV_MAX, text, len);
}

void pkgsvc_policy_why(const char *repo, const char *name, char *out, size_t size)
{
    const char *pin = pkgsvc_policy_pin(name);
    char pinned[48] = "";
    if (pin)
        snprintf(pinned, sizeof pinned, "; pin %s %s", name, pin);
    for (uint32_t i = 0; i < g_nrules; i++) {
        const struct rule *r = &g_rules[i];
        if (r->kind == RULE_ALLOW && !strcmp(r->a, repo) && (!strcmp(r->b, name) || !strcmp(r->b, "*"))) {
            snprintf(out, size, "allow %s %s%s", r->a, r->b, pinned);
            return;
        }
    }
    snprintf(out, size, "%s%s", pkgsvc_policy_allows(repo, name)
             ? "no install rule names it: any repository added" : "no rule allows it now", pinned);
}
