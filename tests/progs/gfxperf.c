/*
 * tests/progs/gfxperf.c - the graphics path measured from a client, inside the system:
 * what tests/bench/gfx/gfxsim.py sets beside a plain SDL2 program on the host.
 *
 * `run gfxperf` (manifest gfxperf.svc: graphics write only, like any application).
 * It makes a full-screen opaque surface on top and times, each alone:
 *  - surface create + destroy (a 256 x 256 surface: the request, the buffer VMO,
 *    mapping it, closing it);
 *  - a present of the whole surface (1024 x 768 damage: the compositor composes it
 *    and hands it to the display, whose PRESENT returns once the frame is shown) and
 *    of one 64 x 64 rectangle, with the frames per second of a loop that draws and
 *    presents (the pixels change every frame);
 *  - the latency of input from the device to this client: for each event the session
 *    routes to the surface, the clock at its arrival minus its time_ns (stamped when
 *    the device saw it). It waits up to 60 s for INPUT_N events (the harness moves the
 *    pointer over the window) and reports what it got.
 * Lines: `BENCH name=... unit=ns median=... p99=... min=... max=... samples=...`,
 * `BENCH name=... unit=fps value=...`, then `gfxperf: done`.
 *
 * Layer: tests (a program staged into the boot store).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <client/graphics.h>
#include <proto/graphics.h>

#define W 1024u
#define H 768u
#define FRAMES 60u
#define CYCLES 100u
#define INPUT_N 40u

static struct sl_conn_to g_conn;
static int64_t g_t[CYCLES * 2];

static int cmp(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

static void report(const char *name, int64_t *t, uint32_t n)
{
    if (!n) {
        printf("BENCH name=%s unit=ns samples=0\n", name);
        return;
    }
    qsort(t, n, sizeof(t[0]), cmp);
    uint32_t p99 = (n * 99 + 99) / 100 - 1;
    printf("BENCH name=%s unit=ns median=%lld p99=%lld min=%lld max=%lld samples=%u\n", name,
           (long long)t[n / 2], (long long)t[p99], (long long)t[0], (long long)t[n - 1], n);
}

static void create_destroy(void)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < CYCLES; i++) {
        struct gfx_surface s;
        int64_t t0 = sos_clock_get();
        int err = gfx_surface_create(&g_conn, 256, 256, 0, 0, 1, GFX_SURF_OPAQUE, &s);
        if (err) {
            printf("gfxperf: create: %s (%s)\n", sos_strerror(err), gfx_why());
            break;
        }
        gfx_surface_destroy(&s);
        g_t[n++] = sos_clock_get() - t0;
    }
    report("gfx_surface_create_destroy", g_t, n);
}

/* FRAMES frames, each drawn (not timed) and presented with the rectangle r (timed). */
static void presents(struct gfx_surface *s, const char *name, const char *fps_name,
                     const uint32_t r[4])
{
    uint32_t n = 0;
    int64_t start = sos_clock_get();
    for (uint32_t f = 0; f < FRAMES; f++) {
        uint32_t colour = 0xff000000u | (f * 0x040404u);
        for (uint32_t y = r[1]; y < r[1] + r[3]; y++)
            for (uint32_t x = r[0]; x < r[0] + r[2]; x++)
                s->px[y * (s->stride / 4) + x] = colour ^ x;
        int64_t t0 = sos_clock_get();
        int err = gfx_surface_present(s, r, 1);
        if (err) {
            printf("gfxperf: present: %s (%s)\n", sos_strerror(err), gfx_why());
            break;
        }
        g_t[n++] = sos_clock_get() - t0;
    }
    int64_t took = sos_clock_get() - start;
    report(name, g_t, n);
    printf("BENCH name=%s unit=fps value=%lld\n", fps_name,
           took > 0 ? (long long)((int64_t)n * 1000000000ll / took) : 0ll);
}

/* Input events routed to the surface: arrival minus device time, for INPUT_N events. */
static void input_latency(struct gfx_surface *s)
{
    uint32_t n = 0;
    int64_t give_up = sos_deadline_after(SOS_MS(60000));
    printf("gfxperf: waiting for input\n");
    while (n < INPUT_N) {
        sos_signals_t seen;
        if (sos_object_wait_one(s->ch, SOS_SIG_READABLE, give_up, &seen))
            break;
        uint8_t buf[128];
        struct sos_chan_read rd = {.bytes = buf, .bytes_cap = sizeof(buf)};
        while (n < INPUT_N && sos_channel_read(s->ch, &rd) == 0) {
            int64_t now = sos_clock_get();
            struct sos_msg_hdr h;
            struct sos_input_event e;
            if (rd.actual_bytes == sizeof(h) + sizeof(e)) {
                memcpy(&h, buf, sizeof(h));
                memcpy(&e, buf + sizeof(h), sizeof(e));
                if (h.ordinal == GFX_SURF_EVENT && e.type != GFX_EVENT_FOCUS && e.time_ns)
                    g_t[n++] = now - (int64_t)e.time_ns;
            }
            rd = (struct sos_chan_read){.bytes = buf, .bytes_cap = sizeof(buf)};
        }
    }
    report("gfx_input_latency", g_t, n);
}

int main(void)
{
    sl_conn_to_init(&g_conn, "graphics", 0);
    sl_service_ready();
    create_destroy();
    struct gfx_surface s;
    int err = gfx_surface_create(&g_conn, W, H, 0, 0, 1000, GFX_SURF_VISIBLE | GFX_SURF_OPAQUE, &s);
    if (err) {
        printf("gfxperf: cannot make a %ux%u surface: %s (%s)\n", W, H, sos_strerror(err), gfx_why());
        return 1;
    }
    const uint32_t full[4] = {0, 0, W, H}, small[4] = {480, 352, 64, 64};
    presents(&s, "gfx_present_full", "gfx_fps_full", full);
    presents(&s, "gfx_present_64", "gfx_fps_64", small);
    input_latency(&s);
    gfx_surface_destroy(&s);
    printf("gfxperf: done\n");
    return 0;
}
