/*
 * tests/fuzz/fuzz_dns.c - DNS answers into lwIP's resolver as the network service runs it
 * (the Debian lwIP sources with our lwipopts.h and services/network/port/dns_guard.c),
 * through the whole input path: each input is one UDP datagram from the DNS server to the port of the
 * query outstanding (tests/net/lwiphost.h), its first two bytes replaced by the query's
 * id so the fuzzer reaches the parser. Byte 0 of the input (before the message) picks
 * A or AAAA for the next query.
 *
 * Checked: nothing crashes or reads out of bounds (ASan), a message the guard refuses
 * never resolves, every pool buffer comes back. An answer an earlier input left in the
 * cache is let expire first (the same seed twice in a row once aborted the check).
 *
 * Layer: tests (host). Seeds: tests/fuzz/corpus/dns/ (tests/fuzz/seeds_net.py).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dns_guard.h"
#include "lwip/opt.h"
#include "lwiphost.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* lwIP caps a cached answer's TTL at DNS_MAX_TTL seconds (dns.c's default unless
   lwipopts.h sets it) */
#ifndef DNS_MAX_TTL
#define DNS_MAX_TTL 604800u
#endif

static void check(int ok)
{
    if (!ok)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int pending;
    lh_init();
    if (size < 1)
        return 0;
    if (!pending) {
        lh_dns_setup();
        int r = lh_dns_ask("fuzz.test", data[0] & 1);
        /* an earlier input's answer is cached: let it expire (a minute at a time), ask */
        for (uint32_t waited = 0; r == 1 && waited <= DNS_MAX_TTL; waited += 64) {
            lh_advance(64u * 1000u);
            r = lh_dns_ask("fuzz.test", data[0] & 1);
        }
        check(r == 0);
        pending = 1;
    }
    g_lh.dns_calls = g_lh.dns_found = 0;
    uint8_t *m = malloc(size);
    check(m != NULL);
    memcpy(m, data + 1, size - 1);
    if (size - 1 >= 2)
        m[0] = (uint8_t)(g_lh.dns_txid >> 8), m[1] = (uint8_t)g_lh.dns_txid;
    int well_formed = dns_guard_check(m, size - 1) == 0;
    lh_dns_reply(m, size - 1, 0);
    check(well_formed || !g_lh.dns_found);
    if (g_lh.dns_calls)
        pending = 0;
    free(m);
    if (!pending)
        check(lh_pbufs_free() == PBUF_POOL_SIZE);
    return 0;
}
