/*
 * sos/audit.h - the kernel's capability audit ring.
 *
 * Each record carries the hash of the record before it, so an edit or a gap is
 * visible to anyone who re-walks the chain (sos_audit_hash below).
 *
 * Layer: ABI.
 */
#ifndef SOS_AUDIT_H
#define SOS_AUDIT_H

#include <sos/types.h>

enum sos_audit_event {
    SOS_AUDIT_CREATE = 1,
    SOS_AUDIT_DUPLICATE = 2,
    SOS_AUDIT_TRANSFER = 3,
    SOS_AUDIT_REVOKE = 4,
    SOS_AUDIT_DENIED = 5,
    SOS_AUDIT_SPAWN = 6,
    SOS_AUDIT_MINT = 7,
};

struct sos_audit_record {
    uint64_t seq;
    sos_time_t time;
    uint32_t event;  /* enum sos_audit_event */
    uint32_t kind;   /* object kind */
    sos_koid_t actor;  /* process that acted */
    sos_koid_t object; /* object acted on */
    sos_koid_t target; /* receiving process or channel, when there is one */
    uint32_t rights;   /* rights involved (granted, or asked for when denied) */
    int32_t status;    /* the error for DENIED */
    uint64_t prev_hash; /* hash of the previous record */
    uint64_t hash;      /* hash of this record's fields above and prev_hash */
};

#define SOS_AUDIT_RING 1024u

/*
 * The chain hash: the record's fields from seq to prev_hash taken as eight 64-bit words
 * (two 32-bit fields share a word: event|kind, rights|status, low half first), each
 * folded in with h = (h ^ w) * M; h ^= h >> 32 (both steps invertible, so an edit of any
 * one word always changes the result), then a final avalanche. Word-at-a-time: 8
 * dependent multiplies instead of 64 (ABI: the kernel and every verifier share this).
 * It detects edits, reordering and gaps when the chain is re-walked; it is not a
 * cryptographic MAC (anyone able to rewrite the whole ring could recompute it).
 */
static inline uint64_t sos_audit_mix_(uint64_t h, uint64_t w)
{
    h ^= w;
    h *= 0x9e3779b97f4a7c15ull;
    h ^= h >> 32;
    return h;
}

static inline uint64_t sos_audit_hash(const struct sos_audit_record *r)
{
    uint64_t h = 0xcbf29ce484222325ull;
    h = sos_audit_mix_(h, r->seq);
    h = sos_audit_mix_(h, (uint64_t)r->time);
    h = sos_audit_mix_(h, r->event | (uint64_t)r->kind << 32);
    h = sos_audit_mix_(h, r->actor);
    h = sos_audit_mix_(h, r->object);
    h = sos_audit_mix_(h, r->target);
    h = sos_audit_mix_(h, r->rights | (uint64_t)(uint32_t)r->status << 32);
    h = sos_audit_mix_(h, r->prev_hash);
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    return h;
}

/*
 * Check records[0..n): each hash matches its contents and each record chains to the one
 * before it with consecutive sequence numbers. Returns -1 when all is well, or the index
 * of the first bad record.
 */
static inline long sos_audit_verify(const struct sos_audit_record *r, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (sos_audit_hash(&r[i]) != r[i].hash)
            return (long)i;
        if (i > 0 && (r[i].prev_hash != r[i - 1].hash || r[i].seq != r[i - 1].seq + 1))
            return (long)i;
    }
    return -1;
}

#endif
