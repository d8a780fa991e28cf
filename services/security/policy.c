/*
 * services/security/policy.c - the launch policy table (policy.h): matching by content
 * hash, package name and publisher, the verdict rule, and the text form kept in storage.
 *
 * Layer: services (security), pure logic.
 */
#include "policy.h"

#include <sos/errors.h>

#include <stdio.h>
#include <string.h>

#include "hash/hex.h"

static const char *const g_verdicts[SEC_VERDICT_COUNT] = {"allow", "block", "ask"};

const char *sec_verdict_name(uint32_t v) { return v < SEC_VERDICT_COUNT ? g_verdicts[v] : "?"; }

int sec_verdict_parse(const char *s, uint32_t *v)
{
    for (uint32_t i = 0; i < SEC_VERDICT_COUNT; i++)
        if (!strcmp(s, g_verdicts[i])) {
            *v = i;
            return 0;
        }
    return SOS_ERR_INVALID_ARGS;
}

int sec_hash_parse(const char *hex, size_t len, uint8_t out[SEC_HASH_SIZE])
{
    return hex_decode(hex, len, out, SEC_HASH_SIZE) ? SOS_ERR_INVALID_ARGS : 0;
}

void sec_hash_format(const uint8_t h[SEC_HASH_SIZE], char out[SEC_HASH_HEX + 1])
{
    hex_encode(h, SEC_HASH_SIZE, out);
}

void sec_policy_init(struct sec_policy *p, uint32_t dflt)
{
    memset(p, 0, sizeof(*p));
    p->dflt = dflt < SEC_VERDICT_COUNT ? dflt : SEC_ASK;
}

const struct sec_rule *sec_policy_find(const struct sec_policy *p,
                                       const uint8_t hash[SEC_HASH_SIZE])
{
    for (uint32_t i = 0; i < p->n; i++)
        if (p->rules[i].kind == SEC_RULE_IMAGE && !memcmp(p->rules[i].hash, hash, SEC_HASH_SIZE))
            return &p->rules[i];
    return NULL;
}

const struct sec_rule *sec_policy_find_key(const struct sec_policy *p, uint32_t kind,
                                           const char *key)
{
    for (uint32_t i = 0; key && key[0] && i < p->n; i++)
        if (p->rules[i].kind == kind && kind != SEC_RULE_IMAGE && !strcmp(p->rules[i].name, key))
            return &p->rules[i];
    return NULL;
}

uint32_t sec_policy_decide(const struct sec_policy *p, const uint8_t hash[SEC_HASH_SIZE],
                           bool boot_store)
{
    if (boot_store)
        return SEC_ALLOW;
    const struct sec_rule *r = sec_policy_find(p, hash);
    return r ? r->verdict : p->dflt;
}

/* How strict a verdict is: block over ask over allow. */
static int strictness(uint32_t v) { return v == SEC_BLOCK ? 2 : v == SEC_ASK ? 1 : 0; }

/* The strictest publisher rule matching the repository or one of the key ids. */
static const struct sec_rule *publisher_rule(const struct sec_policy *p, const char *repo,
                                             const char *keys)
{
    const struct sec_rule *best = sec_policy_find_key(p, SEC_RULE_PUBLISHER, repo);
    for (const char *k = keys; k && *k;) {
        const char *end = strchr(k, ',');
        size_t n = end ? (size_t)(end - k) : strlen(k);
        char id[SEC_NAME_MAX];
        if (n > 0 && n < sizeof(id)) {
            memcpy(id, k, n);
            id[n] = 0;
            const struct sec_rule *r = sec_policy_find_key(p, SEC_RULE_PUBLISHER, id);
            if (r && (!best || strictness(r->verdict) > strictness(best->verdict)))
                best = r;
        }
        k = end ? end + 1 : k + n;
    }
    return best;
}

uint32_t sec_policy_decide_subject(const struct sec_policy *p, const struct sec_subject *s,
                                   const struct sec_rule **why)
{
    const struct sec_rule *r = sec_policy_find(p, s->hash);
    if (!r)
        r = sec_policy_find_key(p, SEC_RULE_PACKAGE, s->package);
    if (!r && s->package && s->package[0])
        r = publisher_rule(p, s->repo, s->keys);
    if (why)
        *why = r;
    return r ? r->verdict : p->dflt;
}

static bool name_ok(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n >= SEC_NAME_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if (name[i] <= ' ' || name[i] > '~')
            return false;
    return true;
}

int sec_policy_set(struct sec_policy *p, const uint8_t hash[SEC_HASH_SIZE], uint32_t verdict,
                   const char *name)
{
    if (verdict >= SEC_VERDICT_COUNT || !name_ok(name))
        return SOS_ERR_INVALID_ARGS;
    struct sec_rule *r = (struct sec_rule *)sec_policy_find(p, hash);
    if (!r) {
        if (p->n == SEC_POLICY_MAX)
            return SOS_ERR_NO_RESOURCES;
        r = &p->rules[p->n++];
        memset(r, 0, sizeof(*r));
        memcpy(r->hash, hash, SEC_HASH_SIZE);
    }
    r->verdict = verdict;
    snprintf(r->name, sizeof(r->name), "%s", name);
    return 0;
}

