/*
 * services/log/ring.c - the bounded record ring and its filters (see ring.h).
 *
 * Layer: services (log). Pure: no system calls.
 */
#include "ring.h"

#include <stdio.h>
#include <string.h>

#include <proto/mgr.h>

void log_ring_init(struct log_ring *r, struct log_rec *storage, uint32_t cap)
{
    r->recs = storage;
    r->cap = cap;
    r->count = 0;
    r->next_seq = 1;
}

/* Copies at most size-1 bytes of s[0..len) (stopping at a NUL), as printable text. */
static void copy_line(char *dst, size_t size, const char *s, size_t len)
{
    size_t n = 0;
    for (; s && n < len && n + 1 < size && s[n]; n++) {
        unsigned char c = (unsigned char)s[n];
        dst[n] = c < 0x20 || c == 0x7f ? ' ' : (char)c;
    }
    dst[n] = 0;
}

const struct log_rec *log_ring_append(struct log_ring *r, uint64_t time_ns, uint32_t severity,
                                      const char *source, const char *msg, size_t msg_len)
{
    uint64_t seq = r->next_seq++;
    struct log_rec *rec = &r->recs[(seq - 1) % r->cap];
    if (r->count < r->cap)
        r->count++;
    rec->seq = seq;
    rec->time_ns = time_ns;
    rec->severity = severity < LOG_SEVERITY_COUNT ? severity : LOG_CRITICAL;
    copy_line(rec->source, sizeof(rec->source), source, source ? strlen(source) : 0);
    copy_line(rec->message, sizeof(rec->message), msg, msg_len);
    return rec;
}

const struct log_rec *log_ring_at(const struct log_ring *r, uint32_t i)
{
    if (i >= r->count)
        return NULL;
    uint64_t seq = r->next_seq - r->count + i;
    return &r->recs[(seq - 1) % r->cap];
}

bool log_filter_set(struct log_filter *f, uint32_t min_severity, const char *source)
{
    f->min_severity = min_severity;
    f->source[0] = 0;
    if (!source)
        return true;
    size_t n = strlen(source);
    if (n >= sizeof(f->source))
        return false;
    memcpy(f->source, source, n + 1);
    return true;
}

bool log_filter_match(const struct log_filter *f, const struct log_rec *rec)
{
    if (rec->severity < f->min_severity)
        return false;
    return !f->source[0] || !strcmp(f->source, rec->source);
}

size_t log_rec_wire_size(const struct log_rec *rec)
{
    /* u64 seq, u64 time, u32 severity, str source, str message (u32 len, bytes, NUL) */
    return 8 + 8 + 4 + (4 + strlen(rec->source) + 1) + (4 + strlen(rec->message) + 1);
}

uint32_t log_ring_select(const struct log_ring *r, const struct log_filter *f, uint32_t max,
                         size_t budget, const struct log_rec **out, uint32_t out_cap)
{
    if (max == 0 || max > out_cap)
        max = out_cap;
    /* walk back from the newest, then reverse into oldest-first order */
    uint32_t n = 0;
    size_t used = 0;
    for (uint32_t i = r->count; i-- > 0 && n < max;) {
        const struct log_rec *rec = log_ring_at(r, i);
        if (!log_filter_match(f, rec))
            continue;
        size_t sz = log_rec_wire_size(rec);
        if (used + sz > budget)
            break;
        used += sz;
        out[n++] = rec;
    }
    for (uint32_t a = 0, b = n; a + 1 < b; a++, b--) {
        const struct log_rec *t = out[a];
        out[a] = out[b - 1];
        out[b - 1] = t;
    }
    return n;
}

bool log_severity_parse(const char *s, uint32_t *out)
{
    static const struct {
        const char *name;
        uint32_t sev;
    } names[] = {{"debug", LOG_DEBUG},     {"info", LOG_INFO},         {"notice", LOG_NOTICE},
                 {"warning", LOG_WARNING}, {"warn", LOG_WARNING},      {"error", LOG_ERROR},
                 {"err", LOG_ERROR},       {"critical", LOG_CRITICAL}, {"crit", LOG_CRITICAL}};
    if (!s || !*s)
        return false;
    if (s[0] >= '0' && s[0] < '0' + LOG_SEVERITY_COUNT && !s[1]) {
        *out = (uint32_t)(s[0] - '0');
        return true;
    }
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (!strcmp(s, names[i].name)) {
            *out = names[i].sev;
            return true;
        }
    return false;
}

int log_fault_text(char *buf, size_t size, const struct sos_fault_record *f)
{
    return snprintf(buf, size, "process %llu faulted: %s at 0x%llx (pc 0x%llx)",
                    (unsigned long long)f->process, sos_fault_class_name(f->fault_class),
                    (unsigned long long)f->address, (unsigned long long)f->pc);
}
