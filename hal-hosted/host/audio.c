/*
 * hal-hosted/host/audio.c - the simulator's sound output: SDL2's default audio device
 * (or whatever SDL_AUDIODRIVER names, e.g. `disk` with SDL_DISKAUDIOFILE for tests)
 * behind a bounded frame queue.
 *
 * The device is opened once, S16 stereo at 48 kHz (SDL converts if the host wants
 * something else). Writers (the core, through hal-hosted/audio.c) hand over whole
 * buffers: what fits in the queue is copied at once; the rest waits in a short FIFO
 * and is copied as SDL's callback, running on SDL's audio thread, takes frames out. A
 * buffer completes when its last frame is in the queue. Each completion
 * raises the device's line on vCPU 0. So the queue depth is the latency the writer
 * adds, and the writer is paced by the host's sound clock.
 *
 * When the queue runs dry the callback plays silence. With SDL's `disk` driver there is
 * no sound clock to keep up with (SDL_DISKAUDIODELAY=0 writes as fast as it is fed), so
 * there the callback first waits up to HOST_AUDIO_DISK_WAIT_MS for the writer: captured
 * files then hold exactly what the guest wrote, whatever the host's load.
 *
 * Each write's latency, from its arrival to its first frame leaving the queue for SDL,
 * goes into a histogram of 1 ms buckets (host_audio_latency; --audio-stats prints it).
 *
 * Layer: hal-hosted, host world (libc and SDL2 only).
 */
#define _GNU_SOURCE
#include "host.h"

#include <SDL2/SDL.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#define QUEUE_FRAMES 1440u   /* 30 ms at 48 kHz: what a writer may be ahead */
#define FRAME_BYTES 4u       /* S16 stereo */
#define PENDING_MAX 4u
#define HOST_AUDIO_DISK_WAIT_MS 1000

struct pending {
    const uint8_t *buf;
    size_t len, off; /* off: bytes already queued */
    void *cookie;
};

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_fed = PTHREAD_COND_INITIALIZER;
static uint8_t g_q[QUEUE_FRAMES * FRAME_BYTES];
static size_t g_head, g_fill; /* bytes: the oldest byte's index, bytes queued */
static struct pending g_pend[PENDING_MAX];
static unsigned g_npend;
static void *g_done[PENDING_MAX + 1];
static unsigned g_ndone;
static unsigned g_line;
static bool g_disk, g_open;
static uint64_t g_underrun_frames, g_played_frames;

/* Latency from a write to its first frame leaving the queue: the queue position each
 * write starts at and when it came, and a histogram of 1 ms buckets. */
#define MARKS 64u
#define BUCKETS 256u
static struct { uint64_t pos; int64_t t; } g_marks[MARKS];
static unsigned g_mark_head, g_mark_tail;
static uint64_t g_in_bytes, g_out_bytes; /* ever queued, ever taken */
static uint32_t g_lat_ms[BUCKETS];
static uint64_t g_lat_n;
static SDL_AudioDeviceID g_dev;

static void q_put(const void *buf, size_t len)
{
    g_in_bytes += len;
    size_t tail = (g_head + g_fill) % sizeof(g_q), first = sizeof(g_q) - tail;
    if (first > len)
        first = len;
    memcpy(g_q + tail, buf, first);
    memcpy(g_q, (const uint8_t *)buf + first, len - first);
    g_fill += len;
}

static size_t q_take(uint8_t *out, size_t len)
{
    if (len > g_fill)
        len = g_fill;
    size_t first = sizeof(g_q) - g_head;
    if (first > len)
        first = len;
    memcpy(out, g_q + g_head, first);
    memcpy(out + first, g_q, len - first);
    g_head = (g_head + len) % sizeof(g_q);
    g_fill -= len;
    g_out_bytes += len;
    return len;
}

/* Writes whose first frame has now left the queue: into the histogram. */
static void mark_taken(void)
{
    int64_t now = host_time_now();
    while (g_mark_tail != g_mark_head && g_marks[g_mark_tail % MARKS].pos < g_out_bytes) {
        int64_t ms = (now - g_marks[g_mark_tail % MARKS].t) / 1000000;
        g_lat_ms[ms < 0 ? 0 : ms >= BUCKETS ? BUCKETS - 1 : ms]++;
        g_lat_n++;
        g_mark_tail++;
    }
}

/* Move waiting bytes into the queue, oldest buffer first, as far as they fit (under
 * g_lock); a buffer completes when its last byte is in. True if any completed. */
static bool admit(void)
{
    bool any = false;
    while (g_npend && g_fill < sizeof(g_q)) {
        struct pending *p = &g_pend[0];
        size_t n = p->len - p->off, room = sizeof(g_q) - g_fill;
        q_put(p->buf + p->off, n < room ? n : room);
        p->off += n < room ? n : room;
        if (p->off < p->len)
            break;
        g_done[g_ndone++] = p->cookie;
        memmove(g_pend, g_pend + 1, --g_npend * sizeof(g_pend[0]));
        any = true;
    }
    return any;
}

