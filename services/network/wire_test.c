/*
 * services/network/wire_test.c - the network protocol's decoding on the host: every
 * request the service takes (net_req_decode) and the replies the client decodes
 * (net_info_decode, net_stats_decode, net_recv_decode), each whole, cut short at every
 * length, with a byte too many, with each bad value, and garbled at random.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../lib/test/host_sys.h"
#include <client/net.h>

#include "wire.h"

static uint8_t g_buf[NET_DATA_MAX + 1024];
static struct sl_msg g_m;

/* client/net.c reads replies itself; the decoders under test never do. */
int64_t sos_channel_read(sos_handle_t h, struct sos_chan_read *rd)
{
    (void)h, (void)rd;
    return SOS_ERR_SHOULD_WAIT;
}

static struct sl_msg *begin(uint32_t ordinal)
{
    sl_msg_begin(&g_m, g_buf, sizeof(g_buf), NULL, 0, ordinal);
    return &g_m;
}

static struct sl_msg *connect_req(const char *host, uint32_t port)
{
    struct sl_msg *m = begin(NET_CONNECT);
    sl_msg_put_str(m, host);
    sl_msg_put_u32(m, port);
    sl_msg_put_u32(m, 5000);
    return m;
}

static struct sl_msg *send_req(const char *host, uint32_t port, uint32_t len, uint32_t real)
{
    struct sl_msg *m = begin(NET_SOCK_SEND);
    static uint8_t data[NET_DATA_MAX + 8];
    memset(data, 'x', sizeof(data));
    sl_msg_put_str(m, host);
    sl_msg_put_u32(m, port);
    sl_msg_put_u32(m, len);
    sl_msg_put(m, data, real);
    return m;
}

/* Every proper prefix fails as BAD_FORMAT and one byte more too. */
static void check_cuts(const struct sl_msg *m)
{
    struct net_req q;
    assert_int_equal(net_req_decode(m->bytes, m->len, &q), 0);
    for (uint32_t n = 0; n < m->len; n++)
        assert_int_equal(net_req_decode(m->bytes, n, &q), SOS_ERR_BAD_FORMAT);
    uint8_t more[64 + sizeof(g_buf)];
    memcpy(more, m->bytes, m->len);
    more[m->len] = 0;
    assert_int_equal(net_req_decode(more, m->len + 1, &q), SOS_ERR_BAD_FORMAT);
}

static void test_requests_whole_and_cut(void **state)
{
    (void)state;
    struct net_req q;
    check_cuts(begin(NET_INFO));
    struct sl_msg *m = begin(NET_RESOLVE);
    sl_msg_put_str(m, "repo.test");
    check_cuts(m);
    assert_int_equal(net_req_decode(m->bytes, m->len, &q), 0);
    assert_string_equal(q.host, "repo.test");
    m = begin(NET_PING);
    sl_msg_put_str(m, "10.0.2.2");
    sl_msg_put_u32(m, 1000);
    check_cuts(m);
    check_cuts(connect_req("10.0.2.2", 7));
    net_req_decode(g_m.bytes, g_m.len, &q);
    assert_int_equal(q.port, 7);
    assert_int_equal(q.timeout_ms, 5000);
    m = begin(NET_LISTEN);
    sl_msg_put_u32(m, 7777);
    check_cuts(m);
    check_cuts(send_req("", 0, 5, 5));
    net_req_decode(g_m.bytes, g_m.len, &q);
    assert_int_equal(q.len, 5);
    assert_memory_equal(q.data, "xxxxx", 5);
    m = begin(NET_SOCK_RECV);
    sl_msg_put_u32(m, 100);
    sl_msg_put_u32(m, 0);
    check_cuts(m);
    m = begin(NET_SOCK_ACCEPT);
    sl_msg_put_u32(m, 0);
    check_cuts(m);
}

