/*
 * hal-hosted/host/record.c - the record file's encoder and strict parser (record.h has
 * the format). The parser checks the whole file before a replay starts, so the replay
 * itself only walks data already known to be well formed: a truncated or damaged file
 * is refused with the offset and the reason, never half replayed.
 *
 * Layer: hal-hosted, host world (libc only).
 */
#include "record.h"

#include <stdio.h>
#include <string.h>

static void put_le(uint8_t *out, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        out[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_le(const uint8_t *in, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v |= (uint64_t)in[i] << (8 * i);
    return v;
}

size_t host_rec_put_header(uint8_t *out, const struct host_rec_header *h)
{
    memcpy(out, HOST_REC_MAGIC, 8);
    put_le(out + 8, HOST_REC_VERSION, 4);
    put_le(out + 12, 0, 4);
    put_le(out + 16, h->seed, 8);
    put_le(out + 24, h->boot_digest, 8);
    put_le(out + 32, h->disk_digest, 8);
    return HOST_REC_HEADER;
}

size_t host_rec_put_varint(uint8_t *out, uint64_t v)
{
    size_t n = 0;
    do {
        uint8_t b = v & 0x7f;
        v >>= 7;
        out[n++] = b | (v ? 0x80 : 0);
    } while (v);
    return n;
}

size_t host_rec_put_event(uint8_t *out, const struct host_rec_event *e)
{
    out[0] = e->kind;
    size_t n = 1 + host_rec_put_varint(out + 1, e->a);
    return n + host_rec_put_varint(out + n, e->b);
}

size_t host_rec_put_head(uint8_t *out, unsigned type, uint32_t len)
{
    out[0] = (uint8_t)type;
    put_le(out + 1, len, 4);
    return 5;
}

/* A varint inside [*pos, end): 0, or -1 when it runs past end or past 64 bits. */
static int get_varint(const uint8_t *buf, size_t *pos, size_t end, uint64_t *v)
{
    *v = 0;
    for (unsigned shift = 0; shift < 70; shift += 7) {
        if (*pos >= end)
            return -1;
        uint8_t b = buf[(*pos)++];
        if (shift == 63 && (b & 0x7e))
            return -1; /* more than 64 bits */
        *v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80))
            return 0;
    }
    return -1;
}

static int get_event(const uint8_t *buf, size_t *pos, size_t end, struct host_rec_event *e)
{
    if (*pos >= end)
        return -1;
    e->kind = buf[(*pos)++];
    if (e->kind == 0 || e->kind >= HOST_EV_KINDS)
        return -2;
    return get_varint(buf, pos, end, &e->a) || get_varint(buf, pos, end, &e->b) ? -1 : 0;
}

static int fail(char *err, size_t errlen, size_t at, const char *what)
{
    snprintf(err, errlen, "at byte %zu: %s", at, what);
    return -1;
}

static int check_events(const uint8_t *buf, size_t pos, size_t end, char *err, size_t errlen)
{
    while (pos < end) {
        struct host_rec_event e;
        size_t at = pos;
        int r = get_event(buf, &pos, end, &e);
        if (r == -2)
            return fail(err, errlen, at, "an event of an unknown kind");
        if (r)
            return fail(err, errlen, at, "an event cut short by the end of its record");
    }
    return 0;
}

static int check_input(unsigned type, const uint8_t *buf, size_t pos, size_t end, char *err,
                       size_t errlen)
{
    uint64_t ev, vt;
    bool net = type == HOST_REC_NET;
    if (get_varint(buf, &pos, end, &ev) || get_varint(buf, &pos, end, &vt))
        return fail(err, errlen, pos, net ? "a frame record without its event index and time"
                                          : "a console record without its event index and time");
    if (!net && (pos == end || end - pos > HOST_REC_INPUT_MAX))
        return fail(err, errlen, pos, "a console record with no input or too much");
    if (net && (end - pos < HOST_REC_FRAME_MIN || end - pos > HOST_REC_FRAME_MAX))
        return fail(err, errlen, pos, "a frame record whose frame is too short or too long");
    return 0;
}

static int check_end(const uint8_t *buf, size_t pos, size_t end, char *err, size_t errlen)
{
    uint64_t v;
    if (get_varint(buf, &pos, end, &v) || end - pos < 8)
        return fail(err, errlen, pos, "an end record cut short");
    pos += 8;
    if (get_varint(buf, &pos, end, &v) || get_varint(buf, &pos, end, &v) || pos != end)
        return fail(err, errlen, pos, "an end record of the wrong length");
    return 0;
}

static int check_header(const uint8_t *buf, size_t len, struct host_rec_header *h, char *err,
                        size_t errlen)
{
    if (len < HOST_REC_HEADER || memcmp(buf, HOST_REC_MAGIC, 8))
        return fail(err, errlen, 0, len < 8 ? "too short for a record file"
                                            : "not a record file (no SOSREC header)");
    if (get_le(buf + 8, 4) != HOST_REC_VERSION)
        return fail(err, errlen, 8, "a record file of another version");
    if (get_le(buf + 12, 4) != 0)
        return fail(err, errlen, 12, "unknown flags");
    h->seed = get_le(buf + 16, 8);
    h->boot_digest = get_le(buf + 24, 8);
    h->disk_digest = get_le(buf + 32, 8);
    return 0;
}

