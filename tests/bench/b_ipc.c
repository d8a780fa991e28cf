/*
 * tests/bench/b_ipc.c - channel benchmarks between two processes, and their servers.
 *
 *   ipc_call_64      channel_call with a 64-byte request and a 64-byte reply: the
 *                    client's one call against the server's wait/read/write loop.
 *   ipc_call_64_deadline  the same with a finite deadline (as sl_call gives): the
 *                    kernel arms and cancels a deadline timer on every call.
 *   ipc_pingpong_64  the same exchange without channel_call: write, wait, read on both
 *                    sides (the woken thread is not handed the CPU; with two vCPUs each
 *                    side can stay on its own).
 *   ipc_handles_8    channel_call carrying 8 handles (events) that come back in the
 *                    reply: 16 handle moves per round trip.
 *   ipc_stream_N     one-way messages of N bytes to a server that reads and drops them;
 *                    a batch ends with a call that the server answers after it has read
 *                    everything before it, so the batch time covers the reader too.
 *
 * The servers are this image, spawned as "serve:echo" or "serve:sink" with the startup
 * channel "chan".
 *
 * Layer: tests (user image).
 */
#include "bench.h"

#define FIN_MAGIC 0x46494e21u /* "FIN!" in a stream: answer it */

static int64_t now(void) { return sos_clock_get(); }

static uint8_t g_buf[SOS_CHANNEL_MAX_BYTES];

/* ---- servers */

/* Echo: wait, read, write back the same bytes and handles, until the peer closes. */
static int serve_echo(sos_handle_t ch)
{
    static sos_handle_t hs[SOS_CHANNEL_MAX_HANDLES];
    for (;;) {
        int64_t err = sos_object_wait_one(ch, SOS_SIG_READABLE | SOS_SIG_PEER_CLOSED,
                                          SOS_TIME_INFINITE, NULL);
        if (err)
            return 1;
        struct sos_chan_read rd = {.bytes = g_buf, .handles = hs, .bytes_cap = sizeof(g_buf),
                                   .handles_cap = SOS_CHANNEL_MAX_HANDLES};
        err = sos_channel_read(ch, &rd);
        if (err == SOS_ERR_PEER_CLOSED)
            return 0;
        if (err)
            return 2;
        if (sos_channel_write(ch, g_buf, rd.actual_bytes, hs, rd.actual_handles))
            return 3;
    }
}

/* Sink: read everything; a message that starts with FIN_MAGIC after the txid is answered. */
static int serve_sink(sos_handle_t ch)
{
    for (;;) {
        struct sos_chan_read rd = {.bytes = g_buf, .bytes_cap = sizeof(g_buf)};
        int64_t err = sos_channel_read(ch, &rd);
        if (err == SOS_ERR_SHOULD_WAIT) {
            if (sos_object_wait_one(ch, SOS_SIG_READABLE | SOS_SIG_PEER_CLOSED,
                                    SOS_TIME_INFINITE, NULL))
                return 1;
            continue;
        }
        if (err == SOS_ERR_PEER_CLOSED)
            return 0;
        if (err)
            return 2;
        uint32_t magic = 0;
        if (rd.actual_bytes == 8)
            memcpy(&magic, g_buf + 4, 4);
        if (magic == FIN_MAGIC && sos_channel_write(ch, g_buf, 8, NULL, 0))
            return 3;
    }
}

int bench_server_main(const char *kind)
{
    sos_handle_t ch = sos_startup_handle("chan");
    if (!ch)
        return 9;
    if (!strcmp(kind, "echo"))
        return serve_echo(ch);
    if (!strcmp(kind, "sink"))
        return serve_sink(ch);
    return 8;
}

/* ---- clients */

struct ipc_state {
    sos_handle_t ch;
    uint32_t size;
    uint32_t nhandles;
    bool with_deadline;
    sos_handle_t handles[SOS_CHANNEL_MAX_HANDLES];
    uint8_t msg[64];
    uint8_t rep[64];
};

