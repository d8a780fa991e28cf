/*
 * hal-hosted/host/signals_test.c - the vCPU signal handlers (vcpu.c): an async signal
 * that arrives while another handler runs must not redirect that handler into the
 * core. The timer and kick signals are made pending together while the vCPU is "in
 * user mode"; Linux then delivers them back to back, the second on top of the first
 * handler unless the handlers block it. host_irq_tramp is replaced here by a stub that
 * records the stack it was sent to: a redirect of a handler runs it on the vCPU's
 * alternate signal stack, which the real trampoline may leave holding a switched-out
 * thread's frames (the next signal overwrites them). Nor may a signal redirect code
 * in a trampoline's entry window (see trap_x86_64.S).
 *
 * Layer: tests (host).
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include <cmocka.h>

#include "host.h"

uintptr_t g_tramp_sp[16];
unsigned g_tramp_calls;

/* The redirect pushed the interrupted pc below a 128-byte red zone: record rsp (every
 * register and the flags kept), then return there as the real trampoline does. */
__asm__(".text\n"
        ".globl host_irq_tramp\n"
        "host_irq_tramp:\n"
        "    pushfq\n"
        "    pushq %rax\n"
        "    pushq %r10\n"
        "    pushq %r11\n"
        "    movl g_tramp_calls(%rip), %eax\n"
        "    andl $15, %eax\n"
        "    leaq g_tramp_sp(%rip), %r11\n"
        "    leaq 32(%rsp), %r10\n"
        "    movq %r10, (%r11,%rax,8)\n"
        "    incl g_tramp_calls(%rip)\n"
        "    popq %r11\n"
        "    popq %r10\n"
        "    popq %rax\n"
        "    popfq\n"
        "    ret $128\n");

/* The stub trampoline has no entry window; the stub syscall entry's window holds a
 * tgkill(pid, tid, sig), so that signal arrives with the pc inside the window. */
__asm__(".text\n"
        ".globl host_irq_entered\n"
        "host_irq_entered = host_irq_tramp\n"
        ".globl host_syscall_entry\n"
        "host_syscall_entry:\n"
        "kick_in_entry:\n"
        "    movl $234, %eax\n" /* SYS_tgkill: rdi, rsi, rdx are the caller's */
        "    syscall\n"
        "    nop\n"
        ".globl host_syscall_entered\n"
        "host_syscall_entered:\n"
        "    ret\n");
void kick_in_entry(long pid, long tid, long sig) __asm__("kick_in_entry");

void host_fault_tramp(void);
void host_fault_tramp(void) { abort(); }
void host_console_restore(void) {}

static void no_fault(unsigned sig, int code, uintptr_t addr, uintptr_t pc, unsigned long err)
{
    (void)sig, (void)code, (void)addr, (void)pc, (void)err;
    abort();
}

static void test_async_signals_never_redirect_a_handler(void **state)
{
    (void)state;
    assert_int_equal(host_signals_init(no_fault), 0);
    /* "user code" here is this test's own libc calls with in_user set: Syscall User
     * Dispatch would rightly stop them (scenario escape tests it) */
    host_vcpu_sud_disable();
    assert_int_equal(host_vcpu_attach(0), 0);
    struct host_vcpu *v = host_vcpu_get(0);
    stack_t alt;
    assert_int_equal(sigaltstack(NULL, &alt), 0);
    uintptr_t lo = (uintptr_t)alt.ss_sp, hi = lo + alt.ss_size;

    sigset_t both, old;
    sigemptyset(&both);
    sigaddset(&both, SIGRTMIN + 0); /* vcpu.c's SIG_TIMER */
    sigaddset(&both, SIGRTMIN + 1); /* and SIG_KICK */
    for (int round = 0; round < 8; round++) {
        g_tramp_calls = 0;
        assert_int_equal(pthread_sigmask(SIG_BLOCK, &both, &old), 0);
        v->pending = 1u << HOST_LINE_IPI;
        v->in_user = 1; /* as if user code ran here */
        raise(SIGRTMIN + 0);
        raise(SIGRTMIN + 1);
        assert_int_equal(pthread_sigmask(SIG_SETMASK, &old, NULL), 0); /* both arrive */
        v->in_user = 0;
        v->pending = 0;
        assert_true(g_tramp_calls >= 1 && g_tramp_calls <= 16);
        for (unsigned i = 0; i < g_tramp_calls; i++)
            if (g_tramp_sp[i] >= lo && g_tramp_sp[i] < hi)
                fail_msg("round %d: redirect %u ran the trampoline on the signal stack", round,
                         i);
    }
}

/* A signal that lands in a trampoline's entry, before in_user is cleared, leaves the
 * line pending (the entry takes it on the way out) instead of redirecting: redirected,
 * the thread could move to another vCPU while a register still names this one. */
static void test_no_redirect_inside_an_entry(void **state)
{
    (void)state;
    struct host_vcpu *v = host_vcpu_get(0);
    g_tramp_calls = 0;
    v->pending = 1u << HOST_LINE_IPI;
    v->in_user = 1;
    kick_in_entry(getpid(), gettid(), SIGRTMIN + 1);
    v->in_user = 0;
    v->pending = 0;
    assert_int_equal(g_tramp_calls, 0);
    /* outside the window the same signal is redirected: the test can see it */
    v->pending = 1u << HOST_LINE_IPI;
    v->in_user = 1;
    raise(SIGRTMIN + 1);
    v->in_user = 0;
    v->pending = 0;
    assert_int_equal(g_tramp_calls, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_async_signals_never_redirect_a_handler),
        cmocka_unit_test(test_no_redirect_inside_an_entry),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
