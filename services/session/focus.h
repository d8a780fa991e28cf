/*
 * services/session/focus.h - the focus policy, kept out of the compositor: which
 * surface an input event goes to.
 *
 *   - keys go to the focused surface only (none focused: nowhere); a key's repeats and
 *     release go where its press went, even when the focus has moved since (the
 *     keyboard and the pointer are separate devices read apart, so a release can come
 *     after a later click);
 *   - pointer motion and wheel go to the surface under the pointer (the compositor's
 *     hit test, which lets the pointer through transparent pixels);
 *   - a button press focuses and raises the surface under the pointer and goes to it;
 *     the release goes to the surface that got the press (an implicit grab), wherever
 *     the pointer is by then; a press over no surface changes nothing.
 *
 * Layer: services/session (pure logic, host-tested: session-focus).
 */
#ifndef SESSION_FOCUS_H
#define SESSION_FOCUS_H

#include <stdbool.h>
#include <stdint.h>

#define FOCUS_KEYS_HELD 16

struct focus {
    uint32_t focused;  /* surface id, 0 for none */
    uint32_t grab;     /* the surface that got the last press while a button is held */
    uint32_t held;     /* buttons held (bit per button code) */
    struct {
        uint32_t code, to; /* a key held down and the surface its press went to */
    } keys[FOCUS_KEYS_HELD];
    uint32_t nkeys;
};

struct route {
    uint32_t to;         /* deliver the event to this surface (0: drop it) */
    uint32_t focus_out;  /* the focus moved: tell this surface it lost it (0: none) */
    uint32_t focus_in;   /* ... and this one that it has it (0: the focus stays) */
    uint32_t raise;      /* raise this surface above the others (0: none) */
};

/* type and code as in struct sos_input_event; value 1 for a press; `hit` the surface
 * under the pointer (0: none). */
struct route focus_route(struct focus *f, uint32_t type, uint32_t code, int32_t value, uint32_t hit);
/* The window manager gives `id` the keyboard (a click on its frame): raise it, and
 * the focus moves as a click on it would move it (held buttons keep their grab). */
struct route focus_give(struct focus *f, uint32_t id);
/* A surface went away: forget it. */
void focus_forget(struct focus *f, uint32_t id);
/* An event for `id` was not delivered, the compositor's error `err`: true when `id`
 * is forgotten as gone (no such surface, its channel closed); a full queue or a
 * timeout lose that event only, the focus and the keys held stay. */
bool focus_undelivered(struct focus *f, uint32_t id, int err);

#endif
