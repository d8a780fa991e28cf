/*
 * tests/fuzz/fuzz_audit_chain.c - the security service's audit record parser and chain
 * verifier (services/security/chain.c) on arbitrary bytes.
 *
 * The input is taken as a log. Whatever the bytes: verification ends with a known
 * problem on a line that exists, the good records it counts are records (each line
 * before the problem parses, with a text inside the line), and appending to the state
 * it returns makes a log whose prefix of good records plus the new one verifies in full.
 *
 * Layer: tests (host). Seeds: tests/fuzz/corpus/audit_chain/.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../services/security/chain.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
    if (!ok)
        abort();
}

/* The length of the first `records` lines of text. */
static size_t prefix_len(const char *text, size_t len, uint64_t records)
{
    size_t at = 0;
    for (uint64_t i = 0; i < records; i++) {
        const char *nl = memchr(text + at, '\n', len - at);
        check(nl != NULL);
        struct sec_record r;
        check(sec_record_parse(text + at, (size_t)(nl - text) - at, &r) == 0);
        check(r.text >= text + at && r.text + r.text_len <= nl);
        at = (size_t)(nl - text) + 1;
    }
    return at;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    struct sec_verify v;
    struct sec_chain end;
    uint32_t p = sec_chain_verify(text, size, &v, &end);
    check(p <= SEC_CHAIN_EDITED && p == v.problem);
    check(end.seq == v.records);
    check(p == SEC_CHAIN_OK || v.line == v.records + 1);
    size_t pre = prefix_len(text, size, v.records);
    char *log = malloc(pre + SEC_CHAIN_LINE_MAX + 2);
    check(log != NULL);
    memcpy(log, text, pre);
    int n = sec_chain_append(&end, 42, "fuzz: appended", log + pre, SEC_CHAIN_LINE_MAX + 2);
    check(n > 0);
    struct sec_verify v2;
    check(sec_chain_verify(log, pre + (size_t)n, &v2, NULL) == SEC_CHAIN_OK);
    check(v2.records == v.records + 1);
    free(log);
    return 0;
}