static int64_t batch_call(void *state, uint32_t n)
{
    struct ipc_state *s = state;
    struct sos_chan_call c = {.wr_bytes = s->msg, .wr_nbytes = s->size,
                              .rd = {.bytes = s->rep, .bytes_cap = sizeof(s->rep)}};
    int64_t t0 = now();
    for (uint32_t i = 0; i < n; i++) {
        /* with_deadline: a deadline 1 s on, as services' sl_call gives one */
        sos_time_t d = s->with_deadline ? t0 + SOS_MS(1000) : SOS_TIME_INFINITE;
        int64_t err = sos_channel_call(s->ch, d, &c);
        if (err)
            return err;
    }
    int64_t t = now() - t0;
    return c.rd.actual_bytes == s->size ? t : SOS_ERR_INTERNAL;
}

static int64_t batch_pingpong(void *state, uint32_t n)
{
    struct ipc_state *s = state;
    int64_t t0 = now();
    for (uint32_t i = 0; i < n; i++) {
        int64_t err = sos_channel_write(s->ch, s->msg, s->size, NULL, 0);
        struct sos_chan_read rd = {.bytes = s->rep, .bytes_cap = sizeof(s->rep)};
        if (!err)
            err = sos_object_wait_one(s->ch, SOS_SIG_READABLE, SOS_TIME_INFINITE, NULL);
        if (!err)
            err = sos_channel_read(s->ch, &rd);
        if (err)
            return err;
    }
    return now() - t0;
}

static int64_t batch_handles(void *state, uint32_t n)
{
    struct ipc_state *s = state;
    sos_handle_t back[SOS_CHANNEL_MAX_HANDLES];
    struct sos_chan_call c = {.wr_bytes = s->msg, .wr_nbytes = s->size,
                              .wr_handles = s->handles, .wr_nhandles = s->nhandles,
                              .rd = {.bytes = s->rep, .bytes_cap = sizeof(s->rep),
                                     .handles = back, .handles_cap = s->nhandles}};
    int64_t t0 = now();
    for (uint32_t i = 0; i < n; i++) {
        int64_t err = sos_channel_call(s->ch, SOS_TIME_INFINITE, &c);
        if (err)
            return err;
        if (c.rd.actual_handles != s->nhandles)
            return SOS_ERR_INTERNAL;
        memcpy(s->handles, back, s->nhandles * sizeof(sos_handle_t));
    }
    return now() - t0;
}

static struct ipc_state g_state;

/* Components of a round trip, in one thread (no switch): write + read of one message. */
static int64_t batch_write_read(void *state, uint32_t n)
{
    struct ipc_state *s = state;
    sos_handle_t peer = s->handles[0];
    int64_t t0 = now();
    for (uint32_t i = 0; i < n; i++) {
        struct sos_chan_read rd = {.bytes = s->rep, .bytes_cap = sizeof(s->rep)};
        int64_t err = sos_channel_write(s->ch, s->msg, s->size, NULL, 0);
        if (!err)
            err = sos_channel_read(peer, &rd);
        if (err)
            return err;
    }
    return now() - t0;
}

/* ... and a wait that finds its signal already there. */
static int64_t batch_wait_ready(void *state, uint32_t n)
{
    struct ipc_state *s = state;
    int64_t t0 = now();
    for (uint32_t i = 0; i < n; i++) {
        int64_t err = sos_object_wait_one(s->ch, SOS_SIG_SIGNALED, SOS_TIME_INFINITE, NULL);
        if (err)
            return err;
    }
    return now() - t0;
}

int bench_ipc_parts(const struct bench *b)
{
    sos_handle_t ends[2], ev;
    int err = (int)sos_channel_create(0, ends);
    if (err)
        return err;
    g_state = (struct ipc_state){.size = b->arg, .ch = ends[0], .handles = {ends[1]}};
    struct bench one = *b;
    one.name = "part_write_read_64";
    err = bench_sample(&one, batch_write_read, &g_state, NULL);
    sos_handle_close(ends[0]);
    sos_handle_close(ends[1]);
    if (err || (err = (int)sos_event_create(0, &ev)))
        return err;
    g_state.ch = ev;
    one.name = "part_wait_ready";
    err = (int)sos_object_signal(ev, 0, SOS_SIG_SIGNALED);
    if (!err)
        err = bench_sample(&one, batch_wait_ready, &g_state, NULL);
    sos_handle_close(ev);
    return err;
}

