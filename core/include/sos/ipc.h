/*
 * sos/ipc.h - channel messages, port packets and their limits.
 *
 * Layer: ABI.
 */
#ifndef SOS_IPC_H
#define SOS_IPC_H

#include <sos/types.h>

#define SOS_CHANNEL_MAX_BYTES 65536u   /* bytes in one message */
#define SOS_CHANNEL_MAX_HANDLES 64u    /* handles in one message */
#define SOS_CHANNEL_MAX_MSGS 64u       /* messages queued at one endpoint */
#define SOS_CHANNEL_MAX_QUEUED (256u * 1024u) /* bytes queued at one endpoint */

/*
 * Every protocol message starts with this header. The kernel looks only at txid:
 * channel_call stamps a fresh non-zero txid and waits for a reply carrying it.
 */
struct sos_msg_hdr {
    uint32_t txid;
    uint32_t ordinal; /* protocol-defined message number (version in the top byte) */
    int32_t status;   /* in replies: 0 or SOS_ERR_* */
    uint32_t flags;   /* SOS_MSG_* */
};

/* Header flags (conventions of services/lib's server loop, not checked by the kernel). */
#define SOS_MSG_REPLY (1u << 0)    /* this is a reply: a server never dispatches it */
#define SOS_MSG_NO_REPLY (1u << 1) /* a one-way request: the server sends no reply */

/* channel_read: in/out description of the receive buffers. */
struct sos_chan_read {
    void *bytes;
    sos_handle_t *handles;
    uint32_t bytes_cap;
    uint32_t handles_cap;
    uint32_t actual_bytes;   /* out: size of the message (also on BUFFER_TOO_SMALL) */
    uint32_t actual_handles; /* out: handles in the message (also on BUFFER_TOO_SMALL) */
};

/* channel_call: one request written, one reply read. */
struct sos_chan_call {
    const void *wr_bytes;
    const sos_handle_t *wr_handles;
    uint32_t wr_nbytes; /* at least sizeof(uint32_t): the txid is written by the kernel */
    uint32_t wr_nhandles;
    struct sos_chan_read rd;
};

/* Port packets. */
enum sos_packet_type {
    SOS_PKT_USER = 1,   /* queued by port_queue */
    SOS_PKT_SIGNAL = 2, /* an object bound with object_wait_async raised signals */
    SOS_PKT_INTERRUPT = 3,
};

struct sos_port_packet {
    uint64_t key;
    uint32_t type; /* enum sos_packet_type */
    int32_t status;
    union {
        struct {
            sos_signals_t trigger;  /* the signals asked for */
            sos_signals_t observed; /* the object's signals when it fired */
            uint64_t count;
        } signal;
        uint64_t user[3];
        struct {
            sos_time_t timestamp;
        } interrupt;
    };
};

#define SOS_PORT_MAX_PACKETS 1024u

/* object_wait_async options */
#define SOS_WAIT_ASYNC_ONCE 0u   /* one packet, then the binding is gone */
#define SOS_WAIT_ASYNC_REPEAT 1u /* a packet each time a wanted signal rises */

#endif
