/*
 * services/config/config_ops.c - the config service's requests (proto/config.h).
 *
 * Typed keys in a sorted store (store.c), loaded at start from the boot store's
 * config/defaults.conf (startup handle "defaults.conf", a VMO the root manager extracts
 * from the bundle); get, set, list and watch. Changes are logged with who made them.
 *
 * Every key set at run time is also kept in g_cfg.saved, which config.c writes to
 * storage (config/config/saved.conf) after each change and reads back over the defaults
 * at start (docs/services.md).
 *
 * Layer: services (config).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sl/service.h>
#include <sl/sl.h>

#include <proto/config.h>
#include <proto/log.h>

#include "config_ops.h"

#define REPLY_BUDGET (SOS_CHANNEL_MAX_BYTES - sizeof(struct sos_msg_hdr) - 64)

struct configsvc g_cfg;

void cfg_log(uint32_t severity, const char *fmt, ...)
{
    char text[LOG_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    uint8_t buf[LOG_MESSAGE_MAX + 64], rbuf[64];
    struct sl_msg req, rep;
    sl_msg_begin(&req, buf, sizeof(buf), NULL, 0, LOG_WRITE);
    sl_msg_put_u32(&req, severity);
    sl_msg_put_str(&req, text);
    sl_msg_begin(&rep, rbuf, sizeof(rbuf), NULL, 0, LOG_WRITE);
    if (sl_conn_to_call(&g_cfg.log, &req, &rep, sos_deadline_after(SOS_MS(1000))) &&
        severity >= LOG_WARNING)
        printf("config: %s\n", text); /* the log is away: at least the console sees it */
}

static struct sl_peer *peer_with(struct sl_request *r, sos_rights_t need)
{
    struct sl_peer *p = r->client;
    if (!p || r->client == (void *)r->srv || (p->rights & need) != need)
        return NULL;
    return p;
}

/* ---- watchers */

static void notify(const char *key, const char *value)
{
    uint8_t buf[sizeof(struct sos_msg_hdr) + CONFIG_KEY_MAX + CONFIG_VALUE_MAX + 16];
    struct sl_msg m;
    sl_msg_begin(&m, buf, sizeof(buf), NULL, 0, CONFIG_CHANGED);
    sl_msg_put_str(&m, key);
    sl_msg_put_str(&m, value);
    if (sl_msg_finish(&m))
        return;
    for (int i = 0; i < MAX_WATCHERS; i++) {
        struct watcher *w = &g_cfg.watchers[i];
        if (!w->ch || !cfg_prefix_match(w->prefix, key))
            continue;
        int err = sl_msg_send(w->ch, &m);
        if (err && err != SOS_ERR_QUEUE_FULL && err != SOS_ERR_SHOULD_WAIT) {
            sos_handle_close(w->ch); /* the watcher went away */
            w->ch = 0;
        }
    }
}

static struct watcher *watcher_slot(void)
{
    for (int i = 0; i < MAX_WATCHERS; i++)
        if (!g_cfg.watchers[i].ch)
            return &g_cfg.watchers[i];
    for (int i = 0; i < MAX_WATCHERS; i++) {
        sos_signals_t seen = 0;
        sos_object_wait_one(g_cfg.watchers[i].ch, SOS_SIG_PEER_CLOSED, 0, &seen);
        if (seen & SOS_SIG_PEER_CLOSED) {
            sos_handle_close(g_cfg.watchers[i].ch);
            g_cfg.watchers[i].ch = 0;
            return &g_cfg.watchers[i];
        }
    }
    return NULL;
}

/* "" or a key, optionally followed by one '.'. */
static bool prefix_ok(const char *prefix)
{
    char tmp[CONFIG_KEY_MAX];
    size_t n = strlen(prefix);
    if (n == 0)
        return true;
    if (n >= sizeof(tmp))
        return false;
    memcpy(tmp, prefix, n + 1);
    if (tmp[n - 1] == '.')
        tmp[n - 1] = 0;
    return cfg_key_check(tmp) == 0;
}

/* ---- requests */

int cfg_do_get(struct sl_request *r)
{
    if (!peer_with(r, SOS_RIGHT_READ))
        return SOS_ERR_ACCESS_DENIED;
    struct sl_parse p;
    sl_parse_begin(&p, r->bytes, r->len, NULL, 0, NULL);
    const char *key = sl_parse_str(&p, NULL);
    if (sl_parse_end(&p) || !key || cfg_key_check(key))
        return SOS_ERR_INVALID_ARGS;
    const struct cfg_entry *e = cfg_store_get(&g_cfg.store, key);
    if (!e)
        return SOS_ERR_NOT_FOUND;
    sl_msg_put_u32(r->reply, e->type);
    sl_msg_put_str(r->reply, e->value);
    return 0;
}

/* A refused set: SOS_ERR_INVALID_ARGS with the reason as text in the reply, so a
 * client (the settings app, the shell) can show the config service's own words. */
