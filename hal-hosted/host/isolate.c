/*
 * hal-hosted/host/isolate.c - `--isolate`: each address space in its own host process.
 *
 * Every user address space gets a stub process (hal-hosted/stub/, embedded in the
 * simulator and started from a memfd) holding its user pages and nothing of the core.
 * The core stays here; user code runs only in stubs (docs/sim.md, "--isolate").
 *
 * - Memory: the window stays mapped in the simulator too (hal_copy_*_user are
 *   unchanged); each map, unmap and protect is also a request to the stub's mapper
 *   thread (stub.h), answered on a pipe before the core goes on, so a frame unmapped
 *   and freed is gone from the stub before it is reused.
 * - Running user code: a core thread "in user mode" is host_stub_enter_user's loop on
 *   its kernel stack, holding the thread's registers and FPU image. Each round copies
 *   them into this vCPU's runner's control page, sets STUB_RUN, and waits until the stub says
 *   STUB_EXITED: a syscall (hosted_syscall, the answer in rax), a preemption
 *   (hosted_irq_entry, which may switch threads) or a fault (core_fault, no return).
 * - Preemption: while a vCPU waits for a stub, host_vcpu.stub_pid names it; an
 *   interrupt raised then makes the vCPU thread send SIGUSR1 to its runner (vcpu.c),
 *   whose handler saves the context and hands off. The wait re-sends it every 50 ms
 *   while a line is pending and kills a stub that has not answered for 3 s (user code
 *   can block SIGUSR1 with a forged rt_sigreturn frame; that must not hang the vCPU).
 * - A stub that dies (a fatal signal it blocked, the watchdog) is a fault of its
 *   process: the wait notices with waitpid every 50 ms.
 *
 * Each stub has one runner thread per vCPU, with a control page of its own: vCPU i
 * always runs user code on runner i, so two vCPUs can run two threads of one process at
 * once, and a thread that moves to another vCPU moves its context with it (the context
 * lives in the core thread's loop, not in the runner).
 *
 * Layer: hal-hosted, host world (libc only).
 */
#define _GNU_SOURCE
#include "host.h"
#include "stub.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern const unsigned char host_stub_image[];
extern const unsigned long host_stub_image_len;

/* the core side of the trampolines (hal.c, vcpu.c) */
int64_t hosted_syscall(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
                       uint64_t a4);
void hosted_irq_entry(void);
void host_user_fault_dispatch(unsigned sig, int code, uintptr_t addr, uintptr_t pc,
                              unsigned long err);

#define WAIT_SLICE_NS 50000000ll   /* how often a waiting vCPU looks at its stub */
#define WATCHDOG_NS 3000000000ll   /* a kicked stub silent this long is killed */

struct host_stub {
    int pid;
    int done_fd; /* read end of the mapper's answers */
    void *pages; /* the control memfd mapped here */
    struct stub_req *req;
    struct stub_ctl *ctl[STUB_MAX_RUNNERS]; /* runner i: vCPU i's */
    int tid[STUB_MAX_RUNNERS];
    unsigned runners;
    uint32_t seq;
    pthread_mutex_t lock; /* one mapping request at a time */
    volatile int dead;    /* reaped; status holds how it ended */
    int status;
};

_Static_assert(STUB_MAX_RUNNERS >= HOST_MAX_VCPUS, "a runner for every vCPU");

struct frame {
    uint64_t regs[STUB_NREGS];
    uint8_t fx[512] __attribute__((aligned(16)));
};

static int g_exe_fd = -1;
static uint64_t g_entry;
static uint8_t g_fx_init[512];
static struct host_stub *g_active[HOST_MAX_VCPUS];

static long futex(volatile uint32_t *w, int op, uint32_t val, const struct timespec *ts)
{
    return syscall(SYS_futex, w, op, val, ts, NULL, 0); /* shared: the stub waits too */
}

/* ---- the stub process */

static int reap(struct host_stub *s, int flags)
{
    if (s->dead)
        return 1;
    int st, r;
    while ((r = waitpid(s->pid, &st, flags)) < 0 && errno == EINTR) {
    }
    if (r != s->pid)
        return 0;
    s->dead = 1;
    s->status = st;
    return 1;
}

