/*
 * tests/fuzz/fuzz_net_wire.c - the network service's socket protocol decoders on
 * arbitrary bytes: the service's request decoder (services/network/wire.c) and the
 * client library's decoders of the INFO and STATS replies (services/clients/net.c).
 *
 * Checked: nothing reads outside the message (ASan; the input is copied into a buffer of
 * exactly its size); a decoded request has its fields in range (a printable host of at
 * most NET_HOST_MAX bytes, a port up to 65535, data inside the message and at most
 * NET_DATA_MAX, RECV's max 1..NET_DATA_MAX); decoders return 0 or a SOS_ERR_*.
 *
 * Layer: tests (host). Seeds: tests/fuzz/corpus/net_wire/ (tests/fuzz/seeds_net.py).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <client/net.h>

#include "wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* client/net.c reads replies itself; the decoders under test never do. */
int64_t sos_channel_read(sos_handle_t h, struct sos_chan_read *rd)
{
    (void)h, (void)rd;
    return SOS_ERR_SHOULD_WAIT;
}

static void check(int ok)
{
    if (!ok)
        abort();
}

static void check_req(const uint8_t *m, size_t size, const struct net_req *r)
{
    size_t hn = strlen(r->host);
    check(hn <= NET_HOST_MAX);
    for (size_t i = 0; i < hn; i++)
        check(r->host[i] > ' ' && r->host[i] <= '~');
    check(r->port <= 65535);
    check(r->len <= NET_DATA_MAX);
    if (r->len)
        check(r->data >= m && r->data + r->len <= m + size);
    if (r->hdr.ordinal == NET_SOCK_RECV)
        check(r->max >= 1 && r->max <= NET_DATA_MAX);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 20)
        return 0;
    uint8_t *m = malloc(size ? size : 1);
    check(m != NULL);
    memcpy(m, data, size);
    struct net_req r;
    int err = net_req_decode(m, (uint32_t)size, &r);
    check(err <= 0);
    if (!err)
        check_req(m, size, &r);
    struct net_info info;
    check(net_info_decode(m, (uint32_t)size, &info) <= 0);
    struct net_stat st[64];
    uint32_t n = 0;
    if (net_stats_decode(m, (uint32_t)size, st, 64, &n) == 0)
        check(n <= 64);
    free(m);
    return 0;
}
