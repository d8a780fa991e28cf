/*
 * tests/fuzz/fuzz_dhcp.c - DHCP replies into lwIP's DHCP client as the network service
 * runs it, through the whole input path (tests/net/lwiphost.h): each input is one BOOTP
 * message from the server (10.0.2.2:67) to the broadcast address, port 68. Byte 0 of
 * the input (before the message): bit 0 set leaves op, xid, chaddr and the magic cookie
 * as they are (else they are made right, so the fuzzer reaches the option parser); bits
 * 1-3 send it in IP fragments of 8 * (bits) bytes; bit 4 moves the clock by 2 s after
 * it (ARP check, retransmissions). The client is started again every 16 inputs.
 *
 * Checked: nothing crashes or reads out of bounds (ASan), every pool buffer comes back
 * once the client is stopped and reassembly has timed out.
 *
 * Layer: tests (host). Seeds: tests/fuzz/corpus/dhcp/ (tests/fuzz/seeds_net.py).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lwip/opt.h"
#include "lwiphost.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static unsigned n;
    lh_init();
    if (size < 1)
        return 0;
    if (n++ % 16 == 0) {
        lh_dhcp_stop();
        lh_advance(60 * 1000);
        if (lh_pbufs_free() != PBUF_POOL_SIZE)
            abort();
        lh_dhcp_start();
    }
    uint8_t *m = malloc(size);
    if (!m)
        abort();
    memcpy(m, data + 1, size - 1);
    lh_dhcp_reply(m, size - 1, !(data[0] & 1), 8u * ((data[0] >> 1) & 7));
    if (data[0] & 16)
        lh_advance(2000);
    free(m);
    return 0;
}
