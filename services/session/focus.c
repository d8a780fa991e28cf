/*
 * services/session/focus.c - the focus policy (focus.h).
 *
 * Layer: services/session (pure logic).
 */
#include "focus.h"

#include <sos/errors.h>
#include <sos/object.h>

static struct route press(struct focus *f, uint32_t code, uint32_t hit)
{
    struct route r = {0};
    if (!hit)
        return r;
    f->held |= 1u << (code & 31);
    f->grab = hit;
    r.to = hit;
    r.raise = hit;
    if (f->focused != hit) {
        r.focus_out = f->focused;
        r.focus_in = hit;
        f->focused = hit;
    }
    return r;
}

/* A key: a press goes to the focus and is remembered; repeats and the release go where
   the press went (a key not held: to the focus). More keys held than the table keeps:
   the newest go by the focus alone. */
static uint32_t key_target(struct focus *f, uint32_t code, int32_t value)
{
    for (uint32_t i = 0; i < f->nkeys; i++) {
        if (f->keys[i].code != code)
            continue;
        uint32_t to = f->keys[i].to;
        if (value == 1)
            f->keys[i].to = to = f->focused; /* pressed again without a release */
        else if (value == 0)
            f->keys[i] = f->keys[--f->nkeys];
        return to;
    }
    if (value == 1 && f->focused && f->nkeys < FOCUS_KEYS_HELD) {
        f->keys[f->nkeys].code = code;
        f->keys[f->nkeys].to = f->focused;
        f->nkeys++;
    }
    return f->focused;
}

struct route focus_route(struct focus *f, uint32_t type, uint32_t code, int32_t value, uint32_t hit)
{
    struct route r = {0};
    switch (type) {
    case SOS_INPUT_KEY:
        r.to = key_target(f, code, value);
        break;
    case SOS_INPUT_MOTION:
    case SOS_INPUT_WHEEL:
        r.to = f->held ? f->grab : hit;
        break;
    case SOS_INPUT_BUTTON:
        if (value == 1)
            return press(f, code, hit);
        r.to = f->held ? f->grab : hit;
        f->held &= ~(1u << (code & 31));
        if (!f->held)
            f->grab = 0;
        break;
    default:
        break;
    }
    return r;
}

struct route focus_give(struct focus *f, uint32_t id)
{
    struct route r = {.raise = id};
    if (id && f->focused != id) {
        r.focus_out = f->focused;
        r.focus_in = id;
        f->focused = id;
    }
    return r;
}

void focus_forget(struct focus *f, uint32_t id)
{
    for (uint32_t i = 0; i < f->nkeys;)
        if (f->keys[i].to == id)
            f->keys[i] = f->keys[--f->nkeys];
        else
            i++;
    if (f->focused == id)
        f->focused = 0;
    if (f->grab == id) {
        f->grab = 0;
        f->held = 0;
    }
}

/* Only an error saying the surface is gone forgets it: a full queue (its application
   busy) or a slow compositor lose that one event, and the keys after it still go there. */
bool focus_undelivered(struct focus *f, uint32_t id, int err)
{
    if (!id || (err != SOS_ERR_NOT_FOUND && err != SOS_ERR_PEER_CLOSED))
        return false;
    focus_forget(f, id);
    return true;
}
