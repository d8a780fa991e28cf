/*
 * services/security/grants.c - runtime approvals of capabilities (proto/security.h,
 * SEC_REQUEST_CAP): a program asks for what its manifest did not grant, the operator
 * approves or denies (security approve|deny <id>), and a grant can be revoked.
 *
 * A grant is a handle minted under a revoker of the service's own (sos_handle_mint):
 * revoking the revoker (security revoke <id>) invalidates that handle and every handle
 * derived from it, in every process, at once; the holder's next use fails with
 * SOS_ERR_REVOKED. What can be lent (caps.c):
 *   log:write       the service's own connection to the log (its manifest's grant), so
 *                   records written through a grant carry the name "security"
 *   net:connect     its connection to the network service (read+write: names, TCP
 *                   connect, UDP), so sockets are opened in its name
 *   storage:<ns>    a directory handle on apps/<ns> of its own directory (made when
 *                   missing: /state/security/apps/<ns>), every right inside it
 * A socket or a file opened through a lent handle before the revocation is a new
 * channel of the network or storage service, not derived from the lent handle: it
 * outlives the revocation (the lent handle itself fails at once).
 *
 * The request's reply waits (a deferred reply) until the decision; a requester that
 * went away before it simply gets nothing. `security approve <id> remember` also keeps a
 * rule "<client> <capability> <image>" (state/security/grants; image: the SHA-256 of
 * the client's image, which the root manager tells with each connection): the later
 * requests for it of that client running that same image are granted at once, each
 * under a revoker of its own; another image (an update, a rebuild) asks again. A rule
 * of two words (kept before images were known) holds for the client whatever its image.
 * Revoking any grant the rule made forgets the rule (the operator no longer trusts it).
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

#define GRANTS_MAX 16

struct sec_grant {
    uint64_t id; /* 0: a free slot */
    char client[32];
    char image[SEC_HASH_HEX + 1]; /* the client's image, "" when not told */
    char what[CAP_NAME_MAX];
    uint32_t state; /* SEC_GRANT_* */
    struct sl_deferred reply;
    sos_handle_t revoker;
    sos_handle_t held; /* the handle the grant was minted from, when it is the grant's own */
};

static struct sec_grant g_grants[GRANTS_MAX];

#define RULES_FILE "grants"
#define RULES_MAX 16

struct sec_cap_rule {
    char client[32];
    char what[CAP_NAME_MAX];
    char image[SEC_HASH_HEX + 1]; /* "" : any image of that client */
};

static struct sec_cap_rule g_rules[RULES_MAX];
static uint32_t g_nrules;
static bool g_rules_loaded;

/* "<client> <what> [<image>]" into r; false when the line is not one. */
static bool rule_parse(const char *line, struct sec_cap_rule *r)
{
    const char *sp = strchr(line, ' '), *sp2 = sp ? strchr(sp + 1, ' ') : NULL;
    size_t wl = sp ? (sp2 ? (size_t)(sp2 - sp - 1) : strlen(sp + 1)) : 0;
    if (!sp || sp == line || (size_t)(sp - line) >= sizeof(r->client) || wl == 0 ||
        wl >= sizeof(r->what) || (sp2 && (strlen(sp2 + 1) != SEC_HASH_HEX || strchr(sp2 + 1, ' '))))
        return false;
    memset(r, 0, sizeof(*r));
    snprintf(r->client, sizeof(r->client), "%.*s", (int)(sp - line), line);
    snprintf(r->what, sizeof(r->what), "%.*s", (int)wl, sp + 1);
    if (sp2)
        snprintf(r->image, sizeof(r->image), "%s", sp2 + 1);
    return true;
}

/* The remembered rules, read once storage can be reached ("<client> <what> [<image>]"). */
static void rules_load(void)
{
    char *text;
    size_t len;
    if (g_rules_loaded)
        return;
    int err = sec_store_get(RULES_FILE, &text, &len);
    if (err && err != SOS_ERR_NOT_FOUND)
        return; /* storage away: try again at the next request */
    g_rules_loaded = true;
    for (char *line = err ? NULL : text; line && *line && g_nrules < RULES_MAX;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = 0;
        if (rule_parse(line, &g_rules[g_nrules]))
            g_nrules++;
        line = nl ? nl + 1 : NULL;
    }
    if (!err)
        free(text);
}

