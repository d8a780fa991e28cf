/*
 * services/log/persist.c - the stored records' line format (persist.h).
 *
 * Layer: services (log). Pure: no system calls.
 */
#include "persist.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sos/errors.h>

static uint32_t fnv32(const char *p, size_t n)
{
    uint32_t h = 0x811c9dc5u;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)p[i];
        h *= 0x01000193u;
    }
    return h;
}

size_t log_line_format(const struct log_rec *rec, uint64_t boot, char *out)
{
    char body[LOG_LINE_MAX];
    int n = snprintf(body, sizeof(body), "%llu\t%llu\t%u\t%s\t%s", (unsigned long long)boot,
                     (unsigned long long)rec->time_ns, rec->severity, rec->source, rec->message);
    if (n < 0)
        n = 0;
    if ((size_t)n >= sizeof(body))
        n = (int)sizeof(body) - 1;
    for (int i = 0; i < n; i++) /* one line, tabs only between fields */
        if (body[i] == '\n')
            body[i] = ' ';
    int k = snprintf(out, LOG_LINE_MAX, "%08x\t%.*s\n", fnv32(body, (size_t)n), n, body);
    return k < 0 ? 0 : (size_t)k < LOG_LINE_MAX ? (size_t)k : LOG_LINE_MAX - 1;
}

/* A decimal field ending at a tab: the value, and *p past the tab. */
static bool dec_field(const char **p, const char *end, uint64_t *out)
{
    const char *s = *p;
    uint64_t v = 0;
    if (s >= end || *s < '0' || *s > '9')
        return false;
    for (; s < end && *s >= '0' && *s <= '9'; s++) {
        uint64_t d = (uint64_t)(*s - '0');
        if (v > (UINT64_MAX - d) / 10)
            return false;
        v = v * 10 + d;
    }
    if (s >= end || *s != '\t')
        return false;
    *out = v;
    *p = s + 1;
    return true;
}

int log_line_parse(const char *line, size_t len, uint64_t *boot, struct log_rec *rec)
{
    const char *end = line + len;
    if (len < 9 || len >= LOG_LINE_MAX || line[8] != '\t' || memchr(line, '\n', len) ||
        memchr(line, 0, len))
        return SOS_ERR_CORRUPT;
    uint32_t sum = 0;
    for (int i = 0; i < 8; i++) {
        char c = line[i];
        uint32_t d = c >= '0' && c <= '9' ? (uint32_t)(c - '0') : c >= 'a' && c <= 'f' ? (uint32_t)(c - 'a' + 10) : 16;
        if (d == 16)
            return SOS_ERR_CORRUPT;
        sum = sum << 4 | d;
    }
    if (fnv32(line + 9, len - 9) != sum)
        return SOS_ERR_CORRUPT;
    const char *p = line + 9;
    uint64_t b, t, sev;
    if (!dec_field(&p, end, &b) || !dec_field(&p, end, &t) || !dec_field(&p, end, &sev) ||
        sev >= LOG_SEVERITY_COUNT)
        return SOS_ERR_CORRUPT;
    const char *tab = memchr(p, '\t', (size_t)(end - p));
    if (!tab || tab == p || (size_t)(tab - p) >= LOG_SOURCE_MAX)
        return SOS_ERR_CORRUPT;
    const char *msg = tab + 1;
    if (memchr(msg, '\t', (size_t)(end - msg)) || (size_t)(end - msg) >= LOG_MESSAGE_MAX)
        return SOS_ERR_CORRUPT;
    memset(rec, 0, sizeof(*rec));
    rec->time_ns = t;
    rec->severity = (uint32_t)sev;
    memcpy(rec->source, p, (size_t)(tab - p));
    memcpy(rec->message, msg, (size_t)(end - msg));
    *boot = b;
    return 0;
}

uint32_t log_lines_parse(const char *text, size_t len, log_line_fn fn, void *arg)
{
    uint32_t bad = 0;
    size_t pos = 0;
    while (pos < len) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        if (!nl)
            return bad + 1; /* cut short */
        size_t n = (size_t)(nl - (text + pos));
        struct log_rec rec;
        uint64_t boot;
        if (log_line_parse(text + pos, n, &boot, &rec) == 0)
            fn(arg, boot, &rec);
        else
            bad++;
        pos += n + 1;
    }
    return bad;
}

void log_boot_mark(uint64_t boot, uint64_t now, char *out, size_t size)
{
    if (boot >= now)
        snprintf(out, size, "%s", "");
    else if (now - boot == 1)
        snprintf(out, size, "[previous boot] ");
    else
        snprintf(out, size, "[%llu boots ago] ", (unsigned long long)(now - boot));
}

int log_should_rotate(uint64_t size, size_t add)
{
    return size > 0 && size + add > LOG_FILE_MAX;
}