static void test_requests_bad_values(void **state)
{
    (void)state;
    struct net_req q;
    struct sl_msg *m = connect_req("10.0.2.2", 65536);
    assert_int_equal(net_req_decode(m->bytes, m->len, &q), SOS_ERR_INVALID_ARGS);
    m = connect_req("", 80);
    assert_int_equal(net_req_decode(m->bytes, m->len, &q), SOS_ERR_INVALID_ARGS);
    m = connect_req("a host", 80);
    assert_int_equal(net_req_decode(m->bytes, m->len, &q), SOS_ERR_INVALID_ARGS);
    m = connect_req("bad\x01", 80);
    assert_int_equal(net_req_decode(m->bytes, m->len, &q), SOS_ERR_INVALID_ARGS);
    char longname[NET_HOST_MAX + 2];
    memset(longname, 'a', sizeof(longname) - 1);
    longname[sizeof(longname) - 1] = 0;
    m = connect_req(longname, 80);
    assert_int_equal(net_req_decode(m->bytes, m->len, &q), SOS_ERR_INVALID_ARGS);
    longname[NET_HOST_MAX] = 0; /* exactly the longest */
    m = connect_req(longname, 80);
    assert_int_equal(net_req_decode(m->bytes, m->len, &q), 0);
    m = send_req("", 0, NET_DATA_MAX + 1, NET_DATA_MAX + 1);
    assert_int_equal(net_req_decode(m->bytes, m->len, &q), SOS_ERR_INVALID_ARGS);
    m = send_req("", 0, NET_DATA_MAX, NET_DATA_MAX);
    assert_int_equal(net_req_decode(m->bytes, m->len, &q), 0);
    m = send_req("", 0, 100, 10); /* says 100 bytes, carries 10 */
    assert_int_equal(net_req_decode(m->bytes, m->len, &q), SOS_ERR_BAD_FORMAT);
    m = begin(NET_SOCK_RECV);
    sl_msg_put_u32(m, 0);
    sl_msg_put_u32(m, 0);
    assert_int_equal(net_req_decode(m->bytes, m->len, &q), SOS_ERR_INVALID_ARGS);
    m = begin(NET_SOCK_RECV);
    sl_msg_put_u32(m, NET_DATA_MAX + 1);
    sl_msg_put_u32(m, 0);
    assert_int_equal(net_req_decode(m->bytes, m->len, &q), SOS_ERR_INVALID_ARGS);
    /* the string's length runs past the message */
    m = begin(NET_RESOLVE);
    sl_msg_put_u32(m, 1000);
    sl_msg_put(m, "abc", 4);
    assert_int_equal(net_req_decode(m->bytes, m->len, &q), SOS_ERR_BAD_FORMAT);
}

static void test_requests_wrong_kind(void **state)
{
    (void)state;
    struct net_req q;
    struct sl_msg *m = begin(SOS_ORD(PROTO_NET, NET_VERSION + 1, 1)); /* a later version */
    assert_int_equal(net_req_decode(m->bytes, m->len, &q), SOS_ERR_NOT_SUPPORTED);
    m = begin(SOS_ORD(PROTO_LOG, 1, 1));
    assert_int_equal(net_req_decode(m->bytes, m->len, &q), SOS_ERR_NOT_SUPPORTED);
    m = begin(NET_INFO);
    sl_msg_hdr(m)->flags = SOS_MSG_REPLY;
    assert_int_equal(net_req_decode(m->bytes, m->len, &q), SOS_ERR_NOT_SUPPORTED);
    assert_true(net_req_is_socket(NET_SOCK_RECV));
    assert_false(net_req_is_socket(NET_CONNECT));
}

/* Random bytes behind a valid header: never a crash, and what decodes is in range. */
static void test_requests_garbage(void **state)
{
    (void)state;
    static const uint32_t ords[] = {NET_INFO, NET_RESOLVE, NET_PING, NET_CONNECT, NET_UDP,
                                    NET_LISTEN, NET_SOCK_SEND, NET_SOCK_RECV, NET_SOCK_ACCEPT};
    srand(7);
    for (int round = 0; round < 20000; round++) {
        struct sl_msg *m = begin(ords[round % 9]);
        uint32_t n = (uint32_t)(rand() % 64);
        for (uint32_t i = 0; i < n; i++) {
            uint8_t b = (uint8_t)(rand() % 4 ? rand() % 8 : rand());
            sl_msg_put(m, &b, 1);
        }
        struct net_req q;
        if (net_req_decode(m->bytes, m->len, &q) == 0) {
            assert_true(q.port <= 65535);
            assert_true(q.len <= NET_DATA_MAX);
            assert_true(strlen(q.host) <= NET_HOST_MAX);
        }
    }
}

