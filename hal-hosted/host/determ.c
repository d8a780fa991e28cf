/*
 * hal-hosted/host/determ.c - deterministic runs: the virtual clock, the timer, the
 * kernel event trace, seeded entropy and what the idle vCPU does (docs/sim.md,
 * "Deterministic runs").
 *
 * With --deterministic, --record or --replay the simulator runs one vCPU and nothing
 * else touches the guest at a time the host chooses. Time is virtual: it advances by a
 * fixed cost per syscall (HOST_DET_SYSCALL_NS) and per disk request, and when the vCPU
 * idles it jumps to the armed deadline. There is no POSIX timer: a deadline that has
 * passed raises the timer line at the next delivery point (a syscall's exit, an
 * interrupt entry, the first entry into user code, an idle point), so interrupts land
 * at the same place in every run. Console input reaches the guest only at idle points
 * (the rule differs per mode: below). Every syscall, interrupt, context switch, idle
 * point and input is an event: hashed into the trace (printed at power-off), written
 * to the record file (--record) or checked against it (--replay).
 *
 * A user loop that never enters the kernel cannot be preempted at a well-defined
 * point. A watchdog thread notices the vCPU making no event for 5 s of host time, says
 * so, and preempts it the ordinary way (a signal), which ends the run's determinism:
 * the power-off line then says NOT deterministic.
 *
 * Layer: hal-hosted, host world (libc only).
 */
#define _GNU_SOURCE
#include "determ.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#define WATCHDOG_NS 5000000000ll
#define DET_EPOCH_S 1764547200ll /* the time of day at virtual time 0: 2025-12-01 00:00 UTC */

int host_det;
static uint64_t g_seed;
static int64_t g_vtime;                /* virtual ns since boot */
static int64_t g_deadline = INT64_MAX; /* the armed one-shot timer */
static uint64_t g_count, g_hash = 0xcbf29ce484222325ull;
static uint64_t g_rng[4];              /* xoshiro256** */
static volatile int g_force;           /* the watchdog wants the vCPU preempted */
static volatile int g_broken;          /* something made this run nondeterministic */
static bool g_jitter;
static int64_t g_wall0;                /* --record: the host's monotonic time at virtual 0 */

static uint64_t splitmix(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static uint64_t rng_next(void)
{
    uint64_t *s = g_rng, r = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0], s[3] ^= s[1], s[1] ^= s[2], s[0] ^= s[3], s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return r;
}

int host_det_entropy(void *buf, size_t len)
{
    uint8_t *p = buf;
    while (len) {
        uint64_t v = rng_next();
        size_t n = len < 8 ? len : 8;
        memcpy(p, &v, n);
        p += n, len -= n;
    }
    return 0;
}

int64_t host_det_now(void) { return __atomic_load_n(&g_vtime, __ATOMIC_RELAXED); }
int64_t host_det_wall_s(void) { return DET_EPOCH_S + host_det_now() / 1000000000; }
void host_det_timer_set(int64_t deadline) { g_deadline = deadline; }
void host_det_charge(int64_t ns) { __atomic_add_fetch(&g_vtime, ns, __ATOMIC_RELAXED); }

static void raise_timer(void)
{
    __atomic_or_fetch(&host_tl_vcpu->pending, 1u << HOST_LINE_TIMER, __ATOMIC_SEQ_CST);
}

static void give_input(const char *buf, size_t n);

/*
 * The watchdog preempted user code that never enters the kernel: a slice's worth of
 * time and more passes, so the core switches if anything else can run; and input
 * waiting is delivered now, since no idle point may ever come (a Ctrl-C for the
 * spinning program). Determinism is already lost.
 */
static void forced(void)
{
    char buf[HOST_REC_INPUT_MAX];
    size_t n;
    g_force = 0;
    host_det_charge(1000000000);
    if (host_det == HOST_DET_ON && !host_console_pending() && (n = det_input_try(buf)))
        give_input(buf, n);
}

void host_det_poll(void)
{
    if (g_force)
        forced();
    if (host_det_now() >= g_deadline) {
        g_deadline = INT64_MAX;
        raise_timer();
    }
}

static uint64_t mix(uint64_t h, uint64_t v)
{
    h = (h ^ v) * 0x100000001b3ull;
    return h ^ (h >> 32);
}

void host_det_event(unsigned kind, uint64_t a, uint64_t b)
{
    struct host_rec_event e = {(uint8_t)kind, a, b};
    g_hash = mix(mix(mix(g_hash, kind), a), b);
    if (host_det == HOST_DET_RECORD)
        rec_event(&e);
    else if (host_det == HOST_DET_REPLAY)
        replay_event(&e, g_count, host_det_now());
    __atomic_add_fetch(&g_count, 1, __ATOMIC_RELAXED);
}

void host_det_foreign_raise(unsigned line)
{
    if (__atomic_exchange_n(&g_broken, 1, __ATOMIC_SEQ_CST))
        return;
    char msg[160];
    int n = snprintf(msg, sizeof(msg), "serviceos-sim: deterministic run: interrupt line %u "
                     "raised by a host thread: this run is NOT deterministic\n", line);
    if (write(2, msg, (size_t)n) < 0) {
    }
}

/* ---- the idle vCPU */

/* Nothing can ever wake the system again: say so and power off. */
static void stuck(void)
{
    if (host_det == HOST_DET_REPLAY && replay_has_more())
        det_diverged(g_count, host_det_now(), "more events or input",
                     "idle with no timer armed: the run cannot go on");
    fprintf(stderr, "serviceos-sim: deterministic run: the system is idle with no timer armed "
                    "and no input left; it can never run again: stopping\n");
    host_power_off(HOST_DET_STUCK_STATUS);
}

