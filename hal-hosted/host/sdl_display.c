/*
 * hal-hosted/host/sdl_display.c - the window's thread showing the display device.
 *
 * Once the display has been used (a request arrived, host/display.c) it owns the
 * window instead of the text console. Each frame takes the queued requests: a MODE
 * recreates the texture and sizes the window (and the logical size the pointer is
 * reported in) to the new mode; a PRESENT uploads only its damage rectangles from the
 * framebuffer into the streaming texture. Then one frame is presented, paced to the
 * display's refresh (from the first frame the renderer waits for vsync where the
 * driver can; where it cannot, as under Xvfb, frames are spaced by the refresh
 * period), and only then are the requests completed.
 *
 * Layer: hal-hosted, host world (libc and SDL2 only).
 */
#include "display.h"
#include "host.h"
#include "sdl_display.h"

#include <stdio.h>

static SDL_Texture *g_tex;
static uint32_t g_tw, g_th;
static int64_t g_last_ns;

/* A texture for the current mode, filled whole from the framebuffer. */
static bool remake(SDL_Window *win, SDL_Renderer *ren)
{
    uint32_t w, h, pitch;
    host_display_mode(&w, &h, &pitch);
    if (g_tex && (w != g_tw || h != g_th)) {
        SDL_DestroyTexture(g_tex);
        g_tex = NULL;
    }
    if (!g_tex) {
        SDL_RenderSetVSync(ren, 1); /* the display's frames wait for vsync (the console's never did) */
        g_tex = SDL_CreateTexture(ren, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_STREAMING,
                                  (int)w, (int)h);
        if (!g_tex) {
            fprintf(stderr, "serviceos-sim: display texture %ux%u: %s\n", w, h, SDL_GetError());
            return false;
        }
        g_tw = w;
        g_th = h;
        SDL_SetWindowSize(win, (int)w, (int)h);
        SDL_RenderSetLogicalSize(ren, (int)w, (int)h);
    }
    SDL_UpdateTexture(g_tex, NULL, host_display_fb(), (int)pitch);
    return true;
}

static void upload(const struct host_display_req *r)
{
    uint32_t w, h, pitch;
    host_display_mode(&w, &h, &pitch);
    const uint8_t *fb = host_display_fb();
    for (uint32_t i = 0; i < r->n; i++) {
        const struct host_display_rect *d = &r->rect[i];
        if (d->x >= w || d->y >= h || d->w > w - d->x || d->h > h - d->y)
            continue; /* checked by the core against this mode; a stale one is skipped */
        SDL_Rect sr = {(int)d->x, (int)d->y, (int)d->w, (int)d->h};
        SDL_UpdateTexture(g_tex, &sr, fb + (size_t)d->y * pitch + (size_t)d->x * 4, (int)pitch);
    }
}

/* Sleep until one refresh period after the last frame (vsync where SDL cannot). */
static void pace(SDL_Window *win)
{
    SDL_DisplayMode m;
    int hz = SDL_GetWindowDisplayMode(win, &m) == 0 && m.refresh_rate > 0 ? m.refresh_rate : 60;
    int64_t period = 1000000000ll / hz, now = host_time_now();
    if (g_last_ns && now < g_last_ns + period)
        SDL_Delay((uint32_t)((g_last_ns + period - now + 999999) / 1000000));
    g_last_ns = host_time_now();
}

bool host_sdl_display_frame(SDL_Window *win, SDL_Renderer *ren, bool redraw)
{
    if (!host_display_active())
        return false;
    struct host_display_req req[HOST_DISPLAY_QUEUE];
    uint32_t n = host_display_take(req, HOST_DISPLAY_QUEUE);
    bool fresh = !g_tex;
    for (uint32_t i = 0; i < n; i++)
        if (req[i].op == HOST_DISPLAY_MODE) {
            host_display_set_mode(req[i].width, req[i].height);
            fresh = true;
        }
    if (fresh && !remake(win, ren)) {
        host_display_complete(n);
        return true;
    }
    for (uint32_t i = 0; i < n && !fresh; i++)
        if (req[i].op == HOST_DISPLAY_PRESENT)
            upload(&req[i]);
    if (n || fresh || redraw) {
        pace(win);
        SDL_RenderClear(ren);
        SDL_RenderCopy(ren, g_tex, NULL, NULL);
        SDL_RenderPresent(ren);
    }
    host_display_complete(n);
    return true;
}
