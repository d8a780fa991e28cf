/*
 * services/graphics/graphics.h - the graphics service's state, shared by its files:
 * graphics.c (the output, the service requests, main), surface.c (surfaces and their
 * channels) and png.c (screenshots).
 *
 * Layer: services/graphics.
 */
#ifndef GRAPHICS_GRAPHICS_H
#define GRAPHICS_GRAPHICS_H

#include <sl/sl.h>
#include <sl/service.h>

#include "compose.h"

struct buffer {
    sos_handle_t vmo;  /* our handle, kept while mapped */
    uint64_t addr, len; /* our read-only mapping */
    uint32_t w, h, stride, serial;
};

struct surface {
    bool used;
    uint32_t id;
    char owner[32];
    struct surface_px px;   /* what the scene composes (points into cur) */
    struct buffer cur, next; /* next: a resized buffer not presented yet (next.vmo != 0) */
    uint32_t flags;         /* GFX_SURF_*, as asked; shown once presented */
    uint32_t nconns;
    struct surf_conn *input; /* the creator's channel: input goes there only */
    uint64_t presents;
};

/* A surface channel's context (freed by services/lib when the channel closes). */
struct surf_conn {
    struct surface *s;
    uint32_t rights; /* GFX_SURF_RIGHT_* */
    sos_handle_t ch; /* our end */
};

#define GFX_CONN_MAX 256

struct gfx {
    struct sl_server srv;
    struct scene sc;
    sos_handle_t dev;       /* the display device, or 0: a virtual output in memory */
    sos_handle_t rects;     /* a VMO for PRESENT's rectangles */
    char out_name[32];
    uint32_t max_w, max_h;
    struct surface surf[SCENE_MAX];
    uint32_t next_id, order;
    struct surf_conn *conns[GFX_CONN_MAX];
    uint32_t nconns;
};

extern struct gfx g_gfx;

/* Compose these screen rectangles and hand what is on screen to the device. */
void gfx_show(const struct rect *r, uint32_t n);
/* A reply's error with its sentence (the payload of a failed reply is that string). */
int gfx_fail(struct sl_request *r, int err, const char *why);

/* surface.c */
int surf_create(struct sl_request *r);
/* A request on a surface channel, or NULL when r came on a service connection. */
struct surf_conn *surf_conn_of(const struct sl_request *r);
void surf_closed(void *client);
int surf_op(struct sl_request *r);
struct surface *surf_find(uint32_t id);
void surf_restack(void);
int surf_configure(struct sl_request *r, struct surface *s, int32_t x, int32_t y, uint32_t z,
                   uint32_t alpha, uint32_t flags);

/* wm.c: the window manager's requests (GFX_WM_*) and the cursor plane. */
int wm_op(struct sl_request *r);
void wm_init(void);

#endif
