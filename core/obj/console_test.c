/*
 * core/obj/console_test.c - the console input ring: core_console_input fills it,
 * console_read drains it, READABLE on the root resource while it holds bytes.
 */
#include "th.h"

#include "kernel.h"

#define PG 4096u

/* ---- console input */

static void drain_console(void)
{
    char *b = th_umem(256);
    while (u_console_read(th_root(), b, 256) > 0)
        ;
}

static void input(const char *s, size_t n) { core_console_input(s, n); }

static void test_console_read_empty(void **state)
{
    (void)state;
    drain_console();
    char *b = th_umem(16);
    assert_int_equal(u_console_read(th_root(), b, 16), SOS_ERR_SHOULD_WAIT);
    assert_int_equal(u_console_read(th_root(), b, 0), 0);
    assert_false(th_has_signal(th_root(), SOS_SIG_READABLE));
}

static void test_console_input_then_read(void **state)
{
    (void)state;
    drain_console();
    char *b = th_umem(16);
    input("abc", 3);
    assert_true(th_has_signal(th_root(), SOS_SIG_READABLE));
    assert_int_equal(u_console_read(th_root(), b, 16), 3);
    assert_memory_equal(b, "abc", 3);
    assert_false(th_has_signal(th_root(), SOS_SIG_READABLE));
    assert_int_equal(u_console_read(th_root(), b, 16), SOS_ERR_SHOULD_WAIT);
    /* pieces come out in order, however they are read */
    input("hello ", 6);
    input("world", 5);
    assert_int_equal(u_console_read(th_root(), b, 4), 4);
    assert_memory_equal(b, "hell", 4);
    assert_true(th_has_signal(th_root(), SOS_SIG_READABLE));
    assert_int_equal(u_console_read(th_root(), b, 16), 7);
    assert_memory_equal(b, "o world", 7);
}

static void test_console_read_needs_the_resource(void **state)
{
    (void)state;
    drain_console();
    char *b = th_umem(16);
    input("kept", 4);
    assert_int_equal(u_console_read(0x7070, b, 16), SOS_ERR_BAD_HANDLE);
    assert_int_equal(u_console_read(th_event(), b, 16), SOS_ERR_WRONG_TYPE);
    assert_int_equal(u_console_read(th_dup(th_root(), SOS_RIGHT_WAIT), b, 16),
                     SOS_ERR_ACCESS_DENIED);
    /* a bad buffer does not lose the input either */
    assert_int_equal(u_console_read(th_root(), NULL, 16), SOS_ERR_BAD_ADDRESS);
    assert_int_equal(u_console_read(th_root(), th_page_with(SOS_VM_READ, NULL, 0), 16),
                     SOS_ERR_BAD_ADDRESS);
    assert_int_equal(u_console_read(th_root(), b + PG - 100, PG), SOS_ERR_BAD_ADDRESS);
    assert_int_equal(u_console_read(th_root(), b, 16), 4);
    assert_memory_equal(b, "kept", 4);
}

static void test_console_read_at_most_256(void **state)
{
    (void)state;
    drain_console();
    static char in[300];
    for (int i = 0; i < 300; i++)
        in[i] = (char)('0' + i % 10);
    input(in, 300);
    char *b = th_umem(1000);
    assert_int_equal(u_console_read(th_root(), b, 1000), 256);
    assert_memory_equal(b, in, 256);
    assert_int_equal(u_console_read(th_root(), b, 1000), 44);
    assert_memory_equal(b, in + 256, 44);
}

static void test_console_ring_keeps_4096(void **state)
{
    (void)state;
    drain_console();
    static char in[5000];
    for (int i = 0; i < 5000; i++)
        in[i] = (char)('A' + i % 26);
    input(in, 5000); /* the newest bytes that do not fit are dropped */
    char *b = th_umem(256);
    size_t total = 0;
    int64_t n;
    while ((n = u_console_read(th_root(), b, 256)) > 0) {
        assert_memory_equal(b, in + total, (size_t)n);
        total += (size_t)n;
    }
    assert_int_equal(n, SOS_ERR_SHOULD_WAIT);
    assert_int_equal(total, 4096);
}

static void types_later(void *p)
{
    (void)p;
    th_sleep(2500);
    input("late", 4);
}

static void test_wait_for_console_input(void **state)
{
    (void)state;
    drain_console();
    int64_t t0 = th_now();
    th_thread(types_later, NULL);
    sos_signals_t *obs = th_umem(sizeof(*obs));
    assert_int_equal(u_object_wait_one(th_root(), SOS_SIG_READABLE, SOS_TIME_INFINITE, obs), 0);
    assert_int_equal(th_now(), t0 + 2500);
    assert_true(*obs & SOS_SIG_READABLE);
    char *b = th_umem(8);
    assert_int_equal(u_console_read(th_root(), b, 8), 4);
    assert_memory_equal(b, "late", 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        TH_TEST(test_console_read_empty),
        TH_TEST(test_console_input_then_read),
        TH_TEST(test_console_read_needs_the_resource),
        TH_TEST(test_console_read_at_most_256),
        TH_TEST(test_console_ring_keeps_4096),
        TH_TEST(test_wait_for_console_input),
    };
    return TH_RUN(tests);
}
