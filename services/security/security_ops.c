/*
 * services/security/security_ops.c - the security service's requests
 * (proto/security.h): the launch check the root manager makes (by the image's hash, its
 * package and its publisher), the policy, the images seen, approvals, revocation and
 * the audit history. Every decision is appended to the
 * history (store.c) before it is answered.
 *
 * Rights: READ to look (policy, apps, pending, audit), MANAGE to decide (the launch
 * check is the root manager's; policy set, approve, deny and revoke the operator's).
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

#include "security.h"

struct secsvc g_sec;

static bool peer_has(struct sl_request *r, sos_rights_t need)
{
    struct sl_peer *p = r->client;
    return p && r->client != (void *)r->srv && (p->rights & need) == need;
}

static const char *peer_name(struct sl_request *r) { return ((struct sl_peer *)r->client)->name; }

/* The first 16 hex digits: enough to tell images apart in a line a person reads. */
static void short_hash(const uint8_t h[SEC_HASH_SIZE], char out[17])
{
    char hex[SEC_HASH_HEX + 1];
    sec_hash_format(h, hex);
    memcpy(out, hex, 16);
    out[16] = 0;
}

static struct sec_seen *seen_of(const uint8_t h[SEC_HASH_SIZE], const char *name,
                                const struct sec_origin *o)
{
    struct sec_seen *s = NULL;
    for (uint32_t i = 0; !s && i < g_sec.nseen; i++)
        if (!memcmp(g_sec.seen[i].hash, h, SEC_HASH_SIZE))
            s = &g_sec.seen[i];
    if (!s) {
        s = &g_sec.seen[g_sec.nseen < SEC_SEEN_MAX ? g_sec.nseen++ : SEC_SEEN_MAX - 1];
        memset(s, 0, sizeof(*s));
        memcpy(s->hash, h, SEC_HASH_SIZE);
        snprintf(s->name, sizeof(s->name), "%s", name);
    }
    if (o->package[0])
        s->origin = *o;
    return s;
}

/* A one-time approval for h, used up here. */
static bool take_once(const uint8_t h[SEC_HASH_SIZE])
{
    for (uint32_t i = 0; i < g_sec.nonce; i++)
        if (!memcmp(g_sec.once[i], h, SEC_HASH_SIZE)) {
            memmove(g_sec.once[i], g_sec.once[--g_sec.nonce], SEC_HASH_SIZE);
            return true;
        }
    return false;
}

/* The pending approval for h (one per image), made when missing; NULL when full. */
static struct sec_pending *pending_for(const uint8_t h[SEC_HASH_SIZE], const char *name,
                                       const char *path, bool *made)
{
    struct sec_pending *free_slot = NULL;
    *made = false;
    for (int i = 0; i < SEC_PENDING_MAX; i++) {
        struct sec_pending *p = &g_sec.pending[i];
        if (p->id && !memcmp(p->hash, h, SEC_HASH_SIZE))
            return p;
        if (!p->id && !free_slot)
            free_slot = p;
    }
    if (free_slot) {
        free_slot->id = ++g_sec.next_id;
        memcpy(free_slot->hash, h, SEC_HASH_SIZE);
        snprintf(free_slot->name, sizeof(free_slot->name), "%s", name);
        snprintf(free_slot->path, sizeof(free_slot->path), "%s", path);
        *made = true;
    }
    return free_slot;
}

static int parse_hash_name(struct sl_parse *p, uint8_t h[SEC_HASH_SIZE], const char **name)
{
    uint32_t hl;
    const char *hex = sl_parse_str(p, &hl);
    *name = sl_parse_str(p, NULL);
    return hex && *name && sec_hash_parse(hex, hl, h) == 0 ? 0 : SOS_ERR_INVALID_ARGS;
}

/* The package fields after the path (optional), or asked of the package service for an
 * image below its directory; 0, or why its package cannot be known. */