static int rules_save(void)
{
    char text[RULES_MAX * (32 + CAP_NAME_MAX + SEC_HASH_HEX + 3)];
    size_t n = 0;
    for (uint32_t i = 0; i < g_nrules; i++)
        n += (size_t)snprintf(text + n, sizeof(text) - n, "%s %s%s%s\n", g_rules[i].client,
                              g_rules[i].what, g_rules[i].image[0] ? " " : "", g_rules[i].image);
    return sec_store_put(RULES_FILE, text, n);
}

/* The rule for grant g's client, capability and image (a rule without an image: any). */
static int rule_find(const struct sec_grant *g)
{
    for (uint32_t i = 0; i < g_nrules; i++)
        if (!strcmp(g_rules[i].client, g->client) && !strcmp(g_rules[i].what, g->what) &&
            (!g_rules[i].image[0] || !strcmp(g_rules[i].image, g->image)))
            return (int)i;
    return -1;
}

/* Keep a rule for g (saved before it counts); 0 or why not. */
static int rule_add(const struct sec_grant *g)
{
    if (rule_find(g) >= 0)
        return 0;
    if (!g_rules_loaded || g_nrules == RULES_MAX)
        return g_rules_loaded ? SOS_ERR_NO_RESOURCES : SOS_ERR_BAD_STATE;
    struct sec_cap_rule *r = &g_rules[g_nrules++];
    snprintf(r->client, sizeof(r->client), "%s", g->client);
    snprintf(r->what, sizeof(r->what), "%s", g->what);
    snprintf(r->image, sizeof(r->image), "%s", g->image);
    int err = rules_save();
    if (err)
        g_nrules--;
    return err;
}

static bool rule_forget(const struct sec_grant *g)
{
    int i = rule_find(g);
    if (i < 0)
        return false;
    g_rules[i] = g_rules[--g_nrules];
    rules_save();
    return true;
}

void sec_grants_init(void) { sec_caps_init(); }

static struct sec_grant *grant_by_id(uint64_t id)
{
    for (int i = 0; i < GRANTS_MAX; i++)
        if (g_grants[i].id == id)
            return &g_grants[i];
    return NULL;
}

/* A slot for a new request: a free one, else the oldest revoked one. */
static struct sec_grant *grant_slot(void)
{
    struct sec_grant *old = NULL;
    for (int i = 0; i < GRANTS_MAX; i++) {
        if (!g_grants[i].id)
            return &g_grants[i];
        if (g_grants[i].state == SEC_GRANT_REVOKED && (!old || g_grants[i].id < old->id))
            old = &g_grants[i];
    }
    return old;
}

static int grant_now(struct sec_grant *g, const char *by);

int sec_do_request_cap(struct sl_request *r)
{
    struct sl_peer *peer = r->client;
    if (!peer || r->client == (void *)r->srv || !(peer->rights & SOS_RIGHT_WRITE))
        return SOS_ERR_ACCESS_DENIED;
    struct sl_parse p;
    sl_parse_begin(&p, r->bytes, r->len, NULL, 0, NULL);
    const char *what = sl_parse_str(&p, NULL);
    if (sl_parse_end(&p) || !what)
        return SOS_ERR_INVALID_ARGS;
    if (!sec_cap_known(what))
        return SOS_ERR_NOT_SUPPORTED;
    struct sec_grant *g = grant_slot();
    if (!g)
        return SOS_ERR_NO_RESOURCES;
    memset(g, 0, sizeof(*g));
    g->id = ++g_sec.next_id;
    snprintf(g->client, sizeof(g->client), "%s", peer->name);
    snprintf(g->what, sizeof(g->what), "%s", what);
    snprintf(g->image, sizeof(g->image), "%s", peer->image);
    sl_request_defer(r, &g->reply);
    rules_load();
    if (rule_find(g) >= 0 && grant_now(g, "a remembered rule") == 0)
        return SL_DEFER; /* answered already */
    sec_audit("approval %llu asked: %s wants %s", (unsigned long long)g->id, g->client, what);
    /* the operator's prompt, until the desktop has one */
    printf("security: %s asks for %s: security approve %llu, or security deny %llu\n",
           g->client, what, (unsigned long long)g->id, (unsigned long long)g->id);
    return SL_DEFER;
}

