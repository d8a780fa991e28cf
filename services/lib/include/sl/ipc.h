/*
 * sl/ipc.h - building and parsing protocol messages, and the synchronous call.
 *
 * Every protocol message starts with struct sos_msg_hdr (txid, ordinal, status, flags).
 * Fixed-layout messages are plain structs whose first member is the header; variable
 * ones are built with sl_msg_* (fields appended in order, packed, in the CPU's byte
 * order) and read back with sl_parse_*, which never reads past the message: a short
 * or malformed message makes the parser "bad" and every later read returns zeroes, so
 * a handler checks sl_parse_end() once at the end.
 *
 * Strings travel as a u32 length followed by the bytes and a NUL (the NUL is counted
 * in neither the length nor the check, but it is verified on parse).
 *
 * Layer: services/lib (IPC helpers).
 */
#ifndef SL_IPC_H
#define SL_IPC_H

#include <sos/sos.h>

/* ---- building */

struct sl_msg {
    uint8_t *bytes;
    uint32_t cap, len;
    sos_handle_t *handles;
    uint32_t hcap, nhandles;
    bool overflow; /* something did not fit: sl_msg_finish fails */
};

/*
 * Start a message in buf[cap] (handles in hbuf[hcap], may be NULL/0) with a header for
 * `ordinal` (txid 0, status 0).
 */
void sl_msg_begin(struct sl_msg *m, void *buf, uint32_t cap, sos_handle_t *hbuf,
                  uint32_t hcap, uint32_t ordinal);
struct sos_msg_hdr *sl_msg_hdr(struct sl_msg *m);
void sl_msg_put(struct sl_msg *m, const void *data, uint32_t len);
void sl_msg_put_u32(struct sl_msg *m, uint32_t v);
void sl_msg_put_u64(struct sl_msg *m, uint64_t v);
void sl_msg_put_str(struct sl_msg *m, const char *s);
/* Attach a handle (it moves to the receiver when the message is written). */
void sl_msg_put_handle(struct sl_msg *m, sos_handle_t h);
/* 0, or SOS_ERR_BUFFER_TOO_SMALL when something did not fit. */
int sl_msg_finish(const struct sl_msg *m);

/* Write the message on channel `ch`. On error no handle moves. */
int sl_msg_send(sos_handle_t ch, const struct sl_msg *m);

/* ---- parsing */

struct sl_parse {
    const uint8_t *bytes;
    uint32_t len, pos;
    const sos_handle_t *handles;
    uint32_t nhandles, hpos;
    bool bad;
};

/*
 * Start parsing bytes[len] (and the handles that came with it). Fails with
 * SOS_ERR_BAD_FORMAT when the message is shorter than its header; on success *hdr
 * (when not NULL) gets a copy of the header and parsing continues after it.
 */
int sl_parse_begin(struct sl_parse *p, const void *bytes, uint32_t len,
                   const sos_handle_t *handles, uint32_t nhandles, struct sos_msg_hdr *hdr);
uint32_t sl_parse_u32(struct sl_parse *p);
uint64_t sl_parse_u64(struct sl_parse *p);
/* A pointer to the next `len` bytes inside the message, or NULL (and bad). */
const void *sl_parse_bytes(struct sl_parse *p, uint32_t len);
/* A NUL-terminated string inside the message (len without the NUL), or NULL. */
const char *sl_parse_str(struct sl_parse *p, uint32_t *len);
/* A string the sender may have left out at the end of the message (a field added in a
 * later version): "" when the message ends here, else as sl_parse_str ("" on error, and
 * bad). */
const char *sl_parse_str_opt(struct sl_parse *p);
sos_handle_t sl_parse_handle(struct sl_parse *p);
/* 0 when everything read was there; SOS_ERR_BAD_FORMAT otherwise. */
int sl_parse_end(const struct sl_parse *p);

/* ---- the synchronous call */

/*
 * Send `req` on `ch` with sos_channel_call and wait for the reply until `deadline`.
 * The reply lands in rep's buffers (rep->len, rep->nhandles are set). Returns a kernel
 * error (SOS_ERR_TIMED_OUT, SOS_ERR_PEER_CLOSED, SOS_ERR_BUFFER_TOO_SMALL, ...),
 * SOS_ERR_BAD_FORMAT when the reply is shorter than a header or answers another
 * ordinal, or else the status the server put in the reply header.
 */
int sl_call(sos_handle_t ch, const struct sl_msg *req, struct sl_msg *rep,
            sos_time_t deadline);

/*
 * The same for fixed-layout messages without handles: req[req_len] out, at most
 * rep_cap bytes back into rep (*rep_len gets the size when not NULL).
 */
int sl_call_bytes(sos_handle_t ch, const void *req, uint32_t req_len, void *rep,
                  uint32_t rep_cap, uint32_t *rep_len, sos_time_t deadline);

#endif
