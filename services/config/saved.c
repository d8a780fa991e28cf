/*
 * services/config/saved.c - the saved keys' file (saved.h).
 *
 * Layer: services (config). Pure: no system calls.
 */
#include "saved.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sos/errors.h>

static uint64_t fnv(uint64_t h, const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)p[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

#define FNV_INIT 0xcbf29ce484222325ull

/* Appends to out[size] at *pos, counting what would not fit. */
static void put(char *out, size_t size, size_t *pos, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++, (*pos)++)
        if (*pos + 1 < size)
            out[*pos] = s[i];
}

size_t cfg_saved_format(const struct cfg_store *s, char *out, size_t size)
{
    size_t pos = 0;
    put(out, size, &pos, CFG_SAVED_HEADER, strlen(CFG_SAVED_HEADER));
    uint64_t h = FNV_INIT;
    for (uint32_t i = 0; i < s->n; i++) {
        const struct cfg_entry *e = &s->e[i];
        char line[CONFIG_KEY_MAX + 2 * CONFIG_VALUE_MAX + 32];
        size_t n = (size_t)snprintf(line, sizeof(line), "%s %s = ", cfg_type_name(e->type), e->key);
        if (e->type == CONFIG_STRING) {
            line[n++] = '"';
            for (const char *c = e->value; *c; c++) {
                if (*c == '"' || *c == '\\')
                    line[n++] = '\\';
                line[n++] = *c;
            }
            line[n++] = '"';
        } else {
            n += (size_t)snprintf(line + n, sizeof(line) - n, "%s", e->value);
        }
        line[n++] = '\n';
        h = fnv(h, line, n);
        put(out, size, &pos, line, n);
    }
    char end[64];
    int k = snprintf(end, sizeof(end), "# end %u %016llx\n", s->n, (unsigned long long)h);
    put(out, size, &pos, end, (size_t)k);
    if (size)
        out[pos < size ? pos : size - 1] = 0;
    return pos;
}

struct perr {
    char *why;
    size_t size;
    int n;
};

static void on_error(void *arg, const char *msg)
{
    struct perr *e = arg;
    if (!e->n++)
        snprintf(e->why, e->size, "%s", msg);
}

int cfg_saved_parse(struct cfg_store *out, const char *text, size_t len, char *why, size_t size)
{
    size_t hl = strlen(CFG_SAVED_HEADER);
    if (len < hl || memcmp(text, CFG_SAVED_HEADER, hl)) {
        snprintf(why, size, "not a saved config file (bad header)");
        return SOS_ERR_CORRUPT;
    }
    if (memchr(text, 0, len)) {
        snprintf(why, size, "NUL byte in the file");
        return SOS_ERR_CORRUPT;
    }
    /* the trailer: the last line, which must end the file */
    if (text[len - 1] != '\n') {
        snprintf(why, size, "cut short (no trailer)");
        return SOS_ERR_CORRUPT;
    }
    size_t t = len - 1;
    while (t > hl && text[t - 1] != '\n')
        t--;
    char tail[64];
    size_t tl = len - t;
    if (t < hl || tl >= sizeof(tail) || tl < 9 || memcmp(text + t, "# end ", 6)) {
        snprintf(why, size, "cut short (no trailer)");
        return SOS_ERR_CORRUPT;
    }
    memcpy(tail, text + t, tl);
    tail[tl] = 0;
    /* "# end <decimal> <16 hex digits>\n", nothing else */
    char *c = tail + 6, *e;
    unsigned long long count = strtoull(c, &e, 10), sum = 0;
    bool ok = e > c && *c >= '0' && *c <= '9' && *e == ' ' && count <= CFG_MAX_KEYS;
    c = e + 1;
    if (ok)
        sum = strtoull(c, &e, 16);
    ok = ok && e == c + 16 && *c != '-' && *c != '+' && *c != ' ' && e[0] == '\n' && e[1] == 0;
    if (!ok) {
        snprintf(why, size, "cut short (no trailer)");
        return SOS_ERR_CORRUPT;
    }
    if (fnv(FNV_INIT, text + hl, t - hl) != sum) {
        snprintf(why, size, "checksum mismatch");
        return SOS_ERR_CORRUPT;
    }
    struct perr pe = {why, size, 0};
    cfg_load_defaults(out, "saved.conf", text + hl, t - hl, on_error, &pe);
    if (pe.n)
        return SOS_ERR_CORRUPT;
    if (out->n != count) {
        snprintf(why, size, "%u keys where the trailer says %llu", out->n, count);
        return SOS_ERR_CORRUPT;
    }
    return 0;
}
