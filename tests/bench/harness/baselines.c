/*
 * tests/bench/harness/baselines.c - the Linux baselines, measured in this process.
 *
 * Each is sampled like the image's benchmarks (bench_stats.h: warm-up, batches, median
 * and p99 of the per-operation cost). "Unpinned" pairs of threads are left to the Linux
 * scheduler (on a 2-CPU machine they usually run on both CPUs); "_1cpu" pairs are both
 * pinned to the CPU the harness is on, the like-for-like partner of one vCPU.
 *
 *   host_getpid              syscall(SYS_getpid): a real kernel entry and exit
 *   host_clock_gettime       clock_gettime(CLOCK_MONOTONIC) (vDSO, no kernel entry)
 *   host_pipe_pingpong_64    64 bytes there and back over two pipes, two threads
 *   host_futex_pingpong      a word flipped there and back, FUTEX_WAIT/WAKE, two threads
 *   host_pipe_stream_N       N-byte writes into a pipe, a reader thread, 1-byte ack per batch
 *   host_futex_handoff_1cpu  two pinned threads handing the CPU over by futex (one switch)
 *   host_sched_yield_1cpu    two pinned threads calling sched_yield (one switch per call)
 *   host_malloc_free_N       malloc(N) and free of the kernel object's size
 *   host_scm_rights_8        64 bytes + 8 fds over an AF_UNIX socket pair and back
 *   host_audio_mix_N         one audio mixer period of N streams (../mixwork.c, the code
 *                            the image runs as audio_mix_N)
 *
 * Layer: tests/bench (host program).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "../mixwork.h"

typedef int64_t (*batch_fn)(void *state, uint32_t n);

static const struct h_cfg *g_c;

static int64_t g_samples[2000];

static void sample(struct h_results *out, const char *name, batch_fn fn, void *state,
                   uint32_t batch, uint32_t samples, const char *extra)
{
    if (g_c->quick && samples > 20)
        samples = 20;
    uint32_t warm = samples / 10 < 2 ? 2 : samples / 10;
    struct h_result *r = h_add(out, name);
    if (!r)
        return;
    snprintf(r->unit, sizeof(r->unit), "ns");
    snprintf(r->extra, sizeof(r->extra), "%s", extra ? extra : "");
    for (uint32_t i = 0; i < warm + samples; i++) {
        int64_t t = fn(state, batch);
        if (t < 0) {
            r->error = true;
            snprintf(r->extra, sizeof(r->extra), "error=%s", strerror((int)-t));
            return;
        }
        if (i >= warm)
            g_samples[i - warm] = t * 1000 / batch;
    }
    struct bs_summary s;
    bs_summarize(g_samples, samples, &s);
    r->timing = true;
    r->median = s.median / 1000.0;
    r->p99 = s.p99 / 1000.0;
    r->min = s.min / 1000.0;
    r->max = s.max / 1000.0;
    r->samples = samples;
    r->batch = batch;
}

/* ---- single calls */

static int64_t b_getpid(void *s, uint32_t n)
{
    (void)s;
    int64_t t0 = h_now();
    for (uint32_t i = 0; i < n; i++)
        syscall(SYS_getpid);
    return h_now() - t0;
}

static int64_t b_clock(void *s, uint32_t n)
{
    (void)s;
    struct timespec ts;
    int64_t t0 = h_now();
    for (uint32_t i = 0; i < n; i++)
        clock_gettime(CLOCK_MONOTONIC, &ts);
    return h_now() - t0;
}

/* ---- a partner thread, optionally pinned with us to our CPU */

struct pair {
    pthread_t th;
    bool pinned;
    int cpu;
    volatile int stop;
    /* pipes: a2b[1] -> a2b[0] (partner reads), b2a[1] -> b2a[0] (we read) */
    int a2b[2], b2a[2];
    uint32_t size;
    uint32_t per_ack; /* stream: messages per ack */
    volatile uint32_t word;
    int sock[2];
};

static void pin(bool pinned, int cpu)
{
    if (!pinned)
        return;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

static void unpin(void)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    for (long i = 0; i < n && i < CPU_SETSIZE; i++)
        CPU_SET((int)i, &set);
    pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

static int read_full(int fd, void *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, (char *)buf + got, n - got);
        if (r <= 0) {
            if (r < 0 && errno == EINTR)
                continue;
            return -1;
        }
        got += (size_t)r;
    }
    return 0;
}

