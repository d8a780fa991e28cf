/*
 * services/security/chain.c - the audit history's hash chain (chain.h): appending a
 * record, parsing one, verifying a whole log.
 *
 * Layer: services (security), pure logic.
 */
#include "chain.h"

#include <sos/errors.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "hash/hex.h"
#include "hash/sha256.h"

void sec_chain_init(struct sec_chain *c) { memset(c, 0, sizeof(*c)); }

static void link_hash(const uint8_t prev[SEC_CHAIN_HASH], const char *body, size_t len,
                      uint8_t out[SEC_CHAIN_HASH])
{
    struct sha256 s;
    sha256_init(&s);
    sha256_update(&s, prev, SEC_CHAIN_HASH);
    sha256_update(&s, body, len);
    sha256_final(&s, out);
}

static bool text_ok(const char *t, size_t n)
{
    if (n == 0 || n > SEC_CHAIN_TEXT_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if (t[i] < ' ' || t[i] > '~')
            return false;
    return true;
}

int sec_chain_append(struct sec_chain *c, uint64_t time_ns, const char *text, char *out,
                     size_t cap)
{
    if (!text_ok(text, strlen(text)))
        return SOS_ERR_INVALID_ARGS;
    int body = snprintf(out, cap, "%llu %llu %s", (unsigned long long)(c->seq + 1),
                        (unsigned long long)time_ns, text);
    if (body < 0 || (size_t)body + 2 + 2 * SEC_CHAIN_HASH >= cap)
        return SOS_ERR_BUFFER_TOO_SMALL;
    uint8_t h[SEC_CHAIN_HASH];
    link_hash(c->last, out, (size_t)body, h);
    char *p = out + body;
    *p++ = ' ';
    hex_encode(h, SEC_CHAIN_HASH, p);
    p += 2 * SEC_CHAIN_HASH;
    *p++ = '\n';
    *p = 0;
    c->seq++;
    memcpy(c->last, h, SEC_CHAIN_HASH);
    return (int)(p - out);
}

/* A decimal number without a sign or leading zeros, then one blank. */
static int take_num(const char *s, size_t len, size_t *at, uint64_t *out)
{
    size_t i = *at;
    uint64_t v = 0;
    if (i >= len || s[i] < '0' || s[i] > '9' || (s[i] == '0' && i + 1 < len && s[i + 1] != ' '))
        return -1;
    for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
        if (v > (UINT64_MAX - 9) / 10)
            return -1;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    if (i >= len || s[i] != ' ')
        return -1;
    *at = i + 1;
    *out = v;
    return 0;
}

int sec_record_parse(const char *line, size_t len, struct sec_record *r)
{
    size_t at = 0, tail = 1 + 2 * SEC_CHAIN_HASH;
    if (len > SEC_CHAIN_LINE_MAX || take_num(line, len, &at, &r->seq) ||
        take_num(line, len, &at, &r->time_ns) || r->seq == 0 || len < at + 1 + tail ||
        line[len - tail] != ' ')
        return SOS_ERR_INVALID_ARGS;
    r->text = line + at;
    r->text_len = len - tail - at;
    r->body_len = len - tail;
    if (!text_ok(r->text, r->text_len))
        return SOS_ERR_INVALID_ARGS;
    const char *h = line + len - 2 * SEC_CHAIN_HASH;
    return hex_decode(h, 2 * SEC_CHAIN_HASH, r->hash, SEC_CHAIN_HASH) ? SOS_ERR_INVALID_ARGS : 0;
}

/* One line against the chain so far: the problem it shows, or OK (and c advances). */
static uint32_t check_line(struct sec_chain *c, const char *line, size_t len,
                           struct sec_verify *v)
{
    struct sec_record r;
    if (sec_record_parse(line, len, &r))
        return SEC_CHAIN_MALFORMED;
    if (r.seq != c->seq + 1) {
        v->expected = c->seq + 1;
        v->found = r.seq;
        return SEC_CHAIN_GAP;
    }
    uint8_t h[SEC_CHAIN_HASH];
    link_hash(c->last, line, r.body_len, h);
    if (memcmp(h, r.hash, SEC_CHAIN_HASH)) {
        v->expected = r.seq;
        return SEC_CHAIN_EDITED;
    }
    c->seq = r.seq;
    memcpy(c->last, h, SEC_CHAIN_HASH);
    return SEC_CHAIN_OK;
}

uint32_t sec_chain_verify(const char *text, size_t len, struct sec_verify *v,
                          struct sec_chain *end)
{
    struct sec_chain c;
    sec_chain_init(&c);
    memset(v, 0, sizeof(*v));
    for (size_t at = 0; at < len && !v->problem;) {
        const char *nl = memchr(text + at, '\n', len - at);
        size_t stop = nl ? (size_t)(nl - text) : len;
        v->line++;
        v->problem = nl ? check_line(&c, text + at, stop - at, v) : SEC_CHAIN_MALFORMED;
        if (!v->problem)
            v->records++;
        at = stop + 1;
    }
    if (end)
        *end = c;
    return v->problem;
}

const char *sec_chain_problem_name(uint32_t p)
{
    static const char *const n[] = {"verified", "malformed record", "gap", "edited record"};
    return p < sizeof(n) / sizeof(n[0]) ? n[p] : "?";
}