/* Wait until runner r hands off: 0, or -1 when the stub died. */
static int wait_exit(struct host_stub *s, unsigned r, const volatile uint32_t *pending)
{
    int64_t kicked = -1;
    struct stub_ctl *c = s->ctl[r];
    for (;;) {
        uint32_t st = __atomic_load_n(&c->state, __ATOMIC_ACQUIRE);
        if (st == STUB_EXITED)
            return 0;
        struct timespec ts = {0, WAIT_SLICE_NS};
        if (futex(&c->state, FUTEX_WAIT, st, &ts) == 0 || errno != ETIMEDOUT)
            continue;
        if (reap(s, WNOHANG))
            return -1;
        if (!pending || !__atomic_load_n(pending, __ATOMIC_SEQ_CST))
            continue;
        int64_t now = host_time_now();
        if (kicked < 0)
            kicked = now;
        if (now - kicked > WATCHDOG_NS)
            kill(s->pid, SIGKILL);
        else
            syscall(SYS_tgkill, s->pid, s->tid[r], SIGUSR1);
    }
}

static int spawn_fds(int ctl_fd, int done_w, posix_spawn_file_actions_t *fa, int hi[3])
{
    /* above every target first: a source that is already 3, 4 or 5 would be overwritten */
    int src[3] = {host_arena_fd(), ctl_fd, done_w};
    for (int i = 0; i < 3; i++)
        if ((hi[i] = fcntl(src[i], F_DUPFD_CLOEXEC, 64)) < 0 ||
            posix_spawn_file_actions_adddup2(fa, hi[i], STUB_FD_ARENA + i))
            return -1;
    /* nothing else: not the terminal, not a pipe whose reader waits for its end */
    for (int fd = 0; fd < STUB_FD_ARENA; fd++)
        if (posix_spawn_file_actions_addclose(fa, fd))
            return -1;
    if (posix_spawn_file_actions_adddup2(fa, g_exe_fd, STUB_FD_DONE + 1))
        return -1; /* what the child executes: /proc/self/fd/6 */
    return posix_spawn_file_actions_addclosefrom_np(fa, STUB_FD_DONE + 2) ? -1 : 0;
}

static int spawn(struct host_stub *s, int ctl_fd, int done_w)
{
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    int hi[3] = {-1, -1, -1}, rc = -1;
    posix_spawn_file_actions_init(&fa);
    posix_spawnattr_init(&at);
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setsigmask(&at, &none);
    posix_spawnattr_setsigdefault(&at, &all);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    char path[40];
    snprintf(path, sizeof(path), "/proc/self/fd/%d", STUB_FD_DONE + 1);
    char *argv[] = {"serviceos-stub", NULL}, *envp[] = {NULL};
    if (!spawn_fds(ctl_fd, done_w, &fa, hi))
        rc = posix_spawn(&s->pid, path, &fa, &at, argv, envp) ? -1 : 0;
    for (int i = 0; i < 3; i++)
        if (hi[i] >= 0)
            close(hi[i]);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&at);
    return rc;
}

/* What every stub's first READY says alike: the syscall entry, a fresh FPU image. */
static const struct stub_ctl *g_first_ready;
static void take_first_ready(void)
{
    g_entry = g_first_ready->entry;
    memcpy(g_fx_init, g_first_ready->fx, sizeof(g_fx_init));
}

/* The control memfd mapped here, the stub started, each runner's READY awaited. */
static int stub_start(struct host_stub *s)
{
    int pipefd[2];
    int ctl_fd = memfd_create("serviceos-stub-ctl", MFD_CLOEXEC);
    if (ctl_fd < 0 || ftruncate(ctl_fd, STUB_CTL_BYTES) || pipe2(pipefd, O_CLOEXEC)) {
        if (ctl_fd >= 0)
            close(ctl_fd);
        return -1;
    }
    void *p = mmap(NULL, STUB_CTL_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED, ctl_fd, 0);
    int rc = -1;
    if (p != MAP_FAILED) {
        s->pages = p;
        s->req = p;
        s->req->runners = s->runners = host_vcpu_count();
        for (unsigned i = 0; i < s->runners; i++)
            s->ctl[i] = (struct stub_ctl *)((char *)p + 4096 * (1 + i));
        rc = spawn(s, ctl_fd, pipefd[1]);
    }
    close(ctl_fd);
    close(pipefd[1]);
    s->done_fd = pipefd[0];
    for (unsigned i = 0; !rc && i < s->runners; i++) {
        rc = wait_exit(s, i, NULL) || s->ctl[i]->reason != STUB_WHY_READY ? -1 : 0;
        s->tid[i] = (int)s->ctl[i]->tid; /* read once: user code may write the page later */
    }
    if (rc) {
        fprintf(stderr, "serviceos-sim: --isolate: a stub process did not start\n");
        return -1;
    }
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    g_first_ready = s->ctl[0];
    pthread_once(&once, take_first_ready);
    return 0;
}

