/*
 * core/obj/interrupt_test.c - interrupt objects: interrupt_create, a line firing,
 * interrupt_ack, and the line held while any handle lives.
 */
#include "th.h"

#include "hal.h"

/* From the test HAL (tests/hal/test_hal.c): is the line unmasked? */
bool th_irq_enabled(unsigned line);

/* Where interrupt_create stores the new handle (user memory). */
struct ub {
    sos_handle_t h[2];
};
static struct ub *g;

TH_SETUP_UMEM(setup, g)
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, th_teardown)

/* ---- interrupts */

static void test_interrupt_create_fire_ack(void **state)
{
    (void)state;
    unsigned line = 40;
    assert_int_equal(u_interrupt_create(th_root(), line, g->h), 0);
    sos_handle_t irq = g->h[0];
    assert_int_equal(th_handle_info(irq).kind, SOS_OBJ_INTERRUPT);
    assert_true(th_irq_enabled(line));
    assert_int_equal(th_signals(irq), 0);
    core_irq(line, false); /* the device raises the line */
    assert_int_equal(th_signals(irq), SOS_SIG_SIGNALED);
    assert_false(th_irq_enabled(line)); /* masked until acked */
    assert_int_equal(u_interrupt_ack(irq), 0);
    assert_int_equal(th_signals(irq), 0);
    assert_true(th_irq_enabled(line));
    assert_int_equal(u_handle_close(irq), 0);
    assert_false(th_irq_enabled(line));
}

static void test_interrupt_bad_lines(void **state)
{
    (void)state;
    const uint32_t bad[] = {0, 1, 2, 15, 256, 1000, 0xffffffffu};
    struct th_counts before;
    th_counts(&before);
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(u_interrupt_create(th_root(), bad[i], g->h), SOS_ERR_OUT_OF_RANGE);
    th_assert_counts(&before);
    assert_int_equal(u_interrupt_create(th_root(), 16, g->h), 0);
    assert_int_equal(u_interrupt_create(th_root(), 255, g->h), 0);
}

static void test_interrupt_already_exists(void **state)
{
    (void)state;
    assert_int_equal(u_interrupt_create(th_root(), 41, g->h), 0);
    sos_handle_t irq = g->h[0];
    assert_int_equal(u_interrupt_create(th_root(), 41, g->h), SOS_ERR_ALREADY_EXISTS);
    assert_int_equal(u_handle_close(irq), 0);
    assert_int_equal(u_interrupt_create(th_root(), 41, g->h), 0); /* free again */
}

static void test_interrupt_needs_root_manage(void **state)
{
    (void)state;
    sos_handle_t weak = th_dup(th_root(), SOS_RIGHT_READ | SOS_RIGHT_DUPLICATE);
    assert_int_equal(u_interrupt_create(weak, 42, g->h), SOS_ERR_ACCESS_DENIED);
    sos_handle_t e = th_event();
    assert_int_equal(u_interrupt_create(e, 42, g->h), SOS_ERR_WRONG_TYPE);
    assert_int_equal(u_interrupt_create(0x5555001u, 42, g->h), SOS_ERR_BAD_HANDLE);
    sos_handle_t local;
    assert_int_equal(u_interrupt_create(th_root(), 42, &local), SOS_ERR_BAD_ADDRESS);
    assert_false(th_irq_enabled(42));
    assert_int_equal(u_interrupt_create(th_root(), 42, g->h), 0); /* the line was not taken */
}

static void test_interrupt_ack_checks(void **state)
{
    (void)state;
    assert_int_equal(u_interrupt_create(th_root(), 43, g->h), 0);
    sos_handle_t irq = g->h[0];
    sos_handle_t ro = th_dup(irq, SOS_RIGHT_WAIT);
    core_irq(43, false);
    assert_int_equal(u_interrupt_ack(ro), SOS_ERR_ACCESS_DENIED);
    assert_int_equal(th_signals(irq), SOS_SIG_SIGNALED);
    assert_int_equal(u_interrupt_ack(th_event()), SOS_ERR_WRONG_TYPE);
    assert_int_equal(u_interrupt_ack(irq), 0);
    assert_int_equal(th_signals(irq), 0);
}

static struct {
    int64_t rc;
} g_iw;

static void irq_waiter(void *arg)
{
    sos_handle_t irq = (sos_handle_t)(uintptr_t)arg;
    g_iw.rc = u_object_wait_one(irq, SOS_SIG_SIGNALED, SOS_TIME_INFINITE, NULL);
}

static void test_interrupt_wakes_waiter(void **state)
{
    (void)state;
    g_iw.rc = 1;
    assert_int_equal(u_interrupt_create(th_root(), 44, g->h), 0);
    sos_handle_t irq = g->h[0];
    th_thread(irq_waiter, (void *)(uintptr_t)irq);
    th_settle();
    assert_int_equal(g_iw.rc, 1);
    core_irq(44, false);
    th_settle();
    assert_int_equal(g_iw.rc, 0);
}

/* Through the system-call surface: info, refusals, a waiter-only handle. */
static void test_interrupt_create_and_ack(void **state)
{
    (void)state;
    sos_handle_t *h = th_umem(2 * sizeof(*h));
    assert_int_equal(u_interrupt_create(th_root(), 40, h), 0);
    struct sos_info_handle *hi = th_umem(sizeof(*hi));
    assert_int_equal(u_object_get_info(h[0], SOS_INFO_HANDLE, hi, sizeof(*hi)), (int64_t)sizeof(*hi));
    assert_int_equal(hi->kind, SOS_OBJ_INTERRUPT);
    assert_int_equal(u_interrupt_create(th_root(), 40, &h[1]), SOS_ERR_ALREADY_EXISTS);
    assert_int_equal(u_interrupt_create(th_root(), 15, &h[1]), SOS_ERR_OUT_OF_RANGE);
    assert_int_equal(u_interrupt_create(th_root(), 256, &h[1]), SOS_ERR_OUT_OF_RANGE);
    assert_int_equal(u_interrupt_create(th_dup(th_root(), SOS_RIGHT_READ), 41, &h[1]),
                     SOS_ERR_ACCESS_DENIED);
    /* the line fires: SIGNALED until acknowledged */
    core_irq(40, false);
    assert_true(th_has_signal(h[0], SOS_SIG_SIGNALED));
    sos_handle_t waiter = th_dup(h[0], SOS_RIGHT_WAIT);
    assert_int_equal(u_interrupt_ack(waiter), SOS_ERR_ACCESS_DENIED);
    assert_true(th_has_signal(h[0], SOS_SIG_SIGNALED));
    assert_int_equal(u_interrupt_ack(h[0]), 0);
    assert_false(th_has_signal(h[0], SOS_SIG_SIGNALED));
    /* the line stays taken while any handle to it lives; the last close frees it */
    assert_int_equal(u_handle_close(h[0]), 0);
    assert_int_equal(u_interrupt_create(th_root(), 40, &h[1]), SOS_ERR_ALREADY_EXISTS);
    assert_int_equal(u_handle_close(waiter), 0);
    assert_int_equal(u_interrupt_create(th_root(), 40, &h[1]), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_interrupt_create_fire_ack),
        T(test_interrupt_bad_lines),
        T(test_interrupt_already_exists),
        T(test_interrupt_needs_root_manage),
        T(test_interrupt_ack_checks),
        T(test_interrupt_wakes_waiter),
        T(test_interrupt_create_and_ack),
    };
    return TH_RUN(tests);
}
