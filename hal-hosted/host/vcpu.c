/*
 * hal-hosted/host/vcpu.c - vCPUs: host threads, virtual interrupts, faults, timers.
 *
 * A vCPU runs core code and user code on one host thread. Virtual interrupts are bits
 * in vcpu->pending. Raising one sets the bit and then wakes the vCPU: a futex wake if
 * it is idle, a signal if it runs user code. The signal handler never does work in
 * signal context: if user code was interrupted it rewrites the context so that user
 * code "calls" host_irq_tramp (trap_x86_64.S), which saves the user state and enters
 * the core on the thread's kernel stack; otherwise (core or HAL code, which run with
 * virtual interrupts off) the bit simply waits until the core next enters user mode
 * or idles. Faults (SIGSEGV, SIGBUS, SIGILL, SIGFPE) in user code become a call of the
 * core's fault entry on the kernel stack; in core code they are a panic.
 *
 * Syscall User Dispatch (Linux >= 5.11) guards the host kernel from user code: each
 * vCPU thread turns it on with in_user's first byte as the selector, so while user code
 * runs (in_user = 1, SYSCALL_DISPATCH_FILTER_BLOCK) a raw `syscall` instruction raises
 * SIGSYS instead of reaching Linux, and on_fault makes it a fault of the process. The
 * one range always let through is libc's signal restorer (its rt_sigreturn ends every
 * handler that interrupted user code). This stops accidents, not an attacker: the
 * selector is writable memory in the same address space, and the restorer's `syscall`
 * can be jumped to (docs/sim.md, isolation).
 *
 * Every handler blocks the two async signals (timer, kick) while it runs: an async
 * signal that interrupted a handler would find in_user still set and redirect the
 * handler itself into host_irq_tramp, on this vCPU's alternate stack; the core may then
 * switch threads, and the next signal reuses the alternate stack under the frames of
 * the thread switched out, which later returns through them into garbage (seen as
 * services faulting at a `ret` in libc under input floods and load).
 * Handlers return through sigreturn, which restores the interrupted code's mask, so a
 * redirected context takes signals again at once. Fault handlers also use SA_NODEFER.
 *
 * Layer: hal-hosted, host world (libc only).
 */
#define _GNU_SOURCE
#include "host.h"

#include <errno.h>
#include <execinfo.h>
#include <linux/futex.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#define SIG_TIMER (SIGRTMIN + 0)
#define SIG_KICK (SIGRTMIN + 1)
#define ALTSTACK_SIZE (64 * 1024)

__thread struct host_vcpu *host_tl_vcpu;
static struct host_vcpu g_vcpus[HOST_MAX_VCPUS];
static unsigned g_nvcpus = 1;
static host_fault_fn g_user_fault;
static struct timespec g_t0;

void host_irq_tramp(void);
void host_irq_entered(void);
void host_syscall_entered(void);
void host_fault_tramp(void);

/* ---- time */

void host_time_init(void) { clock_gettime(CLOCK_MONOTONIC, &g_t0); }

int64_t host_time_now(void)
{
    if (host_det) /* virtual time (determ.c) */
        return host_det_now();
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)(t.tv_sec - g_t0.tv_sec) * 1000000000 + (t.tv_nsec - g_t0.tv_nsec);
}

int64_t host_wall_clock_s(void)
{
    if (host_det)
        return host_det_wall_s();
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return (int64_t)t.tv_sec;
}

