/*
 * tests/bench/gfx/gfxbench.c - what a present costs, on the host: the compositor's
 * composition (services/graphics/compose.c, the same code the service runs) of a
 * full-screen damage and of a 64x64 damage over the demo's two overlapping surfaces,
 * next to a plain SDL2 texture upload of the same areas (SDL_UpdateTexture, plus
 * SDL_RenderPresent without vsync) -- the two halves of the simulator's display path.
 *
 * usage: gfxbench [iterations]     prints one line per measurement, median ns per op.
 * SDL uses whatever video driver SDL_VIDEODRIVER says (the test runs it under "dummy",
 * a software renderer: the upload is the memory copy, no GPU).
 *
 * Layer: tests (a host benchmark; suite 'bench').
 */
#define _GNU_SOURCE
#include <SDL2/SDL.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "compose.h"

#define W 1024
#define H 768
#define RUNS 9

static int64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000ll + t.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* Median over RUNS runs of `iters` calls, in ns per call. */
#define MEASURE(name, iters, body)                                                          \
    do {                                                                                    \
        int64_t r_[RUNS];                                                                   \
        for (int k_ = 0; k_ < RUNS; k_++) {                                                 \
            int64_t t0_ = now_ns();                                                         \
            for (int i_ = 0; i_ < (iters); i_++) {                                          \
                body;                                                                       \
            }                                                                               \
            r_[k_] = (now_ns() - t0_) / (iters);                                            \
        }                                                                                   \
        qsort(r_, RUNS, sizeof(r_[0]), cmp);                                                \
        printf("%-44s %10lld ns\n", name, (long long)r_[RUNS / 2]);                        \
    } while (0)

static uint32_t g_fb[W * H], g_a[560 * 360], g_b[420 * 300];

int main(int argc, char **argv)
{
    int iters = argc > 1 ? atoi(argv[1]) : 50;
    if (iters < 1)
        iters = 1;
    for (size_t i = 0; i < sizeof(g_a) / 4; i++)
        g_a[i] = 0xfff4f4f4u ^ (uint32_t)(i * 2654435761u & 0x000f0f0fu);
    for (size_t i = 0; i < sizeof(g_b) / 4; i++)
        g_b[i] = 0xff1e1e22u;
    struct surface_px a = {{60, 60, 560, 360}, g_a, 560 * 4, 1, 0, 255, true, true};
    struct surface_px b = {{440, 300, 420, 300}, g_b, 420 * 4, 2, 1, 255, true, true};
    struct surface_px b_half = b;
    b_half.alpha = 128;
    struct scene sc = {.width = W, .height = H, .pitch = W * 4, .fb = g_fb,
                       .background = 0xff203040u, .n = 2};
    sc.s[0] = &a;
    sc.s[1] = &b;
    struct rect full = {0, 0, W, H}, small = {460, 320, 64, 64}, shown;
    MEASURE("compose full screen (1024x768)", iters, compose_damage(&sc, &full, &shown));
    MEASURE("compose 64x64 damage (opaque surface)", iters * 100, compose_damage(&sc, &small, &shown));
    sc.s[1] = &b_half;
    MEASURE("compose full screen, upper surface alpha 128", iters, compose_damage(&sc, &full, &shown));
    MEASURE("compose 64x64 damage, alpha 128", iters * 100, compose_damage(&sc, &small, &shown));

    if (SDL_Init(SDL_INIT_VIDEO)) {
        printf("# SDL: %s: no upload figures\n", SDL_GetError());
        return 0;
    }
    SDL_Window *win = SDL_CreateWindow("gfxbench", 0, 0, W, H, 0);
    SDL_Renderer *ren = win ? SDL_CreateRenderer(win, -1, 0) : NULL;
    SDL_Texture *tex = ren ? SDL_CreateTexture(ren, SDL_PIXELFORMAT_ARGB8888,
                                               SDL_TEXTUREACCESS_STREAMING, W, H) : NULL;
    if (!tex) {
        printf("# SDL: %s: no upload figures\n", SDL_GetError());
        SDL_Quit();
        return 0;
    }
    SDL_Rect r64 = {460, 320, 64, 64};
    const uint8_t *p64 = (const uint8_t *)g_fb + (320 * W + 460) * 4;
    MEASURE("SDL upload full screen", iters, SDL_UpdateTexture(tex, NULL, g_fb, W * 4));
    MEASURE("SDL upload 64x64", iters * 100, SDL_UpdateTexture(tex, &r64, p64, W * 4));
    MEASURE("SDL upload full screen + copy + present", iters,
            (SDL_UpdateTexture(tex, NULL, g_fb, W * 4), SDL_RenderCopy(ren, tex, NULL, NULL),
             SDL_RenderPresent(ren)));
    MEASURE("SDL upload 64x64 + copy + present", iters,
            (SDL_UpdateTexture(tex, &r64, p64, W * 4), SDL_RenderCopy(ren, tex, NULL, NULL),
             SDL_RenderPresent(ren)));
    SDL_Quit();
    return 0;
}
