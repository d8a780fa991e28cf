/*
 * hal-hosted/host/host.h - the host side of hal-hosted: plain functions over plain
 * types that see only libc (and, in their own files, SDL2 and libuv). Nothing here
 * includes a core header; the files in hal-hosted/ that do see the core call these.
 *
 * Layer: hal-hosted, host world.
 */
#ifndef HAL_HOSTED_HOST_H
#define HAL_HOSTED_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- the memory arena: "physical memory" is one shared memory file */

#define HOST_PHYS_BASE 0x100000000ull /* physical address of the arena's first byte */

/* Before host_arena_init: map at HOST_DET_ARENA_VA and HOST_DET_WINDOWS_VA (a
 * deterministic run: the host's layout is random, and addresses reach the guest). */
void host_arena_fixed(void);
/* Create the arena of `bytes` and reserve room for `spaces` user windows. 0 or -1. */
int host_arena_init(size_t bytes, unsigned spaces, size_t window_bytes);
void *host_arena_base(void);
size_t host_arena_size(void);

/* User windows: disjoint ranges of host address space, one per address space. */
int host_window_alloc(uintptr_t *base); /* 0, or -1 when none is free */
void host_window_free(uintptr_t base);
size_t host_window_size(void);

#define HOST_PROT_R 1u
#define HOST_PROT_W 2u
#define HOST_PROT_X 4u

/* Map arena bytes [off, off+len) at va (inside a window), or unmap / reprotect. */
int host_map(uintptr_t va, uint64_t arena_off, size_t len, unsigned prot);
int host_unmap(uintptr_t va, size_t len);
int host_protect(uintptr_t va, size_t len, unsigned prot);
/* The arena's memfd (the --isolate stubs map user pages from it). */
int host_arena_fd(void);

/*
 * --isolate (isolate.c): each address space also lives in a stub process. When it is
 * on, host_isolate names the operations memory.c adds to its own mappings (NULL: the
 * default mode; the unit tests' HAL never sets it). The stub is fully mapped or the
 * call fails: -1.
 */
struct host_stub;
struct host_isolate_ops {
    int (*create)(uintptr_t base, size_t bytes, struct host_stub **out);
    void (*destroy)(struct host_stub *s);
    int (*map)(struct host_stub *s, uintptr_t va, uint64_t arena_off, size_t len, unsigned prot);
    int (*unmap)(struct host_stub *s, uintptr_t va, size_t len);
    int (*protect)(struct host_stub *s, uintptr_t va, size_t len, unsigned prot);
    void (*activate)(struct host_stub *s); /* the calling vCPU's current space */
};
extern const struct host_isolate_ops *host_isolate;
/* Turn --isolate on (before any address space exists): 0, or -1 with the reason printed. */
int host_isolate_enable(void);
void host_stub_destroy(struct host_stub *s);
/* The syscall entry user code calls inside a stub (valid once a stub has started). */
uintptr_t host_stub_syscall_entry(void);
/* Run user code of the active space's stub from entry: the thread's user mode. */
__attribute__((noreturn)) void host_stub_enter_user(uintptr_t entry, uintptr_t sp, uintptr_t arg);

/* ---- contexts (ctx_<arch>.S) */

/* Save callee-saved registers on the current stack, store sp in *from_sp, load to_sp. */
void host_ctx_switch(uintptr_t *from_sp, uintptr_t to_sp);

/* A stack pointer that starts fn(arg) when switched to; fn must not return. */
uintptr_t host_ctx_init(void *stack, size_t size, void (*fn)(void *), void *arg);

/*
 * Kernel stacks as AddressSanitizer fibers (ctx.c). A build with ASan must tell it
 * which stack runs after each hand-written switch, or it mistakes frames for overflows
 * and cannot clean up the frames a noreturn call leaves behind. host_ctx_make is
 * host_ctx_init that keeps the stack's bounds in its top HOST_CTX_RESERVE bytes (user
 * entries must start below them) and clears stale poison from frames used before;
 * host_ctx_go is host_ctx_switch to the context whose stack has entry top `to_top`
 * (the top minus the reserve). Without ASan they are the plain calls and the reserve
 * is 0.
 */