/* The host kernel's generator (getrandom, blocking only until it is seeded at boot). */
int host_entropy_fill(void *buf, size_t len)
{
    if (host_det) /* drawn from the seed */
        return host_det_entropy(buf, len);
    uint8_t *p = buf;
    while (len > 0) {
        ssize_t n = getrandom(p, len, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n, len -= (size_t)n;
    }
    return 0;
}

/* ---- futex */

static void futex_wait(volatile uint32_t *addr, uint32_t val)
{
    syscall(SYS_futex, addr, FUTEX_WAIT_PRIVATE, val, NULL, NULL, 0);
}

static void futex_wake(volatile uint32_t *addr)
{
    syscall(SYS_futex, addr, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

/* ---- signals */

static void redirect_to_irq(ucontext_t *uc)
{
    greg_t *g = uc->uc_mcontext.gregs;
    uint64_t sp = (uint64_t)g[REG_RSP] - 128; /* step over the red zone */
    sp -= 8;
    *(uint64_t *)sp = (uint64_t)g[REG_RIP];   /* host_irq_tramp "returns" here */
    g[REG_RSP] = (greg_t)sp;
    g[REG_RIP] = (greg_t)host_irq_tramp;
}

/*
 * Whether pc is where a trampoline has loaded this vCPU's address but not yet cleared
 * in_user (trap_x86_64.S). Redirected there, the thread could be switched out and go on
 * on another vCPU, then clear this vCPU's in_user and run on its kernel stack while
 * this vCPU uses it too. The line stays pending: the entry takes it on its way out.
 */
static bool in_entry(uintptr_t pc)
{
    return (pc >= (uintptr_t)host_syscall_entry && pc < (uintptr_t)host_syscall_entered) ||
           (pc >= (uintptr_t)host_irq_tramp && pc < (uintptr_t)host_irq_entered);
}

static void on_async(int sig, siginfo_t *si, void *ucv)
{
    (void)si;
    struct host_vcpu *v = host_tl_vcpu;
    if (!v)
        return;
    if (sig == SIG_TIMER)
        __atomic_or_fetch(&v->pending, 1u << HOST_LINE_TIMER, __ATOMIC_SEQ_CST);
    if (v->stub_pid) { /* --isolate: user code runs in a stub; preempt it (isolate.c) */
        syscall(SYS_tgkill, v->stub_pid, v->stub_tid, SIGUSR1);
        return;
    }
    if (v->in_user && v->pending &&
        !in_entry((uintptr_t)((ucontext_t *)ucv)->uc_mcontext.gregs[REG_RIP]))
        redirect_to_irq(ucv);
}

/*
 * A fault outside user code: in the core (a vCPU thread) or in the simulator's own
 * threads. Like a panic it stops the simulator with HOST_FAULT_STATUS (not an abort,
 * whose 134 would say nothing). Only async-signal-safe calls: this is signal context.
 */
static __attribute__((noreturn)) void host_fault_stop(int sig, const struct host_vcpu *v,
                                                      uintptr_t pc, const void *addr)
{
    char msg[200], where[40] = "a host thread of the simulator";
    if (v)
        snprintf(where, sizeof(where), "core code on vcpu %u", v->id);
    int n = snprintf(msg, sizeof(msg),
                     "\n*** serviceos-sim: kernel fault: %s in %s at pc %#lx, address %p\n",
                     sig == SIGSEGV ? "segmentation fault" : sig == SIGBUS ? "bus error"
                     : sig == SIGILL ? "illegal instruction" : sig == SIGFPE ? "arithmetic fault"
                     : sig == SIGSYS ? "bad system call" : "breakpoint trap", where, (unsigned long)pc, addr);
    if (write(2, msg, (size_t)n) < 0) {
    }
    host_backtrace();
    host_console_restore();
    _exit(HOST_FAULT_STATUS);
}

/* The user registers as an ELF core's NT_PRSTATUS holds them (sys/user.h's order). */
static void save_fault_regs(struct host_vcpu *v, const greg_t *g)
{
    static const int order[HOST_FAULT_NREGS] = {
        REG_R15, REG_R14, REG_R13, REG_R12, REG_RBP, REG_RBX, REG_R11, REG_R10, REG_R9,
        REG_R8, REG_RAX, REG_RCX, REG_RDX, REG_RSI, REG_RDI, -1 /* orig_rax */, REG_RIP,
        -2 /* cs */, REG_EFL, REG_RSP, -1 /* ss */, -1, -1, -1, -1, -1, -1};
    for (unsigned i = 0; i < HOST_FAULT_NREGS; i++)
        v->fault_regs[i] = order[i] >= 0 ? (uint64_t)g[order[i]] : 0;
    v->fault_regs[17] = 0x33; /* Linux's user code segment: gdb shows it as such */
    v->fault_regs[20] = 0x2b;
}

static void on_fault(int sig, siginfo_t *si, void *ucv)
{
    struct host_vcpu *v = host_tl_vcpu;
    ucontext_t *uc = ucv;
    greg_t *g = uc->uc_mcontext.gregs;
    if (!v || !v->in_user)
        host_fault_stop(sig, v, (uintptr_t)g[REG_RIP], si->si_addr);
    v->in_user = 0;
    save_fault_regs(v, g);
    /* Call the core's fault entry on the kernel stack, as if user code had called it. */
    g[REG_RDI] = sig;
    g[REG_RSI] = si->si_code;
    g[REG_RDX] = (greg_t)si->si_addr;
    g[REG_RCX] = g[REG_RIP];
    g[REG_R8] = g[REG_ERR];
    g[REG_RSP] = (greg_t)(v->kstack_top - 16); /* host_fault_tramp calls from here */
    g[REG_RIP] = (greg_t)host_fault_tramp;
}

void host_user_fault_dispatch(unsigned sig, int code, uintptr_t addr, uintptr_t pc,
                              unsigned long err);
void host_user_fault_dispatch(unsigned sig, int code, uintptr_t addr, uintptr_t pc,
                              unsigned long err)
{
    g_user_fault(sig, code, addr, pc, err);
    abort(); /* the core never returns from a fault */
}

int host_signals_init(host_fault_fn user_fault)
{
    g_user_fault = user_fault;
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    /* async signals wait while any handler runs: see the top of the file */
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIG_TIMER);
    sigaddset(&sa.sa_mask, SIG_KICK);
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER | SA_RESTART;
    sa.sa_sigaction = on_fault;
    int sigs[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGSYS};
    for (unsigned i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
        if (sigaction(sigs[i], &sa, NULL))
            return -1;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
    sa.sa_sigaction = on_async;
    if (sigaction(SIG_TIMER, &sa, NULL) || sigaction(SIG_KICK, &sa, NULL))
        return -1;
    return 0;
}

/* ---- Syscall User Dispatch */

#ifndef PR_SET_SYSCALL_USER_DISPATCH
#define PR_SET_SYSCALL_USER_DISPATCH 59
#define PR_SYS_DISPATCH_ON 1
#endif
#define RESTORER_SPAN 16 /* libc's __restore_rt: mov $15, %rax; syscall */

/* The kernel's view of a handler: libc's restorer is only visible there. */
struct kernel_sigaction {
    void *handler;
    unsigned long flags;
    void *restorer;
    uint64_t mask;
};

static int g_sud = -1; /* -1 not yet tried, 0 unavailable or turned off, 1 on */
static bool g_sud_off;

void host_vcpu_sud_disable(void) { g_sud_off = true; }

/*
 * Turn dispatch on for the calling vCPU thread, selector = in_user's first byte (0 while
 * core code runs: allow; 1 in user code: block). Returns 1 on, 0 when the host kernel
 * lacks it (the simulator then runs as before, and says so once).
 */
static int sud_attach(struct host_vcpu *v)
{
    struct kernel_sigaction k;
    if (g_sud_off)
        return g_sud = 0;
    if (syscall(SYS_rt_sigaction, SIG_TIMER, NULL, &k, sizeof(k.mask)) || !k.restorer)
        return 0;
    int on = prctl(PR_SET_SYSCALL_USER_DISPATCH, PR_SYS_DISPATCH_ON,
                   (unsigned long)k.restorer, RESTORER_SPAN, (unsigned long)&v->in_user) == 0;
    if (g_sud < 0 && !on)
        fprintf(stderr, "serviceos-sim: no Syscall User Dispatch on this host kernel (%s): "
                        "raw syscalls in user code are not caught\n", strerror(errno));
    g_sud = on;
    return on;
}

int host_vcpu_sud_active(void) { return g_sud == 1; }

/* ---- vCPUs */

struct host_vcpu *host_vcpu_get(unsigned id) { return id < HOST_MAX_VCPUS ? &g_vcpus[id] : NULL; }
unsigned host_vcpu_count(void) { return g_nvcpus; }
void host_vcpu_set_count(unsigned n) { g_nvcpus = n < 1 ? 1 : n > HOST_MAX_VCPUS ? HOST_MAX_VCPUS : n; }

/* "vcpuN" in gdb's `info threads` and in /proc; the main thread keeps the process's name. */
static void name_thread(const struct host_vcpu *v)
{
    if (v->tid == getpid())
        return;
    char name[16];
    snprintf(name, sizeof(name), "vcpu%u", v->id);
    pthread_setname_np(pthread_self(), name);
}

int host_vcpu_attach(unsigned id)
{
    struct host_vcpu *v = &g_vcpus[id];
    v->id = id;
    v->thread = (unsigned long)pthread_self();
    v->tid = (int)syscall(SYS_gettid);
    static char altstacks[HOST_MAX_VCPUS][ALTSTACK_SIZE] __attribute__((aligned(16)));
    stack_t ss = {.ss_sp = altstacks[id], .ss_size = ALTSTACK_SIZE, .ss_flags = 0};
    if (sigaltstack(&ss, NULL))
        return -1;
    struct sigevent sev;
    memset(&sev, 0, sizeof(sev));
    sev.sigev_notify = SIGEV_THREAD_ID;
    sev.sigev_signo = SIG_TIMER;
    sev._sigev_un._tid = v->tid;
    timer_t t;
    if (timer_create(CLOCK_MONOTONIC, &sev, &t))
        return -1;
    v->timer = t;
    host_tl_vcpu = v;
    sud_attach(v);
    name_thread(v);
    return 0;
}

struct start_arg {
    unsigned id;
    void (*fn)(unsigned);
};

/*
 * A vCPU thread takes only its own signals. Another handler (SDL's SIGTERM, say) run on
 * it while user code runs would make its syscalls under the dispatch selector's block
 * and be taken for the user program's; process-wide signals go to the other threads.
 */
static void vcpu_mask_signals(void)
{
    sigset_t m;
    sigfillset(&m);
    int own[] = {SIG_TIMER, SIG_KICK, SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGSYS, SIGPIPE};
    for (unsigned i = 0; i < sizeof(own) / sizeof(own[0]); i++)
        sigdelset(&m, own[i]);
    pthread_sigmask(SIG_SETMASK, &m, NULL);
}

static void *vcpu_main(void *p)
{
    struct start_arg a = *(struct start_arg *)p;
    free(p);
    vcpu_mask_signals();
    if (host_vcpu_attach(a.id)) {
        perror("serviceos-sim: vcpu setup");
        exit(1);
    }
    a.fn(a.id);
    return NULL;
}

int host_vcpu_start(unsigned id, void (*fn)(unsigned id))
{
    struct start_arg *a = malloc(sizeof(*a));
    if (!a)
        return -1;
    a->id = id;
    a->fn = fn;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 1 << 20);
    pthread_t th;
    int err = pthread_create(&th, &attr, vcpu_main, a);
    pthread_attr_destroy(&attr);
    if (!err)
        pthread_detach(th);
    return err ? -1 : 0;
}

void host_vcpu_raise(unsigned id, unsigned line)
{
    struct host_vcpu *v = &g_vcpus[id];
    if (host_det && v != host_tl_vcpu)
        host_det_foreign_raise(line);
    __atomic_or_fetch(&v->pending, 1u << line, __ATOMIC_SEQ_CST);
    if (v->idle)
        futex_wake(&v->pending);
    if ((v->in_user || v->stub_pid) && v != host_tl_vcpu) /* stub_pid: --isolate */
        pthread_kill((pthread_t)v->thread, SIG_KICK);
}

uint32_t host_vcpu_take_pending(void)
{
    /* A plain load first: every syscall and switch asks, and almost always nothing is
     * pending. A bit raised just after the load is found on the way back to user mode
     * (the trampolines check pending after setting in_user) or by the next call. */
    if (!__atomic_load_n(&host_tl_vcpu->pending, __ATOMIC_RELAXED))
        return 0;
    return __atomic_exchange_n(&host_tl_vcpu->pending, 0, __ATOMIC_SEQ_CST);
}

void host_vcpu_wait(void)
{
    struct host_vcpu *v = host_tl_vcpu;
    if (host_det) { /* input or a jump of the virtual clock (determ.c) */
        host_det_idle();
        return;
    }
    v->idle = 1;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    while (__atomic_load_n(&v->pending, __ATOMIC_SEQ_CST) == 0)
        futex_wait(&v->pending, 0);
    v->idle = 0;
}

void host_vcpu_timer_set(int64_t deadline)
{
    if (host_det) {
        host_det_timer_set(deadline);
        return;
    }
    struct itimerspec its;
    memset(&its, 0, sizeof(its));
    if (deadline != INT64_MAX) {
        int64_t abs = deadline + (int64_t)g_t0.tv_sec * 1000000000 + g_t0.tv_nsec;
        if (abs <= 0)
            abs = 1;
        its.it_value.tv_sec = abs / 1000000000;
        its.it_value.tv_nsec = abs % 1000000000;
    }
    timer_settime((timer_t)host_tl_vcpu->timer, TIMER_ABSTIME, &its, NULL);
}

void host_backtrace(void)
{
    void *frames[64];
    int n = backtrace(frames, 64);
    backtrace_symbols_fd(frames, n, 2);
}
