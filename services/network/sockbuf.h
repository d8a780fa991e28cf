/*
 * services/network/sockbuf.h - a fixed-size byte ring: a socket's received data.
 *
 * The capacity is fixed when the ring is made, so a socket never holds more than that
 * whatever its peer sends: TCP advertises no more window than the ring has room for
 * (the window reopens as the client reads), and a UDP datagram that does not fit is
 * dropped and counted. UDP keeps whole datagrams as records (a small header, then the
 * bytes), read back one at a time.
 *
 * Layer: services (network); no system calls (host test sockbuf_test.c).
 */
#ifndef NETWORK_SOCKBUF_H
#define NETWORK_SOCKBUF_H

#include <stdbool.h>
#include <stdint.h>

struct sockbuf {
    uint8_t *buf;
    uint32_t cap, head, len;
};

/* 0, or -1 when the memory is not there. */
int sockbuf_init(struct sockbuf *b, uint32_t cap);
void sockbuf_free(struct sockbuf *b);
static inline uint32_t sockbuf_space(const struct sockbuf *b) { return b->cap - b->len; }

/* Append as much of data[n] as fits; how much that was. */
uint32_t sockbuf_put(struct sockbuf *b, const void *data, uint32_t n);
/* Take up to max bytes from the front into out; how many. */
uint32_t sockbuf_get(struct sockbuf *b, void *out, uint32_t max);

/* Datagrams: a record (from, port, bytes) whole or not at all. */
struct sockbuf_dgram {
    uint32_t addr; /* IPv4, network byte order */
    uint16_t port;
    uint16_t len;
};
bool sockbuf_put_dgram(struct sockbuf *b, const struct sockbuf_dgram *d, const void *data);
/* The next datagram: its header in *d and up to max of its bytes in out (the rest of a
 * longer one is dropped); false when there is none. */
bool sockbuf_get_dgram(struct sockbuf *b, struct sockbuf_dgram *d, void *out, uint32_t max);

#endif
