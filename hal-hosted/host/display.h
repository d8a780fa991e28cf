/*
 * hal-hosted/host/display.h - the simulator's display on the host side (display.c):
 * the framebuffer the core hands out lives in the arena; requests wait here until the
 * window's thread (sdl.c) shows them at its next frame, then complete and raise the
 * display's line.
 *
 * Layer: hal-hosted, host world (libc only).
 */
#ifndef HAL_HOSTED_HOST_DISPLAY_H
#define HAL_HOSTED_HOST_DISPLAY_H

#include <stdbool.h>
#include <stdint.h>

#define HOST_DISPLAY_PRESENT 1u
#define HOST_DISPLAY_MODE 2u
#define HOST_DISPLAY_QUEUE 8u /* requests waiting for a frame */

struct host_display_rect {
    uint32_t x, y, w, h;
};

struct host_display_req {
    uint32_t op;                         /* HOST_DISPLAY_* */
    const struct host_display_rect *rect; /* PRESENT: n rectangles inside the mode */
    uint32_t n;
    uint32_t width, height;               /* MODE */
    void *cookie;                         /* the submitter's */
};

/* The framebuffer (host address fb, max_w x max_h 32-bit pixels), the first mode, and
 * the line raised on vCPU 0 when requests complete. Before vCPUs start. */
void host_display_init(void *fb, uint32_t max_w, uint32_t max_h, uint32_t w, uint32_t h,
                       unsigned line);
bool host_display_present(void);     /* was host_display_init called? */
void host_display_mode(uint32_t *w, uint32_t *h, uint32_t *pitch);
void host_display_max(uint32_t *w, uint32_t *h);
void *host_display_fb(void);

/* Queue a request (a vCPU thread, under the core lock); false when the queue is full. */
bool host_display_submit(const struct host_display_req *r);
/* A completed request's cookie, or NULL (any thread). */
void *host_display_done(void);

/* Has the display been used (a request arrived)? Then it owns the window. */
bool host_display_active(void);
/*
 * The window's thread takes the queued requests (at most max); it shows them and then
 * calls host_display_complete with the same count.
 */
uint32_t host_display_take(struct host_display_req *out, uint32_t max);
void host_display_complete(uint32_t n);
/* The window's thread set a new mode (from a MODE request it took). */
void host_display_set_mode(uint32_t w, uint32_t h);

#endif