static int origin_of(struct sl_parse *p, const uint8_t h[SEC_HASH_SIZE], const char *path,
                     struct sec_origin *o)
{
    snprintf(o->package, sizeof(o->package), "%s", sl_parse_str_opt(p));
    snprintf(o->repo, sizeof(o->repo), "%s", sl_parse_str_opt(p));
    snprintf(o->keys, sizeof(o->keys), "%s", sl_parse_str_opt(p));
    if (o->package[0] || strncmp(path, PKG_STATE_PATH "/", sizeof(PKG_STATE_PATH)))
        return 0;
    return sec_trust_origin(h, o);
}

/* Whether any rule names a package or a publisher. */
static bool has_package_rules(void)
{
    for (uint32_t i = 0; i < g_sec.policy.n; i++)
        if (g_sec.policy.rules[i].kind != SEC_RULE_IMAGE)
            return true;
    return false;
}

/* The verdict for an image, and the rule that gave it as text ("" for the image's own
 * rule or the default) into rule[SEC_TARGET_MAX]. */
static uint32_t decide_launch(const uint8_t h[SEC_HASH_SIZE], const struct sec_origin *o,
                              int unknown, char *rule)
{
    struct sec_subject subj = {h, o->package, o->repo, o->keys};
    const struct sec_rule *why;
    rule[0] = 0;
    g_sec.policy.dflt = sec_default_verdict();
    uint32_t v = sec_policy_decide_subject(&g_sec.policy, &subj, &why);
    if (why && why->kind != SEC_RULE_IMAGE)
        sec_rule_target(why, rule, SEC_TARGET_MAX);
    if (unknown && (!why || why->kind != SEC_RULE_IMAGE) && has_package_rules()) {
        /* its package rules cannot be checked: fail closed, as the gate does */
        snprintf(rule, SEC_TARGET_MAX, "package unknown: the package service did not answer");
        return SEC_BLOCK;
    }
    return v;
}

static void record_launch(struct sec_seen *s, uint32_t v, bool once, const char *name,
                          const char *path, const char *sh, const char *rule)
{
    char by[SEC_TARGET_MAX + 8] = "";
    if (rule[0])
        snprintf(by, sizeof(by), " by %s", rule);
    s->verdict = once ? SEC_ALLOW : v;
    if (v == SEC_ALLOW || once) {
        s->launches++;
        sec_audit("launch allowed: %.40s (%.60s) sha256 %s%s%s", name, path, sh,
                  once ? " (approved once)" : "", by);
    } else {
        s->refusals++;
        if (v == SEC_BLOCK)
            sec_audit("launch blocked: %.40s (%.60s) sha256 %s%s", name, path, sh, by);
    }
}

static int do_check_launch(struct sl_request *r)
{
    if (!peer_has(r, SOS_RIGHT_MANAGE))
        return SOS_ERR_ACCESS_DENIED;
    struct sl_parse p;
    sl_parse_begin(&p, r->bytes, r->len, NULL, 0, NULL);
    uint8_t h[SEC_HASH_SIZE];
    const char *name, *path;
    int err = parse_hash_name(&p, h, &name);
    path = sl_parse_str(&p, NULL);
    static struct sec_origin o;
    int unknown = err || !path ? 0 : origin_of(&p, h, path, &o);
    if (err || !path || sl_parse_end(&p))
        return SOS_ERR_INVALID_ARGS;
    if (o.package[0] && strlen(name) == SEC_HASH_HEX)
        name = o.package; /* `run pkg`: the installed file is named by its hash */
    char rule[SEC_TARGET_MAX], sh[17];
    uint32_t v = decide_launch(h, &o, unknown, rule);
    bool once = v == SEC_ASK && take_once(h);
    uint64_t id = 0;
    short_hash(h, sh);
    record_launch(seen_of(h, name, &o), v, once, name, path, sh, rule);
    if (v == SEC_ASK && !once) {
        bool made;
        struct sec_pending *pe = pending_for(h, name, path, &made);
        id = pe ? pe->id : 0;
        if (made)
            sec_audit("approval %llu asked: launch of %.40s (%.60s) sha256 %s%s%s",
                      (unsigned long long)id, name, path, sh, rule[0] ? " by " : "", rule);
    }
    sl_msg_put_u32(r->reply, once ? SEC_ALLOW : v);
    sl_msg_put_u64(r->reply, id);
    sl_msg_put_str(r->reply, rule);
    return 0;
}