#if defined(__SANITIZE_ADDRESS__)
#define HOST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HOST_ASAN 1
#endif
#endif
#ifdef HOST_ASAN
#define HOST_CTX_RESERVE 32u
uintptr_t host_ctx_make(void *stack, size_t size, void (*fn)(void *), void *arg);
void host_ctx_go(uintptr_t *from_sp, uintptr_t to_sp, uintptr_t to_top);
#else
#define HOST_CTX_RESERVE 0u
static inline uintptr_t host_ctx_make(void *stack, size_t size, void (*fn)(void *), void *arg)
{
    return host_ctx_init(stack, size, fn, arg);
}
static inline void host_ctx_go(uintptr_t *from_sp, uintptr_t to_sp, uintptr_t to_top)
{
    (void)to_top;
    host_ctx_switch(from_sp, to_sp);
}
#endif

/* ---- vCPUs (vcpu.c): host threads running the core, with virtual interrupts */

#define HOST_MAX_VCPUS 16

/* Interrupt lines the host raises (bit n = line n; lines 0..31). */
#define HOST_LINE_TIMER 0u
#define HOST_LINE_IPI 1u
#define HOST_LINE_CONSOLE 2u

#define HOST_FAULT_NREGS 27

/*
 * Per-vCPU state. The trampolines (trap_x86_64.S) reach it through the thread-local
 * pointer host_tl_vcpu; its first fields have fixed offsets they rely on.
 */
struct host_vcpu {
    volatile uint32_t in_user;  /* offset 0: running user code (async signals redirect it) */
    volatile uint32_t pending;  /* offset 4: lines waiting to be delivered */
    uintptr_t kstack_top;       /* offset 8: where user-mode entries switch to */
    unsigned id;
    volatile uint32_t idle;
    void *timer;       /* timer_t */
    unsigned long thread; /* pthread_t */
    int tid;
    /* user registers at the last user fault, Linux's user_regs_struct order (27) */
    uint64_t fault_regs[HOST_FAULT_NREGS];
    volatile int stub_pid; /* --isolate: the stub running user code for this vCPU, or 0 */
    int stub_tid;          /* --isolate: and its runner thread for this vCPU */
};

extern __thread struct host_vcpu *host_tl_vcpu;

/* A fault in core code (or in the simulator's threads) exits with this: a panic's. */
#define HOST_FAULT_STATUS 70

/* Install the signal handlers (faults, timer, kick) once, before any vCPU starts. */
typedef void (*host_fault_fn)(unsigned sig, int code, uintptr_t addr, uintptr_t pc,
                              unsigned long err);
int host_signals_init(host_fault_fn user_fault);

/* Start vCPU `id` on a new host thread running fn(id); vCPU 0 may be the caller. */
int host_vcpu_start(unsigned id, void (*fn)(unsigned id));
/* Make the calling thread vCPU `id` (sets up its signal stack and timer). */
int host_vcpu_attach(unsigned id);
struct host_vcpu *host_vcpu_get(unsigned id);
unsigned host_vcpu_count(void);
void host_vcpu_set_count(unsigned n);

/* Raise `line` on vCPU `id` from any thread (wakes it, interrupts its user code). */
void host_vcpu_raise(unsigned id, unsigned line);
/* Take the pending lines of the calling vCPU (clears them). */
uint32_t host_vcpu_take_pending(void);
/* Block the calling vCPU until a line is pending. */
void host_vcpu_wait(void);
void host_cpu_relax(void); /* a spinning vCPU waits (relax.c) */
/* Arm the calling vCPU's one-shot timer at monotonic ns `deadline` (INT64_MAX: off). */
void host_vcpu_timer_set(int64_t deadline);
/* Whether Syscall User Dispatch guards user code on the vCPUs (vcpu.c). */
int host_vcpu_sud_active(void);
/* Before the vCPUs start: leave it off (--no-syscall-dispatch, to measure its cost). */
void host_vcpu_sud_disable(void);

/* Monotonic nanoseconds since host_time_init(). */
void host_time_init(void);
int64_t host_time_now(void);
/* The host's time of day (CLOCK_REALTIME), in seconds since 1970. */
int64_t host_wall_clock_s(void);

/* len bytes from the host's getrandom: 0, or -1 if it fails. */
int host_entropy_fill(void *buf, size_t len);

/* Enter user code: never returns (trap_x86_64.S). */
__attribute__((noreturn)) void host_enter_user(uintptr_t entry, uintptr_t sp, uintptr_t arg);
/* The address user code calls for a syscall (trap_x86_64.S). */
void host_syscall_entry(void);

