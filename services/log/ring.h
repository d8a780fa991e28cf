/*
 * services/log/ring.h - the log's memory: a bounded ring of records, and filters.
 *
 * The ring keeps the newest `cap` records; appending to a full ring overwrites the
 * oldest. Sequence numbers start at 1 and never repeat, so a reader can tell a gap.
 * Messages are kept as one line of printable text: control bytes become spaces and
 * anything past LOG_MESSAGE_MAX - 1 bytes is cut.
 *
 * Pure logic (no system calls): unit-tested on the host (ring_test.c).
 *
 * Layer: services (log).
 */
#ifndef LOG_RING_H
#define LOG_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <proto/log.h>

#define LOG_SOURCE_MAX 32 /* bytes with the NUL, like a directory name */

struct log_rec {
    uint64_t seq;
    uint64_t time_ns;
    uint32_t severity;
    char source[LOG_SOURCE_MAX];
    char message[LOG_MESSAGE_MAX];
};

struct log_ring {
    struct log_rec *recs; /* cap slots, caller-owned */
    uint32_t cap;
    uint32_t count;       /* records held, <= cap */
    uint64_t next_seq;    /* the sequence number of the next append */
};

struct log_filter {
    uint32_t min_severity;
    char source[LOG_SOURCE_MAX]; /* "" for every source */
};

void log_ring_init(struct log_ring *r, struct log_rec *storage, uint32_t cap);

/*
 * Append a record (severity above LOG_CRITICAL is clamped; a NULL source or message is
 * taken as ""); msg_len bytes of msg are used, up to a NUL. Returns the stored record.
 */
const struct log_rec *log_ring_append(struct log_ring *r, uint64_t time_ns, uint32_t severity,
                                      const char *source, const char *msg, size_t msg_len);

/* The i-th record held, oldest first (i < r->count), or NULL. */
const struct log_rec *log_ring_at(const struct log_ring *r, uint32_t i);

/* Build a filter; false when the source name is too long to match anything. */
bool log_filter_set(struct log_filter *f, uint32_t min_severity, const char *source);
bool log_filter_match(const struct log_filter *f, const struct log_rec *rec);

/* The bytes a record takes in a LOG_QUERY reply or a LOG_RECORD message (no header). */
size_t log_rec_wire_size(const struct log_rec *rec);

/*
 * The newest `max` records (0: no limit) that match f, whose wire sizes add up to at
 * most `budget` bytes, oldest first, into out[0..out_cap). Returns how many.
 */
uint32_t log_ring_select(const struct log_ring *r, const struct log_filter *f, uint32_t max,
                         size_t budget, const struct log_rec **out, uint32_t out_cap);

/* A kernel fault record as a log message: "process 42 faulted: null dereference at 0x0
 * (pc 0x401000)". Returns what snprintf returns. */
int log_fault_text(char *buf, size_t size, const struct sos_fault_record *f);

/* Severity by name ("info", "warning", "warn", "err", ...) or digit; false if unknown. */
bool log_severity_parse(const char *s, uint32_t *out);

#endif
