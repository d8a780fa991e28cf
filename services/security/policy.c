/*
 * services/security/policy.c - the launch policy table (policy.h): matching by content
 * hash, the verdict rule, and the text form kept in storage.
 *
 * Layer: services (security), pure logic.
 */
#include "policy.h"

#include <sos/errors.h>

#include <stdio.h>
#include <string.h>

static const char *const g_verdicts[SEC_VERDICT_COUNT] = {"allow", "block", "ask"};

const char *sec_verdict_name(uint32_t v) { return v < SEC_VERDICT_COUNT ? g_verdicts[v] : "?"; }

int sec_verdict_parse(const char *s, uint32_t *v)
{
    for (uint32_t i = 0; i < SEC_VERDICT_COUNT; i++)
        if (!strcmp(s, g_verdicts[i])) {
            *v = i;
            return 0;
        }
    return SOS_ERR_INVALID_ARGS;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int sec_hash_parse(const char *hex, size_t len, uint8_t out[SEC_HASH_SIZE])
{
    if (len != SEC_HASH_HEX)
        return SOS_ERR_INVALID_ARGS;
    uint8_t tmp[SEC_HASH_SIZE];
    for (size_t i = 0; i < SEC_HASH_SIZE; i++) {
        int hi = hex_digit(hex[2 * i]), lo = hex_digit(hex[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return SOS_ERR_INVALID_ARGS;
        tmp[i] = (uint8_t)(hi << 4 | lo);
    }
    memcpy(out, tmp, SEC_HASH_SIZE);
    return 0;
}

void sec_hash_format(const uint8_t h[SEC_HASH_SIZE], char out[SEC_HASH_HEX + 1])
{
    static const char d[] = "0123456789abcdef";
    for (size_t i = 0; i < SEC_HASH_SIZE; i++) {
        out[2 * i] = d[h[i] >> 4];
        out[2 * i + 1] = d[h[i] & 15];
    }
    out[SEC_HASH_HEX] = 0;
}

void sec_policy_init(struct sec_policy *p, uint32_t dflt)
{
    memset(p, 0, sizeof(*p));
    p->dflt = dflt < SEC_VERDICT_COUNT ? dflt : SEC_ASK;
}

const struct sec_rule *sec_policy_find(const struct sec_policy *p,
                                       const uint8_t hash[SEC_HASH_SIZE])
{
    for (uint32_t i = 0; i < p->n; i++)
        if (!memcmp(p->rules[i].hash, hash, SEC_HASH_SIZE))
            return &p->rules[i];
    return NULL;
}

uint32_t sec_policy_decide(const struct sec_policy *p, const uint8_t hash[SEC_HASH_SIZE],
                           bool boot_store)
{
    if (boot_store)
        return SEC_ALLOW;
    const struct sec_rule *r = sec_policy_find(p, hash);
    return r ? r->verdict : p->dflt;
}

static bool name_ok(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n >= SEC_NAME_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if (name[i] <= ' ' || name[i] > '~')
            return false;
    return true;
}

int sec_policy_set(struct sec_policy *p, const uint8_t hash[SEC_HASH_SIZE], uint32_t verdict,
                   const char *name)
{
    if (verdict >= SEC_VERDICT_COUNT || !name_ok(name))
        return SOS_ERR_INVALID_ARGS;
    struct sec_rule *r = (struct sec_rule *)sec_policy_find(p, hash);
    if (!r) {
        if (p->n == SEC_POLICY_MAX)
            return SOS_ERR_NO_RESOURCES;
        r = &p->rules[p->n++];
        memcpy(r->hash, hash, SEC_HASH_SIZE);
    }
    r->verdict = verdict;
    snprintf(r->name, sizeof(r->name), "%s", name);
    return 0;
}

size_t sec_policy_format(const struct sec_policy *p, char *out, size_t cap)
{
    size_t n = 0;
    for (uint32_t i = 0; i < p->n; i++) {
        char hex[SEC_HASH_HEX + 1];
        sec_hash_format(p->rules[i].hash, hex);
        int k = snprintf(n < cap ? out + n : NULL, n < cap ? cap - n : 0, "%s %s %s\n",
                         sec_verdict_name(p->rules[i].verdict), hex, p->rules[i].name);
        n += (size_t)k;
    }
    if (cap > 0 && p->n == 0)
        out[0] = 0;
    return n;
}

/* One line "<verdict> <hash> <name>" (no line end) into t. */
static int parse_line(struct sec_policy *t, const char *s, size_t len)
{
    char line[16 + SEC_HASH_HEX + SEC_NAME_MAX];
    if (len >= sizeof(line))
        return SOS_ERR_INVALID_ARGS;
    memcpy(line, s, len);
    line[len] = 0;
    char *sp1 = strchr(line, ' ');
    char *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
    if (!sp2)
        return SOS_ERR_INVALID_ARGS;
    *sp1 = *sp2 = 0;
    uint32_t v;
    uint8_t h[SEC_HASH_SIZE];
    if (sec_verdict_parse(line, &v) || sec_hash_parse(sp1 + 1, strlen(sp1 + 1), h) ||
        sec_policy_find(t, h))
        return SOS_ERR_INVALID_ARGS;
    return sec_policy_set(t, h, v, sp2 + 1);
}

int sec_policy_parse(struct sec_policy *p, const char *text, size_t len, unsigned *line)
{
    static struct sec_policy t; /* too large for a service's stack frame budget */
    sec_policy_init(&t, p->dflt);
    unsigned no = 0;
    for (size_t at = 0; at < len;) {
        const char *nl = memchr(text + at, '\n', len - at);
        size_t end = nl ? (size_t)(nl - text) : len;
        no++;
        int err = parse_line(&t, text + at, end - at);
        if (err) {
            if (line)
                *line = no;
            return err;
        }
        at = end + 1;
    }
    *p = t;
    return 0;
}
