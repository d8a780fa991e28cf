/*
 * services/session/handoff.h - a batch of input events handed from a device's reader
 * thread to the service loop through the loop's channel.
 *
 * Layer: services/session (host-tested: session-handoff).
 */
#ifndef SESSION_HANDOFF_H
#define SESSION_HANDOFF_H

#include <sl/sl.h>

/* Write len bytes of events into pipe, waiting for room while it is full: 0 when they
 * are in, SOS_ERR_PEER_CLOSED when the loop has gone (also while waiting), or the
 * kernel's reason for refusing the write. */
int64_t handoff(sos_handle_t pipe, const void *ev, uint32_t len);

#endif
