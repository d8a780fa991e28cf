/*
 * hal-hosted/host/uvloop.c - the libuv thread: it owns host I/O.
 *
 * Today: standard input (a terminal in raw mode, or a pipe/file). Bytes go to the
 * console ring; end of input is delivered as one EOT byte (0x04), which the console
 * service treats as the end of the operator's session. When the ring is full, reading
 * stops and the rest is held here until a vCPU says there is room (an async wakeup),
 * so a long piped script is never cut short. The disk (disk.c) and the network card
 * (net.c) attach their I/O to this loop too.
 *
 * Layer: hal-hosted, host world (libc and libuv only).
 */
#define _GNU_SOURCE
#include "host.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

static uv_loop_t g_loop;
static uv_tty_t g_tty;
static uv_pipe_t g_pipe;
static uv_stream_t *g_in;
static int g_is_tty;

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    (void)h;
    static char space[4096];
    (void)suggested;
    *buf = uv_buf_init(space, sizeof(space));
}

/* Bytes read but not yet taken by the console ring (at most one read's worth + EOT). */
static char g_held[4096 + 1];
static size_t g_held_len, g_held_off;
static int g_eof;
static int g_paused;  /* reading stopped until there is room (the stream case) */
static int g_fs_busy; /* a file read is in flight: never start a second one */
static uv_async_t g_space;
static void fs_read_next(void);

/* Push what is held; true when all of it went. */
static int flush_held(void)
{
    while (g_held_off < g_held_len) {
        size_t n = host_console_push(g_held + g_held_off, g_held_len - g_held_off);
        if (n == 0)
            return 0;
        g_held_off += n;
    }
    g_held_len = g_held_off = 0;
    if (g_eof && host_det) /* every byte before the end is queued */
        host_det_input_end();
    return 1;
}

static void hold(const char *buf, size_t n, int eof)
{
    if (n) /* at the end buf may be NULL */
        memcpy(g_held, buf, n);
    g_held_len = n;
    g_held_off = 0;
    if (eof)
        g_held[g_held_len++] = 0x04;
    g_eof |= eof;
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
    if (n == 0)
        return;
    hold(buf->base, n > 0 ? (size_t)n : 0, n < 0);
    bool all = flush_held();
    if (n < 0 || !all) {
        uv_read_stop(s); /* at the end, or until there is room */
        g_paused = n >= 0;
    }
}

/*
 * Room in the ring (a vCPU consumed from a full one): push what is held, then read on
 * if reading had stopped for room. The wakeup also comes while a file read is still in
 * flight (its callback continues) or while the stream reads: then nothing restarts.
 */
static void on_space(uv_async_t *a)
{
    (void)a;
    if (!flush_held() || g_eof)
        return;
    if (g_in && g_paused) {
        g_paused = 0;
        uv_read_start(g_in, on_alloc, on_read);
    } else if (!g_in && !g_fs_busy) {
        fs_read_next();
    }
}

static void space_from_vcpu(void) { uv_async_send(&g_space); }

/* Regular files and devices cannot be polled: read them with chained fs requests. */
static uv_fs_t g_fsreq;
static char g_fsbuf[4096];

static void on_fs_read(uv_fs_t *req)
{
    ssize_t n = req->result;
    uv_fs_req_cleanup(req);
    g_fs_busy = 0;
    hold(g_fsbuf, n > 0 ? (size_t)n : 0, n <= 0);
    if (flush_held() && n > 0)
        fs_read_next(); /* else on_space continues */
}

static void fs_read_next(void)
{
    uv_buf_t b = uv_buf_init(g_fsbuf, sizeof(g_fsbuf));
    if (uv_fs_read(&g_loop, &g_fsreq, 0, &b, 1, -1, on_fs_read) == 0) {
        g_fs_busy = 1;
    } else { /* cannot read on: end the session as at the end of the file */
        hold(NULL, 0, 1);
        flush_held();
    }
}

static void *loop_main(void *arg)
{
    (void)arg;
    uv_run(&g_loop, UV_RUN_DEFAULT);
    return NULL;
}

void host_console_restore(void)
{
    if (g_is_tty)
        uv_tty_reset_mode();
}

void host_console_init(void) {}

int host_uv_start(int watch_stdin)
{
    if (uv_loop_init(&g_loop) || uv_async_init(&g_loop, &g_space, on_space) ||
        host_disk_attach(&g_loop) || host_net_attach(&g_loop))
        return -1;
    host_console_on_space(space_from_vcpu);
    if (watch_stdin) {
        uv_handle_type t = uv_guess_handle(0);
        if (t == UV_TTY) {
            if (uv_tty_init(&g_loop, &g_tty, 0, 1) == 0) {
                uv_tty_set_mode(&g_tty, UV_TTY_MODE_RAW);
                g_is_tty = 1;
                atexit(host_console_restore);
                g_in = (uv_stream_t *)&g_tty;
            }
        } else if (t == UV_NAMED_PIPE || t == UV_TCP) {
            if (uv_pipe_init(&g_loop, &g_pipe, 0) == 0 && uv_pipe_open(&g_pipe, 0) == 0)
                g_in = (uv_stream_t *)&g_pipe;
        }
        if (g_in)
            uv_read_start(g_in, on_alloc, on_read);
        else
            fs_read_next();
    }
    pthread_t th;
    if (pthread_create(&th, NULL, loop_main, NULL))
        return -1;
    pthread_detach(th);
    return 0;
}
