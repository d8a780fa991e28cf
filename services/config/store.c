/*
 * services/config/store.c - typed keys in a sorted array (see store.h).
 *
 * Layer: services (config). Pure: no system calls.
 */
#include "store.h"

#include <stdlib.h>
#include <string.h>

#include <sos/errors.h>

void cfg_store_init(struct cfg_store *s)
{
    s->e = NULL;
    s->n = s->cap = 0;
}

void cfg_store_free(struct cfg_store *s)
{
    free(s->e);
    cfg_store_init(s);
}

static bool seg_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

int cfg_key_check(const char *key)
{
    size_t n = key ? strlen(key) : 0;
    if (n == 0 || n >= CONFIG_KEY_MAX || key[0] == '.' || key[n - 1] == '.')
        return SOS_ERR_INVALID_ARGS;
    for (size_t i = 0; i < n; i++) {
        if (key[i] == '.' ? key[i + 1] == '.' : !seg_char(key[i]))
            return SOS_ERR_INVALID_ARGS;
    }
    return 0;
}

/* A decimal int64 with an optional sign, nothing else; false on overflow. */
static bool parse_int(const char *s, int64_t *out)
{
    bool neg = *s == '-';
    if (*s == '-' || *s == '+')
        s++;
    if (!*s)
        return false;
    uint64_t v = 0, limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return false;
        uint64_t d = (uint64_t)(*s - '0');
        if (v > (limit - d) / 10)
            return false;
        v = v * 10 + d;
    }
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return true;
}

static int parse_bool(const char *s)
{
    static const char *const yes[] = {"true", "yes", "on", "1"}, *const no[] = {"false", "no", "off", "0"};
    for (size_t i = 0; i < 4; i++) {
        if (!strcasecmp(s, yes[i]))
            return 1;
        if (!strcasecmp(s, no[i]))
            return 0;
    }
    return -1;
}

uint32_t cfg_type_infer(const char *value)
{
    int64_t v;
    if (!strcmp(value, "true") || !strcmp(value, "false"))
        return CONFIG_BOOL;
    return parse_int(value, &v) ? CONFIG_INT : CONFIG_STRING;
}

const char *cfg_type_name(uint32_t type)
{
    return type == CONFIG_STRING ? "string" : type == CONFIG_INT ? "int" : type == CONFIG_BOOL ? "bool" : "?";
}

uint32_t cfg_type_parse(const char *name)
{
    return !strcmp(name, "string") ? CONFIG_STRING
           : !strcmp(name, "int")  ? CONFIG_INT
           : !strcmp(name, "bool") ? CONFIG_BOOL
                                   : 0;
}

/* Writes v in decimal into out[size]; false when it does not fit. */
static bool put_int(int64_t v, char *out, size_t size)
{
    char tmp[24];
    size_t n = 0;
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        tmp[n++] = '-';
    if (n + 1 > size)
        return false;
    for (size_t i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    out[n] = 0;
    return true;
}

int cfg_value_normalize(uint32_t type, const char *in, char *out, size_t size)
{
    size_t n = strlen(in);
    if (type == CONFIG_INT) {
        int64_t v;
        return parse_int(in, &v) && put_int(v, out, size) ? 0 : SOS_ERR_INVALID_ARGS;
    }
    if (type == CONFIG_BOOL) {
        int b = parse_bool(in);
        if (b < 0 || size < 6)
            return SOS_ERR_INVALID_ARGS;
        strcpy(out, b ? "true" : "false");
        return 0;
    }
    if (type != CONFIG_STRING || n + 1 > size)
        return SOS_ERR_INVALID_ARGS;
    for (size_t i = 0; i < n; i++) /* one line of text: no control bytes */
        if ((unsigned char)in[i] < 0x20 || in[i] == 0x7f)
            return SOS_ERR_INVALID_ARGS;
    memcpy(out, in, n + 1);
    return 0;
}

/* Index of key, or of where it would go (*found says which). */
static uint32_t find(const struct cfg_store *s, const char *key, bool *found)
{
    uint32_t lo = 0, hi = s->n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        int c = strcmp(s->e[mid].key, key);
        if (c == 0) {
            *found = true;
            return mid;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = false;
    return lo;
}

static int insert_at(struct cfg_store *s, uint32_t at)
{
    if (s->n >= CFG_MAX_KEYS)
        return SOS_ERR_NO_RESOURCES;
    if (s->n == s->cap) {
        uint32_t ncap = s->cap ? s->cap * 2 : 32;
        struct cfg_entry *ne = realloc(s->e, ncap * sizeof(*ne));
        if (!ne)
            return SOS_ERR_NO_MEMORY;
        s->e = ne;
        s->cap = ncap;
    }
    memmove(&s->e[at + 1], &s->e[at], (s->n - at) * sizeof(*s->e));
    s->n++;
    return 0;
}

int cfg_store_set(struct cfg_store *s, const char *key, uint32_t type, const char *value,
                  bool *changed)
{
    char norm[CONFIG_VALUE_MAX];
    bool found;
    if (changed)
        *changed = false;
    if (cfg_key_check(key) || !value)
        return SOS_ERR_INVALID_ARGS;
    uint32_t at = find(s, key, &found);
    uint32_t t = found ? s->e[at].type : type ? type : cfg_type_infer(value);
    if (found && type && type != t)
        return SOS_ERR_INVALID_ARGS;
    int err = cfg_value_normalize(t, value, norm, sizeof(norm));
    if (err)
        return err;
    if (found && !strcmp(s->e[at].value, norm))
        return 0;
    if (!found && (err = insert_at(s, at)))
        return err;
    struct cfg_entry *e = &s->e[at];
    if (!found) {
        strcpy(e->key, key);
        e->type = t;
    }
    strcpy(e->value, norm);
    if (changed)
        *changed = true;
    return 0;
}

const struct cfg_entry *cfg_store_get(const struct cfg_store *s, const char *key)
{
    bool found;
    uint32_t at = find(s, key, &found);
    return found ? &s->e[at] : NULL;
}

bool cfg_prefix_match(const char *prefix, const char *key)
{
    size_t n = strlen(prefix);
    if (n == 0)
        return true;
    if (strncmp(prefix, key, n))
        return false;
    return prefix[n - 1] == '.' || key[n] == 0 || key[n] == '.';
}

uint32_t cfg_store_lower_bound(const struct cfg_store *s, const char *prefix)
{
    bool found;
    return find(s, prefix, &found);
}