int sec_policy_set_key(struct sec_policy *p, uint32_t kind, const char *key, uint32_t verdict)
{
    if (verdict >= SEC_VERDICT_COUNT || (kind != SEC_RULE_PACKAGE && kind != SEC_RULE_PUBLISHER) ||
        !name_ok(key) || strchr(key, ','))
        return SOS_ERR_INVALID_ARGS;
    struct sec_rule *r = (struct sec_rule *)sec_policy_find_key(p, kind, key);
    if (!r) {
        if (p->n == SEC_POLICY_MAX)
            return SOS_ERR_NO_RESOURCES;
        r = &p->rules[p->n++];
        memset(r, 0, sizeof(*r));
        r->kind = kind;
        snprintf(r->name, sizeof(r->name), "%s", key);
    }
    r->verdict = verdict;
    return 0;
}

bool sec_policy_remove(struct sec_policy *p, uint32_t kind, const uint8_t hash[SEC_HASH_SIZE],
                       const char *key)
{
    const struct sec_rule *r = kind == SEC_RULE_IMAGE ? sec_policy_find(p, hash)
                                                      : sec_policy_find_key(p, kind, key);
    if (!r)
        return false;
    p->rules[r - p->rules] = p->rules[--p->n];
    return true;
}

static const char *const g_kinds[] = {"", "package", "publisher"};

void sec_rule_target(const struct sec_rule *r, char *out, size_t cap)
{
    char hex[SEC_HASH_HEX + 1];
    if (r->kind == SEC_RULE_IMAGE) {
        sec_hash_format(r->hash, hex);
        snprintf(out, cap, "%s", hex);
    } else {
        snprintf(out, cap, "%s:%s", g_kinds[r->kind < 3 ? r->kind : 0], r->name);
    }
}

int sec_target_parse(const char *s, uint32_t *kind, uint8_t hash[SEC_HASH_SIZE], char *key)
{
    for (uint32_t k = SEC_RULE_PACKAGE; k <= SEC_RULE_PUBLISHER; k++) {
        size_t n = strlen(g_kinds[k]);
        if (!strncmp(s, g_kinds[k], n) && s[n] == ':') {
            if (!name_ok(s + n + 1) || strchr(s + n + 1, ','))
                return SOS_ERR_INVALID_ARGS;
            *kind = k;
            snprintf(key, SEC_NAME_MAX, "%s", s + n + 1);
            return 0;
        }
    }
    *kind = SEC_RULE_IMAGE;
    return sec_hash_parse(s, strlen(s), hash);
}

size_t sec_policy_format(const struct sec_policy *p, char *out, size_t cap)
{
    size_t n = 0;
    for (uint32_t i = 0; i < p->n; i++) {
        const struct sec_rule *r = &p->rules[i];
        char hex[SEC_HASH_HEX + 1];
        sec_hash_format(r->hash, hex);
        int k = snprintf(n < cap ? out + n : NULL, n < cap ? cap - n : 0, "%s %s %s\n",
                         sec_verdict_name(r->verdict),
                         r->kind == SEC_RULE_IMAGE ? hex : g_kinds[r->kind < 3 ? r->kind : 0],
                         r->name);
        n += (size_t)k;
    }
    if (cap > 0 && p->n == 0)
        out[0] = 0;
    return n;
}

/* One line "<verdict> <hash> <name>", "<verdict> package <name>" or "<verdict> publisher
 * <id>" (no line end) into t; a rule given twice is refused. */
static int parse_line(struct sec_policy *t, const char *s, size_t len)
{
    char line[16 + SEC_HASH_HEX + SEC_NAME_MAX];
    if (len >= sizeof(line))
        return SOS_ERR_INVALID_ARGS;
    memcpy(line, s, len);
    line[len] = 0;
    char *sp1 = strchr(line, ' ');
    char *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
    if (!sp2)
        return SOS_ERR_INVALID_ARGS;
    *sp1 = *sp2 = 0;
    uint32_t v;
    uint8_t h[SEC_HASH_SIZE];
    if (sec_verdict_parse(line, &v))
        return SOS_ERR_INVALID_ARGS;
    for (uint32_t k = SEC_RULE_PACKAGE; k <= SEC_RULE_PUBLISHER; k++)
        if (!strcmp(sp1 + 1, g_kinds[k]))
            return sec_policy_find_key(t, k, sp2 + 1) ? SOS_ERR_INVALID_ARGS
                                                      : sec_policy_set_key(t, k, sp2 + 1, v);
    if (sec_hash_parse(sp1 + 1, strlen(sp1 + 1), h) || sec_policy_find(t, h))
        return SOS_ERR_INVALID_ARGS;
    return sec_policy_set(t, h, v, sp2 + 1);
}

int sec_policy_parse(struct sec_policy *p, const char *text, size_t len, unsigned *line)
{
    static struct sec_policy t; /* too large for a service's stack frame budget */
    sec_policy_init(&t, p->dflt);
    unsigned no = 0;
    for (size_t at = 0; at < len;) {
        const char *nl = memchr(text + at, '\n', len - at);
        size_t end = nl ? (size_t)(nl - text) : len;
        no++;
        int err = parse_line(&t, text + at, end - at);
        if (err) {
            if (line)
                *line = no;
            return err;
        }
        at = end + 1;
    }
    *p = t;
    return 0;
}
