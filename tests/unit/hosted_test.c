/*
 * tests/unit/hosted_test.c - the pieces of hal-hosted that can be tested alone: the
 * arena and user windows, the context switch, the console ring, fault classes.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include <cmocka.h>

#include <sos/object.h>

#include "host.h"
#include "hosted.h"

#define PG 4096u

static int setup(void **state)
{
    (void)state;
    return host_arena_init(16u << 20, 4, 1u << 30);
}

static void test_arena_map_shares_frames(void **state)
{
    (void)state;
    uintptr_t a, b;
    assert_int_equal(host_window_alloc(&a), 0);
    assert_int_equal(host_window_alloc(&b), 0);
    assert_true(b >= a + host_window_size() || a >= b + host_window_size());
    char *arena = host_arena_base();
    memset(arena + 5 * PG, 0, PG);
    assert_int_equal(host_map(a + PG, 5 * PG, PG, HOST_PROT_R | HOST_PROT_W), 0);
    assert_int_equal(host_map(b + 7 * PG, 5 * PG, PG, HOST_PROT_R), 0);
    strcpy((char *)(a + PG), "shared frame");
    assert_string_equal((char *)(b + 7 * PG), "shared frame");
    assert_string_equal(arena + 5 * PG, "shared frame");
    host_window_free(a);
    host_window_free(b);
}

static jmp_buf g_jb;
static void on_segv(int sig) { siglongjmp(*(sigjmp_buf *)&g_jb, sig); }

static int probe_write(volatile char *p)
{
    struct sigaction sa = {0}, old;
    sa.sa_handler = on_segv;
    sigaction(SIGSEGV, &sa, &old);
    int faulted = sigsetjmp(*(sigjmp_buf *)&g_jb, 1) != 0;
    if (!faulted)
        *p = 1;
    sigaction(SIGSEGV, &old, NULL);
    return faulted;
}

static void test_protect_and_unmap_fault(void **state)
{
    (void)state;
    uintptr_t w;
    assert_int_equal(host_window_alloc(&w), 0);
    assert_int_equal(host_map(w, 0, PG, HOST_PROT_R | HOST_PROT_W), 0);
    assert_false(probe_write((char *)w));
    assert_int_equal(host_protect(w, PG, HOST_PROT_R), 0);
    assert_true(probe_write((char *)w));
    assert_int_equal(host_unmap(w, PG), 0);
    assert_true(probe_write((char *)w));
    assert_true(probe_write((char *)(w + 9 * PG))); /* never mapped */
    host_window_free(w);
}

static void test_windows_run_out(void **state)
{
    (void)state;
    uintptr_t w[5];
    for (int i = 0; i < 4; i++)
        assert_int_equal(host_window_alloc(&w[i]), 0);
    assert_int_equal(host_window_alloc(&w[4]), -1);
    host_window_free(w[2]);
    assert_int_equal(host_window_alloc(&w[4]), 0);
    assert_int_equal(w[4], w[2]);
    for (int i = 0; i < 5; i++)
        if (i != 2)
            host_window_free(w[i]);
}

static uintptr_t g_main_sp, g_co_sp;
static int g_steps;

static void co(void *arg)
{
    int *n = arg;
    for (;;) {
        (*n)++;
        g_steps++;
        host_ctx_switch(&g_co_sp, g_main_sp);
    }
}

static void test_context_switch(void **state)
{
    (void)state;
    static char stack[64 * 1024] __attribute__((aligned(16)));
    int n = 0;
    g_co_sp = host_ctx_init(stack, sizeof(stack), co, &n);
    assert_int_equal((g_co_sp + 7 * 8) % 16, 0); /* the start frame is ABI-aligned */
    for (int i = 1; i <= 1000; i++) {
        host_ctx_switch(&g_main_sp, g_co_sp);
        assert_int_equal(n, i);
    }
    assert_int_equal(g_steps, 1000);
}

static void test_fault_classes(void **state)
{
    (void)state;
    assert_int_equal(hosted_fault_class(SIGSEGV, SEGV_MAPERR, 0), SOS_FAULT_WILD_ADDRESS);
    assert_int_equal(hosted_fault_class(SIGSEGV, SEGV_ACCERR, 2), SOS_FAULT_PERMISSION);
    assert_int_equal(hosted_fault_class(SIGSEGV, SEGV_ACCERR, 16 | 1), SOS_FAULT_EXEC);
    assert_int_equal(hosted_fault_class(SIGSEGV, SEGV_MAPERR, 16), SOS_FAULT_WILD_ADDRESS);
    assert_int_equal(hosted_fault_class(SIGFPE, FPE_INTDIV, 0), SOS_FAULT_ARITH);
    assert_int_equal(hosted_fault_class(SIGILL, ILL_ILLOPN, 0), SOS_FAULT_ILLEGAL);
    assert_int_equal(hosted_fault_class(SIGBUS, BUS_ADRALN, 0), SOS_FAULT_ALIGN);
    assert_int_equal(hosted_fault_class(SIGTRAP, TRAP_BRKPT, 0), SOS_FAULT_BREAK);
    assert_int_equal(hosted_fault_class(SIGSYS, 2 /* SYS_USER_DISPATCH */, 0),
                     SOS_FAULT_HOST_SYSCALL);
    /* --isolate: a stub the simulator had to kill (it stopped answering preemption) */
    assert_int_equal(hosted_fault_class(SIGKILL, 0, 0), SOS_FAULT_KILLED);
    assert_int_equal(hosted_fault_class(99, 0, 0), SOS_FAULT_ILLEGAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_arena_map_shares_frames),
        cmocka_unit_test(test_protect_and_unmap_fault),
        cmocka_unit_test(test_windows_run_out),
        cmocka_unit_test(test_context_switch),
        cmocka_unit_test(test_fault_classes),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