static int do_policy_list(struct sl_request *r)
{
    if (!peer_has(r, SOS_RIGHT_READ))
        return SOS_ERR_ACCESS_DENIED;
    if (r->len != sizeof(struct sos_msg_hdr))
        return SOS_ERR_INVALID_ARGS;
    sl_msg_put_u32(r->reply, sec_default_verdict());
    sl_msg_put_u32(r->reply, g_sec.policy.n);
    for (uint32_t i = 0; i < g_sec.policy.n; i++) {
        const struct sec_rule *rule = &g_sec.policy.rules[i];
        char t[SEC_TARGET_MAX];
        sec_rule_target(rule, t, sizeof(t));
        sl_msg_put_str(r->reply, t);
        sl_msg_put_u32(r->reply, rule->verdict);
        sl_msg_put_str(r->reply, rule->kind == SEC_RULE_IMAGE ? rule->name : "");
    }
    return 0;
}

/* Change the policy (a copy, saved first); on a failed save the table is as it was.
 * kind/h/key: the rule's target; v: its verdict, or SEC_VERDICT_COUNT to remove it. */
static int change_rule(uint32_t kind, const uint8_t h[SEC_HASH_SIZE], const char *key, uint32_t v)
{
    static struct sec_policy next;
    int err = sec_store_ready();
    if (err)
        return err;
    next = g_sec.policy;
    if (v == SEC_VERDICT_COUNT)
        err = sec_policy_remove(&next, kind, h, key) ? 0 : SOS_ERR_NOT_FOUND;
    else
        err = kind == SEC_RULE_IMAGE ? sec_policy_set(&next, h, v, key)
                                     : sec_policy_set_key(&next, kind, key, v);
    if (!err)
        err = sec_store_policy(&next);
    if (!err)
        g_sec.policy = next;
    return err;
}

static int set_rule(const uint8_t h[SEC_HASH_SIZE], uint32_t v, const char *name)
{
    return change_rule(SEC_RULE_IMAGE, h, name, v);
}

/* A target (hash, package:<name>, publisher:<id>) from the request, and its text for
 * the history into what[SEC_TARGET_MAX + 24]. */
static int parse_target(struct sl_parse *p, uint32_t *kind, uint8_t h[SEC_HASH_SIZE],
                        char key[SEC_NAME_MAX], char *what)
{
    const char *t = sl_parse_str(p, NULL);
    if (!t || sec_target_parse(t, kind, h, key))
        return SOS_ERR_INVALID_ARGS;
    char sh[17];
    short_hash(h, sh);
    if (*kind == SEC_RULE_IMAGE)
        snprintf(what, SEC_TARGET_MAX + 24, "sha256 %s", sh);
    else
        snprintf(what, SEC_TARGET_MAX + 24, "%s", t);
    return 0;
}

static int do_policy_set(struct sl_request *r)
{
    if (!peer_has(r, SOS_RIGHT_MANAGE))
        return SOS_ERR_ACCESS_DENIED;
    struct sl_parse p;
    sl_parse_begin(&p, r->bytes, r->len, NULL, 0, NULL);
    uint8_t h[SEC_HASH_SIZE];
    uint32_t kind;
    char key[SEC_NAME_MAX], what[SEC_TARGET_MAX + 24];
    int err = parse_target(&p, &kind, h, key, what);
    const char *name = sl_parse_str(&p, NULL);
    uint32_t v = sl_parse_u32(&p);
    if (err || !name || sl_parse_end(&p) || v >= SEC_VERDICT_COUNT)
        return SOS_ERR_INVALID_ARGS;
    err = change_rule(kind, h, kind == SEC_RULE_IMAGE ? name : key, v);
    if (err)
        return err;
    sec_audit("policy: %s set %s for %s%s%s", peer_name(r), sec_verdict_name(v),
              kind == SEC_RULE_IMAGE ? name : "", kind == SEC_RULE_IMAGE ? " " : "", what);
    return 0;
}

