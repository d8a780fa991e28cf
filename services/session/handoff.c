/*
 * services/session/handoff.c - the reader threads' hand-off to the loop (handoff.h).
 *
 * The loop's channel holds SOS_CHANNEL_MAX_MSGS batches. When the loop is behind (each
 * event it routes is a call to the compositor, which may be composing a frame), the
 * channel fills; the reader then waits for room rather than drop the batch, so the
 * events stay in order and none is lost. While it waits, new events queue in the
 * device (bounded: when that overflows the device drops the oldest and says how many).
 *
 * Layer: services/session.
 */
#include "handoff.h"

int64_t handoff(sos_handle_t pipe, const void *ev, uint32_t len)
{
    for (;;) {
        int64_t err = sos_channel_write(pipe, ev, len, NULL, 0);
        if (err != SOS_ERR_QUEUE_FULL)
            return err;
        sos_signals_t seen = 0;
        err = sos_object_wait_one(pipe, SOS_SIG_WRITABLE | SOS_SIG_PEER_CLOSED, SOS_TIME_INFINITE, &seen);
        if ((err && err != SOS_ERR_TIMED_OUT) || (seen & SOS_SIG_PEER_CLOSED))
            return SOS_ERR_PEER_CLOSED;
    }
}
