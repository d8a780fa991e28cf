/*
 * hal-hosted/stub/stub.c - the stub process of one address space (--isolate).
 *
 * The simulator starts one stub per user address space (hal-hosted/host/isolate.c).
 * It is a static freestanding program linked at a low fixed address, far from every
 * window; it holds its two control pages (host/stub.h), the user pages the core maps
 * into it, and nothing of the core. Setting up, it
 *   1. unmaps everything Linux gave it but its image (stack, vDSO), maps the control
 *      pages and asks to be killed with the simulator;
 *   2. blocks every signal and starts the mapper thread (stub_x86_64.S), which installs
 *      its own filter (futex, mmap, mprotect, write) and serves mapping requests;
 *   3. sends its user signals (SIGUSR1: preemption; SIGSEGV, SIGBUS, SIGILL, SIGFPE,
 *      SIGTRAP, SIGSYS: faults and trapped syscalls) to on_signal, and starts one runner
 *      thread per vCPU (the main thread is runner 0). Each runner takes an alternate
 *      stack of its own (which tells the handler whose control page to use), unblocks
 *      those signals and installs the user filter: futex (wait, wake) and rt_sigreturn
 *      pass, every other Linux syscall traps (SIGSYS), so user code can do nothing but
 *      its own memory;
 *   4. traps with STUB_NR_READY: from then on, every way out of user code is a signal
 *      whose handler hands the context to the core through the runner's control page
 *      and returns into whatever context the core gives back.
 *
 * Layer: the stub (freestanding, no libc; raw syscalls only).
 */
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/futex.h>
#include <linux/seccomp.h>
#include <asm/unistd.h>
#include <stddef.h>

#include "stub.h"

#define K_SIGILL 4
#define K_SIGTRAP 5
#define K_SIGBUS 7
#define K_SIGFPE 8
#define K_SIGKILL 9
#define K_SIGUSR1 10
#define K_SIGSEGV 11
#define K_SIGSYS 31
#define K_SA_SIGINFO 4u
#define K_SA_ONSTACK 0x08000000u
#define K_SA_RESTORER 0x04000000u
#define FP_XSTATE_MAGIC1 0x46505853u

struct k_siginfo {
    int signo, err, code, pad;
    union {
        void *addr; /* SIGSEGV, SIGBUS... */
        struct { void *call_addr; int syscall; unsigned arch; } sys;
    } u;
};

struct k_sigcontext {
    uint64_t regs[STUB_NREGS];
    uint16_t cs, gs, fs, ss;
    uint64_t err, trapno, oldmask, cr2;
    uint8_t *fpstate;
    uint64_t reserved[8];
};

struct k_ucontext {
    uint64_t flags;
    void *link;
    struct { void *sp; int flags, pad; uint64_t size; } stack;
    struct k_sigcontext mc;
    uint64_t sigmask;
};

struct k_sigaction {
    void *handler;
    unsigned long flags;
    void *restorer;
    uint64_t mask;
};

long stub_syscall6(long nr, long a, long b, long c, long d, long e, long f);
long stub_clone(unsigned long flags, void *stack, void (*fn)(unsigned long), unsigned long arg);
void stub_mapper(unsigned long unused);
__attribute__((noreturn)) void stub_runner(unsigned long idx);
void stub_syscall_entry(void);
void stub_restorer(void);
__attribute__((noreturn)) void stub_ready(void);
void stub_main(void);

#define SYS(nr, a, b, c, d, e, f) stub_syscall6(nr, (long)(a), (long)(b), (long)(c), (long)(d), \
                                                (long)(e), (long)(f))

#define ALTSTACK 32768 /* the handler and the kernel's signal frame (xsave included) */
static uint8_t g_altstacks[STUB_MAX_RUNNERS][ALTSTACK] __attribute__((aligned(16)));
static uint8_t g_runner_stacks[STUB_MAX_RUNNERS][8192] __attribute__((aligned(16)));
static uint8_t g_mapper_stack[4096] __attribute__((aligned(16)));
/* %fs for user code: Debian's libz.a in the images reads its stack canary at %fs:0x28
 * (common/meson.build); in the default mode that is the vCPU thread's TLS. */
static uint64_t g_tls[8] = {[5] = 0x5e0c0ffee15a7ed0ull};