/* Print a backtrace of the calling thread to stderr. */
void host_backtrace(void);

/* ---- console (console.c) */

/* Put the terminal in raw mode when stdin is a terminal; restored at exit. */
void host_console_init(void);
void host_console_restore(void);
void host_console_write(const char *buf, size_t len);
/*
 * Console input waits in a 64 KiB ring until the core takes it. deliver offers what
 * waits to take() and removes what it accepted (returns how many bytes), one vCPU at a
 * time, so no byte reaches the core twice; take must not call back into the console.
 * Nothing is ever dropped: when the ring is full the producer holds back (push returns
 * what fit) until on_space tells it there is room.
 */
size_t host_console_deliver(size_t (*take)(const char *buf, size_t len));
bool host_console_pending(void);
void host_console_on_space(void (*fn)(void)); /* called from a vCPU thread */
/* Queue input bytes (from stdin or the window) and raise the console line on vCPU 0;
 * returns how many fit. */
size_t host_console_push(const char *buf, size_t len);
/* Register a sink that also receives console output (the window's text view). */
void host_console_set_mirror(void (*fn)(const char *buf, size_t len));

/* ---- the window (sdl.c): runs on the main thread until power-off or the window closes
 * (returns 1 then); -1 when no window can be opened. */
int host_sdl_run(const char *title);
/* True when there is no display to open a window on (host_sdl_run would not try). */
bool host_sdl_no_display(void);
/* The window's size in pixels before scaling (the text grid: the display's size). */
void host_sdl_grid_size(uint32_t *w, uint32_t *h);

/* ---- the libuv loop (uvloop.c): stdin, device I/O, timers */
int host_uv_start(int watch_stdin);

/* ---- the disk (disk.c): a host file as a block device, I/O on the libuv loop */

#define HOST_DISK_READ 1u
#define HOST_DISK_WRITE 2u
#define HOST_DISK_FLUSH 3u

struct host_disk_req {
    uint32_t op;     /* HOST_DISK_* */
    int result;      /* at completion: 0 or -errno */
    uint64_t offset; /* bytes */
    void *buf;
    uint64_t len;
    void *cookie;    /* the submitter's */
    struct host_disk_req *next;
};

/*
 * Open (creating it, sparse, with create_bytes when it is new or empty) and lock the
 * disk file; *bytes gets its usable size. 0; -2 when another simulator holds it; -1 on
 * other errors (err says why).
 */
int host_disk_open(const char *path, uint64_t create_bytes, uint64_t *bytes, char *err, size_t errlen);
/* The line to raise on vCPU 0 when a request completes. */
void host_disk_set_line(unsigned line);
/* Queue a request (any thread); it completes later on the libuv loop. */
void host_disk_submit(struct host_disk_req *r);
/* A completed request, or NULL (any thread). */
struct host_disk_req *host_disk_done(void);
/* Called by the libuv loop's setup (uvloop.c). */
int host_disk_attach(void *loop);

/* ---- input (evq.c, input.c): the window's keyboard and mouse as events */

/* The layout of struct sos_input_event (hal-hosted/input.c checks it), same numbers. */
#define HOST_INPUT_KEY 1u
#define HOST_INPUT_MOTION 2u
#define HOST_INPUT_BUTTON 3u
#define HOST_INPUT_WHEEL 4u
#define HOST_INPUT_DROPPED 5u
#define HOST_INPUT_MOD_SHIFT (1u << 0)
#define HOST_INPUT_MOD_CTRL (1u << 1)
#define HOST_INPUT_MOD_ALT (1u << 2)
#define HOST_INPUT_MOD_META (1u << 3)
#define HOST_INPUT_MOD_CAPS (1u << 4)

struct host_input_event {
    uint32_t type, code;
    int32_t value;
    uint32_t mods;
    int32_t x, y;
    uint64_t time_ns;
};

/*
 * A bounded event queue (evq.c, no locking of its own): pushing into a full queue drops
 * the oldest event and counts it; the next pop reports the count first as one
 * HOST_INPUT_DROPPED record (value = events lost, saturating at INT32_MAX).
 */
