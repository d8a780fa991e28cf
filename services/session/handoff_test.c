/*
 * services/session/handoff_test.c - a reader thread's batch of input events reaches the
 * loop's channel even when that channel is full for a while (the loop busy delivering
 * earlier events): the write waits for room and goes in, in one piece, instead of the
 * batch (keys among it) being dropped; the loop gone ends the reader.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../lib/test/host_sys.h"
#include "handoff.h"

#define PIPE 7

static const uint8_t batch[] = {1, 2, 3, 4, 5, 6, 7, 8};

static void test_room(void **state)
{
    (void)state;
    fake_reset();
    assert_int_equal(handoff(PIPE, batch, sizeof(batch)), 0);
    assert_int_equal(g_fake.nwrites, 1);
    assert_memory_equal(g_fake.writes[0].bytes, batch, sizeof(batch));
}

static void test_full_waits(void **state)
{
    (void)state;
    fake_reset();
    g_fake.write_fail_ch = PIPE;
    g_fake.write_fail_err = SOS_ERR_QUEUE_FULL;
    g_fake.write_fail_times = 3;
    assert_int_equal(handoff(PIPE, batch, sizeof(batch)), 0);
    assert_int_equal(g_fake.nwrites, 1); /* in, once the loop took some */
    assert_int_equal(g_fake.writes[0].ch, PIPE);
    assert_int_equal(g_fake.writes[0].len, sizeof(batch));
    assert_memory_equal(g_fake.writes[0].bytes, batch, sizeof(batch));
}

static void test_loop_gone(void **state)
{
    (void)state;
    fake_reset();
    g_fake.write_fail_ch = PIPE;
    g_fake.write_fail_err = SOS_ERR_PEER_CLOSED;
    assert_int_equal(handoff(PIPE, batch, sizeof(batch)), SOS_ERR_PEER_CLOSED);
    fake_reset(); /* full, and the loop goes while the reader waits for room */
    g_fake.write_fail_ch = PIPE;
    g_fake.write_fail_err = SOS_ERR_QUEUE_FULL;
    g_fake.peer_closed_ch = PIPE;
    assert_int_equal(handoff(PIPE, batch, sizeof(batch)), SOS_ERR_PEER_CLOSED);
    assert_int_equal(g_fake.nwrites, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_room),
        cmocka_unit_test(test_full_waits),
        cmocka_unit_test(test_loop_gone),
    };
    return cmocka_run_group_tests_name("session-handoff", tests, NULL, NULL);
}