static int do_apps(struct sl_request *r)
{
    if (!peer_has(r, SOS_RIGHT_READ))
        return SOS_ERR_ACCESS_DENIED;
    if (r->len != sizeof(struct sos_msg_hdr))
        return SOS_ERR_INVALID_ARGS;
    g_sec.policy.dflt = sec_default_verdict();
    sl_msg_put_u32(r->reply, g_sec.nseen);
    for (uint32_t i = 0; i < g_sec.nseen; i++) {
        const struct sec_seen *s = &g_sec.seen[i];
        char hex[SEC_HASH_HEX + 1];
        const struct sec_origin *o = &s->origin;
        struct sec_subject subj = {s->hash, o->package, o->repo, o->keys};
        sec_hash_format(s->hash, hex);
        sl_msg_put_str(r->reply, hex);
        sl_msg_put_str(r->reply, s->name);
        sl_msg_put_str(r->reply, o->package);
        sl_msg_put_u32(r->reply, sec_policy_decide_subject(&g_sec.policy, &subj, NULL));
        sl_msg_put_u32(r->reply, s->launches);
        sl_msg_put_u32(r->reply, s->refusals);
    }
    sec_trust_apps(r->reply);
    return 0;
}

static int do_pending(struct sl_request *r)
{
    if (!peer_has(r, SOS_RIGHT_READ))
        return SOS_ERR_ACCESS_DENIED;
    if (r->len != sizeof(struct sos_msg_hdr))
        return SOS_ERR_INVALID_ARGS;
    uint32_t n = 0;
    for (int i = 0; i < SEC_PENDING_MAX; i++)
        n += g_sec.pending[i].id != 0;
    sl_msg_put_u32(r->reply, n);
    for (int i = 0; i < SEC_PENDING_MAX; i++) {
        struct sec_pending *pe = &g_sec.pending[i];
        if (!pe->id)
            continue;
        char hex[SEC_HASH_HEX + 1];
        sec_hash_format(pe->hash, hex);
        sl_msg_put_u64(r->reply, pe->id);
        sl_msg_put_str(r->reply, hex);
        sl_msg_put_str(r->reply, pe->name);
        sl_msg_put_str(r->reply, pe->path);
    }
    return 0;
}

static int decide(struct sec_pending *pe, bool approve, bool remember, const char *who)
{
    int err = 0;
    if (remember)
        err = set_rule(pe->hash, approve ? SEC_ALLOW : SEC_BLOCK, pe->name);
    else if (approve && g_sec.nonce < SEC_ONCE_MAX)
        memcpy(g_sec.once[g_sec.nonce++], pe->hash, SEC_HASH_SIZE);
    else if (approve)
        err = SOS_ERR_NO_RESOURCES;
    if (err)
        return err;
    char sh[17];
    short_hash(pe->hash, sh);
    sec_audit("approval %llu %s by %s%s: launch of %s sha256 %s", (unsigned long long)pe->id,
              approve ? "granted" : "denied", who, remember ? " (remembered)" : " (once)",
              pe->name, sh);
    memset(pe, 0, sizeof(*pe));
    return 0;
}

static int do_decide(struct sl_request *r)
{
    if (!peer_has(r, SOS_RIGHT_MANAGE))
        return SOS_ERR_ACCESS_DENIED;
    struct sl_parse p;
    sl_parse_begin(&p, r->bytes, r->len, NULL, 0, NULL);
    uint64_t id = sl_parse_u64(&p);
    uint32_t approve = sl_parse_u32(&p), remember = sl_parse_u32(&p);
    if (sl_parse_end(&p) || id == 0 || approve > 1 || remember > 1)
        return SOS_ERR_INVALID_ARGS;
    for (int i = 0; i < SEC_PENDING_MAX; i++)
        if (g_sec.pending[i].id == id)
            return decide(&g_sec.pending[i], approve, remember, peer_name(r));
    return sec_grant_decide(id, approve, remember, peer_name(r)); /* a capability */
}

