/*
 * services/session/session.c - the session service: input to surfaces.
 *
 * It alone reads the input devices (the startup handles "input0" .. "input3", granted
 * by its manifest: the sim's one device; QEMU's virtio keyboard and tablet, which share
 * one seat in the kernel), each on a thread of its own that blocks in device_io and
 * passes each batch of events to the service loop through a channel. It claims every
 * device with a first read before it says it is ready, so from then on no key goes to
 * the boot console (x86_64's keyboard console reads the keyboard until then). The loop decides where each event goes
 * by the focus policy (focus.c) and tells the compositor through its window-manager
 * requests (GFX_WM_*, which need MANAGE on the graphics connection: the manifest gives
 * it, nothing else can): where the cursor is, which surface is under the pointer,
 * which to raise, and to which surface to deliver the event. The compositor hands an
 * event to that one surface's channel, so no surface reads another's input.
 *
 * Layer: services/session.
 */
#include <stdio.h>
#include <string.h>

#include <client/graphics.h>
#include <proto/session.h>
#include <sl/thread.h>

#include "focus.h"
#include "handoff.h"

#define BATCH 32u
#define MAX_INPUT 4u

static struct {
    struct sl_server srv;
    struct sl_conn_to gfx;
    struct focus focus;
    sos_handle_t dev[MAX_INPUT], vmo[MAX_INPUT], pipe_in, pipe_out;
    struct sl_thread reader[MAX_INPUT];
    uint32_t ndevs;
    int32_t px, py;
    bool cursor_moved; /* since the cursor plane was last moved */
    uint32_t under;
    uint32_t shortcuts; /* the window manager's surface for Alt+key (SESSION_SHORTCUTS) */
    uint64_t events, delivered, dropped;
} g;

/* One read of device k into the loop's channel: > 0 passed on, 0 nothing, < 0 error.
 * A full channel is waited on (handoff.c); the loop's own first reads (start_input)
 * write at most MAX_INPUT batches into an empty one, so they never wait. */
static int64_t read_once(uint32_t k, uint64_t flags)
{
    struct sos_input_event ev[BATCH];
    struct sos_device_io io = {.op = SOS_DEVICE_OP_READ, .vmo = g.vmo[k], .block = flags,
                               .len = sizeof(ev)};
    int64_t n = sos_device_io(g.dev[k], &io);
    if (n > 0 && (sos_vmo_read(g.vmo[k], ev, 0, (size_t)n) ||
                  handoff(g.pipe_in, ev, (uint32_t)n) == SOS_ERR_PEER_CLOSED))
        return SOS_ERR_PEER_CLOSED;
    return n;
}

/* A reader thread: events from device `arg` to the loop, a batch per message. */
static void reader(void *arg)
{
    uint32_t k = (uint32_t)(uintptr_t)arg;
    for (;;) {
        int64_t n = read_once(k, 0);
        if (n < 0 && n != SOS_ERR_TIMED_OUT)
            return;
    }
}

static int wm_call(uint32_t ordinal, const uint32_t *v, uint32_t n, const void *extra,
                   uint32_t extra_len, uint32_t *out)
{
    uint8_t qb[128], rb[128];
    struct sl_msg q, r;
    sl_msg_begin(&q, qb, sizeof(qb), NULL, 0, ordinal);
    sl_msg_begin(&r, rb, sizeof(rb), NULL, 0, ordinal);
    for (uint32_t i = 0; i < n; i++)
        sl_msg_put_u32(&q, v[i]);
    if (extra)
        sl_msg_put(&q, extra, extra_len);
    int err = sl_conn_to_call(&g.gfx, &q, &r, sos_deadline_after(GFX_TIMEOUT_NS));
    if (!err && out) {
        struct sl_parse p;
        sl_parse_begin(&p, r.bytes, r.len, NULL, 0, NULL);
        *out = sl_parse_u32(&p);
        err = sl_parse_end(&p);
    }
    return err;
}

