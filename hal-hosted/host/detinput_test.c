/*
 * hal-hosted/host/detinput_test.c - console input of a deterministic run (detinput.c):
 * the units the idle vCPU takes are cut by the bytes alone (newline, carriage return,
 * EOT, 4096 bytes, the end), never by how the pushes came; a full queue refuses what
 * does not fit and tells the reader when there is room; frames queue apart.
 *
 * Layer: tests (host).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "determ.h"

static int g_room;
void host_console_room(void) { g_room++; }

static void push(const char *s) { assert_int_equal(host_det_input_push(s, strlen(s)), strlen(s)); }

static void expect_bytes(const char *want, size_t len)
{
    char buf[HOST_REC_INPUT_MAX];
    size_t n = det_input_unit(buf);
    assert_int_equal(n, len);
    assert_memory_equal(buf, want, n);
}

static void expect_unit(const char *want) { expect_bytes(want, strlen(want)); }

/* One test: the queue is the module's single static state. */
static void test_units(void **state)
{
    (void)state;
    char buf[HOST_REC_INPUT_MAX];
    unsigned type;
    push("ec");
    push("ho a\nls\r");
    push("\x03" "x\x04");
    expect_unit("echo a\n");
    expect_unit("ls\r");
    expect_unit("\x03x\x04");
    static char big[70000];
    memset(big, 'z', sizeof(big));
    size_t took = host_det_input_push(big, sizeof(big));
    assert_int_equal(took, 65536); /* the rest waits with the reader */
    assert_false(det_input_over());
    g_room = 0;
    expect_bytes(big, HOST_REC_INPUT_MAX); /* 4096 z's, no terminator */
    assert_int_equal(g_room, 1);
    for (int i = 1; i < 16; i++)
        expect_bytes(big, HOST_REC_INPUT_MAX);
    push("tail");
    host_det_input_end();
    expect_unit("tail"); /* the end cuts the last unit */
    assert_true(det_input_over());
    assert_int_equal(det_input_unit(buf), 0);
    /* frames: apart from console bytes, one at a time, bounded */
    uint8_t frame[60] = {1, 2, 3};
    assert_true(host_det_frame_push(frame, sizeof(frame)));
    assert_int_equal(det_input_any(&type, buf, 0), 60);
    assert_int_equal(type, HOST_REC_NET);
    assert_int_equal(det_input_any(&type, buf, 0), 0); /* nothing, and no wait */
    int kept = 0;
    while (host_det_frame_push(frame, sizeof(frame)))
        kept++;
    assert_int_equal(kept, 64);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_units)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
