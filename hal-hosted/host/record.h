/*
 * hal-hosted/host/record.h - the record file of a simulator run (--record, --replay):
 * its format, an encoder and a strict parser. Pure code over memory buffers (no I/O,
 * no globals), so the unit test (record_test.c) and the fuzz target
 * (tests/fuzz/fuzz_record.c) drive exactly what the simulator runs.
 *
 * The format (docs/sim.md, "Record and replay"), all integers little endian:
 *
 *   header  "SOSREC\r\n" (8 bytes), u32 version (1), u32 flags (0),
 *           u64 seed, u64 boot digest (image, store, arguments, memory), u64 disk digest
 *   record  u8 type, u32 length, then `length` bytes of payload; the types:
 *     EVENTS   a run of kernel events in order: each u8 kind, varint a, varint b
 *     CONSOLE  varint event index, varint virtual time (ns), then the input bytes
 *              (1..HOST_REC_INPUT_MAX) delivered to the console at that idle point
 *     NET      varint event index, varint virtual time, then one Ethernet frame
 *              (HOST_REC_FRAME_MIN..HOST_REC_FRAME_MAX bytes) delivered to the card
 *     END      varint event count, u64 trace hash, varint virtual time, varint status
 *
 * The file is the run in time order: the events before an input come before its
 * record. It ends with exactly one END record; nothing may follow it. Varints are
 * LEB128, at most 10 bytes, the value fitting in 64 bits.
 *
 * Layer: hal-hosted, host world (libc only).
 */
#ifndef HAL_HOSTED_HOST_RECORD_H
#define HAL_HOSTED_HOST_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HOST_REC_MAGIC "SOSREC\r\n"
#define HOST_REC_VERSION 1u
#define HOST_REC_HEADER 40u
#define HOST_REC_RECORD_MAX (1u << 20) /* the longest payload a record may have */
#define HOST_REC_INPUT_MAX 4096u       /* input bytes in one CONSOLE record */
#define HOST_REC_FRAME_MIN 14u         /* a NET record's frame: HOST_NET_FRAME_MIN.. */
#define HOST_REC_FRAME_MAX 1514u       /* ..HOST_NET_FRAME_MAX */

enum host_rec_type { HOST_REC_EVENTS = 1, HOST_REC_CONSOLE = 2, HOST_REC_END = 3, HOST_REC_NET = 4 };

/* Kernel events (the trace): kind, and what a and b hold. */
enum host_ev_kind {
    HOST_EV_SYSCALL = 1, /* a: call number, b: result */
    HOST_EV_IRQ = 2,     /* a: line, b: 1 when it interrupted user code */
    HOST_EV_SWITCH = 3,  /* a: the kernel stack switched to (arena offset), b: 0 */
    HOST_EV_IDLE = 4,    /* a: virtual time (ns), b: 0 */
    HOST_EV_INPUT = 5,   /* a: device (HOST_REC_CONSOLE, HOST_REC_NET), b: bytes delivered */
    HOST_EV_KINDS
};

struct host_rec_header {
    uint64_t seed, boot_digest, disk_digest;
};

struct host_rec_event {
    uint8_t kind;
    uint64_t a, b;
};

struct host_rec_end {
    uint64_t events, hash, vtime, status;
};

/* A cursor over a parsed file (host_rec_parse checked everything it will read). */
struct host_rec_cursor {
    const uint8_t *buf;
    size_t len, pos;     /* pos: the next record, or inside an EVENTS payload */
    size_t events_end;   /* end of the current EVENTS payload, 0 outside one */
};

/* Encoders: append to out (room for the worst case is the caller's), return the bytes. */
size_t host_rec_put_header(uint8_t *out, const struct host_rec_header *h);
size_t host_rec_put_varint(uint8_t *out, uint64_t v);
size_t host_rec_put_event(uint8_t *out, const struct host_rec_event *e); /* <= 21 bytes */
/* A record's 5-byte head. */
size_t host_rec_put_head(uint8_t *out, unsigned type, uint32_t len);

/*
 * Check a whole file: header, every record's type and length, every EVENTS payload
 * decodes into whole events of known kinds, every CONSOLE record has its fields and
 * 1..HOST_REC_INPUT_MAX bytes, exactly one END and nothing after it. 0 and *h and a
 * cursor at the first record; -1 and err says what and at which offset.
 */
int host_rec_parse(const uint8_t *buf, size_t len, struct host_rec_header *h,
                   struct host_rec_cursor *c, char *err, size_t errlen);

/* The next event of the file, if the cursor is at one (it may step into the next
 * EVENTS record). false when the next thing is an input or the end. */
bool host_rec_next_event(struct host_rec_cursor *c, struct host_rec_event *e);
/* The input record (CONSOLE or NET) at the cursor, consumed: true and its type and
 * fields; false if the next thing is not one. data points into the file. */
bool host_rec_next_input(struct host_rec_cursor *c, unsigned *type, uint64_t *event,
                         uint64_t *vtime, const uint8_t **data, size_t *len);
/* The END record at the cursor: true and its fields; false if the next thing is not it. */
bool host_rec_at_end(struct host_rec_cursor *c, struct host_rec_end *end);

/* A one-line description of an event ("syscall 12 -> -3", "irq 16", ...). */
void host_rec_describe(const struct host_rec_event *e, char *out, size_t outlen);

#endif