/* ---- replies (the client's side) */

static struct sl_msg *info_reply(uint32_t n6)
{
    struct sl_msg *m = begin(NET_INFO);
    sl_msg_put(m, "\x52\x54\x00\x12\x34\x56", 6);
    for (int i = 0; i < 7; i++)
        sl_msg_put_u32(m, (uint32_t)i + 1);
    sl_msg_put_u64(m, 3600);
    sl_msg_put_u64(m, 3500);
    sl_msg_put_u32(m, n6);
    for (uint32_t i = 0; i < n6 && i < 3; i++) {
        sl_msg_put_str(m, "fe80::5054:ff:fe12:3456");
        sl_msg_put_u32(m, 0x10);
    }
    return m;
}

static void test_info_reply(void **state)
{
    (void)state;
    struct net_info ni;
    struct sl_msg *m = info_reply(2);
    assert_int_equal(net_info_decode(m->bytes, m->len, &ni), 0);
    assert_int_equal(ni.mac[5], 0x56);
    assert_int_equal(ni.gw, 5);
    assert_int_equal(ni.lease_left_s, 3500);
    assert_int_equal(ni.n6, 2);
    assert_string_equal(ni.v6[1].addr, "fe80::5054:ff:fe12:3456");
    for (uint32_t n = 0; n < m->len; n++)
        assert_int_equal(net_info_decode(m->bytes, n, &ni), SOS_ERR_BAD_FORMAT);
    m = info_reply(NET_ADDR6_MAX + 1); /* more addresses than the client keeps */
    assert_int_equal(net_info_decode(m->bytes, m->len, &ni), SOS_ERR_BAD_FORMAT);
}

static void test_stats_and_recv_replies(void **state)
{
    (void)state;
    struct net_stat st[2];
    uint32_t n;
    struct sl_msg *m = begin(NET_STATS);
    sl_msg_put_u32(m, 2);
    sl_msg_put_str(m, "frames_in");
    sl_msg_put_u64(m, 10);
    sl_msg_put_str(m, "frames_out");
    sl_msg_put_u64(m, 11);
    assert_int_equal(net_stats_decode(m->bytes, m->len, st, 2, &n), 0);
    assert_int_equal(st[1].value, 11);
    assert_int_equal(net_stats_decode(m->bytes, m->len, st, 1, &n), SOS_ERR_BAD_FORMAT);
    for (uint32_t k = 0; k < m->len; k++)
        assert_int_equal(net_stats_decode(m->bytes, k, st, 2, &n), SOS_ERR_BAD_FORMAT);
    m = begin(NET_SOCK_RECV);
    sl_msg_put_str(m, "10.0.2.2");
    sl_msg_put_u32(m, 7);
    sl_msg_put_u32(m, 5);
    sl_msg_put(m, "hello", 5);
    const uint8_t *data;
    char from[16];
    uint32_t port;
    assert_int_equal(net_recv_decode(m->bytes, m->len, &data, &n, from, sizeof(from), &port), 0);
    assert_int_equal(n, 5);
    assert_memory_equal(data, "hello", 5);
    assert_string_equal(from, "10.0.2.2");
    assert_int_equal(port, 7);
    for (uint32_t k = 0; k < m->len; k++)
        assert_int_equal(net_recv_decode(m->bytes, k, &data, &n, from, sizeof(from), &port),
                         SOS_ERR_BAD_FORMAT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_requests_whole_and_cut),
        cmocka_unit_test(test_requests_bad_values),
        cmocka_unit_test(test_requests_wrong_kind),
        cmocka_unit_test(test_requests_garbage),
        cmocka_unit_test(test_info_reply),
        cmocka_unit_test(test_stats_and_recv_replies),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