/* The compiler may turn copies into calls of these. */
void *memcpy(void *d, const void *s, size_t n);
void *memcpy(void *d, const void *s, size_t n)
{
    uint8_t *dp = d;
    const uint8_t *sp = s;
    while (n--)
        *dp++ = *sp++;
    return d;
}
void *memset(void *d, int c, size_t n);
void *memset(void *d, int c, size_t n)
{
    uint8_t *dp = d;
    while (n--)
        *dp++ = (uint8_t)c;
    return d;
}

/* ---- filters */

#define LD(off) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (off))
#define ARCH_OFF offsetof(struct seccomp_data, arch)
#define NR_OFF offsetof(struct seccomp_data, nr)
#define ARG1_OFF offsetof(struct seccomp_data, args[1])

/* User code: futex wait/wake (the hand-off) and rt_sigreturn (ends every handler). */
static const struct sock_filter g_user_filter[] = {
    LD(ARCH_OFF),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
    LD(NR_OFF),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_rt_sigreturn, 5, 0),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_futex, 0, 3),
    LD(ARG1_OFF),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, FUTEX_WAIT, 2, 0),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, FUTEX_WAKE, 1, 0),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
};

/* The mapper thread: what its loop calls, nothing else. */
static const struct sock_filter g_mapper_filter[] = {
    LD(ARCH_OFF),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
    LD(NR_OFF),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_futex, 5, 0),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_mmap, 4, 0),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_mprotect, 3, 0),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_write, 2, 0),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_exit_group, 1, 0),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
};

const struct sock_fprog stub_mapper_prog = {
    sizeof(g_mapper_filter) / sizeof(g_mapper_filter[0]), (struct sock_filter *)g_mapper_filter};
static const struct sock_fprog g_user_prog = {
    sizeof(g_user_filter) / sizeof(g_user_filter[0]), (struct sock_filter *)g_user_filter};

/* ---- the hand-off */

static uint32_t why(int sig, const struct k_siginfo *si, struct stub_ctl *c,
                    const struct k_ucontext *uc)
{
    if (sig == K_SIGUSR1)
        return STUB_WHY_IRQ;
    if (sig == K_SIGSYS && si->u.sys.syscall == STUB_NR_CALL)
        return STUB_WHY_CALL;
    if (sig == K_SIGSYS && si->u.sys.syscall == STUB_NR_READY) {
        c->entry = (uint64_t)(uintptr_t)stub_syscall_entry;
        return STUB_WHY_READY;
    }
    c->sig = (uint64_t)sig; /* a fault, or a Linux syscall the filter trapped */
    c->code = (uint64_t)(int64_t)si->code;
    c->addr = sig == K_SIGSYS ? 0 : (uint64_t)(uintptr_t)si->u.addr;
    c->err = uc->mc.err;
    return STUB_WHY_FAULT;
}

/* Tell the core user code stopped, and wait until it says which context runs next. */
static void hand_off(struct stub_ctl *c)
{
    __atomic_store_n(&c->state, STUB_EXITED, __ATOMIC_SEQ_CST);
    SYS(__NR_futex, &c->state, FUTEX_WAKE, 1, 0, 0, 0);
    uint32_t s;
    while ((s = __atomic_load_n(&c->state, __ATOMIC_ACQUIRE)) != STUB_RUN)
        SYS(__NR_futex, &c->state, FUTEX_WAIT, s, 0, 0, 0);
}

static void die(void);

/* This runner's control page: the handler runs on the runner's own alternate stack, which
 * only a syscall can change (user code cannot make one). */
static struct stub_ctl *my_ctl(void)
{
    uintptr_t off = (uintptr_t)__builtin_frame_address(0) - (uintptr_t)g_altstacks;
    if (off >= sizeof(g_altstacks))
        die();
    return (struct stub_ctl *)(STUB_CTL_ADDR + off / ALTSTACK * 4096);
}

static void on_signal(int sig, struct k_siginfo *si, struct k_ucontext *uc)
{
    struct stub_ctl *c = my_ctl();
    uint8_t *fp = uc->mc.fpstate;
    memcpy(c->regs, uc->mc.regs, sizeof(c->regs));
    if (fp)
        memcpy(c->fx, fp, sizeof(c->fx));
    c->reason = why(sig, si, c, uc);
    hand_off(c);
    memcpy(uc->mc.regs, c->regs, sizeof(c->regs));
    if (!fp)
        return;
    memcpy(fp, c->fx, sizeof(c->fx));
    uint32_t magic;
    memcpy(&magic, fp + 464, 4); /* an xsave frame: x87 and SSE come from the image */
    if (magic == FP_XSTATE_MAGIC1)
        fp[512] |= 3;
}

