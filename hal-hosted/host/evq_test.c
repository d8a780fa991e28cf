/*
 * hal-hosted/host/evq_test.c - the input device's bounded event queue (evq.c): order,
 * the bound, drop counting and the DROPPED record, reads of every size.
 *
 * Layer: tests (host).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "host.h"

static struct host_input_event ev(uint32_t i)
{
    return (struct host_input_event){.type = HOST_INPUT_KEY, .code = i, .value = 1,
                                     .x = (int32_t)i, .y = -(int32_t)i, .time_ns = 1000 + i};
}

static void test_empty(void **state)
{
    (void)state;
    struct host_input_event st[4], out[4];
    struct host_evq q;
    host_evq_init(&q, st, 4);
    assert_int_equal(host_evq_pop(&q, out, 4), 0);
    assert_int_equal(host_evq_pop(&q, out, 0), 0);
    assert_int_equal(q.dropped, 0);
}

static void test_order(void **state)
{
    (void)state;
    struct host_input_event st[8], out[8];
    struct host_evq q;
    host_evq_init(&q, st, 8);
    for (uint32_t round = 0; round < 5; round++) { /* wraps around the ring */
        for (uint32_t i = 0; i < 6; i++) {
            struct host_input_event e = ev(round * 10 + i);
            assert_true(host_evq_push(&q, &e));
        }
        assert_int_equal(host_evq_pop(&q, out, 4), 4);
        assert_int_equal(host_evq_pop(&q, out + 4, 8), 2);
        for (uint32_t i = 0; i < 6; i++) {
            assert_int_equal(out[i].code, round * 10 + i);
            assert_int_equal(out[i].y, -(int32_t)(round * 10 + i));
            assert_int_equal(out[i].time_ns, 1000 + round * 10 + i);
        }
    }
    assert_int_equal(q.dropped, 0);
}

static void test_bounded_drops_oldest(void **state)
{
    (void)state;
    struct host_input_event st[4], out[8];
    struct host_evq q;
    host_evq_init(&q, st, 4);
    for (uint32_t i = 0; i < 10; i++) {
        struct host_input_event e = ev(i);
        assert_int_equal(host_evq_push(&q, &e), i < 4);
        assert_true(q.count <= 4);
    }
    assert_int_equal(q.dropped, 6);
    /* a DROPPED record first, then the 4 newest, in order */
    assert_int_equal(host_evq_pop(&q, out, 8), 5);
    assert_int_equal(out[0].type, HOST_INPUT_DROPPED);
    assert_int_equal(out[0].value, 6);
    assert_int_equal(out[0].time_ns, 1009);
    for (uint32_t i = 0; i < 4; i++)
        assert_int_equal(out[1 + i].code, 6 + i);
    /* reported once; the total stays */
    struct host_input_event e = ev(42);
    host_evq_push(&q, &e);
    assert_int_equal(host_evq_pop(&q, out, 8), 1);
    assert_int_equal(out[0].code, 42);
    assert_int_equal(q.dropped, 6);
}

static void test_drop_record_alone(void **state)
{
    (void)state;
    struct host_input_event st[2], out[2];
    struct host_evq q;
    host_evq_init(&q, st, 2);
    for (uint32_t i = 0; i < 3; i++) {
        struct host_input_event e = ev(i);
        host_evq_push(&q, &e);
    }
    /* a one-record read gets the DROPPED record; the events wait for the next */
    assert_int_equal(host_evq_pop(&q, out, 1), 1);
    assert_int_equal(out[0].type, HOST_INPUT_DROPPED);
    assert_int_equal(out[0].value, 1);
    assert_int_equal(host_evq_pop(&q, out, 1), 1);
    assert_int_equal(out[0].code, 1);
    assert_int_equal(host_evq_pop(&q, out, 2), 1);
    assert_int_equal(out[0].code, 2);
    assert_int_equal(host_evq_pop(&q, out, 2), 0);
}

static void test_many_drops_saturate(void **state)
{
    (void)state;
    struct host_input_event st[1], out[2];
    struct host_evq q;
    host_evq_init(&q, st, 1);
    q.unreported = (uint64_t)INT32_MAX + 5; /* as if billions had been dropped */
    struct host_input_event e = ev(7);
    host_evq_push(&q, &e);
    assert_int_equal(host_evq_pop(&q, out, 2), 2);
    assert_int_equal(out[0].type, HOST_INPUT_DROPPED);
    assert_int_equal(out[0].value, INT32_MAX);
    assert_int_equal(out[1].code, 7);
}

static void test_no_storage(void **state)
{
    (void)state;
    struct host_input_event out[2];
    struct host_evq q;
    host_evq_init(&q, NULL, 16); /* nothing to keep events in: all dropped, none stored */
    struct host_input_event e = ev(1);
    assert_false(host_evq_push(&q, &e));
    assert_int_equal(host_evq_pop(&q, out, 2), 1);
    assert_int_equal(out[0].type, HOST_INPUT_DROPPED);
    assert_int_equal(q.dropped, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_order),
        cmocka_unit_test(test_bounded_drops_oldest),
        cmocka_unit_test(test_drop_record_alone),
        cmocka_unit_test(test_many_drops_saturate),
        cmocka_unit_test(test_no_storage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
