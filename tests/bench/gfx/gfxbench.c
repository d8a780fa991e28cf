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
 *        gfxbench --window           the plain SDL2 program gfxsim.py sets beside the
 * system's own client (tests/progs/gfxperf.c): one process draws the same pixels and
 * uploads them to a 1024x768 window the way the simulator's display does (the damage
 * with SDL_UpdateTexture, then one frame: vsync where the driver waits, else spaced by
 * the refresh period, as under Xvfb), and prints the same BENCH lines (sdl_*) as
 * gfxperf: texture create + destroy, full-screen and 64x64 presents and their frames
 * per second.
 *
 * Layer: tests (a host benchmark; suite 'bench').
 */
#define _GNU_SOURCE
#include <SDL2/SDL.h>
#include <stdbool.h>
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

#define FRAMES 60
#define CYCLES 100

static void report(const char *name, int64_t *t, int n)
{
    qsort(t, (size_t)n, sizeof(t[0]), cmp);
    int p99 = (n * 99 + 99) / 100 - 1;
    printf("BENCH name=%s unit=ns median=%lld p99=%lld min=%lld max=%lld samples=%d\n", name,
           (long long)t[n / 2], (long long)t[p99], (long long)t[0], (long long)t[n - 1], n);
}

/* The simulator's pacing (hal-hosted/host/sdl_display.c): one refresh period after the
 * last frame at the earliest. */
static void pace(SDL_Window *win, int64_t *last)
{
    SDL_DisplayMode m;
    int hz = SDL_GetWindowDisplayMode(win, &m) == 0 && m.refresh_rate > 0 ? m.refresh_rate : 60;
    int64_t period = 1000000000ll / hz, now = now_ns();
    if (*last && now < *last + period)
        SDL_Delay((uint32_t)((*last + period - now + 999999) / 1000000));
    *last = now_ns();
}

/* FRAMES frames drawn (not timed), then uploaded and shown (timed), as gfxperf does. */
static void window_presents(SDL_Window *win, SDL_Renderer *ren, SDL_Texture *tex,
                            const SDL_Rect *r, const char *name, const char *fps_name)
{
    int64_t t[FRAMES], last = 0, start = now_ns();
    for (int f = 0; f < FRAMES; f++) {
        uint32_t colour = 0xff000000u | ((uint32_t)f * 0x040404u);
        for (int y = r->y; y < r->y + r->h; y++)
            for (int x = r->x; x < r->x + r->w; x++)
                g_fb[y * W + x] = colour ^ (uint32_t)x;
        int64_t t0 = now_ns();
        SDL_UpdateTexture(tex, r, g_fb + r->y * W + r->x, W * 4);
        pace(win, &last);
        SDL_RenderClear(ren);
        SDL_RenderCopy(ren, tex, NULL, NULL);
        SDL_RenderPresent(ren);
        t[f] = now_ns() - t0;
    }
    int64_t took = now_ns() - start;
    report(name, t, FRAMES);
    printf("BENCH name=%s unit=fps value=%lld\n", fps_name, (long long)(FRAMES * 1000000000ll / took));
}

/* A W x H window, its renderer (SDL's choice, as the simulator's) and a streaming
 * texture of its size; false (SDL's error printed after `say`) when SDL cannot. */
static bool sdl_open(const char *say, SDL_Window **win, SDL_Renderer **ren, SDL_Texture **tex)
{
    if (SDL_Init(SDL_INIT_VIDEO)) {
        printf("%s%s\n", say, SDL_GetError());
        return false;
    }
    *win = SDL_CreateWindow("gfxbench", 0, 0, W, H, 0);
    *ren = *win ? SDL_CreateRenderer(*win, -1, 0) : NULL;
    *tex = *ren ? SDL_CreateTexture(*ren, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_STREAMING,
                                    W, H) : NULL;
    if (!*tex) {
        printf("%s%s\n", say, SDL_GetError());
        SDL_Quit();
    }
    return *tex != NULL;
}

static void sdl_close(SDL_Window *win, SDL_Renderer *ren, SDL_Texture *tex)
{
    SDL_DestroyTexture(tex);
    SDL_DestroyRenderer(ren);
    SDL_DestroyWindow(win);
    SDL_Quit();
}

static int window_baseline(void)
{
    SDL_Window *win;
    SDL_Renderer *ren;
    SDL_Texture *tex;
    if (!sdl_open("gfxbench: SDL: ", &win, &ren, &tex))
        return 1;
    SDL_RenderSetVSync(ren, 1);
    int64_t t[CYCLES];
    for (int i = 0; i < CYCLES; i++) {
        int64_t t0 = now_ns();
        SDL_Texture *x = SDL_CreateTexture(ren, SDL_PIXELFORMAT_ARGB8888,
                                           SDL_TEXTUREACCESS_STREAMING, 256, 256);
        SDL_DestroyTexture(x);
        t[i] = now_ns() - t0;
    }
    report("sdl_texture_create_destroy", t, CYCLES);
    SDL_Rect full = {0, 0, W, H}, small = {480, 352, 64, 64};
    window_presents(win, ren, tex, &full, "sdl_present_full", "sdl_fps_full");
    window_presents(win, ren, tex, &small, "sdl_present_64", "sdl_fps_64");
    sdl_close(win, ren, tex);
    printf("gfxbench: done\n");
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "--window"))
        return window_baseline();
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

    SDL_Window *win;
    SDL_Renderer *ren;
    SDL_Texture *tex;
    if (!sdl_open("# no upload figures: SDL: ", &win, &ren, &tex))
        return 0;
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
    sdl_close(win, ren, tex);
    return 0;
}
