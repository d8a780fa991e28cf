/*
 * core/obj/conout.h - the console's output, each source's lines whole (conout.c says
 * how).
 *
 * Layer: core objects. Under g_klock.
 */
#ifndef CORE_OBJ_CONOUT_H
#define CORE_OBJ_CONOUT_H

#include "kernel.h"

/* How long a source's bytes may wait while another's line is open on the console. */
#define CONOUT_HOLD_NS (50ll * 1000 * 1000)
/* The most bytes a source holds: more go out at once (breaking the open line). */
#define CONOUT_HELD_MAX 512u
/* The most of an open line kept to show it again after another's line broke it. */
#define CONOUT_SHOWN_MAX 160u

/* Write s[0..n) of source `src` (a process koid, never 0) to the console. */
void conout_write(sos_koid_t src, const char *s, size_t n);

/* Source `src` has ended: what it holds goes out now, and a line it left open holds
 * nobody back any more (the next line out starts below it). */
void conout_gone(sos_koid_t src);

#endif