static int request_locked(struct host_stub *s, uint32_t op, uintptr_t va, size_t len,
                          unsigned prot, uint64_t off);

/* One request to the mapper thread, answered before the core goes on. */
static int request(struct host_stub *s, uint32_t op, uintptr_t va, size_t len, unsigned prot,
                   uint64_t off)
{
    if (s->dead)
        return 0; /* its process faults as soon as it runs: nothing to map */
    pthread_mutex_lock(&s->lock);
    int rc = request_locked(s, op, va, len, prot, off);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

static int request_locked(struct host_stub *s, uint32_t op, uintptr_t va, size_t len,
                          unsigned prot, uint64_t off)
{
    struct stub_req *r = s->req;
    r->op = op, r->addr = va, r->len = len, r->off = off;
    r->prot = ((prot & HOST_PROT_R) ? PROT_READ : 0) | ((prot & HOST_PROT_W) ? PROT_WRITE : 0) |
              ((prot & HOST_PROT_X) ? PROT_EXEC : 0);
    __atomic_store_n(&r->seq, ++s->seq, __ATOMIC_RELEASE);
    futex(&r->seq, FUTEX_WAKE, 1, NULL);
    char b;
    ssize_t n;
    while ((n = read(s->done_fd, &b, 1)) < 0 && errno == EINTR) {
    }
    if (n != 1) { /* the end of the pipe: the stub is gone */
        reap(s, 0);
        return 0;
    }
    return b == '0' ? 0 : -1;
}

/* ---- the address-space operations memory.c calls */

/* A started stub with nothing mapped yet, or NULL. */
static struct host_stub *stub_new(void)
{
    struct host_stub *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->done_fd = -1;
    pthread_mutex_init(&s->lock, NULL);
    if (stub_start(s)) {
        host_stub_destroy(s);
        return NULL;
    }
    return s;
}

static int iso_create(uintptr_t base, size_t bytes, struct host_stub **out)
{
    struct host_stub *s = stub_new();
    if (!s)
        return -1;
    if (request(s, STUB_OP_RESERVE, base, bytes, 0, 0)) {
        host_stub_destroy(s);
        return -1;
    }
    *out = s;
    return 0;
}

void host_stub_destroy(struct host_stub *s)
{
    if (s->pid > 0 && !s->dead) {
        kill(s->pid, SIGKILL);
        reap(s, 0);
    }
    if (s->pages)
        munmap(s->pages, STUB_CTL_BYTES);
    pthread_mutex_destroy(&s->lock);
    if (s->done_fd >= 0)
        close(s->done_fd);
    for (unsigned i = 0; i < HOST_MAX_VCPUS; i++)
        if (g_active[i] == s)
            g_active[i] = NULL;
    free(s);
}

static int iso_map(struct host_stub *s, uintptr_t va, uint64_t off, size_t len, unsigned prot)
{
    return request(s, STUB_OP_MAP, va, len, prot, off);
}

static int iso_unmap(struct host_stub *s, uintptr_t va, size_t len)
{
    return request(s, STUB_OP_RESERVE, va, len, 0, 0);
}

static int iso_protect(struct host_stub *s, uintptr_t va, size_t len, unsigned prot)
{
    return request(s, STUB_OP_PROTECT, va, len, prot, 0);
}

static void iso_activate(struct host_stub *s) { g_active[host_tl_vcpu->id] = s; }

static const struct host_isolate_ops g_ops = {iso_create, host_stub_destroy, iso_map, iso_unmap,
                                              iso_protect, iso_activate};

int host_isolate_enable(void)
{
    /* above the stub's fds 3..6, which the spawn's dup2 actions replace before exec */
    int fd = memfd_create("serviceos-stub", MFD_CLOEXEC);
    g_exe_fd = fd < 0 ? -1 : fcntl(fd, F_DUPFD_CLOEXEC, 64);
    if (fd >= 0)
        close(fd);
    if (g_exe_fd < 0 || write(g_exe_fd, host_stub_image, host_stub_image_len) !=
                            (ssize_t)host_stub_image_len) {
        perror("serviceos-sim: --isolate: the stub image");
        return -1;
    }
    /* one stub started and ended now: a host that cannot (no seccomp, no /proc) says so
     * before anything boots */
    struct host_stub *probe = stub_new();
    if (!probe) {
        fprintf(stderr, "serviceos-sim: --isolate: cannot start a stub process on this host "
                        "(it needs seccomp filters, memfd and /proc)\n");
        return -1;
    }
    host_stub_destroy(probe);
    host_isolate = &g_ops;
    return 0;
}

uintptr_t host_stub_syscall_entry(void) { return (uintptr_t)g_entry; }

/* ---- user mode: one core thread's loop */

static __attribute__((noreturn)) void died(struct host_stub *s, const struct frame *f)
{
    unsigned sig = WIFSIGNALED(s->status) ? (unsigned)WTERMSIG(s->status) : SIGKILL;
    host_user_fault_dispatch(sig, 0, 0, f->regs[STUB_RIP], 0);
    abort();
}

static void after_exit(struct stub_ctl *c, struct frame *f)
{
    uint64_t *r = f->regs;
    memcpy(f->regs, c->regs, sizeof(f->regs));
    memcpy(f->fx, c->fx, sizeof(f->fx));
    switch (c->reason) {
    case STUB_WHY_CALL:
        r[STUB_RAX] = (uint64_t)hosted_syscall(r[STUB_RDI], r[STUB_RSI], r[STUB_RDX],
                                               r[STUB_R10], r[STUB_R8], r[STUB_R9]);
        break;
    case STUB_WHY_IRQ:
        hosted_irq_entry();
        break;
    case STUB_WHY_FAULT:
        host_user_fault_dispatch((unsigned)c->sig, (int)c->code, (uintptr_t)c->addr,
                                 r[STUB_RIP], (unsigned long)c->err);
        abort();
    default: /* READY again, or a reason user code wrote itself */
        host_user_fault_dispatch(SIGILL, 0, 0, r[STUB_RIP], 0);
        abort();
    }
}

static void run_once(struct host_stub *s, struct frame *f)
{
    struct host_vcpu *v = host_tl_vcpu;
    if (__atomic_load_n(&v->pending, __ATOMIC_SEQ_CST)) {
        hosted_irq_entry(); /* as the trampolines do on their way back to user code */
        return;
    }
    if (s->dead)
        died(s, f);
    unsigned r = v->id; /* this vCPU's runner: the thread may run on another next time */
    struct stub_ctl *c = s->ctl[r];
    memcpy(c->regs, f->regs, sizeof(f->regs));
    memcpy(c->fx, f->fx, sizeof(f->fx));
    __atomic_store_n(&c->state, STUB_RUN, __ATOMIC_SEQ_CST);
    futex(&c->state, FUTEX_WAKE, 1, NULL);
    v->stub_tid = s->tid[r];
    __atomic_store_n(&v->stub_pid, s->pid, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&v->pending, __ATOMIC_SEQ_CST))
        syscall(SYS_tgkill, s->pid, s->tid[r], SIGUSR1);
    int rc = wait_exit(s, r, &v->pending);
    __atomic_store_n(&v->stub_pid, 0, __ATOMIC_SEQ_CST);
    if (rc)
        died(s, f);
    after_exit(c, f);
}

void host_stub_enter_user(uintptr_t entry, uintptr_t sp, uintptr_t arg)
{
    struct host_stub *s = g_active[host_tl_vcpu->id];
    if (!s) {
        fprintf(stderr, "serviceos-sim: --isolate: user mode without an address space\n");
        abort();
    }
    struct frame f;
    memset(&f, 0, sizeof(f));
    memcpy(f.fx, g_fx_init, sizeof(f.fx));
    sp -= 8;
    *(uint64_t *)sp = 0; /* a return address: _start sees rsp % 16 == 8 */
    f.regs[STUB_RIP] = entry;
    f.regs[STUB_RSP] = sp;
    f.regs[STUB_RDI] = arg;
    f.regs[STUB_EFL] = 0x202;
    for (;;)
        run_once(s, &f);
}
