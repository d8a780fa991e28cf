/*
 * services/include/proto/session.h - the session service: the input devices' events
 * routed to surfaces by the focus policy (services/session/focus.h).
 *
 *   SESSION_INFO () -> (u32 focused, i32 pointer_x, i32 pointer_y, u32 under,
 *                       u64 events, u64 delivered, u64 dropped, u32 input)     [read]
 *       the focused surface (0: none), where the pointer is and the surface under it,
 *       events read from the input device, delivered to a surface, and dropped (a key
 *       with nothing focused, a surface gone); input: how many input devices are read
 *
 * Layer: services protocols.
 */
#ifndef PROTO_SESSION_H
#define PROTO_SESSION_H

#include <proto/proto.h>

#define SESSION_VERSION 1
#define SESSION_INFO SOS_ORD(PROTO_SESSION, SESSION_VERSION, 1)

#endif
