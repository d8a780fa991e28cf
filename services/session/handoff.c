/*
 * services/session/handoff.c - the reader threads' hand-off to the loop (handoff.h).
 *
 * Layer: services/session.
 */
#include "handoff.h"

int64_t handoff(sos_handle_t pipe, const void *ev, uint32_t len)
{
    int64_t err = sos_channel_write(pipe, ev, len, NULL, 0);
    return err == SOS_ERR_PEER_CLOSED ? err : 0;
}
