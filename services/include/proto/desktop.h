/*
 * services/include/proto/desktop.h - the desktop shell (desktop/shell/): its windows,
 * the applications it can launch, notifications, and a dump of what every window says.
 *
 *   DESKTOP_APPS    () -> (u32 n, n x (str name, u32 phase, str description))   [read]
 *       the services whose manifest says `app` (from the root manager), with their
 *       phase (enum svc_phase)
 *   DESKTOP_WINDOWS () -> (u32 n, n x window)                                    [read]
 *       window = (u32 id, str owner, i32 x, i32 y, u32 w, u32 h, u32 state,
 *                 u32 workspace)
 *       id is the client surface's; x, y, w, h its place; state DESKTOP_WIN_*;
 *       workspace 1..DESKTOP_WORKSPACES
 *   DESKTOP_LAUNCH  (str app) -> ()                                              [write]
 *       start an app through the root manager (SOS_ERR_NOT_FOUND: no such app)
 *   DESKTOP_NOTIFY  (str text) -> ()                                             [write]
 *       show a toast and keep the text in the list of notifications
 *   DESKTOP_DUMP    () -> (str text)                                             [read]
 *       every window and widget, one line each: `window <id> <owner> x,y wxh "title"`
 *       then its scene (tk_dump lines, on screen coordinates), the panel, the launcher
 *       and the notifications likewise
 *   DESKTOP_WORKSPACE (u32 n) -> ()                                              [write]
 *       show workspace n (1..DESKTOP_WORKSPACES): its windows, and hide the others'
 *       (a window belongs to the workspace shown when it appeared); else
 *       SOS_ERR_OUT_OF_RANGE
 *   DESKTOP_SCENE   (u32 surface, str text) -> ()                                [write]
 *       an application's own scene dump for one of its surfaces (the desktop checks
 *       the surface's owner is the caller), its positions relative to the surface's
 *       top left; DESKTOP_DUMP shows it under its window moved to where the window is
 *       then (tk_dump_move); may be sent without a reply (SOS_MSG_NO_REPLY), as the
 *       terminal does
 *   DESKTOP_CLIP_SET (str text) -> ()                                           [write]
 *       the desktop's clipboard, shared by every application: text copied in one
 *       window is pasted in another. At most DESKTOP_CLIP_MAX bytes of UTF-8 (else
 *       SOS_ERR_OUT_OF_RANGE), no NUL and nothing that is not UTF-8 (else
 *       SOS_ERR_INVALID_ARGS); on an error it keeps what it had
 *   DESKTOP_CLIP_GET () -> (str text)                                            [write]
 *       what the clipboard holds ("" before anything was copied). Write, not read:
 *       read is for watching the whole desktop (windows, dump), which apps are not
 *       granted; every app that copies and pastes has write
 *
 * Layer: services protocols.
 */
#ifndef PROTO_DESKTOP_H
#define PROTO_DESKTOP_H

#include <proto/proto.h>

#define DESKTOP_VERSION 1
#define DESKTOP_APPS SOS_ORD(PROTO_DESKTOP, DESKTOP_VERSION, 1)
#define DESKTOP_WINDOWS SOS_ORD(PROTO_DESKTOP, DESKTOP_VERSION, 2)
#define DESKTOP_LAUNCH SOS_ORD(PROTO_DESKTOP, DESKTOP_VERSION, 3)
#define DESKTOP_NOTIFY SOS_ORD(PROTO_DESKTOP, DESKTOP_VERSION, 4)
#define DESKTOP_DUMP SOS_ORD(PROTO_DESKTOP, DESKTOP_VERSION, 5)
#define DESKTOP_SCENE SOS_ORD(PROTO_DESKTOP, DESKTOP_VERSION, 6)
#define DESKTOP_WORKSPACE SOS_ORD(PROTO_DESKTOP, DESKTOP_VERSION, 7)
#define DESKTOP_CLIP_SET SOS_ORD(PROTO_DESKTOP, DESKTOP_VERSION, 8)
#define DESKTOP_CLIP_GET SOS_ORD(PROTO_DESKTOP, DESKTOP_VERSION, 9)

#define DESKTOP_WORKSPACES 2

#define DESKTOP_WIN_NORMAL 0u
#define DESKTOP_WIN_MINIMISED 1u
#define DESKTOP_WIN_MAXIMISED 2u

#define DESKTOP_DUMP_MAX 60000u /* bytes of a dump (one message) */
#define DESKTOP_SCENE_MAX 16384u
#define DESKTOP_CLIP_MAX 4096u /* bytes the clipboard holds */

#endif