struct host_evq {
    struct host_input_event *ev;
    uint32_t cap, head, count; /* head: index of the oldest */
    uint64_t dropped;          /* ever dropped */
    uint64_t unreported;       /* dropped since the last DROPPED record */
    uint64_t drop_time;        /* time_ns of the last drop */
};
void host_evq_init(struct host_evq *q, struct host_input_event *storage, uint32_t cap);
/* Queue a copy of *e; false when the oldest event had to go to make room. */
bool host_evq_push(struct host_evq *q, const struct host_input_event *e);
/* Take up to max records (a DROPPED record first when due), oldest first; how many. */
uint32_t host_evq_pop(struct host_evq *q, struct host_input_event *out, uint32_t max);

#define HOST_INPUT_QUEUE 256u /* the device's queue, in events */

/* Make the input device live: pushed events queue and raise `line` on vCPU 0. */
void host_input_enable(unsigned line);
bool host_input_enabled(void);
/* Queue an event (the SDL thread); time_ns 0 is filled with host_time_now(). */
void host_input_push(const struct host_input_event *e);
/* Take up to max queued events (any thread); how many. */
uint32_t host_input_take(struct host_input_event *out, uint32_t max);
/* Events dropped so far because the queue was full. */
uint64_t host_input_dropped(void);

/* ---- the network (net.c, net_slirp.c, net_tap.c): Ethernet frames to and from a host
 * backend, moved by the libuv loop. Bounded queues each way: a frame for the guest that
 * finds its queue full is dropped and counted (TCP retransmits), a frame from the guest
 * that finds the transmit queue full is refused (the core waits for room). */

#define HOST_NET_FRAME_MAX 1514u /* destination, source, type, 1500 bytes of payload */
#define HOST_NET_FRAME_MIN 14u
#define HOST_NET_QUEUE 64u       /* frames each way */

struct host_net_stats {
    uint64_t rx_dropped, rx_errors, tx_dropped, tx_errors;
};

/* Choose the backend before the loop starts: "slirp" (user-mode NAT, rootless; nothing
 * is set up until the guest sends its first frame), "tap:IFNAME" (opens the TAP device
 * now), "none". 0, or -1 with err saying why. */
int host_net_open(const char *spec, char *err, size_t errlen);
bool host_net_present(void);
/* The line to raise on vCPU 0 when frames arrive or transmit room frees. */
void host_net_set_line(unsigned line);
void host_net_mac(uint8_t mac[6]);
bool host_net_link_up(void);
void host_net_stats(struct host_net_stats *out);
/* Take the oldest frame for the guest into buf (len >= HOST_NET_FRAME_MAX); its length,
 * 0 when none is queued. Any thread. */
size_t host_net_recv(void *buf, size_t len);
/* Queue a frame from the guest for the backend: 0, or -1 when the queue is full. */
int host_net_send(const void *frame, size_t len);
/* Called by the libuv loop's setup (uvloop.c). */
int host_net_attach(void *loop);

/* For the backends, on the loop thread: a frame for the guest. */
void host_net_deliver(const void *frame, size_t len);
void host_net_count_rx_error(void);
struct host_net_backend {
    int (*open)(const char *arg, char *err, size_t errlen);
    int (*attach)(void *loop);
    int (*send)(const void *frame, size_t len); /* 0, or -1: dropped */
};
extern const struct host_net_backend host_net_slirp, host_net_tap;
/* ---- sound (audio.c): SDL's audio device behind a bounded frame queue */

struct host_audio_info {
    uint32_t rate, channels, frame_bytes; /* S16 little endian, interleaved */
    uint32_t queue_frames;  /* what the queue holds: the latency a writer adds */
    uint32_t period_frames; /* what SDL takes per callback */
    char driver[16];        /* SDL's driver name ("pulseaudio", "disk", ...) */
};

/* Is there anything to play on: SDL_AUDIODRIVER set, a sound server's socket or
 * /dev/snd? (Without one, SDL's probes only print errors.) */
bool host_audio_available(void);
/* Open the host's default sound device (main thread, before vCPUs start); completions
 * raise `line` on vCPU 0. 0, or -1 with the reason printed. */
int host_audio_open(unsigned line, struct host_audio_info *info);
/*
 * Queue len bytes of whole frames from buf (any thread); the buffer must stay valid
 * until host_audio_done returns `cookie`. 0; 1 when too many buffers wait already (try
 * again after a completion); -1 when closed or not whole frames.
 */
int host_audio_write(const void *buf, size_t len, void *cookie);
/* The cookie of a completed write, or NULL (any thread). */
void *host_audio_done(void);
/* What the device measured: writes whose first frame went out, the latency from a
 * write's arrival to that (1 ms resolution), frames played and silent frames played
 * because the queue was dry. */
