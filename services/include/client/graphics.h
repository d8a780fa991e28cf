/*
 * services/include/client/graphics.h - the graphics service's client library
 * (services/clients/graphics.c): outputs, the surface list, screenshots and the mode
 * for operators; surfaces for applications (create, draw into the mapped buffer,
 * present damage, move, resize without tearing, share with fewer rights).
 *
 * Every call returns 0 or an SOS_ERR_*; when the service refused with a reason,
 * gfx_why() gives its sentence until the next call. SOS_ERR_PEER_CLOSED on a surface
 * means the graphics service went away (it restarts): make the surface again.
 *
 * Layer: services (graphics client; used by the shell, gfxdemo, the toolkit).
 */
#ifndef CLIENT_GRAPHICS_H
#define CLIENT_GRAPHICS_H

#include <sl/service.h>
#include <sl/sl.h>

#include <proto/graphics.h>

#define GFX_TIMEOUT_NS 5000000000ll
/* A screenshot compresses the whole screen: seconds on one emulated CPU under load. */
#define GFX_SCREENSHOT_TIMEOUT_NS 30000000000ll
#define GFX_LIST_MAX 64

struct gfx_output {
    char name[32];
    uint32_t width, height, max_width, max_height, flags;
};

struct gfx_surface_info {
    uint32_t id;
    char owner[32];
    int32_t x, y;
    uint32_t w, h, z, alpha, flags, serial;
    uint64_t presents;
};

struct gfx_surface {
    sos_handle_t ch;        /* the surface (channel) */
    uint32_t *px;           /* its buffer, mapped read-write (NULL without DRAW) */
    uint64_t map_len;
    uint32_t id, w, h, stride, serial;
};

const char *gfx_why(void);

int gfx_outputs(struct sl_conn_to *c, struct gfx_output *out, uint32_t cap, uint32_t *n);
int gfx_surfaces(struct sl_conn_to *c, struct gfx_surface_info *out, uint32_t cap, uint32_t *n);
/* A PNG of the screen (id 0) or of one surface, in a new VMO of *bytes. */
int gfx_screenshot(struct sl_conn_to *c, uint32_t id, sos_handle_t *vmo, uint64_t *bytes);
int gfx_mode(struct sl_conn_to *c, uint32_t w, uint32_t h);

/* A new surface of w x h at (x, y), stacked at z; flags GFX_SURF_*. Shown at its first
 * present. */
int gfx_surface_create(struct sl_conn_to *c, uint32_t w, uint32_t h, int32_t x, int32_t y,
                       uint32_t z, uint32_t flags, struct gfx_surface *s);
/* Show n rectangles of the buffer (x, y, w, h quadruples). */
int gfx_surface_present(struct gfx_surface *s, const uint32_t *rects, uint32_t n);
int gfx_surface_present_all(struct gfx_surface *s);
int gfx_surface_configure(struct gfx_surface *s, int32_t x, int32_t y, uint32_t z,
                          uint32_t alpha, uint32_t flags);
/* A new buffer of w x h (mapped in place of the old one); the old one stays on screen
 * until the next present. */
int gfx_surface_resize(struct gfx_surface *s, uint32_t w, uint32_t h);
/* Another channel to the surface with at most `rights` (GFX_SURF_RIGHT_*). */
int gfx_surface_share(struct gfx_surface *s, uint32_t rights, sos_handle_t *out);
/* Close the channel and unmap the buffer. */
void gfx_surface_destroy(struct gfx_surface *s);

#endif
