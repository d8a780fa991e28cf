/*
 * services/session/focus.c - the focus policy (focus.h).
 *
 * Layer: services/session (pure logic).
 */
#include "focus.h"

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

struct route focus_route(struct focus *f, uint32_t type, uint32_t code, int32_t value, uint32_t hit)
{
    struct route r = {0};
    switch (type) {
    case SOS_INPUT_KEY:
        r.to = f->focused;
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
    if (f->focused == id)
        f->focused = 0;
    if (f->grab == id) {
        f->grab = 0;
        f->held = 0;
    }
}
