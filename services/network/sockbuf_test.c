/*
 * services/network/sockbuf_test.c - a socket's receive ring on the host: bytes around
 * the wrap, a full ring taking no more, datagrams whole or not at all and cut to the
 * reader's size.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sockbuf.h"

static void test_bytes_wrap_and_bound(void **state)
{
    (void)state;
    struct sockbuf b;
    uint8_t out[16];
    assert_int_equal(sockbuf_init(&b, 8), 0);
    assert_int_equal(sockbuf_put(&b, "abcdef", 6), 6);
    assert_int_equal(sockbuf_get(&b, out, 4), 4);
    assert_memory_equal(out, "abcd", 4);
    assert_int_equal(sockbuf_put(&b, "ghijklmnop", 10), 6); /* 2 held + 6: full */
    assert_int_equal(sockbuf_space(&b), 0);
    assert_int_equal(sockbuf_put(&b, "z", 1), 0);
    assert_int_equal(sockbuf_get(&b, out, sizeof(out)), 8);
    assert_memory_equal(out, "efghijkl", 8);
    assert_int_equal(sockbuf_get(&b, out, sizeof(out)), 0);
    sockbuf_free(&b);
}

static void test_datagrams(void **state)
{
    (void)state;
    struct sockbuf b;
    struct sockbuf_dgram d = {0x0102000a, 7, 5}, r;
    uint8_t out[16];
    assert_int_equal(sockbuf_init(&b, 2 * (sizeof(d) + 5) + 3), 0);
    assert_true(sockbuf_put_dgram(&b, &d, "hello"));
    assert_true(sockbuf_put_dgram(&b, &d, "world"));
    assert_false(sockbuf_put_dgram(&b, &d, "again")); /* no room for a whole one */
    assert_true(sockbuf_get_dgram(&b, &r, out, 3));   /* cut to the reader's 3 */
    assert_int_equal(r.len, 3);
    assert_int_equal(r.port, 7);
    assert_memory_equal(out, "hel", 3);
    assert_true(sockbuf_get_dgram(&b, &r, out, sizeof(out)));
    assert_memory_equal(out, "world", 5);
    assert_false(sockbuf_get_dgram(&b, &r, out, sizeof(out)));
    sockbuf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bytes_wrap_and_bound),
        cmocka_unit_test(test_datagrams),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
