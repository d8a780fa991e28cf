/*
 * core/ipc/channel.h - channels: pairs of endpoints carrying messages of bytes and
 * handles.
 *
 * Transfer rules (the contract every caller relies on):
 *  - write: everything is checked first (sizes, each handle's TRANSFER right, no
 *    duplicates, not the channel itself, room in the peer's queue, peer alive); only
 *    then do the handles leave the sender. On any error nothing moves and the sender
 *    still owns every handle.
 *  - no loops: an end whose queue holds (directly or through more queued ends) the
 *    receiving end cannot be sent (NOT_SUPPORTED); such a loop could never be read or
 *    freed once the tables let go of it.
 *  - read: a buffer too small fails with the sizes needed and the message stays queued;
 *    so does any failure to copy out or to install the handles.
 *  - closing the last handle to an endpoint raises PEER_CLOSED on the other and frees
 *    every message queued at the closed end (and the handles inside them).
 *  - call: write a request stamped with a fresh txid, then wait for the reply with that
 *    txid; the server, if blocked waiting, runs next on this CPU.
 *
 * Layer: core IPC. Under g_klock.
 */
#ifndef CORE_IPC_CHANNEL_H
#define CORE_IPC_CHANNEL_H

#include "obj/handle.h"

struct process;

struct msg {
    struct list_node node;
    uint32_t nbytes;
    uint32_t nhandles;
    uint32_t txid;
    struct handle **handles; /* points into the same allocation */
    uint8_t *bytes;
};

struct chan_end {
    struct object obj;
    struct chan_end *peer; /* NULL once the peer's last handle closed */
    struct list_node msgs;
    uint32_t nmsgs;
    uint32_t qbytes;
    struct list_node callers; /* struct chan_caller waiting for replies here */
};

int chan_create_pair(struct chan_end **a, struct chan_end **b);

/* Write from process p (the caller's buffers are user pointers). Returns 0 or error. */
int chan_write_user(struct process *p, struct chan_end *e, uintptr_t ubytes,
                    uint32_t nbytes, uintptr_t uhandles, uint32_t nhandles);

/* Read into the user's sos_chan_read (already copied in as `rd`). */
int chan_read_user(struct process *p, struct chan_end *e, struct sos_chan_read *rd);

/* The whole call: write, wait for the reply, read it into args->rd. */
int chan_call_user(struct process *p, struct chan_end *e, sos_time_t deadline,
                   struct sos_chan_call *args);

void channel_cache_init(void);

#endif
