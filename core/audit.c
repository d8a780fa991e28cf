/*
 * core/audit.c - a ring of SOS_AUDIT_RING hash-chained capability records.
 *
 * The ring overwrites its oldest records; a reader that starts past what was kept sees
 * the chain resume from the oldest kept record. Every record's prev_hash is the hash of
 * the record before it, kept or not, so the chain stays checkable.
 *
 * Layer: core.
 */
#include "audit.h"

#include "proc/process.h"
#include "proc/thread.h"

static struct sos_audit_record g_ring[SOS_AUDIT_RING];
static uint64_t g_next_seq = 1;
static uint64_t g_last_hash;

void audit_log(uint32_t event, const struct object *obj, sos_koid_t target,
               sos_rights_t rights, int status)
{
    struct sos_audit_record *r = &g_ring[g_next_seq % SOS_AUDIT_RING];
    struct thread *t = current_thread();
    *r = (struct sos_audit_record){
        .seq = g_next_seq,
        .time = hal_time_now(),
        .event = event,
        .kind = obj ? obj->kind : 0,
        .actor = t && t->proc ? t->proc->obj.koid : 0,
        .object = obj ? obj->koid : 0,
        .target = target,
        .rights = rights,
        .status = status,
        .prev_hash = g_last_hash,
    };
    r->hash = sos_audit_hash(r);
    g_last_hash = r->hash;
    g_next_seq++;
}

uint32_t audit_copy(uint64_t first_seq, struct sos_audit_record *out, uint32_t max)
{
    uint64_t oldest = g_next_seq > SOS_AUDIT_RING ? g_next_seq - SOS_AUDIT_RING : 1;
    if (first_seq < oldest)
        first_seq = oldest;
    uint32_t n = 0;
    for (uint64_t s = first_seq; s < g_next_seq && n < max; s++)
        out[n++] = g_ring[s % SOS_AUDIT_RING];
    return n;
}

uint64_t audit_count(void) { return g_next_seq - 1; }