/* Wait until the queue at the peer has room again (QUEUE_FULL was returned). */
static int64_t wait_room(sos_handle_t ch)
{
    return sos_object_wait_one(ch, SOS_SIG_WRITABLE | SOS_SIG_PEER_CLOSED, SOS_TIME_INFINITE,
                               NULL);
}

/* n messages of s->size bytes, then a FIN call the sink answers once it has read them. */
static int64_t batch_stream(void *state, uint32_t n)
{
    struct ipc_state *s = state;
    uint32_t fin[2] = {0, FIN_MAGIC}, rep[2];
    struct sos_chan_call c = {.wr_bytes = fin, .wr_nbytes = sizeof(fin),
                              .rd = {.bytes = rep, .bytes_cap = sizeof(rep)}};
    int64_t t0 = now(), err;
    for (uint32_t i = 0; i < n;) {
        err = sos_channel_write(s->ch, g_buf, s->size, NULL, 0);
        if (err == SOS_ERR_QUEUE_FULL)
            err = wait_room(s->ch);
        else if (!err)
            i++;
        if (err)
            return err;
    }
    while ((err = sos_channel_call(s->ch, SOS_TIME_INFINITE, &c)) == SOS_ERR_QUEUE_FULL)
        if ((err = wait_room(s->ch)))
            return err;
    return err ? err : now() - t0;
}

static int with_server(const struct bench *b, enum bench_server kind, bench_batch_fn fn,
                       struct ipc_state *s, const struct bench_extra *e)
{
    sos_handle_t proc;
    int err = bench_spawn_server(kind, &proc, &s->ch);
    if (err)
        return err;
    err = bench_sample(b, fn, s, e);
    bench_stop_server(proc, s->ch);
    return err;
}

int bench_ipc_call(const struct bench *b)
{
    g_state = (struct ipc_state){.size = b->arg};
    return with_server(b, BENCH_SERVE_ECHO, batch_call, &g_state, NULL);
}

int bench_ipc_call_deadline(const struct bench *b)
{
    g_state = (struct ipc_state){.size = b->arg, .with_deadline = true};
    return with_server(b, BENCH_SERVE_ECHO, batch_call, &g_state, NULL);
}

int bench_ipc_pingpong(const struct bench *b)
{
    g_state = (struct ipc_state){.size = b->arg};
    return with_server(b, BENCH_SERVE_ECHO, batch_pingpong, &g_state, NULL);
}

/*
 * The ping-pong while a thread of ours spins at the same priority: with one vCPU every
 * message waits for the spinner's time slice; with two, a scheduler that spreads work
 * runs the spinner on one vCPU and the exchange on the other.
 */
static void spin(void *arg)
{
    volatile int *stop = arg;
    while (!*stop)
        __asm__ volatile("" ::: "memory");
}

int bench_ipc_pingpong_busy(const struct bench *b)
{
    volatile int stop = 0;
    struct sl_thread t;
    int err = sl_thread_start(&t, spin, (void *)&stop, 16 * 1024);
    if (err)
        return err;
    g_state = (struct ipc_state){.size = b->arg};
    err = with_server(b, BENCH_SERVE_ECHO, batch_pingpong, &g_state, NULL);
    stop = 1;
    sl_thread_join(&t, sos_deadline_after(SOS_MS(2000)));
    return err;
}

int bench_ipc_handles(const struct bench *b)
{
    g_state = (struct ipc_state){.size = 64, .nhandles = b->arg};
    uint32_t made = 0;
    int err = 0;
    for (; made < b->arg && !err; made++)
        err = (int)sos_event_create(0, &g_state.handles[made]);
    struct bench_extra e = {""};
    bench_extra_add(&e, "handles=%u bytes=64", b->arg);
    if (!err)
        err = with_server(b, BENCH_SERVE_ECHO, batch_handles, &g_state, &e);
    for (uint32_t i = 0; i < made; i++)
        sos_handle_close(g_state.handles[i]);
    return err;
}

int bench_ipc_stream(const struct bench *b)
{
    g_state = (struct ipc_state){.size = b->arg};
    struct bench_extra e = {""};
    bench_extra_add(&e, "bytes=%u", b->arg);
    return with_server(b, BENCH_SERVE_SINK, batch_stream, &g_state, &e);
}