static int do_revoke(struct sl_request *r)
{
    if (!peer_has(r, SOS_RIGHT_MANAGE))
        return SOS_ERR_ACCESS_DENIED;
    struct sl_parse p;
    sl_parse_begin(&p, r->bytes, r->len, NULL, 0, NULL);
    uint8_t h[SEC_HASH_SIZE];
    uint32_t kind;
    char key[SEC_NAME_MAX], what[SEC_TARGET_MAX + 24];
    if (parse_target(&p, &kind, h, key, what) || sl_parse_end(&p))
        return SOS_ERR_INVALID_ARGS;
    bool once = false;
    while (kind == SEC_RULE_IMAGE && take_once(h))
        once = true;
    int err = change_rule(kind, h, key, SEC_VERDICT_COUNT);
    if (err && (err != SOS_ERR_NOT_FOUND || !once))
        return err;
    sec_audit("revoked by %s: the %s for %s", peer_name(r), err ? "one-time approval" : "rule",
              what);
    return 0;
}

/* The last n lines of text into the reply. */
static void put_tail(struct sl_msg *m, const char *text, size_t len, uint32_t n)
{
    size_t at = len;
    uint32_t k = 0;
    while (at > 0 && k < n) {
        size_t end = at - 1; /* at the '\n' of the line */
        at = end;
        while (at > 0 && text[at - 1] != '\n')
            at--;
        k++;
    }
    sl_msg_put_u32(m, k);
    while (at < len) {
        const char *nl = memchr(text + at, '\n', len - at);
        size_t end = nl ? (size_t)(nl - text) : len;
        char line[SEC_CHAIN_LINE_MAX + 1];
        snprintf(line, sizeof(line), "%.*s", (int)(end - at), text + at);
        sl_msg_put_str(m, line);
        at = end + 1;
    }
}

static int do_audit(struct sl_request *r)
{
    if (!peer_has(r, SOS_RIGHT_READ))
        return SOS_ERR_ACCESS_DENIED;
    struct sl_parse p;
    sl_parse_begin(&p, r->bytes, r->len, NULL, 0, NULL);
    uint32_t n = sl_parse_u32(&p);
    if (sl_parse_end(&p) || n > SEC_AUDIT_MAX)
        return SOS_ERR_INVALID_ARGS;
    sec_kaudit_drain(); /* what the kernel saw since the last look, into the history first */
    char *text;
    size_t len;
    uint64_t head;
    int err = sec_store_read_log(&text, &len, &head);
    if (err)
        return err;
    struct sec_verify v;
    uint32_t problem = sec_chain_verify(text, len, &v, NULL);
    if (!problem && head > v.records) { /* whole records gone from the end */
        problem = SEC_AUDIT_CUT;
        v.expected = head;
        v.found = v.records;
    }
    sl_msg_put_u32(r->reply, problem);
    sl_msg_put_u64(r->reply, v.records);
    sl_msg_put_u32(r->reply, v.line);
    sl_msg_put_u64(r->reply, v.expected);
    sl_msg_put_u64(r->reply, v.found);
    put_tail(r->reply, text, len, n);
    free(text);
    return 0;
}

const struct sl_op g_sec_ops[12] = {
    {SEC_CHECK_LAUNCH, sizeof(struct sos_msg_hdr), do_check_launch},
    {SEC_POLICY_LIST, sizeof(struct sos_msg_hdr), do_policy_list},
    {SEC_POLICY_SET, sizeof(struct sos_msg_hdr), do_policy_set},
    {SEC_APPS, sizeof(struct sos_msg_hdr), do_apps},
    {SEC_PENDING, sizeof(struct sos_msg_hdr), do_pending},
    {SEC_DECIDE, sizeof(struct sos_msg_hdr), do_decide},
    {SEC_REVOKE, sizeof(struct sos_msg_hdr), do_revoke},
    {SEC_AUDIT, sizeof(struct sos_msg_hdr), do_audit},
    {SEC_REQUEST_CAP, sizeof(struct sos_msg_hdr), sec_do_request_cap},
    {SEC_REVOKE_GRANT, sizeof(struct sos_msg_hdr), sec_do_revoke_grant},
    {SEC_GRANTS, sizeof(struct sos_msg_hdr), sec_do_grants},
    {SEC_TRUST, sizeof(struct sos_msg_hdr), sec_do_trust},
};