static int write_full(int fd, const void *buf, size_t n)
{
    size_t put = 0;
    while (put < n) {
        ssize_t r = write(fd, (const char *)buf + put, n - put);
        if (r <= 0) {
            if (r < 0 && errno == EINTR)
                continue;
            return -1;
        }
        put += (size_t)r;
    }
    return 0;
}

static long futex(volatile uint32_t *w, int op, uint32_t val)
{
    return syscall(SYS_futex, w, op, val, NULL, NULL, 0);
}

/* ---- pipe ping-pong */

static void *pipe_echo(void *arg)
{
    struct pair *p = arg;
    pin(p->pinned, p->cpu);
    char buf[64];
    while (read_full(p->a2b[0], buf, p->size) == 0 && write_full(p->b2a[1], buf, p->size) == 0) {
    }
    return NULL;
}

static int64_t b_pipe_pingpong(void *s, uint32_t n)
{
    struct pair *p = s;
    char buf[64] = {1};
    int64_t t0 = h_now();
    for (uint32_t i = 0; i < n; i++)
        if (write_full(p->a2b[1], buf, p->size) || read_full(p->b2a[0], buf, p->size))
            return -EIO;
    return h_now() - t0;
}

static int pair_start(struct pair *p, bool pinned, void *(*fn)(void *))
{
    p->pinned = pinned;
    p->cpu = sched_getcpu();
    pin(pinned, p->cpu);
    return pthread_create(&p->th, NULL, fn, p);
}

static void pair_stop_pipes(struct pair *p)
{
    close(p->a2b[1]); /* the partner's read sees end of file */
    pthread_join(p->th, NULL);
    close(p->a2b[0]);
    close(p->b2a[0]);
    close(p->b2a[1]);
    unpin();
}

static void pipe_pingpong(struct h_results *out, const char *name, bool pinned)
{
    struct pair p = {.size = 64};
    if (pipe(p.a2b) || pipe(p.b2a) || pair_start(&p, pinned, pipe_echo)) {
        h_add(out, name)->error = true;
        return;
    }
    sample(out, name, b_pipe_pingpong, &p, 50, 600, "bytes=64");
    pair_stop_pipes(&p);
}

/* ---- futex ping-pong: word 1 = the partner's turn, 0 = ours, 2 = stop */

static void *futex_echo(void *arg)
{
    struct pair *p = arg;
    pin(p->pinned, p->cpu);
    for (;;) {
        uint32_t w;
        while ((w = __atomic_load_n(&p->word, __ATOMIC_ACQUIRE)) == 0)
            futex(&p->word, FUTEX_WAIT_PRIVATE, 0);
        if (w == 2)
            return NULL;
        __atomic_store_n(&p->word, 0, __ATOMIC_RELEASE);
        futex(&p->word, FUTEX_WAKE_PRIVATE, 1);
    }
}

static int64_t b_futex_pingpong(void *s, uint32_t n)
{
    struct pair *p = s;
    int64_t t0 = h_now();
    for (uint32_t i = 0; i < n; i++) {
        __atomic_store_n(&p->word, 1, __ATOMIC_RELEASE);
        futex(&p->word, FUTEX_WAKE_PRIVATE, 1);
        while (__atomic_load_n(&p->word, __ATOMIC_ACQUIRE) == 1)
            futex(&p->word, FUTEX_WAIT_PRIVATE, 1);
    }
    return h_now() - t0;
}

/* A handoff is half a ping-pong: n handoffs are n/2 round trips. */
static int64_t b_futex_handoff(void *s, uint32_t n) { return b_futex_pingpong(s, n / 2); }

static void futex_pair(struct h_results *out, const char *name, bool pinned, batch_fn fn,
                       uint32_t batch, const char *extra)
{
    struct pair p = {0};
    if (pair_start(&p, pinned, futex_echo)) {
        h_add(out, name)->error = true;
        return;
    }
    sample(out, name, fn, &p, batch, 600, extra);
    __atomic_store_n(&p.word, 2, __ATOMIC_RELEASE);
    futex(&p.word, FUTEX_WAKE_PRIVATE, 1);
    pthread_join(p.th, NULL);
    unpin();
}

/* ---- sched_yield between two pinned threads */

