/*
 * services/include/proto/session.h - the session service: the input devices' events
 * routed to surfaces by the focus policy (services/session/focus.h).
 *
 *   SESSION_INFO () -> (u32 focused, i32 pointer_x, i32 pointer_y, u32 under,
 *                       u64 events, u64 delivered, u64 dropped, u32 input)     [read]
 *       the focused surface (0: none), where the pointer is and the surface under it,
 *       events read from the input device, delivered to a surface, and dropped (a key
 *       with nothing focused, a surface gone); input: how many input devices are read
 *   SESSION_FOCUS (u32 id) -> ()                                              [manage]
 *       the window manager (the desktop shell) gives that surface the keyboard and
 *       raises it, as a click on it would (a click on a window's frame)
 *   SESSION_SHORTCUTS (u32 id) -> ()                                          [manage]
 *       keys pressed with Alt held go to that surface (the desktop shell's: its
 *       keyboard shortcuts) instead of the focused one; 0 turns that off
 *
 * Layer: services protocols.
 */
#ifndef PROTO_SESSION_H
#define PROTO_SESSION_H

#include <proto/proto.h>

#define SESSION_VERSION 1
#define SESSION_INFO SOS_ORD(PROTO_SESSION, SESSION_VERSION, 1)
#define SESSION_FOCUS SOS_ORD(PROTO_SESSION, SESSION_VERSION, 2)
#define SESSION_SHORTCUTS SOS_ORD(PROTO_SESSION, SESSION_VERSION, 3)

#endif