/* Jump the clock to the armed deadline and raise the timer line. */
static void jump(void)
{
    if (g_deadline == INT64_MAX)
        stuck();
    int64_t to = g_deadline;
    if (g_jitter) { /* --test-det-jitter: a nondeterminism replay must catch */
        uint16_t r = 0;
        if (getrandom(&r, sizeof(r), 0) < 0)
            r = 1;
        to += r % 1000;
    }
    if (to > host_det_now())
        __atomic_store_n(&g_vtime, to, __ATOMIC_RELAXED);
    g_deadline = INT64_MAX;
    raise_timer();
}

/* Hand input to the guest's device; its line is raised on this vCPU. */
static void give(unsigned type, const void *buf, size_t n)
{
    host_det_event(HOST_EV_INPUT, type, n);
    if (type == HOST_REC_NET)
        host_net_rx_put(buf, n);
    else
        host_console_ring_push(buf, n);
}

static void give_input(const char *buf, size_t n) { give(HOST_REC_CONSOLE, buf, n); }

/* The input this idle point takes, by the mode's rule; 0: none (the clock jumps). */
static size_t idle_input(unsigned *type, char *buf)
{
    *type = HOST_REC_CONSOLE;
    if (host_det == HOST_DET_REPLAY)
        return replay_input(g_count, host_det_now(), type, buf);
    if (host_console_pending()) /* the guest has not taken the last input yet */
        return 0;
    if (host_det == HOST_DET_ON)
        return det_input_unit(buf);
    /* --record: what has come, or wait (in host time) until the deadline is due */
    int64_t until = g_deadline == INT64_MAX ? INT64_MAX : g_wall0 + g_deadline;
    if (g_deadline == INT64_MAX && det_input_over())
        return 0;
    size_t n = det_input_any(type, buf, until);
    if (n)
        rec_input(*type, g_count, host_det_now(), buf, n);
    return n;
}

void host_det_idle(void)
{
    if (__atomic_load_n(&host_tl_vcpu->pending, __ATOMIC_SEQ_CST))
        return;
    host_det_event(HOST_EV_IDLE, (uint64_t)host_det_now(), 0);
    char buf[HOST_REC_INPUT_MAX];
    unsigned type;
    size_t n = idle_input(&type, buf);
    if (n)
        give(type, buf, n);
    else
        jump();
}

/* ---- the watchdog */

static void *watchdog(void *arg)
{
    (void)arg;
    uint64_t last = (uint64_t)-1;
    int64_t since = det_mono_ns();
    for (;;) {
        usleep(250000);
        uint64_t now = __atomic_load_n(&g_count, __ATOMIC_RELAXED);
        if (now != last || det_input_waiting() || host_power_status() >= 0) {
            last = now;
            since = det_mono_ns();
            continue;
        }
        if (det_mono_ns() - since < WATCHDOG_NS)
            continue;
        fprintf(stderr, "serviceos-sim: deterministic run: vcpu 0 has run for 5 s without a "
                        "syscall, interrupt or idle point (user code that never enters the kernel "
                        "cannot be preempted at a well-defined point); preempting it now: this "
                        "run is NOT deterministic\n");
        g_broken = 1;
        g_force = 1;
        host_vcpu_raise(0, HOST_LINE_TIMER);
        since = det_mono_ns();
    }
    return NULL;
}

/* ---- start and end */

int host_det_start(struct host_det_config *c, char *err, size_t errlen)
{
    host_det = c->mode;
    g_jitter = c->test_jitter;
    struct host_rec_header h = {c->seed, c->boot_digest, c->disk_digest};
    if (c->mode == HOST_DET_REPLAY) {
        if (replay_open(c->file, &h, err, errlen))
            return -1;
        if (h.boot_digest != c->boot_digest || h.disk_digest != c->disk_digest) {
            snprintf(err, errlen, "%s was recorded booting %s: replay it with the same boot "
                     "store, image, arguments and memory, and a copy of the disk as it was "
                     "when recording began", c->file,
                     h.boot_digest != c->boot_digest ? "something else" : "another disk");
            return -1;
        }
        c->seed = h.seed;
    } else if (c->mode == HOST_DET_RECORD && rec_open(c->file, &h, err, errlen)) {
        return -1;
    }
    g_seed = c->seed;
    uint64_t x = c->seed;
    for (int i = 0; i < 4; i++)
        g_rng[i] = splitmix(&x);
    g_wall0 = det_mono_ns();
    pthread_t th;
    if (pthread_create(&th, NULL, watchdog, NULL)) {
        snprintf(err, errlen, "cannot start the watchdog thread");
        return -1;
    }
    pthread_detach(th);
    return 0;
}

int host_det_finish(int status)
{
    static const char *const names[] = {"", "deterministic", "recorded", "replayed"};
    int64_t vt = host_det_now();
    fprintf(stderr, "serviceos-sim: %s run: seed %llu, %llu events, trace hash %016llx, "
            "virtual time %lld.%03lld s%s\n", names[host_det], (unsigned long long)g_seed,
            (unsigned long long)g_count, (unsigned long long)g_hash, (long long)(vt / 1000000000),
            (long long)(vt / 1000000 % 1000), g_broken ? " (NOT deterministic: see above)" : "");
    struct host_rec_end end = {g_count, g_hash, (uint64_t)vt, (uint64_t)status};
    if (host_det == HOST_DET_RECORD)
        rec_end(&end);
    if (host_det == HOST_DET_REPLAY && replay_end(&end))
        return HOST_DIVERGED_STATUS;
    return status;
}
