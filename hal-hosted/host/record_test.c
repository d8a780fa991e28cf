/*
 * hal-hosted/host/record_test.c - the record file's encoder and parser (record.c): a
 * file written with the encoders reads back event by event; every truncation of it and
 * a list of damaged files are refused with a reason, never read past their end.
 *
 * Layer: tests (host).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "record.h"

static const struct host_rec_event g_evs[] = {
    {HOST_EV_SYSCALL, 12, (uint64_t)-3}, {HOST_EV_IRQ, 16, 1}, {HOST_EV_SWITCH, 0x123000, 0},
    {HOST_EV_IDLE, 5000000000ull, 0},    {HOST_EV_INPUT, HOST_REC_NET, 60}, {HOST_EV_SYSCALL, 0, UINT64_MAX},
};
#define NEVS (sizeof(g_evs) / sizeof(g_evs[0]))

static size_t put_record(uint8_t *out, unsigned type, const uint8_t *p, size_t len)
{
    size_t n = host_rec_put_head(out, type, (uint32_t)len);
    memcpy(out + n, p, len);
    return n + len;
}

/* A file: 4 events, an input "ls\n" at event 4, 2 more events, the end. */
static size_t make_file(uint8_t *f)
{
    struct host_rec_header h = {7, 0x1111, 0x2222};
    uint8_t p[256];
    size_t n = host_rec_put_header(f, &h), m = 0;
    for (size_t i = 0; i < 4; i++)
        m += host_rec_put_event(p + m, &g_evs[i]);
    n += put_record(f + n, HOST_REC_EVENTS, p, m);
    m = host_rec_put_varint(p, 4);
    m += host_rec_put_varint(p + m, 5000000000ull);
    memcpy(p + m, "ls\n", 3);
    n += put_record(f + n, HOST_REC_CONSOLE, p, m + 3);
    m = 0;
    for (size_t i = 4; i < NEVS; i++)
        m += host_rec_put_event(p + m, &g_evs[i]);
    n += put_record(f + n, HOST_REC_EVENTS, p, m);
    m = host_rec_put_varint(p, NEVS);
    memcpy(p + m, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
    m += 8;
    m += host_rec_put_varint(p + m, 6000000000ull);
    m += host_rec_put_varint(p + m, 0);
    n += put_record(f + n, HOST_REC_END, p, m);
    return n;
}

static int parse(const uint8_t *buf, size_t len, char *err)
{
    struct host_rec_header h;
    struct host_rec_cursor c;
    /* a private copy of exactly len bytes: a read past the end is caught under ASan */
    uint8_t *copy = malloc(len ? len : 1);
    memcpy(copy, buf, len);
    int r = host_rec_parse(copy, len, &h, &c, err, 200);
    free(copy);
    return r;
}

static void test_round_trip(void **state)
{
    (void)state;
    uint8_t f[1024];
    size_t len = make_file(f);
    struct host_rec_header h;
    struct host_rec_cursor c;
    struct host_rec_event e;
    char err[200];
    assert_int_equal(host_rec_parse(f, len, &h, &c, err, sizeof(err)), 0);
    assert_int_equal(h.seed, 7);
    assert_int_equal(h.boot_digest, 0x1111);
    assert_int_equal(h.disk_digest, 0x2222);
    for (size_t i = 0; i < 4; i++) {
        assert_true(host_rec_next_event(&c, &e));
        assert_memory_equal(&e.a, &g_evs[i].a, 8);
        assert_int_equal(e.kind, g_evs[i].kind);
        assert_true(e.b == g_evs[i].b);
    }
    assert_false(host_rec_next_event(&c, &e)); /* an input comes first */
    uint64_t ev, vt;
    const uint8_t *d;
    size_t n;
    struct host_rec_end end;
    assert_false(host_rec_at_end(&c, &end));
    unsigned type;
    assert_true(host_rec_next_input(&c, &type, &ev, &vt, &d, &n));
    assert_int_equal(type, HOST_REC_CONSOLE);
    assert_int_equal(ev, 4);
    assert_true(vt == 5000000000ull);
    assert_int_equal(n, 3);
    assert_memory_equal(d, "ls\n", 3);
    for (size_t i = 4; i < NEVS; i++) {
        assert_true(host_rec_next_event(&c, &e));
        assert_true(e.kind == g_evs[i].kind && e.a == g_evs[i].a && e.b == g_evs[i].b);
    }
    assert_false(host_rec_next_event(&c, &e));
    assert_false(host_rec_next_input(&c, &type, &ev, &vt, &d, &n));
    assert_true(host_rec_at_end(&c, &end));
    assert_int_equal(end.events, NEVS);
    assert_true(end.hash == 0x0807060504030201ull);
    assert_true(end.vtime == 6000000000ull);
}

/* Every proper prefix of a good file is refused (the END record comes last). */
static void test_every_truncation(void **state)
{
    (void)state;
    uint8_t f[1024];
    size_t len = make_file(f);
    char err[200];
    for (size_t cut = 0; cut < len; cut++) {
        err[0] = 0;
        assert_int_equal(parse(f, cut, err), -1);
        assert_true(strlen(err) > 10);
    }
}

/* Damage at a place, and the words the reason must contain. */
static void expect_refused(size_t at, uint8_t value, const char *why)
{
    uint8_t f[1024];
    size_t len = make_file(f);
    char err[200] = "";
    f[at] = value;
    assert_int_equal(parse(f, len, err), -1);
    if (!strstr(err, why))
        fail_msg("damage at %zu: '%s' does not say '%s'", at, err, why);
}

static void test_damaged(void **state)
{
    (void)state;
    expect_refused(0, 'X', "not a record file");
    expect_refused(8, 2, "another version");
    expect_refused(12, 1, "unknown flags");
    expect_refused(HOST_REC_HEADER, 9, "unknown type");
    expect_refused(HOST_REC_HEADER + 4, 0x7f, "longer than 1 MiB");
    expect_refused(HOST_REC_HEADER + 1, 0xff, "cut short");
    expect_refused(HOST_REC_HEADER + 5, 0, "unknown kind");
    expect_refused(HOST_REC_HEADER + 5, 200, "unknown kind");
}

static void test_more_refusals(void **state)
{
    (void)state;
    uint8_t f[2048], p[16];
    char err[200];
    struct host_rec_header h = {0, 0, 0};
    size_t base = host_rec_put_header(f, &h);
    /* a varint running past 64 bits */
    size_t n = base;
    uint8_t big[12] = {1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 0};
    n += put_record(f + n, HOST_REC_EVENTS, big, 12);
    assert_int_equal(parse(f, n, err), -1);
    /* an input record without bytes */
    n = base;
    size_t m = host_rec_put_varint(p, 1);
    m += host_rec_put_varint(p + m, 1);
    n += put_record(f + n, HOST_REC_CONSOLE, p, m);
    assert_int_equal(parse(f, n, err), -1);
    assert_non_null(strstr(err, "no input"));
    /* a frame record whose frame is shorter than an Ethernet header */
    n = base;
    memcpy(p + m, "short", 5);
    n += put_record(f + n, HOST_REC_NET, p, m + 5);
    assert_int_equal(parse(f, n, err), -1);
    assert_non_null(strstr(err, "too short"));
    /* data after the end; and two ends */
    n = make_file(f);
    f[n++] = HOST_REC_EVENTS;
    memset(f + n, 0, 4);
    n += 4;
    assert_int_equal(parse(f, n, err), -1);
    assert_non_null(strstr(err, "after the end"));
    /* a file with no records at all */
    assert_int_equal(parse(f, base, err), -1);
    assert_non_null(strstr(err, "no end record"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_every_truncation),
        cmocka_unit_test(test_damaged),
        cmocka_unit_test(test_more_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
