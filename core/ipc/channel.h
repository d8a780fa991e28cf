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
 * The syscall layer (core/calls/sys_ipc.c) decodes: it copies bytes and handle values
 * in, looks the handles up and asks chan_check_carry/chan_check_room; then it calls
 * chan_write or chan_call, which only perform. Reading is the other way round: chan_peek,
 * copy out and install the handles, then chan_consume.
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

/* ---- checks for the syscall layer's decode step (they change nothing) */

/* May object o travel through e? NOT_SUPPORTED for one of e's own ends, or for an end
   whose queue holds e's peer (see "no loops" above). */
int chan_check_carry(struct chan_end *e, const struct object *o);
/* Can e write nbytes now? PEER_CLOSED, or QUEUE_FULL when the peer's queue is full. */
int chan_check_room(const struct chan_end *e, uint32_t nbytes);

/* A message of nbytes and room for nhandles (all slots empty), or NULL. */
struct msg *chan_msg_alloc(uint32_t nbytes, uint32_t nhandles);
/* Free a message and every handle still inside it. */
void chan_msg_free(struct msg *m);

/* ---- perform: everything was checked, nothing here can fail a check */

/* Move the handles vals[0..m->nhandles) (looked up with TRANSFER, carry-checked) out of
   p's table into m and give m to e's peer (room checked). */
void chan_write(struct process *p, struct chan_end *e, struct msg *m, const sos_handle_t *vals);

/* chan_write with a fresh txid stamped over m's first 4 bytes (m->nbytes >= 4), then
   wait until `deadline` for the reply with that txid. 0 with *reply (the caller's to
   read out, then chan_msg_free or chan_unread), else the error that ended the wait
   (TIMED_OUT, PEER_CLOSED, CANCELED). The caller holds a reference on e. */
int chan_call(struct process *p, struct chan_end *e, struct msg *m, const sos_handle_t *vals,
              sos_time_t deadline, struct msg **reply);

/* The messages delivered since boot (their bytes and handles), summed over the CPUs. */
struct ipc_counts chan_counts(void);

/* The message at the head of e's queue, left queued; SHOULD_WAIT when the queue is
   empty, PEER_CLOSED when it is empty for good. */
int chan_peek(const struct chan_end *e, struct msg **out);
/* Take m, the head just read out (its handles installed elsewhere), off e and free it. */
void chan_consume(struct chan_end *e, struct msg *m);
/* Put a reply that could not be read out back at the head of e's queue. */
void chan_unread(struct chan_end *e, struct msg *m);

void channel_cache_init(void);

#endif