static void *yielder(void *arg)
{
    struct pair *p = arg;
    pin(p->pinned, p->cpu);
    while (!p->stop)
        sched_yield();
    return NULL;
}

static int64_t b_yield(void *s, uint32_t n)
{
    (void)s;
    int64_t t0 = h_now();
    for (uint32_t i = 0; i < n / 2; i++)
        sched_yield();
    return h_now() - t0;
}

static void yield_pair(struct h_results *out)
{
    struct pair p = {0};
    if (pair_start(&p, true, yielder)) {
        h_add(out, "host_sched_yield_1cpu")->error = true;
        return;
    }
    sample(out, "host_sched_yield_1cpu", b_yield, &p, 200, 600, NULL);
    p.stop = 1;
    pthread_join(p.th, NULL);
    unpin();
}

/* ---- pipe streaming: n writes of size bytes, the reader acks each batch with a byte */

static void *pipe_sink(void *arg)
{
    struct pair *p = arg;
    pin(p->pinned, p->cpu);
    static char buf[65536];
    for (;;) {
        for (uint32_t i = 0; i < p->per_ack; i++)
            if (read_full(p->a2b[0], buf, p->size))
                return NULL;
        if (write_full(p->b2a[1], buf, 1))
            return NULL;
    }
}

static int64_t b_pipe_stream(void *s, uint32_t n)
{
    struct pair *p = s;
    static char buf[65536];
    char ack;
    if (n != p->per_ack)
        return -EINVAL;
    int64_t t0 = h_now();
    for (uint32_t i = 0; i < n; i++)
        if (write_full(p->a2b[1], buf, p->size))
            return -EIO;
    if (read_full(p->b2a[0], &ack, 1))
        return -EIO;
    return h_now() - t0;
}

static void pipe_stream(struct h_results *out, const char *name, uint32_t size, uint32_t batch,
                        bool pinned)
{
    struct pair p = {.size = size, .per_ack = batch};
    if (pipe(p.a2b) || pipe(p.b2a) || pair_start(&p, pinned, pipe_sink)) {
        h_add(out, name)->error = true;
        return;
    }
    char extra[32];
    snprintf(extra, sizeof(extra), "bytes=%u", size);
    sample(out, name, b_pipe_stream, &p, batch, 300, extra);
    pair_stop_pipes(&p);
}

/* ---- malloc/free */

struct msize {
    size_t size;
    unsigned count;
};

static int64_t b_malloc(void *s, uint32_t n)
{
    const struct msize *m = s;
    void *p[4];
    int64_t t0 = h_now();
    for (uint32_t i = 0; i < n; i++) {
        for (unsigned k = 0; k < m->count; k++) {
            p[k] = malloc(m->size);
            __asm__ volatile("" : : "r"(p[k]) : "memory"); /* keep the pair */
        }
        for (unsigned k = 0; k < m->count; k++)
            free(p[k]);
    }
    return h_now() - t0;
}

static void malloc_free(struct h_results *out, const char *what, size_t size, unsigned count)
{
    char name[H_NAME], extra[64];
    struct msize m = {size ? size : 64, count};
    snprintf(name, sizeof(name), "host_malloc_free_%s", what);
    snprintf(extra, sizeof(extra), "bytes=%zu objects=%u", m.size, count);
    sample(out, name, b_malloc, &m, 200, 600, extra);
}

/* ---- 8 fds there and back over a unix socket pair (SCM_RIGHTS) */

static int send_fds(int sock, const int *fds, unsigned n)
{
    char data[64] = {0};
    struct iovec iov = {data, sizeof(data)};
    char ctl[CMSG_SPACE(sizeof(int) * 8)];
    struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl,
                        .msg_controllen = CMSG_SPACE(sizeof(int) * n)};
    struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(sizeof(int) * n);
    memcpy(CMSG_DATA(cm), fds, sizeof(int) * n);
    return sendmsg(sock, &mh, 0) == (ssize_t)sizeof(data) ? 0 : -1;
}

static int recv_fds(int sock, int *fds, unsigned n)
{
    char data[64];
    struct iovec iov = {data, sizeof(data)};
    char ctl[CMSG_SPACE(sizeof(int) * 8)];
    struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl,
                        .msg_controllen = sizeof(ctl)};
    if (recvmsg(sock, &mh, 0) != (ssize_t)sizeof(data))
        return -1;
    struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
    if (!cm || cm->cmsg_type != SCM_RIGHTS || cm->cmsg_len != CMSG_LEN(sizeof(int) * n))
        return -1;
    memcpy(fds, CMSG_DATA(cm), sizeof(int) * n);
    return 0;
}

