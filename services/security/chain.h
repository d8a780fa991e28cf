/*
 * services/security/chain.h - the audit history: a hash-chained log of text records.
 *
 * One record per line: "<seq> <time_ns> <text> <hash>", where seq counts from 1 with no
 * gap, text is printable (no line end; blanks allowed) and hash is the 64 hex digits of
 * SHA-256(previous record's hash bytes || "<seq> <time_ns> <text>"), the first record's
 * previous hash being 32 zero bytes. Editing any byte of a record changes its hash (or
 * breaks the next record's link); removing or reordering records breaks the sequence.
 * Verification walks the whole text and stops at the first problem, naming it:
 * malformed line, gap (the sequence number that was expected and the one found), or an
 * edited record. What it cannot see is a cut at the end (the last records removed
 * together): the service keeps the head (last seq and hash) in a second file and
 * compares.
 *
 * The hash is an integrity check, not a signature: whoever can rewrite the whole file
 * can recompute it (as with the kernel's ring, docs/core.md).
 *
 * Pure logic over common/hash/sha256.c; unit-tested (chain_test.c) and fuzzed
 * (tests/fuzz/fuzz_audit_chain.c).
 *
 * Layer: services (security).
 */
#ifndef SECURITY_CHAIN_H
#define SECURITY_CHAIN_H

#include <stddef.h>
#include <stdint.h>

#define SEC_CHAIN_HASH 32
#define SEC_CHAIN_TEXT_MAX 400
#define SEC_CHAIN_LINE_MAX (SEC_CHAIN_TEXT_MAX + 100)

/* Where a chain stands: the last record's number and hash (0 and zeros when empty). */
struct sec_chain {
    uint64_t seq;
    uint8_t last[SEC_CHAIN_HASH];
};

struct sec_record {
    uint64_t seq, time_ns;
    const char *text; /* inside the parsed line, text_len bytes, not NUL-terminated */
    size_t text_len;
    size_t body_len; /* "<seq> <time_ns> <text>": what the hash covers */
    uint8_t hash[SEC_CHAIN_HASH];
};

enum sec_chain_problem {
    SEC_CHAIN_OK = 0,
    SEC_CHAIN_MALFORMED = 1, /* a line that is not a record */
    SEC_CHAIN_GAP = 2,       /* a sequence number out of order: records lost or moved */
    SEC_CHAIN_EDITED = 3,    /* a record whose hash does not match its contents */
};

struct sec_verify {
    uint64_t records;  /* good records before the problem (all of them when OK) */
    uint32_t problem;  /* enum sec_chain_problem */
    unsigned line;     /* 1-based line of the problem */
    uint64_t expected; /* GAP: the number expected; EDITED: the record's number */
    uint64_t found;    /* GAP: the number found */
};

void sec_chain_init(struct sec_chain *c);
/* The next record as one line with its '\n' into out; advances c. Returns the line's
 * length, or SOS_ERR_INVALID_ARGS (text empty, too long or not printable) or
 * SOS_ERR_BUFFER_TOO_SMALL; on error c is unchanged. */
int sec_chain_append(struct sec_chain *c, uint64_t time_ns, const char *text, char *out,
                     size_t cap);
/* One line (without its '\n') -> r; SOS_ERR_INVALID_ARGS when it is not a record. */
int sec_record_parse(const char *line, size_t len, struct sec_record *r);
/* Walk text (lines ending in '\n'; a last line without one is malformed). Returns
 * v->problem; end (unless NULL) gets the state after the last good record. */
uint32_t sec_chain_verify(const char *text, size_t len, struct sec_verify *v,
                          struct sec_chain *end);
const char *sec_chain_problem_name(uint32_t p);

#endif