/* ---- setup */

static void die(void) { SYS(__NR_exit_group, 2, 0, 0, 0, 0, 0); }

static const int g_user_sigs[] = {K_SIGUSR1, K_SIGSEGV, K_SIGBUS, K_SIGILL, K_SIGFPE,
                                  K_SIGTRAP, K_SIGSYS};
#define NSIGS (sizeof(g_user_sigs) / sizeof(g_user_sigs[0]))

/* The handlers are the process's (once); the alternate stack and the mask each runner's. */
static void setup_handlers(void)
{
    for (unsigned i = 0; i < NSIGS; i++) {
        struct k_sigaction sa = {(void *)on_signal, K_SA_SIGINFO | K_SA_ONSTACK | K_SA_RESTORER,
                                 (void *)stub_restorer, ~0ull};
        if (SYS(__NR_rt_sigaction, g_user_sigs[i], &sa, 0, 8, 0, 0))
            die();
    }
}

/* A runner: its stack for signals, its signals, its filter, then the first hand-off. */
void stub_runner(unsigned long idx)
{
    struct { void *sp; int flags, pad; uint64_t size; } ss = {g_altstacks[idx], 0, 0, ALTSTACK};
    if (SYS(__NR_sigaltstack, &ss, 0, 0, 0, 0, 0))
        die();
    uint64_t mask = ~0ull;
    for (unsigned i = 0; i < NSIGS; i++)
        mask &= ~(1ull << (g_user_sigs[i] - 1));
    struct stub_ctl *c = (struct stub_ctl *)(STUB_CTL_ADDR + idx * 4096ul);
    c->tid = (uint64_t)SYS(__NR_gettid, 0, 0, 0, 0, 0, 0);
    if (SYS(__NR_rt_sigprocmask, 2 /* SIG_SETMASK */, &mask, 0, 8, 0, 0) ||
        SYS(__NR_seccomp, SECCOMP_SET_MODE_FILTER, 0, &g_user_prog, 0, 0, 0))
        die();
    stub_ready();
}

/* Everything Linux mapped besides the image (its stack, the vDSO and vvar) goes: the
 * stub runs on its own stack, and user code finds nothing here but its own pages. */
static void unmap_the_rest(void)
{
    extern char _end[];
    uintptr_t end = ((uintptr_t)_end + 4095) & ~(uintptr_t)4095;
    SYS(__NR_munmap, 0x10000, STUB_REQ_ADDR - 0x10000, 0, 0, 0, 0);
    SYS(__NR_munmap, end, (1ull << 47) - 4096 - end, 0, 0, 0, 0);
}

void stub_main(void)
{
    unmap_the_rest();
    SYS(__NR_prctl, 1 /* PR_SET_PDEATHSIG */, K_SIGKILL, 0, 0, 0, 0);
    if (SYS(__NR_mmap, STUB_REQ_ADDR, 4096, 1, 0x11, STUB_FD_CTL, 0) != STUB_REQ_ADDR ||
        SYS(__NR_mmap, STUB_CTL_ADDR, STUB_CTL_BYTES - 4096, 3, 0x11, STUB_FD_CTL, 4096) !=
            STUB_CTL_ADDR)
        die();
    unsigned runners = ((const struct stub_req *)STUB_REQ_ADDR)->runners;
    if (runners < 1 || runners > STUB_MAX_RUNNERS)
        die();
    if (SYS(__NR_arch_prctl, 0x1002 /* ARCH_SET_FS */, g_tls, 0, 0, 0, 0))
        die();
    uint64_t all = ~0ull;
    if (SYS(__NR_rt_sigprocmask, 2, &all, 0, 8, 0, 0) ||
        SYS(__NR_prctl, 38 /* PR_SET_NO_NEW_PRIVS */, 1, 0, 0, 0, 0))
        die();
    /* CLONE_VM | FS | FILES | SIGHAND | THREAD | SYSVSEM */
    const unsigned long thread = 0x00000100 | 0x200 | 0x400 | 0x800 | 0x10000 | 0x40000;
    if (stub_clone(thread, g_mapper_stack + sizeof(g_mapper_stack), stub_mapper, 0) < 0)
        die();
    setup_handlers();
    for (unsigned i = 1; i < runners; i++)
        if (stub_clone(thread, g_runner_stacks[i] + sizeof(g_runner_stacks[i]), stub_runner, i) < 0)
            die();
    stub_runner(0);
}