int host_rec_parse(const uint8_t *buf, size_t len, struct host_rec_header *h,
                   struct host_rec_cursor *c, char *err, size_t errlen)
{
    if (check_header(buf, len, h, err, errlen))
        return -1;
    size_t pos = HOST_REC_HEADER;
    bool ended = false;
    while (pos < len) {
        if (ended)
            return fail(err, errlen, pos, "data after the end record");
        if (len - pos < 5)
            return fail(err, errlen, pos, "a record head cut short (truncated file?)");
        unsigned type = buf[pos];
        uint64_t rlen = get_le(buf + pos + 1, 4);
        if (rlen > HOST_REC_RECORD_MAX)
            return fail(err, errlen, pos, "a record longer than 1 MiB");
        if (rlen > len - pos - 5)
            return fail(err, errlen, pos, "a record cut short (truncated file?)");
        size_t start = pos + 5, end = start + (size_t)rlen;
        int r = type == HOST_REC_EVENTS    ? check_events(buf, start, end, err, errlen)
                : type == HOST_REC_CONSOLE || type == HOST_REC_NET
                    ? check_input(type, buf, start, end, err, errlen)
                : type == HOST_REC_END     ? check_end(buf, start, end, err, errlen)
                                           : fail(err, errlen, pos, "a record of an unknown type");
        if (r)
            return -1;
        ended = type == HOST_REC_END;
        pos = end;
    }
    if (!ended)
        return fail(err, errlen, len, "no end record (truncated file, or the recorded run "
                                      "did not power off)");
    *c = (struct host_rec_cursor){buf, len, HOST_REC_HEADER, 0};
    return 0;
}

/* Step over empty EVENTS records and finished payloads to the next thing. */
static void settle(struct host_rec_cursor *c)
{
    for (;;) {
        if (c->events_end && c->pos < c->events_end)
            return;
        if (c->events_end) {
            c->pos = c->events_end;
            c->events_end = 0;
        }
        if (c->pos >= c->len || c->buf[c->pos] != HOST_REC_EVENTS)
            return;
        c->events_end = c->pos + 5 + (size_t)get_le(c->buf + c->pos + 1, 4);
        c->pos += 5;
    }
}

bool host_rec_next_event(struct host_rec_cursor *c, struct host_rec_event *e)
{
    settle(c);
    if (!c->events_end)
        return false;
    return get_event(c->buf, &c->pos, c->events_end, e) == 0;
}

bool host_rec_next_input(struct host_rec_cursor *c, unsigned *type, uint64_t *event,
                         uint64_t *vtime, const uint8_t **data, size_t *len)
{
    settle(c);
    if (c->events_end || c->pos >= c->len ||
        (c->buf[c->pos] != HOST_REC_CONSOLE && c->buf[c->pos] != HOST_REC_NET))
        return false;
    *type = c->buf[c->pos];
    size_t end = c->pos + 5 + (size_t)get_le(c->buf + c->pos + 1, 4), p = c->pos + 5;
    get_varint(c->buf, &p, end, event);
    get_varint(c->buf, &p, end, vtime);
    *data = c->buf + p;
    *len = end - p;
    c->pos = end;
    return true;
}

bool host_rec_at_end(struct host_rec_cursor *c, struct host_rec_end *end)
{
    settle(c);
    if (c->events_end || c->pos >= c->len || c->buf[c->pos] != HOST_REC_END)
        return false;
    size_t p = c->pos + 5, e = c->len;
    get_varint(c->buf, &p, e, &end->events);
    end->hash = get_le(c->buf + p, 8);
    p += 8;
    get_varint(c->buf, &p, e, &end->vtime);
    get_varint(c->buf, &p, e, &end->status);
    return true;
}

void host_rec_describe(const struct host_rec_event *e, char *out, size_t outlen)
{
    unsigned long long a = e->a, b = e->b;
    switch (e->kind) {
    case HOST_EV_SYSCALL:
        snprintf(out, outlen, "syscall %llu -> %lld", a, (long long)b);
        break;
    case HOST_EV_IRQ:
        snprintf(out, outlen, "interrupt line %llu%s", a, b ? " (in user code)" : "");
        break;
    case HOST_EV_SWITCH:
        snprintf(out, outlen, "switch to the kernel stack at %#llx", a);
        break;
    case HOST_EV_IDLE:
        snprintf(out, outlen, "idle at virtual time %llu ns", a);
        break;
    case HOST_EV_INPUT:
        snprintf(out, outlen, "input: %llu bytes to the %s", b, a == HOST_REC_NET ? "network card"
                                                                : "console");
        break;
    default:
        snprintf(out, outlen, "event of kind %u", e->kind);
    }
}
