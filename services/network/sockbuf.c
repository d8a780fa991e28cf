/*
 * services/network/sockbuf.c - a socket's fixed-size receive ring (sockbuf.h).
 *
 * Layer: services (network).
 */
#include <stdlib.h>
#include <string.h>

#include "sockbuf.h"

int sockbuf_init(struct sockbuf *b, uint32_t cap)
{
    b->buf = malloc(cap);
    b->cap = b->buf ? cap : 0;
    b->head = b->len = 0;
    return b->buf ? 0 : -1;
}

void sockbuf_free(struct sockbuf *b)
{
    free(b->buf);
    b->buf = NULL;
    b->cap = b->head = b->len = 0;
}

uint32_t sockbuf_put(struct sockbuf *b, const void *data, uint32_t n)
{
    const uint8_t *in = data;
    if (n > sockbuf_space(b))
        n = sockbuf_space(b);
    for (uint32_t done = 0; done < n;) {
        uint32_t at = (b->head + b->len) % b->cap;
        uint32_t run = b->cap - at < n - done ? b->cap - at : n - done;
        memcpy(b->buf + at, in + done, run);
        done += run;
        b->len += run;
    }
    return n;
}

uint32_t sockbuf_get(struct sockbuf *b, void *out, uint32_t max)
{
    uint8_t *o = out;
    uint32_t n = max < b->len ? max : b->len;
    for (uint32_t done = 0; done < n;) {
        uint32_t run = b->cap - b->head < n - done ? b->cap - b->head : n - done;
        if (o)
            memcpy(o + done, b->buf + b->head, run);
        done += run;
        b->head = (b->head + run) % b->cap;
        b->len -= run;
    }
    if (!b->len)
        b->head = 0;
    return n;
}

bool sockbuf_put_dgram(struct sockbuf *b, const struct sockbuf_dgram *d, const void *data)
{
    if (sockbuf_space(b) < sizeof(*d) + d->len)
        return false;
    sockbuf_put(b, d, sizeof(*d));
    sockbuf_put(b, data, d->len);
    return true;
}

bool sockbuf_get_dgram(struct sockbuf *b, struct sockbuf_dgram *d, void *out, uint32_t max)
{
    if (b->len < sizeof(*d))
        return false;
    sockbuf_get(b, d, sizeof(*d));
    uint32_t keep = d->len < max ? d->len : max;
    sockbuf_get(b, out, keep);
    sockbuf_get(b, NULL, d->len - keep);
    d->len = (uint16_t)keep;
    return true;
}
