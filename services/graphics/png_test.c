/*
 * services/graphics/png_test.c - screenshots' PNG encoding on the host: known pixels
 * (a gradient, a stride wider than the picture) encoded by png.c and decoded back by
 * stb_image come out the same; the alpha byte is dropped.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_PNG
#define STBI_NO_LINEAR
#define STBI_NO_HDR
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wmissing-prototypes"
#pragma GCC diagnostic ignored "-Wshadow"
#pragma GCC diagnostic ignored "-Wimplicit-fallthrough"
#include <stb/stb_image.h>
#pragma GCC diagnostic pop

#include "png.h"

static void test_round_trip(void **state)
{
    (void)state;
    enum { W = 37, H = 23, STRIDE_PX = 40 };
    static uint32_t px[H * STRIDE_PX];
    for (int y = 0; y < H; y++)
        for (int x = 0; x < STRIDE_PX; x++)
            px[y * STRIDE_PX + x] = 0x80000000u | (uint32_t)(x * 6) << 16 | (uint32_t)(y * 11) << 8 |
                                    (uint32_t)((x ^ y) & 0xff);
    unsigned char *png;
    size_t len;
    assert_int_equal(png_encode(px, W, H, STRIDE_PX * 4, &png, &len), 0);
    assert_true(len > 8 && !memcmp(png, "\x89PNG\r\n\x1a\n", 8));
    int w, h, n;
    unsigned char *rgb = stbi_load_from_memory(png, (int)len, &w, &h, &n, 3);
    assert_non_null(rgb);
    assert_int_equal(w, W);
    assert_int_equal(h, H);
    assert_int_equal(n, 3);
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            uint32_t p = px[y * STRIDE_PX + x];
            const unsigned char *q = rgb + 3 * (y * W + x);
            assert_int_equal(q[0], (p >> 16) & 0xff);
            assert_int_equal(q[1], (p >> 8) & 0xff);
            assert_int_equal(q[2], p & 0xff);
        }
    stbi_image_free(rgb);
    free(png);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_round_trip)};
    return cmocka_run_group_tests_name("graphics-png", tests, NULL, NULL);
}