/* The handle to lend: what the capability names, minted under a new revoker. */
static int mint(struct sec_grant *g, sos_handle_t *out)
{
    sos_handle_t from = 0;
    int err = sec_cap_source(g->what, &from, &g->held);
    if (!err)
        err = (int)sos_revoker_create(&g->revoker);
    if (!err) {
        /* the handle's own rights (a connection: send, receive, wait, transfer,
         * duplicate): what the holder derives from it joins the revoker's list too */
        err = (int)sos_handle_mint(from, g->revoker, SOS_RIGHT_SAME_RIGHTS, out);
        if (err) {
            sos_handle_close(g->revoker);
            g->revoker = 0;
        }
    }
    if (err && g->held) {
        sos_handle_close(g->held);
        g->held = 0;
    }
    return err;
}

/* Mint and answer the waiting request: 0, or the minting error (nothing sent). */
static int grant_now(struct sec_grant *g, const char *by)
{
    sos_handle_t h = 0;
    int err = mint(g, &h);
    if (err)
        return err;
    /* the handle moves to the requester with the reply; if it has gone, the write fails,
     * nothing moved, and the handle is closed here */
    if (sl_reply_deferred(&g->reply, 0, NULL, 0, &h, 1))
        sos_handle_close(h);
    g->state = SEC_GRANT_GRANTED;
    sec_audit("approval %llu granted by %s: %s for %s", (unsigned long long)g->id, by, g->what,
              g->client);
    return 0;
}

int sec_grant_decide(uint64_t id, bool approve, bool remember, const char *who)
{
    struct sec_grant *g = grant_by_id(id);
    if (!g || g->state != SEC_GRANT_WAITING)
        return SOS_ERR_NOT_FOUND;
    if (!approve) {
        sl_reply_deferred(&g->reply, SOS_ERR_ACCESS_DENIED, NULL, 0, NULL, 0);
        sec_audit("approval %llu denied by %s: %s for %s", (unsigned long long)id, who, g->what,
                  g->client);
        memset(g, 0, sizeof(*g));
        return 0;
    }
    rules_load();
    int err = remember ? rule_add(g) : 0;
    if (!err)
        err = grant_now(g, who);
    char img[40] = "";
    if (g->image[0])
        snprintf(img, sizeof(img), " (image sha256 %.16s)", g->image);
    if (!err && remember)
        sec_audit("rule kept: %s may have %s without asking%s", g->client, g->what, img);
    return err;
}

int sec_do_revoke_grant(struct sl_request *r)
{
    struct sl_peer *peer = r->client;
    if (!peer || r->client == (void *)r->srv || !(peer->rights & SOS_RIGHT_MANAGE))
        return SOS_ERR_ACCESS_DENIED;
    struct sl_parse p;
    sl_parse_begin(&p, r->bytes, r->len, NULL, 0, NULL);
    uint64_t id = sl_parse_u64(&p);
    if (sl_parse_end(&p) || id == 0)
        return SOS_ERR_INVALID_ARGS;
    struct sec_grant *g = grant_by_id(id);
    if (!g || g->state != SEC_GRANT_GRANTED)
        return SOS_ERR_NOT_FOUND;
    int err = (int)sos_revoker_revoke(g->revoker);
    if (err)
        return err;
    sos_handle_close(g->revoker);
    g->revoker = 0;
    if (g->held) /* the grant's own directory: nothing else uses it */
        sos_handle_close(g->held);
    g->held = 0;
    g->state = SEC_GRANT_REVOKED;
    bool forgot = rule_forget(g);
    sec_audit("revoked by %s: grant %llu (%s for %s)%s", peer->name, (unsigned long long)id,
              g->what, g->client, forgot ? "; its rule forgotten" : "");
    sec_kaudit_drain(); /* the kernel's own record of it */
    return 0;
}

int sec_do_grants(struct sl_request *r)
{
    struct sl_peer *peer = r->client;
    if (!peer || r->client == (void *)r->srv || !(peer->rights & SOS_RIGHT_READ))
        return SOS_ERR_ACCESS_DENIED;
    if (r->len != sizeof(struct sos_msg_hdr))
        return SOS_ERR_INVALID_ARGS;
    uint32_t n = 0;
    for (int i = 0; i < GRANTS_MAX; i++)
        n += g_grants[i].id != 0;
    sl_msg_put_u32(r->reply, n);
    for (int i = 0; i < GRANTS_MAX; i++) {
        if (!g_grants[i].id)
            continue;
        sl_msg_put_u64(r->reply, g_grants[i].id);
        sl_msg_put_str(r->reply, g_grants[i].client);
        sl_msg_put_str(r->reply, g_grants[i].what);
        sl_msg_put_u32(r->reply, g_grants[i].state);
    }
    return 0;
}