static void deliver(uint32_t id, const struct sos_input_event *e)
{
    uint32_t v[1] = {id};
    int err = id ? wm_call(GFX_WM_DELIVER, v, 1, e, sizeof(*e), NULL) : SOS_ERR_NOT_FOUND;
    if (!err) {
        g.delivered++;
        return;
    }
    g.dropped++;
    if (focus_undelivered(&g.focus, id, err) && id == g.shortcuts)
        g.shortcuts = 0; /* the window manager's surface went away */
}

static void focus_event(uint32_t id, int32_t value)
{
    struct sos_input_event e = {.type = GFX_EVENT_FOCUS, .value = value, .x = g.px, .y = g.py};
    deliver(id, &e);
}

static void route(const struct sos_input_event *e)
{
    g.events++;
    if (e->type == SOS_INPUT_MOTION || e->type == SOS_INPUT_BUTTON || e->type == SOS_INPUT_WHEEL) {
        g.px = e->x;
        g.py = e->y;
        g.cursor_moved = true;
        uint32_t c[2] = {(uint32_t)g.px, (uint32_t)g.py};
        if (wm_call(GFX_WM_HIT, c, 2, NULL, 0, &g.under))
            g.under = 0;
    }
    if (e->type == SOS_INPUT_KEY && (e->mods & SOS_INPUT_MOD_ALT) && g.shortcuts) {
        deliver(g.shortcuts, e); /* the window manager's shortcut, not the focused one's */
        return;
    }
    struct route r = focus_route(&g.focus, e->type, e->code, e->value, g.under);
    if (r.raise) {
        uint32_t v[1] = {r.raise};
        wm_call(GFX_WM_RAISE, v, 1, NULL, 0, NULL);
    }
    if (r.focus_out)
        focus_event(r.focus_out, 0);
    if (r.focus_in)
        focus_event(r.focus_in, 1);
    deliver(r.to, e);
}

/*
 * Every event queued is routed first, then the cursor plane is moved once, to where
 * the last one left the pointer: moving it is a present, which waits for the display's
 * next frame, so a move per event would hold each event back a frame (and a burst of
 * motion many frames) before its surface got it.
 */
static void on_input(struct sl_server *s, const struct sos_port_packet *pkt, void *arg)
{
    (void)s;
    (void)pkt;
    (void)arg;
    struct sos_input_event ev[BATCH];
    struct sos_chan_read rd = {.bytes = ev, .bytes_cap = sizeof(ev)};
    while (sos_channel_read(g.pipe_out, &rd) == 0) {
        for (uint32_t i = 0; i < rd.actual_bytes / sizeof(ev[0]); i++)
            route(&ev[i]);
        rd = (struct sos_chan_read){.bytes = ev, .bytes_cap = sizeof(ev)};
    }
    if (g.cursor_moved) {
        uint32_t c[3] = {(uint32_t)g.px, (uint32_t)g.py, 1};
        wm_call(GFX_WM_CURSOR, c, 3, NULL, 0, NULL);
        g.cursor_moved = false;
    }
}

static int do_info(struct sl_request *r)
{
    const struct sl_peer *p = r->client;
    if (!p || p == (void *)r->srv || !(p->rights & SOS_RIGHT_READ))
        return SOS_ERR_ACCESS_DENIED;
    uint32_t v[] = {g.focus.focused, (uint32_t)g.px, (uint32_t)g.py, g.under};
    for (int i = 0; i < 4; i++)
        sl_msg_put_u32(r->reply, v[i]);
    sl_msg_put_u64(r->reply, g.events);
    sl_msg_put_u64(r->reply, g.delivered);
    sl_msg_put_u64(r->reply, g.dropped);
    sl_msg_put_u32(r->reply, g.ndevs);
    return 0;
}

