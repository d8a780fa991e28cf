/*
 * services/lib/test/ipc_test.c - message building and parsing (src/ipc.c) on the host:
 * round trips, every truncation of a valid message, malformed strings, overflowing
 * builders, and what sl_call makes of replies (over a fake channel_call).
 *
 * Layer: services/lib host tests.
 */
#include "host.h"

#include "../include/sl/ipc.h"

/* ---- fakes for the two syscalls ipc.c makes */

static struct sos_chan_call g_last_call;
static uint8_t g_reply[256];
static uint32_t g_reply_len;
static int64_t g_call_result;

int64_t sos_channel_write(sos_handle_t h, const void *b, uint32_t n, const sos_handle_t *hs,
                          uint32_t nh);
int64_t sos_channel_call(sos_handle_t h, sos_time_t deadline, struct sos_chan_call *c);

int64_t sos_channel_write(sos_handle_t h, const void *b, uint32_t n, const sos_handle_t *hs,
                          uint32_t nh)
{
    (void)h, (void)b, (void)n, (void)hs, (void)nh;
    return 0;
}

int64_t sos_channel_call(sos_handle_t h, sos_time_t deadline, struct sos_chan_call *c)
{
    (void)h, (void)deadline;
    g_last_call = *c;
    if (g_call_result)
        return g_call_result;
    c->rd.actual_bytes = g_reply_len;
    c->rd.actual_handles = 0;
    if (g_reply_len > c->rd.bytes_cap)
        return SOS_ERR_BUFFER_TOO_SMALL;
    memcpy(c->rd.bytes, g_reply, g_reply_len);
    return 0;
}

static uint32_t build(uint8_t *buf, uint32_t cap)
{
    struct sl_msg m;
    sl_msg_begin(&m, buf, cap, NULL, 0, 0x02000003u);
    sl_msg_put_u32(&m, 0xdeadbeefu);
    sl_msg_put_str(&m, "path/to/thing");
    sl_msg_put_u64(&m, 99);
    sl_msg_put_str(&m, "");
    assert_int_equal(sl_msg_finish(&m), 0);
    return m.len;
}

/* Parse what build() wrote; returns 0 when everything was there and right. */
static int parse(const uint8_t *buf, uint32_t len)
{
    struct sl_parse p;
    struct sos_msg_hdr h;
    if (sl_parse_begin(&p, buf, len, NULL, 0, &h))
        return -1;
    uint32_t v = sl_parse_u32(&p), n1 = 0, n2 = 0;
    const char *s = sl_parse_str(&p, &n1);
    uint64_t w = sl_parse_u64(&p);
    const char *e = sl_parse_str(&p, &n2);
    if (sl_parse_end(&p))
        return -2;
    assert_int_equal(h.ordinal, 0x02000003u);
    assert_int_equal(v, 0xdeadbeefu);
    assert_string_equal(s, "path/to/thing");
    assert_int_equal(n1, 13);
    assert_int_equal(w, 99);
    assert_string_equal(e, "");
    assert_int_equal(n2, 0);
    return 0;
}

static void test_round_trip_and_truncation(void **state)
{
    (void)state;
    uint8_t buf[128];
    uint32_t len = build(buf, sizeof(buf));
    assert_int_equal(parse(buf, len), 0);
    for (uint32_t cut = 0; cut < len; cut++) { /* each a fresh heap copy: ASan sees overreads */
        uint8_t *copy = malloc(cut ? cut : 1);
        memcpy(copy, buf, cut);
        assert_int_not_equal(parse(copy, cut), 0);
        free(copy);
    }
}

/* Strings a newer sender adds at the end: "" when left out, the string when there, and a
 * broken one still refused. */
static void test_optional_strings(void **state)
{
    (void)state;
    uint8_t buf[128];
    uint32_t len = build(buf, sizeof(buf));
    struct sl_parse p;
    sl_parse_begin(&p, buf, len, NULL, 0, NULL);
    sl_parse_u32(&p), sl_parse_str(&p, NULL), sl_parse_u64(&p);
    assert_string_equal(sl_parse_str_opt(&p), ""); /* the last string, empty */
    assert_string_equal(sl_parse_str_opt(&p), ""); /* left out */
    assert_int_equal(sl_parse_end(&p), 0);
    sl_parse_begin(&p, buf, len, NULL, 0, NULL);
    sl_parse_u32(&p);
    assert_string_equal(sl_parse_str_opt(&p), "path/to/thing");
    sl_parse_begin(&p, buf, len - 1, NULL, 0, NULL); /* the last string cut */
    sl_parse_u32(&p), sl_parse_str(&p, NULL), sl_parse_u64(&p);
    assert_string_equal(sl_parse_str_opt(&p), "");
    assert_int_not_equal(sl_parse_end(&p), 0);
}