static int refuse(struct sl_request *r, const char *key, const char *value)
{
    char why[CONFIG_KEY_MAX + 96];
    const struct cfg_entry *e = cfg_key_check(key) ? NULL : cfg_store_get(&g_cfg.store, key);
    if (!e)
        snprintf(why, sizeof(why), "'%.*s' is not a key (dot-separated a-z, 0-9, '_', '-')", 64, key);
    else
        snprintf(why, sizeof(why), "%s is %s %s: '%.*s' does not fit", e->key, e->type == CONFIG_INT ? "an" : "a",
                 cfg_type_name(e->type), 40, value);
    sl_msg_put_str(r->reply, why);
    return SOS_ERR_INVALID_ARGS;
}

int cfg_do_set(struct sl_request *r)
{
    struct sl_peer *peer = peer_with(r, SOS_RIGHT_WRITE);
    if (!peer)
        return SOS_ERR_ACCESS_DENIED;
    struct sl_parse p;
    sl_parse_begin(&p, r->bytes, r->len, NULL, 0, NULL);
    const char *key = sl_parse_str(&p, NULL);
    const char *value = sl_parse_str(&p, NULL);
    if (sl_parse_end(&p) || !key || !value)
        return SOS_ERR_INVALID_ARGS;
    bool changed;
    int err = cfg_store_set(&g_cfg.store, key, 0, value, &changed);
    if (err == SOS_ERR_INVALID_ARGS)
        return refuse(r, key, value);
    if (err || !changed)
        return err;
    const struct cfg_entry *e = cfg_store_get(&g_cfg.store, key);
    cfg_log(LOG_INFO, "%s set %s = %s", peer->name, e->key, e->value);
    if (cfg_store_set(&g_cfg.saved, e->key, e->type, e->value, NULL) == 0 && g_cfg.save)
        g_cfg.save();
    notify(e->key, e->value);
    return 0;
}

int cfg_do_list(struct sl_request *r)
{
    if (!peer_with(r, SOS_RIGHT_READ))
        return SOS_ERR_ACCESS_DENIED;
    struct sl_parse p;
    sl_parse_begin(&p, r->bytes, r->len, NULL, 0, NULL);
    uint32_t plen = 0;
    const char *prefix = sl_parse_str(&p, &plen);
    if (sl_parse_end(&p) || !prefix || !prefix_ok(prefix))
        return SOS_ERR_INVALID_ARGS;
    uint32_t at = r->reply->len, n = 0;
    sl_msg_put_u32(r->reply, 0); /* the count, filled in below */
    size_t used = 4;
    const struct cfg_store *s = &g_cfg.store;
    /* every key that starts with the prefix's bytes sits in one run from the lower bound */
    for (uint32_t i = cfg_store_lower_bound(s, prefix); i < s->n; i++) {
        const struct cfg_entry *e = &s->e[i];
        if (strncmp(e->key, prefix, plen))
            break;
        if (!cfg_prefix_match(prefix, e->key))
            continue;
        size_t sz = 4 + strlen(e->key) + 1 + 4 + 4 + strlen(e->value) + 1;
        if (used + sz > REPLY_BUDGET)
            break; /* the rest would not fit one reply */
        used += sz;
        sl_msg_put_str(r->reply, e->key);
        sl_msg_put_u32(r->reply, e->type);
        sl_msg_put_str(r->reply, e->value);
        n++;
    }
    memcpy(r->reply->bytes + at, &n, sizeof(n));
    return 0;
}

int cfg_do_watch(struct sl_request *r)
{
    if (!peer_with(r, SOS_RIGHT_READ))
        return SOS_ERR_ACCESS_DENIED;
    struct sl_parse p;
    sl_parse_begin(&p, r->bytes, r->len, r->handles, r->nhandles, NULL);
    const char *prefix = sl_parse_str(&p, NULL);
    sos_handle_t ch = sl_parse_handle(&p);
    if (sl_parse_end(&p) || !prefix || !ch || !prefix_ok(prefix))
        return SOS_ERR_INVALID_ARGS;
    struct watcher *w = watcher_slot();
    if (!w)
        return SOS_ERR_NO_RESOURCES;
    for (uint32_t i = 0; i < r->nhandles; i++)
        if (r->handles[i] == ch)
            r->handles[i] = SOS_HANDLE_INVALID;
    w->ch = ch;
    strcpy(w->prefix, prefix);
    return 0;
}

const struct sl_op g_cfg_ops[4] = {
    {CONFIG_GET, sizeof(struct sos_msg_hdr), cfg_do_get},
    {CONFIG_SET, sizeof(struct sos_msg_hdr), cfg_do_set},
    {CONFIG_LIST, sizeof(struct sos_msg_hdr), cfg_do_list},
    {CONFIG_WATCH, sizeof(struct sos_msg_hdr), cfg_do_watch},
};
