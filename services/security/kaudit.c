/*
 * services/security/kaudit.c - the kernel's capability audit ring in the security
 * service's persisted history (docs/security.md).
 *
 * The ring (1024 records, hash-chained by the kernel: docs/core.md "Audit") lives in
 * memory and wraps. When the operator reads the history (security audit) and after a
 * grant is revoked, the service reads the ring from where it last stopped, checks the
 * kernel's chain over what it read (sos_audit_verify), and appends one summary record:
 * the sequence numbers covered, how many revocations and denied uses they hold, a line
 * for each revocation (at most KEEP_MAX), and whether the kernel's chain verified. So
 * what the kernel saw about capabilities while the service ran survives reboots, in a
 * chain of its own. It starts at the ring's end when the service starts: a restarted
 * service does not record the same events twice.
 *
 * Layer: services (security).
 */
#include <stdio.h>
#include <stdlib.h>

#include <sl/sl.h>
#include <sos/audit.h>

#include "security.h"

#define BATCH 64 /* the kernel's most per read */
#define KEEP_MAX 8

static sos_handle_t g_ring;
static uint64_t g_next = 1; /* the next kernel sequence number to read */

/* Up to BATCH records from g_next; how many. */
static uint32_t read_batch(struct sos_audit_record *r)
{
    int64_t got = g_ring ? sos_audit_read(g_ring, g_next, r, BATCH) : -1;
    return got > 0 ? (uint32_t)got : 0;
}

void sec_kaudit_init(void)
{
    g_ring = sos_startup_handle("audit");
    struct sos_audit_record *r = malloc(BATCH * sizeof(*r));
    uint32_t n;
    while (r && (n = read_batch(r)) > 0) /* skip to the end: what came before is not ours */
        g_next = r[n - 1].seq + 1;
    free(r);
}

void sec_kaudit_drain(void)
{
    struct sos_audit_record *r = malloc(BATCH * sizeof(*r));
    if (!r)
        return;
    uint64_t want = g_next, first = 0, last = 0, revokes = 0, denied = 0, broken = 0;
    uint32_t n, kept = 0;
    while ((n = read_batch(r)) > 0) {
        if (!first)
            first = r[0].seq;
        long bad = sos_audit_verify(r, n);
        if (bad >= 0 && !broken)
            broken = r[bad].seq;
        for (uint32_t i = 0; i < n; i++) {
            denied += r[i].event == SOS_AUDIT_DENIED;
            if (r[i].event != SOS_AUDIT_REVOKE)
                continue;
            revokes++;
            if (kept++ < KEEP_MAX)
                sec_audit("kernel #%llu: revoker %llu revoked by process %llu",
                          (unsigned long long)r[i].seq, (unsigned long long)r[i].object,
                          (unsigned long long)r[i].actor);
        }
        last = r[n - 1].seq;
        g_next = last + 1;
    }
    free(r);
    if (!first)
        return;
    char chain[64], lost[64] = "";
    if (broken)
        snprintf(chain, sizeof(chain), "BROKEN at #%llu", (unsigned long long)broken);
    else
        snprintf(chain, sizeof(chain), "verified");
    if (first > want) /* the ring wrapped before we read them */
        snprintf(lost, sizeof(lost), " (#%llu..#%llu overwritten unread)", (unsigned long long)want,
                 (unsigned long long)(first - 1));
    sec_audit("kernel audit ring #%llu..#%llu%s: %llu revocations, %llu denied uses; its chain %s",
              (unsigned long long)first, (unsigned long long)last, lost,
              (unsigned long long)revokes, (unsigned long long)denied, chain);
}
