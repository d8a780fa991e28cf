/*
 * services/graphics/check_test.c - malformed surface requests on the host: sizes that
 * are zero, too large or would overflow, positions and flags out of range, a memory
 * object too small, damage rectangles empty, outside the surface or wrapping around,
 * and rights that cannot be shared; each with its error and sentence.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <proto/graphics.h>
#include <sos/errors.h>

#include "check.h"

static void test_sizes(void **state)
{
    (void)state;
    uint32_t stride;
    uint64_t bytes;
    const char *why = NULL;
    assert_int_equal(check_size(100, 50, &stride, &bytes, &why), 0);
    assert_int_equal(stride, 400);
    assert_int_equal(bytes, 20000);
    assert_int_equal(check_size(0, 50, &stride, &bytes, &why), SOS_ERR_INVALID_ARGS);
    assert_non_null(strstr(why, "at least 1"));
    assert_int_equal(check_size(0x40000001u, 4, &stride, &bytes, &why), SOS_ERR_OUT_OF_RANGE);
    assert_int_equal(check_size(4, 0xffffffffu, &stride, &bytes, &why), SOS_ERR_OUT_OF_RANGE);
    assert_non_null(strstr(why, "4096"));
    assert_int_equal(check_size(4096, 4096, &stride, &bytes, &why), 0);
    assert_int_equal(bytes, 4096ull * 4096 * 4);
}

static void test_config(void **state)
{
    (void)state;
    const char *why = NULL;
    assert_int_equal(check_config(-100, 200, 255, GFX_SURF_VISIBLE, &why), 0);
    assert_int_equal(check_config(GFX_COORD_MAX, 0, 255, 0, &why), SOS_ERR_OUT_OF_RANGE);
    assert_int_equal(check_config(0, -GFX_COORD_MAX, 255, 0, &why), SOS_ERR_OUT_OF_RANGE);
    assert_int_equal(check_config(0, 0, 256, 0, &why), SOS_ERR_INVALID_ARGS);
    assert_non_null(strstr(why, "alpha"));
    assert_int_equal(check_config(0, 0, 0, 1u << 7, &why), SOS_ERR_INVALID_ARGS);
}

static void test_buffer(void **state)
{
    (void)state;
    const char *why = NULL;
    assert_int_equal(check_buffer(8192, 8192, &why), 0);
    assert_int_equal(check_buffer(4096, 8192, &why), SOS_ERR_BUFFER_TOO_SMALL);
    assert_non_null(strstr(why, "smaller than the surface"));
}

static void test_damage(void **state)
{
    (void)state;
    const char *why = NULL;
    struct rect out[GFX_DAMAGE_MAX + 1];
    uint32_t ok[8] = {0, 0, 10, 10, 90, 40, 10, 10};
    assert_int_equal(check_damage(100, 50, ok, 2, out, &why), 0);
    assert_int_equal(out[1].x, 90);
    assert_int_equal(check_damage(100, 50, ok, 0, out, &why), SOS_ERR_INVALID_ARGS);
    assert_int_equal(check_damage(100, 50, ok, GFX_DAMAGE_MAX + 1, out, &why), SOS_ERR_INVALID_ARGS);
    uint32_t outside[4] = {95, 0, 10, 10};
    assert_int_equal(check_damage(100, 50, outside, 1, out, &why), SOS_ERR_OUT_OF_RANGE);
    assert_non_null(strstr(why, "outside the surface"));
    uint32_t below[4] = {0, 50, 1, 1};
    assert_int_equal(check_damage(100, 50, below, 1, out, &why), SOS_ERR_OUT_OF_RANGE);
    uint32_t wraps[4] = {10, 10, 0xfffffff8u, 4}; /* x + w wraps in 32 bits */
    assert_int_equal(check_damage(100, 50, wraps, 1, out, &why), SOS_ERR_OUT_OF_RANGE);
    uint32_t empty[4] = {10, 10, 0, 4};
    assert_int_equal(check_damage(100, 50, empty, 1, out, &why), SOS_ERR_INVALID_ARGS);
    assert_non_null(strstr(why, "empty"));
}

static void test_share(void **state)
{
    (void)state;
    const char *why = NULL;
    assert_int_equal(check_share(GFX_SURF_RIGHTS_ALL, GFX_SURF_RIGHT_PRESENT, &why), 0);
    assert_int_equal(check_share(GFX_SURF_RIGHT_PRESENT, GFX_SURF_RIGHT_DRAW, &why),
                     SOS_ERR_ACCESS_DENIED);
    assert_int_equal(check_share(GFX_SURF_RIGHTS_ALL, 1u << 9, &why), SOS_ERR_INVALID_ARGS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sizes),  cmocka_unit_test(test_config), cmocka_unit_test(test_buffer),
        cmocka_unit_test(test_damage), cmocka_unit_test(test_share),
    };
    return cmocka_run_group_tests_name("graphics-check", tests, NULL, NULL);
}
