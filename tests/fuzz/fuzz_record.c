/*
 * tests/fuzz/fuzz_record.c - the simulator's record file parser (hal-hosted/host/
 * record.c, what --replay reads) on arbitrary bytes.
 *
 * Whatever the input: the parser returns 0 or -1 and never reads outside it; on failure
 * the reason is a non-empty sentence; on success the cursor walks the whole file
 * (events of known kinds, console inputs of 1..HOST_REC_INPUT_MAX bytes and frames of
 * a valid Ethernet length, inside the input) and ends at the END record, always making progress.
 *
 * Layer: tests (host). Seeds: tests/fuzz/corpus/record/.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
    if (!ok)
        abort();
}

static void walk(const uint8_t *buf, size_t size, struct host_rec_cursor *c)
{
    for (size_t steps = 0; steps <= size; steps++) {
        struct host_rec_event e;
        struct host_rec_end end;
        uint64_t ev, vt;
        const uint8_t *d;
        size_t n;
        unsigned type;
        char words[120];
        if (host_rec_next_event(c, &e)) {
            check(e.kind > 0 && e.kind < HOST_EV_KINDS);
            host_rec_describe(&e, words, sizeof(words));
            check(words[0] != 0);
        } else if (host_rec_next_input(c, &type, &ev, &vt, &d, &n)) {
            check(d >= buf && d + n <= buf + size);
            check(type == HOST_REC_NET ? n >= HOST_REC_FRAME_MIN && n <= HOST_REC_FRAME_MAX
                                       : type == HOST_REC_CONSOLE && n >= 1 && n <= HOST_REC_INPUT_MAX);
        } else {
            check(host_rec_at_end(c, &end));
            return;
        }
    }
    check(0); /* every step consumes at least one byte */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *buf = malloc(size ? size : 1);
    check(buf != NULL);
    memcpy(buf, data, size);
    struct host_rec_header h;
    struct host_rec_cursor c;
    char err[200];
    err[0] = 0;
    int rc = host_rec_parse(buf, size, &h, &c, err, sizeof(err));
    check(rc == 0 || rc == -1);
    if (rc == 0)
        walk(buf, size, &c);
    else
        check(err[0] != 0 && memchr(err, 0, sizeof(err)) != NULL);
    free(buf);
    return 0;
}
