/*
 * services/include/proto/graphics.h - the graphics service (the compositor).
 *
 * On a connection to the service (rights from the manifest's grant= or lookup=):
 *
 *   GFX_OUTPUTS    ()  -> (u32 n, n x output)                                  [read]
 *       output = (str name, u32 width, u32 height, u32 max_width, u32 max_height,
 *                 u32 flags: GFX_OUTPUT_DEVICE when a display device shows it)
 *   GFX_SURFACES   ()  -> (u32 n, n x surface)                                 [read]
 *       surface = (u32 id, str owner, i32 x, i32 y, u32 w, u32 h, u32 z, u32 alpha,
 *                  u32 flags, u32 serial, u64 presents)
 *   GFX_CREATE     (u32 w, u32 h, i32 x, i32 y, u32 z, u32 flags) [+ vmo]
 *                  -> (u32 id, u32 stride, u32 serial) + (surface channel, vmo)  [write]
 *       a new surface of w x h pixels (1..GFX_SURFACE_MAX_DIM). Its buffer is the VMO
 *       handed back (read, write, map; w * 4 bytes per line): the client draws into
 *       it. A client may bring its own VMO instead (attached to the request): it must
 *       hold stride * h bytes (else SOS_ERR_BUFFER_TOO_SMALL) and is not handed back.
 *       The surface channel IS the surface, with every GFX_SURF_RIGHT_*; closing the
 *       last channel of a surface removes it.
 *   GFX_SCREENSHOT (u32 id: 0 for the whole screen) -> (u32 w, u32 h, u64 bytes) + vmo [read]
 *       a PNG of the screen as composed, or of one surface's buffer
 *   GFX_MODE       (u32 w, u32 h) -> ()                                       [manage]
 *
 * The window manager's requests (the session service; the connection needs MANAGE,
 * which only a manifest can give):
 *
 *   GFX_WM_HIT     (i32 x, i32 y) -> (u32 id: 0 for none)                    [manage]
 *       the topmost visible surface showing a pixel there (transparent ones let the
 *       pointer through)
 *   GFX_WM_DELIVER (u32 id, 32-byte struct sos_input_event) -> ()            [manage]
 *       queue GFX_SURF_EVENT with the event on that surface's first channel (only
 *       there: no other surface or channel sees it); positions are made relative to
 *       the surface
 *   GFX_WM_CURSOR  (i32 x, i32 y, u32 visible) -> ()                         [manage]
 *   GFX_WM_RAISE   (u32 id) -> ()                                            [manage]
 *       put the surface above every other
 *   GFX_WM_CONFIGURE (u32 id, i32 x, i32 y, u32 z, u32 alpha, u32 flags) -> () [manage]
 *       what GFX_SURF_CONFIGURE does, for any surface: the desktop shell places,
 *       stacks, hides (minimises) and shows the applications' windows
 *
 * On a surface channel (the rights are the channel's, GFX_SURF_RIGHT_*):
 *
 *   GFX_SURF_PRESENT   (u32 serial, u32 n, n x (u32 x, y, w, h)) -> ()        [present]
 *       the buffer with that serial changed in these rectangles (surface coordinates,
 *       1..GFX_DAMAGE_MAX of them, none empty, each inside the buffer); the compositor
 *       shows them (composing only what is visible) before it answers. A serial older
 *       than the surface's newest buffer: SOS_ERR_BAD_STATE.
 *   GFX_SURF_CONFIGURE (i32 x, i32 y, u32 z, u32 alpha, u32 flags) -> ()      [configure]
 *       flags: GFX_SURF_VISIBLE, GFX_SURF_OPAQUE (the pixels' alpha is ignored)
 *   GFX_SURF_RESIZE    (u32 w, u32 h) -> (u32 serial, u32 stride) + vmo        [configure]
 *       a new buffer with a new serial; the old one stays on screen until a present
 *       of the new serial, so a resize never shows half a frame
 *   GFX_SURF_SHARE     (u32 rights) -> () + surface channel                    [any]
 *       another channel to this surface with at most these rights
 *   GFX_SURF_INFO      () -> (u32 id, i32 x, i32 y, u32 w, u32 h, u32 z, u32 alpha,
 *                             u32 flags, u32 serial, u32 rights)               [any]
 *
 *   GFX_SURF_EVENT     (32-byte struct sos_input_event), from the service, no reply:
 *       input for this surface; type GFX_EVENT_FOCUS (value 1: focused, 0: not) or an
 *       SOS_INPUT_* with x, y in the surface's pixels; or GFX_EVENT_CONFIGURE from the
 *       window manager (GFX_WM_DELIVER): the size the window should have, x = width
 *       and y = height in pixels. The client picks the nearest size it can draw,
 *       GFX_SURF_RESIZEs to it, draws and presents the new serial (a client may also
 *       keep its size: the event is a request)
 *
 * A request without the right fails with SOS_ERR_ACCESS_DENIED. Every request carries
 * a transaction id in its header (sos_msg_hdr), as in every protocol.
 *
 * Layer: services protocols.
 */
