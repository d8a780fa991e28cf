/*
 * hal-hosted/host/signals_test.c - the vCPU signal handlers (vcpu.c): an async signal
 * that arrives while another handler runs must not redirect that handler into the
 * core. The timer and kick signals are made pending together while the vCPU is "in
 * user mode"; Linux then delivers them back to back, the second on top of the first
 * handler unless the handlers block it. host_irq_tramp is replaced here by a stub that
 * records the stack it was sent to: a redirect of a handler runs it on the vCPU's
 * alternate signal stack, which the real trampoline may leave holding a switched-out
 * thread's frames (the next signal overwrites them).
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_async_signals_never_redirect_a_handler),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
