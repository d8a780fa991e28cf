/*
 * services/security/security_ops.c - the security service's requests
 * (proto/security.h): the launch check the root manager makes, the policy, the images
 * seen, approvals, revocation and the audit history. Every decision is appended to the
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

static struct sec_seen *seen_of(const uint8_t h[SEC_HASH_SIZE], const char *name)
{
    for (uint32_t i = 0; i < g_sec.nseen; i++)
        if (!memcmp(g_sec.seen[i].hash, h, SEC_HASH_SIZE))
            return &g_sec.seen[i];
    struct sec_seen *s = &g_sec.seen[g_sec.nseen < SEC_SEEN_MAX ? g_sec.nseen++ : SEC_SEEN_MAX - 1];
    memset(s, 0, sizeof(*s));
    memcpy(s->hash, h, SEC_HASH_SIZE);
    snprintf(s->name, sizeof(s->name), "%s", name);
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
    if (err || !path || sl_parse_end(&p))
        return SOS_ERR_INVALID_ARGS;
    g_sec.policy.dflt = sec_default_verdict();
    uint32_t v = sec_policy_decide(&g_sec.policy, h, false);
    bool once = v == SEC_ASK && take_once(h);
    uint64_t id = 0;
    char sh[17];
    short_hash(h, sh);
    struct sec_seen *s = seen_of(h, name);
    s->verdict = once ? SEC_ALLOW : v;
    if (v == SEC_ALLOW || once) {
        s->launches++;
        sec_audit("launch allowed: %.40s (%.60s) sha256 %s%s", name, path, sh,
                  once ? " (approved once)" : "");
    } else if (v == SEC_BLOCK) {
        s->refusals++;
        sec_audit("launch blocked: %.40s (%.60s) sha256 %s", name, path, sh);
    } else {
        s->refusals++;
        bool made;
        struct sec_pending *pe = pending_for(h, name, path, &made);
        id = pe ? pe->id : 0;
        if (made)
            sec_audit("approval %llu asked: launch of %.40s (%.60s) sha256 %s",
                      (unsigned long long)id, name, path, sh);
    }
    sl_msg_put_u32(r->reply, once ? SEC_ALLOW : v);
    sl_msg_put_u64(r->reply, id);
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
        char hex[SEC_HASH_HEX + 1];
        sec_hash_format(g_sec.policy.rules[i].hash, hex);
        sl_msg_put_str(r->reply, hex);
        sl_msg_put_u32(r->reply, g_sec.policy.rules[i].verdict);
        sl_msg_put_str(r->reply, g_sec.policy.rules[i].name);
    }
    return 0;
}

/* Set a rule and save the table; on a failed save the table is as it was. */
static int set_rule(const uint8_t h[SEC_HASH_SIZE], uint32_t v, const char *name)
{
    static struct sec_policy next;
    int err = sec_store_ready();
    if (err)
        return err;
    next = g_sec.policy;
    err = sec_policy_set(&next, h, v, name);
    if (!err)
        err = sec_store_policy(&next);
    if (!err)
        g_sec.policy = next;
    return err;
}

static int do_policy_set(struct sl_request *r)
{
    if (!peer_has(r, SOS_RIGHT_MANAGE))
        return SOS_ERR_ACCESS_DENIED;
    struct sl_parse p;
    sl_parse_begin(&p, r->bytes, r->len, NULL, 0, NULL);
    uint8_t h[SEC_HASH_SIZE];
    const char *name;
    int err = parse_hash_name(&p, h, &name);
    uint32_t v = sl_parse_u32(&p);
    if (err || sl_parse_end(&p) || v >= SEC_VERDICT_COUNT)
        return SOS_ERR_INVALID_ARGS;
    err = set_rule(h, v, name);
    if (err)
        return err;
    char sh[17];
    short_hash(h, sh);
    sec_audit("policy: %s set %s for %s sha256 %s", peer_name(r), sec_verdict_name(v), name, sh);
    return 0;
}

static int do_apps(struct sl_request *r)
{
    if (!peer_has(r, SOS_RIGHT_READ))
        return SOS_ERR_ACCESS_DENIED;
    if (r->len != sizeof(struct sos_msg_hdr))
        return SOS_ERR_INVALID_ARGS;
    sl_msg_put_u32(r->reply, g_sec.nseen);
    for (uint32_t i = 0; i < g_sec.nseen; i++) {
        char hex[SEC_HASH_HEX + 1];
        sec_hash_format(g_sec.seen[i].hash, hex);
        sl_msg_put_str(r->reply, hex);
        sl_msg_put_str(r->reply, g_sec.seen[i].name);
        sl_msg_put_u32(r->reply, sec_policy_decide(&g_sec.policy, g_sec.seen[i].hash, false));
        sl_msg_put_u32(r->reply, g_sec.seen[i].launches);
        sl_msg_put_u32(r->reply, g_sec.seen[i].refusals);
    }
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
    uint32_t hl;
    const char *hex = sl_parse_str(&p, &hl);
    uint8_t h[SEC_HASH_SIZE];
    if (!hex || sl_parse_end(&p) || sec_hash_parse(hex, hl, h))
        return SOS_ERR_INVALID_ARGS;
    bool once = false;
    while (take_once(h))
        once = true;
    static struct sec_policy next;
    int err = sec_store_ready();
    if (err)
        return err;
    next = g_sec.policy;
    bool rule = false;
    for (uint32_t i = 0; i < next.n; i++)
        if (!memcmp(next.rules[i].hash, h, SEC_HASH_SIZE)) {
            next.rules[i] = next.rules[--next.n];
            rule = true;
            break;
        }
    if (!rule && !once)
        return SOS_ERR_NOT_FOUND;
    err = rule ? sec_store_policy(&next) : 0;
    if (err)
        return err;
    g_sec.policy = next;
    char sh[17];
    short_hash(h, sh);
    sec_audit("revoked by %s: the %s for sha256 %s", peer_name(r),
              rule ? "rule" : "one-time approval", sh);
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

const struct sl_op g_sec_ops[11] = {
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
};