#ifndef PROTO_GRAPHICS_H
#define PROTO_GRAPHICS_H

#include <proto/proto.h>

#define GFX_VERSION 1
#define GFX_OUTPUTS SOS_ORD(PROTO_GRAPHICS, GFX_VERSION, 1)
#define GFX_SURFACES SOS_ORD(PROTO_GRAPHICS, GFX_VERSION, 2)
#define GFX_CREATE SOS_ORD(PROTO_GRAPHICS, GFX_VERSION, 3)
#define GFX_SCREENSHOT SOS_ORD(PROTO_GRAPHICS, GFX_VERSION, 4)
#define GFX_MODE SOS_ORD(PROTO_GRAPHICS, GFX_VERSION, 5)
#define GFX_SURF_PRESENT SOS_ORD(PROTO_GRAPHICS, GFX_VERSION, 16)
#define GFX_SURF_CONFIGURE SOS_ORD(PROTO_GRAPHICS, GFX_VERSION, 17)
#define GFX_SURF_RESIZE SOS_ORD(PROTO_GRAPHICS, GFX_VERSION, 18)
#define GFX_SURF_SHARE SOS_ORD(PROTO_GRAPHICS, GFX_VERSION, 19)
#define GFX_SURF_INFO SOS_ORD(PROTO_GRAPHICS, GFX_VERSION, 20)

#define GFX_WM_HIT SOS_ORD(PROTO_GRAPHICS, GFX_VERSION, 8)
#define GFX_WM_DELIVER SOS_ORD(PROTO_GRAPHICS, GFX_VERSION, 9)
#define GFX_WM_CURSOR SOS_ORD(PROTO_GRAPHICS, GFX_VERSION, 10)
#define GFX_WM_RAISE SOS_ORD(PROTO_GRAPHICS, GFX_VERSION, 11)
#define GFX_WM_CONFIGURE SOS_ORD(PROTO_GRAPHICS, GFX_VERSION, 12)
#define GFX_SURF_EVENT SOS_ORD(PROTO_GRAPHICS, GFX_VERSION, 21)

#define GFX_EVENT_FOCUS 0x100u
#define GFX_EVENT_CONFIGURE 0x101u

#define GFX_OUTPUT_DEVICE (1u << 0)

#define GFX_SURF_VISIBLE (1u << 0)
#define GFX_SURF_OPAQUE (1u << 1)
#define GFX_SURF_FLAGS (GFX_SURF_VISIBLE | GFX_SURF_OPAQUE)

#define GFX_SURF_RIGHT_DRAW (1u << 0)      /* its buffer (handed out writable) */
#define GFX_SURF_RIGHT_PRESENT (1u << 1)
#define GFX_SURF_RIGHT_CONFIGURE (1u << 2) /* position, z, alpha, flags, size */
#define GFX_SURF_RIGHTS_ALL (GFX_SURF_RIGHT_DRAW | GFX_SURF_RIGHT_PRESENT | GFX_SURF_RIGHT_CONFIGURE)

#define GFX_SURFACE_MAX_DIM 4096u
#define GFX_DAMAGE_MAX 64u
#define GFX_COORD_MAX 65536 /* |x|, |y| of a surface's position */

#endif
