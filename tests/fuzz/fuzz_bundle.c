/*
 * tests/fuzz/fuzz_bundle.c - the bootstore bundle reader on arbitrary bytes.
 *
 * The input is opened with the index reader (the digest cannot be forged by a fuzzer,
 * so bundle_open would stop there; the digest check still runs, for coverage). When
 * the index is accepted, every entry must be found again by name, and reading it must
 * either fail cleanly or give bytes that, written into a new bundle with the same
 * names, kinds and flags, read back the same: the reader and the writer agree.
 *
 * Layer: tests (host). Seeds: tests/fuzz/corpus/bundle/.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sos/errors.h>

#include "../../common/bundle/bundle.h"

#define MAX_ENTRY (16u << 20) /* the reader allows zlib's ratio; keep the fuzzer fast */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
    if (!ok)
        abort();
}

/* Writes the entries that read back into a fresh bundle and compares. */
static void rewrite(struct bundle_input *in, size_t n)
{
    size_t cap = bundle_write_bound(in, n), written = 0;
    uint8_t *out = malloc(cap ? cap : 1);
    struct bundle b;
    struct errmsg err;
    check(cap && bundle_write(in, n, out, cap, &written, &err) == 0);
    check(bundle_open(&b, out, written, &err) == 0 && b.count == n);
    for (uint32_t i = 0; i < n; i++) {
        struct bundle_entry e;
        check(bundle_find(&b, in[i].name, &e) == 0 && e.size == in[i].size);
        check(e.kind == in[i].kind && e.flags == in[i].flags);
        uint8_t *buf = malloc(e.size ? e.size : 1);
        check(bundle_read(&b, &e, buf, e.size, &err) == 0);
        check(e.size == 0 || memcmp(buf, in[i].data, e.size) == 0);
        free(buf);
    }
    free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct bundle b;
    struct errmsg err = {0};
    int rc = bundle_open_index(&b, data, size, &err);
    if (rc) {
        check(rc < 0 && err.msg[0] != 0);
        return 0;
    }
    bundle_verify_digest(&b, &err);
    struct bundle_input *in = calloc(b.count + 1, sizeof *in);
    size_t n = 0;
    for (uint32_t i = 0; i < b.count; i++) {
        struct bundle_entry e, f;
        check(bundle_entry_at(&b, i, &e) == 0);
        check(bundle_find(&b, e.name, &f) == 0 && f.index == i);
        check(e.offset >= b.index_end && (uint64_t)e.offset + e.stored_size <= b.size);
        if (e.size > MAX_ENTRY)
            continue;
        uint8_t *buf = malloc(e.size ? e.size : 1);
        rc = bundle_read(&b, &e, buf, e.size, &err);
        check(rc == 0 || (rc == SOS_ERR_CORRUPT && err.msg[0]));
        if (rc) {
            free(buf);
            continue;
        }
        in[n++] = (struct bundle_input){e.name, e.kind, e.flags, buf, e.size};
    }
    rewrite(in, n);
    for (size_t i = 0; i < n; i++)
        free((void *)in[i].data);
    free(in);
    return 0;
}