/* The window manager's request with one u32 (a surface id): manage on our connection. */
static int wm_request(struct sl_request *r, uint32_t *id)
{
    const struct sl_peer *p = r->client;
    if (!p || p == (void *)r->srv || !(p->rights & SOS_RIGHT_MANAGE))
        return SOS_ERR_ACCESS_DENIED;
    struct sl_parse q;
    sl_parse_begin(&q, r->bytes, r->len, NULL, 0, NULL);
    *id = sl_parse_u32(&q);
    return sl_parse_end(&q) ? SOS_ERR_INVALID_ARGS : 0;
}

/* SESSION_FOCUS (u32 id): the window manager's word. */
static int do_focus(struct sl_request *r)
{
    uint32_t id;
    int err = wm_request(r, &id);
    if (!err && !id)
        err = SOS_ERR_INVALID_ARGS;
    if (err)
        return err;
    uint32_t v[1] = {id};
    err = wm_call(GFX_WM_RAISE, v, 1, NULL, 0, NULL);
    if (err)
        return err; /* no such surface: the focus stays */
    struct route rt = focus_give(&g.focus, id);
    if (rt.focus_out)
        focus_event(rt.focus_out, 0);
    if (rt.focus_in)
        focus_event(rt.focus_in, 1);
    return 0;
}

/* SESSION_SHORTCUTS (u32 id): Alt+key to the window manager's surface (manage). */
static int do_shortcuts(struct sl_request *r)
{
    uint32_t id;
    int err = wm_request(r, &id);
    if (err)
        return err;
    g.shortcuts = id;
    return 0;
}

static const struct sl_op g_ops[] = {{SESSION_INFO, sizeof(struct sos_msg_hdr), do_info},
                                     {SESSION_FOCUS, sizeof(struct sos_msg_hdr), do_focus},
                                     {SESSION_SHORTCUTS, sizeof(struct sos_msg_hdr), do_shortcuts}};

/* The input devices the manifest granted that speak struct sos_input_event. */
static void find_devices(void)
{
    for (uint32_t i = 0; i < MAX_INPUT; i++) {
        char name[8] = "input0";
        name[5] = (char)('0' + i);
        sos_handle_t h = sos_startup_handle(name);
        struct sos_info_device in = {0};
        if (!h)
            continue;
        if (sos_object_get_info(h, SOS_INFO_DEVICE, &in, sizeof(in)) < 0 ||
            in.block_size != sizeof(struct sos_input_event)) {
            printf("session: %s (%s) does not deliver struct sos_input_event records: not read\n",
                   name, in.name);
            continue;
        }
        g.dev[g.ndevs++] = h;
    }
}

/* Claim each device (a first read: the boot console lets go of it), then read it on a
 * thread of its own. */
static int start_input(void)
{
    sos_handle_t ends[2];
    int err = (int)sos_channel_create(0, ends);
    if (err)
        return err;
    g.pipe_in = ends[0];
    g.pipe_out = ends[1];
    err = sl_server_watch(&g.srv, g.pipe_out, SOS_SIG_READABLE, SOS_WAIT_ASYNC_REPEAT, on_input, NULL);
    for (uint32_t k = 0; k < g.ndevs && !err; k++) {
        err = (int)sos_vmo_create(BATCH * sizeof(struct sos_input_event), 0, &g.vmo[k]);
        int64_t n = err ? 0 : read_once(k, SOS_INPUT_READ_NOWAIT);
        if (n < 0)
            err = (int)n;
        if (!err)
            err = sl_thread_start(&g.reader[k], reader, (void *)(uintptr_t)k, 64 * 1024);
    }
    return err;
}

int main(void)
{
    sl_conn_to_init(&g.gfx, "graphics", 0);
    int err = sl_service_init(&g.srv, g_ops, 3, &g);
    if (err) {
        printf("session: cannot serve: %s\n", sos_strerror(err));
        return 1;
    }
    find_devices();
    if (g.ndevs && (err = start_input()))
        printf("session: cannot read the input devices: %s\n", sos_strerror(err));
    if (!g.ndevs)
        printf("session: no input device: nothing to route\n");
    sl_service_ready();
    return sl_server_run(&g.srv);
}