static void *fd_echo(void *arg)
{
    struct pair *p = arg;
    int fds[8];
    while (recv_fds(p->sock[1], fds, 8) == 0) {
        int r = send_fds(p->sock[1], fds, 8);
        for (int i = 0; i < 8; i++)
            close(fds[i]); /* the copies we received; the sender's stay open */
        if (r)
            break;
    }
    return NULL;
}

static int g_fds[8];

static int64_t b_fds(void *s, uint32_t n)
{
    struct pair *p = s;
    int back[8];
    int64_t t0 = h_now();
    for (uint32_t i = 0; i < n; i++) {
        if (send_fds(p->sock[0], g_fds, 8) || recv_fds(p->sock[0], back, 8))
            return -EIO;
        for (int k = 0; k < 8; k++)
            close(back[k]);
    }
    return h_now() - t0;
}

static void scm_rights(struct h_results *out)
{
    struct pair p = {0};
    if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, p.sock)) {
        h_add(out, "host_scm_rights_8")->error = true;
        return;
    }
    for (int i = 0; i < 8; i++)
        g_fds[i] = open("/dev/null", O_RDONLY);
    if (pair_start(&p, false, fd_echo) == 0) {
        sample(out, "host_scm_rights_8", b_fds, &p, 50, 400, "handles=8 bytes=64");
        shutdown(p.sock[0], SHUT_RDWR);
        pthread_join(p.th, NULL);
    } else {
        h_add(out, "host_scm_rights_8")->error = true;
    }
    for (int i = 0; i < 8; i++)
        close(g_fds[i]);
    close(p.sock[0]);
    close(p.sock[1]);
}

/* ---- the audio mixer's period (the same code as the image's audio_mix_N) */

static int64_t b_mix(void *state, uint32_t n)
{
    int64_t t0 = h_now();
    for (uint32_t i = 0; i < n; i++)
        mixwork_period(state);
    return h_now() - t0;
}

static void audio_mix(struct h_results *out, const char *name, uint32_t streams, uint32_t batch)
{
    static struct mixwork w;
    if (mixwork_init(&w, streams, malloc)) {
        h_add(out, name)->error = true;
        mixwork_free(&w, free);
        return;
    }
    char extra[64];
    snprintf(extra, sizeof(extra), "streams=%u frames=480 in=44100 out=48000", streams);
    sample(out, name, b_mix, &w, batch, 300, extra);
    mixwork_free(&w, free);
}

/* ---- all of them */

void h_baselines(const struct h_cfg *c, const struct h_sizes *sz, struct h_results *out)
{
    g_c = c;
    sample(out, "host_getpid", b_getpid, NULL, 500, 600, "call=syscall(SYS_getpid)");
    sample(out, "host_clock_gettime", b_clock, NULL, 500, 600, "call=clock_gettime(MONOTONIC)");
    pipe_pingpong(out, "host_pipe_pingpong_64", false);
    pipe_pingpong(out, "host_pipe_pingpong_64_1cpu", true);
    futex_pair(out, "host_futex_pingpong", false, b_futex_pingpong, 50, NULL);
    futex_pair(out, "host_futex_pingpong_1cpu", true, b_futex_pingpong, 50, NULL);
    futex_pair(out, "host_futex_handoff_1cpu", true, b_futex_handoff, 200, NULL);
    yield_pair(out);
    pipe_stream(out, "host_pipe_stream_4k", 4096, 64, false);
    pipe_stream(out, "host_pipe_stream_4k_1cpu", 4096, 64, true);
    pipe_stream(out, "host_pipe_stream_64k", 65536, 4, false);
    pipe_stream(out, "host_pipe_stream_64k_1cpu", 65536, 4, true);
    scm_rights(out);
    malloc_free(out, "event", sz->event, 1);
    malloc_free(out, "channel", sz->channel, 2);
    malloc_free(out, "vmo", sz->vmo, 1);
    audio_mix(out, "host_audio_mix_1", 1, 20);
    audio_mix(out, "host_audio_mix_4", 4, 10);
    audio_mix(out, "host_audio_mix_16", 16, 4);
}
