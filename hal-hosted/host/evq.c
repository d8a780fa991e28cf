/*
 * hal-hosted/host/evq.c - the input device's bounded event queue (see host.h).
 *
 * A ring of fixed capacity: a push into a full ring overwrites the oldest event and
 * counts it as dropped, so a reader that stops reading costs a fixed amount of memory
 * and, when it comes back, learns how much it missed (one DROPPED record before the
 * events that survived). No locking here: host/input.c holds its lock around these.
 *
 * Layer: hal-hosted, host world (libc only).
 */
#include "host.h"

#include <string.h>

void host_evq_init(struct host_evq *q, struct host_input_event *storage, uint32_t cap)
{
    memset(q, 0, sizeof(*q));
    q->ev = storage;
    q->cap = storage ? cap : 0;
}

bool host_evq_push(struct host_evq *q, const struct host_input_event *e)
{
    if (!q->cap) { /* no room at all: everything is dropped */
        q->dropped++;
        q->unreported++;
        q->drop_time = e->time_ns;
        return false;
    }
    bool kept = true;
    if (q->count == q->cap) { /* full: the oldest goes */
        q->head = (q->head + 1) % q->cap;
        q->count--;
        q->dropped++;
        q->unreported++;
        q->drop_time = e->time_ns;
        kept = false;
    }
    q->ev[(q->head + q->count) % q->cap] = *e;
    q->count++;
    return kept;
}

uint32_t host_evq_pop(struct host_evq *q, struct host_input_event *out, uint32_t max)
{
    uint32_t n = 0;
    if (max && q->unreported) {
        out[n++] = (struct host_input_event){
            .type = HOST_INPUT_DROPPED,
            .value = q->unreported > INT32_MAX ? INT32_MAX : (int32_t)q->unreported,
            .time_ns = q->drop_time};
        q->unreported = 0;
    }
    while (n < max && q->count) {
        out[n++] = q->ev[q->head];
        q->head = (q->head + 1) % q->cap;
        q->count--;
    }
    return n;
}
