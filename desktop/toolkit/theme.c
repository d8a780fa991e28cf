/*
 * desktop/toolkit/theme.c - following appearance.theme (tk/theme.h): CONFIG_WATCH on
 * a channel of our own whose CONFIG_CHANGED messages arrive on the application's loop,
 * then CONFIG_GET for the value now. The config service keeps no watcher
 * across its restart, so when our end of the watch sees the peer closed we read and
 * watch again, after a short delay while config comes back (a one-shot timer).
 *
 * Layer: desktop/toolkit.
 */
#include <stdio.h>
#include <string.h>

#include <proto/config.h>
#include <tk/theme.h>

#define AGAIN_NS 200000000ll

const struct tk_theme *tk_theme_by_name(const char *name)
{
    return name && !strcmp(name, "dark") ? &tk_theme_dark : &tk_theme_light;
}

static void apply(struct tk_theme_follow *f, const char *name)
{
    snprintf(f->name, sizeof(f->name), "%s", name);
    const struct tk_theme *t = tk_theme_by_name(name);
    if (t == f->theme)
        return;
    f->theme = t;
    if (f->changed)
        f->changed(f->arg);
}

static int read_key(struct tk_theme_follow *f)
{
    uint8_t qb[CONFIG_KEY_MAX + 64], rb[CONFIG_VALUE_MAX + 64];
    struct sl_msg q, r;
    sl_msg_begin(&q, qb, sizeof(qb), NULL, 0, CONFIG_GET);
    sl_msg_put_str(&q, TK_THEME_KEY);
    sl_msg_begin(&r, rb, sizeof(rb), NULL, 0, CONFIG_GET);
    int err = sl_conn_to_call(&f->config, &q, &r, sos_deadline_after(SOS_MS(2000)));
    if (err)
        return err;
    struct sl_parse p;
    sl_parse_begin(&p, r.bytes, r.len, NULL, 0, NULL);
    sl_parse_u32(&p);
    const char *v = sl_parse_str(&p, NULL);
    if (sl_parse_end(&p) || !v)
        return SOS_ERR_BAD_FORMAT;
    apply(f, v);
    return 0;
}

static void on_watch(struct sl_server *s, const struct sos_port_packet *pkt, void *arg);

/* Ask config to send changes of the key on a new channel. */
static int watch(struct tk_theme_follow *f)
{
    sos_handle_t ends[2];
    /* config reached first: a failed lookup would leave the channel's far end with us
     * (once the request is written, it belongs to config) */
    int err = sl_conn_to_refresh(&f->config, sos_deadline_after(SOS_MS(2000)));
    if (!err)
        err = (int)sos_channel_create(0, ends);
    if (err)
        return err;
    uint8_t qb[CONFIG_KEY_MAX + 64], rb[64];
    sos_handle_t hb[1];
    struct sl_msg q, r;
    sl_msg_begin(&q, qb, sizeof(qb), hb, 1, CONFIG_WATCH);
    sl_msg_put_str(&q, TK_THEME_KEY);
    sl_msg_put_handle(&q, ends[1]);
    sl_msg_begin(&r, rb, sizeof(rb), NULL, 0, CONFIG_WATCH);
    err = sl_conn_to_call(&f->config, &q, &r, sos_deadline_after(SOS_MS(2000)));
    if (!err)
        err = sl_server_watch(f->srv, ends[0], SOS_SIG_READABLE | SOS_SIG_PEER_CLOSED, SOS_WAIT_ASYNC_REPEAT,
                              on_watch, f);
    if (err) {
        sos_handle_close(ends[0]);
        return err;
    }
    f->watch = ends[0];
    return 0;
}

/* Watch first, then read: a change made in between is both read and announced, so
 * none is missed whatever the order of a restart of config and a set. */
static int arm(struct tk_theme_follow *f)
{
    int err = f->watch ? 0 : watch(f);
    if (!err)
        err = read_key(f);
    if (err && err != SOS_ERR_ACCESS_DENIED && f->timer)
        sos_timer_set(f->timer, sos_deadline_after(AGAIN_NS), 0);
    return err;
}

static void lost(struct tk_theme_follow *f)
{
    sos_handle_close(f->watch);
    f->watch = 0;
    if (f->timer)
        sos_timer_set(f->timer, sos_deadline_after(AGAIN_NS), 0);
}

static void on_watch(struct sl_server *s, const struct sos_port_packet *pkt, void *arg)
{
    (void)s, (void)pkt;
    struct tk_theme_follow *f = arg;
    uint8_t buf[sizeof(struct sos_msg_hdr) + CONFIG_KEY_MAX + CONFIG_VALUE_MAX + 16];
    while (f->watch) {
        struct sos_chan_read rd = {.bytes = buf, .bytes_cap = sizeof(buf)};
        int err = (int)sos_channel_read(f->watch, &rd);
        if (err == SOS_ERR_SHOULD_WAIT)
            return;
        if (err) { /* config went away: watch again once it is back */
            lost(f);
            return;
        }
        struct sl_parse p;
        sl_parse_begin(&p, buf, rd.actual_bytes, NULL, 0, NULL);
        const char *key = sl_parse_str(&p, NULL), *value = sl_parse_str(&p, NULL);
        if (!sl_parse_end(&p) && key && value && !strcmp(key, TK_THEME_KEY))
            apply(f, value);
    }
}

static void on_timer(struct sl_server *s, const struct sos_port_packet *pkt, void *arg)
{
    (void)s, (void)pkt;
    arm(arg); /* the watch and the read again, or only the read that failed */
}

int tk_theme_follow_start(struct tk_theme_follow *f, struct sl_server *srv, void (*changed)(void *arg),
                          void *arg)
{
    memset(f, 0, sizeof(*f));
    f->srv = srv;
    f->theme = &tk_theme_light;
    snprintf(f->name, sizeof(f->name), "light");
    sl_conn_to_init(&f->config, "config", 0);
    if (sos_timer_create(0, &f->timer) ||
        sl_server_watch(srv, f->timer, SOS_SIG_SIGNALED, SOS_WAIT_ASYNC_REPEAT, on_timer, f))
        f->timer = 0;
    int err = arm(f);
    f->changed = changed; /* from now on: the caller built its windows with f->theme */
    f->arg = arg;
    return err;
}