static void test_bad_strings(void **state)
{
    (void)state;
    uint8_t buf[64];
    struct sl_msg m;
    struct sl_parse p;
    static const struct {
        uint32_t len;
        const char *bytes;
        uint32_t n;
    } cases[] = {
        {3, "abc", 3},        /* no NUL after it */
        {5, "ab\0cd\0", 6},    /* a NUL inside */
        {0xffffffffu, "", 1}, /* a length that wraps */
        {100, "short\0", 6},  /* longer than the message */
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        sl_msg_begin(&m, buf, sizeof(buf), NULL, 0, 1);
        sl_msg_put_u32(&m, cases[i].len);
        sl_msg_put(&m, cases[i].bytes, cases[i].n);
        assert_int_equal(sl_parse_begin(&p, buf, m.len, NULL, 0, NULL), 0);
        assert_null(sl_parse_str(&p, NULL));
        assert_int_equal(sl_parse_end(&p), SOS_ERR_BAD_FORMAT);
        assert_int_equal(sl_parse_u32(&p), 0); /* stays bad */
    }
}

static void test_builder_limits(void **state)
{
    (void)state;
    uint8_t buf[24];
    sos_handle_t hs[1];
    struct sl_msg m;
    sl_msg_begin(&m, buf, sizeof(buf), hs, 1, 1);
    sl_msg_put_u64(&m, 1);
    assert_int_equal(sl_msg_finish(&m), 0);
    sl_msg_put_u32(&m, 2); /* 28 > 24 */
    assert_int_equal(sl_msg_finish(&m), SOS_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(m.len, 24);
    sl_msg_begin(&m, buf, sizeof(buf), hs, 1, 1);
    sl_msg_put_handle(&m, 5);
    sl_msg_put_handle(&m, 6);
    assert_int_equal(sl_msg_finish(&m), SOS_ERR_BUFFER_TOO_SMALL);
    sl_msg_begin(&m, buf, 8, NULL, 0, 1); /* not even the header fits */
    assert_null(sl_msg_hdr(&m));
    assert_int_equal(sl_msg_send(1, &m), SOS_ERR_BUFFER_TOO_SMALL);
    struct sl_parse p;
    assert_int_equal(sl_parse_begin(&p, buf, 15, NULL, 0, NULL), SOS_ERR_BAD_FORMAT);
    sos_handle_t in[1] = {7};
    assert_int_equal(sl_parse_begin(&p, "0123456789abcdef", 16, in, 1, NULL), 0);
    assert_int_equal(sl_parse_handle(&p), 7);
    assert_int_equal(sl_parse_handle(&p), 0); /* no second handle */
    assert_int_equal(sl_parse_end(&p), SOS_ERR_BAD_FORMAT);
}

static void set_reply(uint32_t ordinal, int32_t status, uint32_t len)
{
    struct sos_msg_hdr h = {.txid = 0x80000001u, .ordinal = ordinal, .status = status};
    memset(g_reply, 0, sizeof(g_reply));
    memcpy(g_reply, &h, sizeof(h));
    g_reply_len = len;
    g_call_result = 0;
}

static void test_call_results(void **state)
{
    (void)state;
    uint8_t req[32], rep[64];
    struct sl_msg q, r;
    sl_msg_begin(&q, req, sizeof(req), NULL, 0, 4);
    sl_msg_put_u32(&q, 1);
    sl_msg_begin(&r, rep, sizeof(rep), NULL, 0, 0);
    set_reply(4, 0, 20);
    assert_int_equal(sl_call(1, &q, &r, SOS_TIME_INFINITE), 0);
    assert_int_equal(r.len, 20);
    assert_int_equal(g_last_call.wr_nbytes, 20);
    set_reply(4, SOS_ERR_NOT_FOUND, 16); /* the server's status comes back */
    assert_int_equal(sl_call(1, &q, &r, SOS_TIME_INFINITE), SOS_ERR_NOT_FOUND);
    set_reply(5, 0, 16); /* an answer to another ordinal */
    assert_int_equal(sl_call(1, &q, &r, SOS_TIME_INFINITE), SOS_ERR_BAD_FORMAT);
    set_reply(4, 0, 10); /* shorter than a header */
    assert_int_equal(sl_call(1, &q, &r, SOS_TIME_INFINITE), SOS_ERR_BAD_FORMAT);
    set_reply(4, 3, 16); /* a positive status is not a status */
    assert_int_equal(sl_call(1, &q, &r, SOS_TIME_INFINITE), SOS_ERR_BAD_FORMAT);
    g_call_result = SOS_ERR_PEER_CLOSED;
    assert_int_equal(sl_call(1, &q, &r, SOS_TIME_INFINITE), SOS_ERR_PEER_CLOSED);
    set_reply(4, 0, 16);
    uint32_t n = 99;
    assert_int_equal(sl_call_bytes(1, req, 20, rep, sizeof(rep), &n, SOS_TIME_INFINITE), 0);
    assert_int_equal(n, 16);
    assert_int_equal(sl_call_bytes(1, req, 8, rep, sizeof(rep), &n, SOS_TIME_INFINITE),
                     SOS_ERR_INVALID_ARGS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_and_truncation),
        cmocka_unit_test(test_bad_strings),
        cmocka_unit_test(test_optional_strings),
        cmocka_unit_test(test_builder_limits),
        cmocka_unit_test(test_call_results),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
