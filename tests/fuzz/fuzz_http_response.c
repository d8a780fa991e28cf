/*
 * tests/fuzz/fuzz_http_response.c - the HTTP client's response parser
 * (services/clients/http_parse.c) on arbitrary bytes.
 *
 * The first input byte picks a piece size (1..256); the rest is one response, fed once
 * whole and once in pieces of that size, then finished as if the connection closed.
 * Whatever the bytes: both runs agree on the result, the status and the body (its
 * length and SHA-256); an error always comes with a sentence; the body is never longer
 * than the input; a complete Content-Length body has exactly that length.
 *
 * Layer: tests (host). Seeds: tests/fuzz/corpus/http_response/.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <client/http.h>

#include "hash/sha256.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
    if (!ok)
        abort();
}

struct run {
    struct http_parser p;
    struct sha256 sha;
    uint64_t bytes;
    int err;
    uint8_t digest[32];
};

static int body(void *arg, const void *d, size_t n)
{
    struct run *r = arg;
    check(n > 0);
    r->bytes += n;
    sha256_update(&r->sha, d, n);
    return 0;
}

static void parse(struct run *r, const uint8_t *d, size_t n, size_t piece)
{
    sha256_init(&r->sha);
    r->bytes = 0;
    http_parser_init(&r->p, body, r);
    r->err = 0;
    for (size_t i = 0; i < n && !r->err && !http_parser_done(&r->p); i += piece) {
        size_t used = 0, len = n - i < piece ? n - i : piece;
        r->err = http_parser_feed(&r->p, d + i, len, &used);
        check(used <= len);
    }
    if (!r->err)
        r->err = http_parser_finish(&r->p);
    sha256_final(&r->sha, r->digest);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct run whole, pieces;
    if (size < 1)
        return 0;
    size_t piece = (size_t)data[0] + 1;
    parse(&whole, data + 1, size - 1, size);
    parse(&pieces, data + 1, size - 1, piece);
    check(whole.err == pieces.err && whole.p.status == pieces.p.status);
    check(whole.bytes == pieces.bytes && !memcmp(whole.digest, pieces.digest, 32));
    check(whole.bytes == whole.p.body_bytes && whole.bytes < size);
    check(whole.err <= 0);
    if (whole.err) {
        check(whole.p.why != NULL && whole.p.why[0] != 0);
        return 0;
    }
    check(http_parser_done(&whole.p));
    check(whole.p.status >= 200 && whole.p.status <= 599);
    check(strlen(whole.p.reason) < HTTP_REASON_MAX);
    if (whole.p.has_length && !whole.p.chunked && !whole.p.no_body)
        check(whole.bytes == whole.p.content_length);
    return 0;
}