struct host_audio_latency {
    uint64_t writes, played_frames, underrun_frames;
    uint32_t median_ms, p99_ms, max_ms;
};
void host_audio_latency(struct host_audio_latency *out);

/* ---- deterministic runs, record and replay (determ.c, detinput.c, recplay.c;
 * docs/sim.md "Deterministic runs"). One vCPU; virtual time advanced by fixed costs
 * and by jumps to the next deadline when idle; interrupts only at syscall exits,
 * interrupt entries and idle points; console input at idle points; seeded entropy. */

#define HOST_DET_OFF 0
#define HOST_DET_ON 1     /* --deterministic: input by the fixed rule (a line per idle point) */
#define HOST_DET_RECORD 2 /* --record FILE: input as it comes, written down */
#define HOST_DET_REPLAY 3 /* --replay FILE: input from the file, checked event by event */
extern int host_det;      /* the mode: set once, before any vCPU starts */

#define HOST_DIVERGED_STATUS 72 /* a replay found an event other than the recorded one */
#define HOST_DET_STUCK_STATUS 73 /* idle with no timer and no input left: never runs again */

/* Where a deterministic run maps guest memory (up to 64 GiB and the boot files) and the
 * 4 TiB of user windows (arena.c): above ASan's shadow (which ends at 0x10007fff8000),
 * below the simulator itself without address randomisation (0x555555554000 and its
 * heap) and ASan's allocator (0x600000000000). */
#define HOST_DET_ARENA_VA 0x200000000000ull
#define HOST_DET_WINDOWS_VA 0x210000000000ull

struct host_det_config {
    int mode;
    uint64_t seed;
    const char *file;     /* the record file (RECORD, REPLAY) */
    uint64_t boot_digest; /* what was booted (RECORD, REPLAY check it) */
    uint64_t disk_digest; /* the disk's contents at the start, 0 without one */
    bool test_jitter;     /* hidden test option: a random nudge at every clock jump */
};
/* Before the vCPUs start: 0, or -1 with err saying why (a bad record file...). For a
 * replay the seed comes from the file (c->seed is checked against it when non-zero). */
int host_det_start(struct host_det_config *c, char *err, size_t errlen);
int64_t host_det_now(void);
int64_t host_det_wall_s(void);
void host_det_timer_set(int64_t deadline);
/* Advance the virtual clock by a fixed cost (the calling vCPU). */
void host_det_charge(int64_t ns);
#define HOST_DET_SYSCALL_NS 1000 /* what a syscall costs in virtual time */
#define HOST_DET_DISK_NS 20000   /* and a disk request */
/* At a delivery point: raise the timer line when its deadline has passed. */
void host_det_poll(void);
/* A kernel event: hashed into the trace, written (RECORD) or checked (REPLAY). */
void host_det_event(unsigned kind, uint64_t a, uint64_t b);
/* The idle vCPU: deliver input or jump the clock; returns with a line pending. */
void host_det_idle(void);
int host_det_entropy(void *buf, size_t len);
/* A host thread raised a line: that breaks determinism (said once, loudly). */
void host_det_foreign_raise(unsigned line);
/* Main thread at power-off: print the trace, end the record or check the replay's
 * end; the status to exit with. */
int host_det_finish(int status);
/* Console input from standard input (the libuv thread): how many bytes fit; and the
 * end of input, once every byte before it was pushed. */
size_t host_det_input_push(const char *buf, size_t len);
void host_det_input_end(void);
/* --record with a network: a frame for the guest (the loop thread); false: dropped. */
bool host_det_frame_push(const void *frame, size_t len);
/* A frame into the card's receive queue, its line raised (net.c; the idle vCPU). */
void host_net_rx_put(const void *frame, size_t len);
/* The console's ring without the deterministic queue in front (console.c). */
size_t host_console_ring_push(const char *buf, size_t len);
/* Tell standard input's reader there is room again (console.c, any thread). */
void host_console_room(void);
/* FNV-1a over the disk file's contents (0 without a disk). */
uint64_t host_disk_digest(void);

/* ---- power */

/* Ask the main thread to end the process with `status`; the caller blocks forever. */
__attribute__((noreturn)) void host_power_off(int status);
/* Main thread: wait for the power-off request; returns the status. */
int host_power_wait(void);
/* Main thread: has power-off been requested? (-1 while running) */
int host_power_status(void);

#endif