static void wait_fed(size_t want)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += HOST_AUDIO_DISK_WAIT_MS / 1000;
    until.tv_nsec += (HOST_AUDIO_DISK_WAIT_MS % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    while (g_fill < want && !g_npend)
        if (pthread_cond_timedwait(&g_fed, &g_lock, &until))
            return;
}

static void callback(void *arg, Uint8 *out, int len)
{
    (void)arg;
    pthread_mutex_lock(&g_lock);
    if (g_disk && g_fill < (size_t)len)
        wait_fed((size_t)len);
    size_t got = q_take(out, (size_t)len);
    mark_taken();
    memset(out + got, 0, (size_t)len - got);
    g_played_frames += got / FRAME_BYTES;
    g_underrun_frames += ((size_t)len - got) / FRAME_BYTES;
    bool raise = admit();
    pthread_mutex_unlock(&g_lock);
    if (raise)
        host_vcpu_raise(0, g_line);
}

/* Bytes of the waiting buffers not in the queue yet. */
static uint64_t pending_bytes(void)
{
    uint64_t n = 0;
    for (unsigned i = 0; i < g_npend; i++)
        n += g_pend[i].len - g_pend[i].off;
    return n;
}

static bool exists(const char *dir, const char *name)
{
    char path[512];
    if (!dir)
        return false;
    snprintf(path, sizeof(path), "%s%s", dir, name);
    return access(path, F_OK) == 0;
}

bool host_audio_available(void)
{
    const char *run = getenv("XDG_RUNTIME_DIR");
    return getenv("SDL_AUDIODRIVER") || getenv("PULSE_SERVER") || exists("/dev/snd", "") ||
           exists(run, "/pulse/native") || exists(run, "/pipewire-0");
}

int host_audio_open(unsigned line, struct host_audio_info *info)
{
    if (SDL_InitSubSystem(SDL_INIT_AUDIO) != 0) {
        fprintf(stderr, "serviceos-sim: no sound (%s); --audio none turns it off\n", SDL_GetError());
        return -1;
    }
    SDL_AudioSpec want = {.freq = 48000, .format = AUDIO_S16LSB, .channels = 2,
                          .samples = 512, .callback = callback}, have;
    g_dev = SDL_OpenAudioDevice(NULL, 0, &want, &have, 0);
    if (!g_dev) {
        fprintf(stderr, "serviceos-sim: no sound device (%s); --audio none turns it off\n",
                SDL_GetError());
        SDL_QuitSubSystem(SDL_INIT_AUDIO);
        return -1;
    }
    const char *drv = SDL_GetCurrentAudioDriver();
    g_disk = drv && !strcmp(drv, "disk");
    g_line = line;
    g_open = true;
    *info = (struct host_audio_info){.rate = 48000, .channels = 2, .frame_bytes = FRAME_BYTES,
                                     .queue_frames = QUEUE_FRAMES, .period_frames = have.samples};
    snprintf(info->driver, sizeof(info->driver), "%s", drv ? drv : "?");
    SDL_PauseAudioDevice(g_dev, 0);
    return 0;
}

int host_audio_write(const void *buf, size_t len, void *cookie)
{
    int rc = 0;
    pthread_mutex_lock(&g_lock);
    if (!g_open || len % FRAME_BYTES) {
        rc = -1;
    } else if (g_npend == PENDING_MAX) {
        rc = 1;
    } else {
        g_pend[g_npend++] = (struct pending){buf, len, 0, cookie};
        if (g_mark_head - g_mark_tail < MARKS) /* where its first frame will be */
            g_marks[g_mark_head++ % MARKS] = (typeof(g_marks[0])){g_in_bytes + pending_bytes(), host_time_now()};
        admit();
        pthread_cond_signal(&g_fed);
    }
    pthread_mutex_unlock(&g_lock);
    return rc;
}

void *host_audio_done(void)
{
    void *c = NULL;
    pthread_mutex_lock(&g_lock);
    if (g_ndone) {
        c = g_done[0];
        memmove(g_done, g_done + 1, --g_ndone * sizeof(g_done[0]));
    }
    pthread_mutex_unlock(&g_lock);
    return c;
}


void host_audio_latency(struct host_audio_latency *out)
{
    pthread_mutex_lock(&g_lock);
    *out = (struct host_audio_latency){.writes = g_lat_n, .underrun_frames = g_underrun_frames,
                                       .played_frames = g_played_frames};
    uint64_t seen = 0;
    for (unsigned ms = 0; ms < BUCKETS; ms++) {
        if (!g_lat_ms[ms])
            continue;
        if (seen < (g_lat_n + 1) / 2 && seen + g_lat_ms[ms] >= (g_lat_n + 1) / 2)
            out->median_ms = ms;
        if (seen < g_lat_n * 99 / 100 + 1 && seen + g_lat_ms[ms] >= g_lat_n * 99 / 100 + 1)
            out->p99_ms = ms;
        out->max_ms = ms;
        seen += g_lat_ms[ms];
    }
    pthread_mutex_unlock(&g_lock);
}
