/*
 * tests/packages/apps/hellowin.c - the program of the example app package hellowin-1:
 * a window that shows a yellow square on blue, and says so to the desktop shell for
 * `desktop dump` (DESKTOP_SCENE). A packaged service may be granted no font from the
 * boot store (only storage resources), so it draws shapes only. It is in no boot store:
 * it reaches the system by being installed from the apps test repository, after which
 * its manifest (`app`) puts it in the desktop's launcher.
 *
 * Layer: tests (a packaged app).
 */
#include <stdio.h>

#include <client/graphics.h>
#include <proto/desktop.h>

#define W 320
#define H 120
#define BLUE 0xff3465a4u
#define YELLOW 0xfffce94fu

static struct {
    struct sl_server srv;
    struct sl_conn_to gfx, desktop;
    struct gfx_surface s;
} g;

static void draw(void)
{
    for (uint32_t y = 0; y < g.s.h; y++)
        for (uint32_t x = 0; x < g.s.w; x++) {
            bool square = x >= W / 2 - 30 && x < W / 2 + 30 && y >= H / 2 - 30 && y < H / 2 + 30;
            g.s.px[y * (g.s.stride / 4) + x] = square ? YELLOW : BLUE;
        }
}

/* Every second: the desktop may have started (or restarted) after us. One way. */
static void tell_desktop(struct sl_server *s, const struct sos_port_packet *pkt, void *arg)
{
    (void)s, (void)pkt, (void)arg;
    char text[160];
    snprintf(text, sizeof text, "box 0,0 %ux%u \"hellowin: a yellow square on blue\"\n", g.s.w, g.s.h);
    uint8_t buf[256];
    struct sl_msg q;
    sl_msg_begin(&q, buf, sizeof buf, NULL, 0, DESKTOP_SCENE);
    sl_msg_hdr(&q)->flags |= SOS_MSG_NO_REPLY;
    sl_msg_put_u32(&q, g.s.id);
    sl_msg_put_str(&q, text);
    if (!sl_conn_to_refresh(&g.desktop, sos_deadline_after(SOS_MS(50))))
        sl_msg_send(g.desktop.ch, &q);
}

int main(void)
{
    sos_handle_t timer;
    sl_conn_to_init(&g.gfx, "graphics", 0);
    sl_conn_to_init(&g.desktop, "desktop", 0);
    int err = sl_service_init(&g.srv, NULL, 0, NULL);
    if (!err)
        err = gfx_surface_create(&g.gfx, W, H, 640, 470, 1, GFX_SURF_VISIBLE | GFX_SURF_OPAQUE, &g.s);
    if (!err) {
        draw();
        err = gfx_surface_present_all(&g.s);
    }
    if (!err && !(err = (int)sos_timer_create(0, &timer)) &&
        !(err = (int)sos_timer_set(timer, sos_deadline_after(SOS_MS(100)), SOS_MS(1000))))
        err = sl_server_watch(&g.srv, timer, SOS_SIG_SIGNALED, SOS_WAIT_ASYNC_REPEAT, tell_desktop, NULL);
    if (err) {
        printf("hellowin: cannot start: %s (%s)\n", sos_strerror(err), gfx_why());
        return 1;
    }
    printf("hellowin: ready: surface %u\n", g.s.id);
    sl_service_ready();
    return sl_server_run(&g.srv);
}
