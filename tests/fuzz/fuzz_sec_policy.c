/*
 * tests/fuzz/fuzz_sec_policy.c - the security service's launch policy file and the
 * package service's trust records, as the security service reads them
 * (services/security/policy.c, records.c), on arbitrary bytes.
 *
 * The input is taken as a policy file: parsed whole or refused whole (the table then
 * unchanged); a table it accepts writes back to text that parses to the same rules, and
 * every subject decides within the three verdicts. The same bytes as trust records: each
 * line's fields and the repository summary stay within their buffers, and the changes
 * between the summary and the bytes themselves are reported without reading past them.
 *
 * Layer: tests (host). Seeds: tests/fuzz/corpus/sec_policy/.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../services/security/policy.h"
#include "../../services/security/records.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
    if (!ok)
        abort();
}

static void count(void *ctx, const char *what, const char *name, size_t nl, const char *rest,
                  size_t rl)
{
    (void)what, (void)name, (void)rest;
    check(nl > 0 && rl < 4096);
    (*(unsigned *)ctx)++;
}

static void policy(const char *text, size_t size)
{
    static struct sec_policy p, q;
    static char out[SEC_POLICY_MAX * (SEC_HASH_HEX + SEC_NAME_MAX + 16)];
    sec_policy_init(&p, SEC_ASK);
    if (sec_policy_parse(&p, text, size, NULL)) {
        check(p.n == 0);
        return;
    }
    size_t n = sec_policy_format(&p, out, sizeof out);
    check(n < sizeof out);
    sec_policy_init(&q, SEC_ASK);
    check(sec_policy_parse(&q, out, n, NULL) == 0 && q.n == p.n);
    for (uint32_t i = 0; i < p.n; i++) {
        struct sec_subject s = {p.rules[i].hash, p.rules[i].name, p.rules[i].name, p.rules[i].name};
        check(sec_policy_decide_subject(&q, &s, NULL) < SEC_VERDICT_COUNT);
    }
}

static void records(const char *text)
{
    char field[16], summary[512];
    for (const char *l = text; l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
        sec_record_field(l, "name", field, sizeof field);
        check(strlen(field) < sizeof field);
    }
    size_t n = sec_repo_summary(text, summary, sizeof summary);
    check(n < sizeof summary && strlen(summary) == n);
    unsigned changes = 0;
    sec_repo_changes(summary, text, count, &changes);
    sec_repo_changes(text, summary, count, &changes);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1); /* NUL-terminated, as the services' texts are */
    check(text != NULL);
    memcpy(text, data, size);
    text[size] = 0;
    policy(text, size);
    records(text);
    free(text);
    return 0;
}
