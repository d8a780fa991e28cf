/*
 * tests/hal/th_net.c - the test HAL's fake network device (th_fake_net, see th.h).
 *
 * A READ completes at once with the oldest frame in the receive queue (or none), a
 * WRITE at once with the frame kept in `tx` - unless `tx_full`, when submit says
 * SHOULD_WAIT. Frames the test hands to th_fake_net_arrive() come in when the CPU next
 * idles, as from a wire, and raise TH_FAKE_NET_LINE; room in a full transmit queue
 * frees then too. So a reader that blocks sees the interrupt path work.
 *
 * Layer: tests (the test HAL).
 */
#include "th.h"
#include "th_internal.h"

#include <string.h>

#define QLEN 8u

struct th_fake_net th_fake_net;

struct fq {
    uint8_t data[QLEN][TH_NET_FRAME_MAX];
    size_t len[QLEN];
    unsigned head, count;
};
static struct fq g_rx, g_wire; /* received (readable now), and still on the wire (next idle) */
static struct hal_dev_req *g_done[QLEN];
static unsigned g_ndone;

static void q_put(struct fq *q, const void *f, size_t n)
{
    unsigned i = (q->head + q->count) % QLEN;
    memcpy(q->data[i], f, n);
    q->len[i] = n;
    q->count++;
}

void th_fake_net_arrive(const void *frame, size_t len)
{
    if (g_wire.count < QLEN)
        q_put(&g_wire, frame, len);
}

bool th_fake_net_idle(void)
{
    bool raise = g_wire.count > 0 || th_fake_net.tx_full;
    while (g_wire.count) {
        if (g_rx.count < QLEN)
            q_put(&g_rx, g_wire.data[g_wire.head], g_wire.len[g_wire.head]);
        else
            th_fake_net.rx_dropped++;
        g_wire.head = (g_wire.head + 1) % QLEN;
        g_wire.count--;
    }
    th_fake_net.tx_full = false;
    if (raise && th_irq_enabled(TH_FAKE_NET_LINE))
        core_irq(TH_FAKE_NET_LINE, false);
    return raise;
}

static int net_submit(void *dev, struct hal_dev_req *r)
{
    (void)dev;
    th_fake_net.submits++;
    if (r->op != HAL_DEVOP_READ && r->op != HAL_DEVOP_WRITE)
        return SOS_ERR_NOT_SUPPORTED;
    if (r->op == HAL_DEVOP_WRITE && th_fake_net.tx_full)
        return SOS_ERR_SHOULD_WAIT;
    uint8_t *buf = hal_phys_to_virt(r->buf);
    r->status = 0;
    r->actual = 0;
    if (r->op == HAL_DEVOP_WRITE) {
        memcpy(th_fake_net.tx, buf, r->len);
        th_fake_net.tx_len = r->len;
        th_fake_net.tx_count++;
        r->actual = r->len;
    } else if (g_rx.count) {
        memcpy(buf, g_rx.data[g_rx.head], g_rx.len[g_rx.head]);
        r->actual = g_rx.len[g_rx.head];
        g_rx.head = (g_rx.head + 1) % QLEN;
        g_rx.count--;
    }
    g_done[g_ndone++] = r;
    return 0;
}

static struct hal_dev_req *net_poll(void *dev)
{
    (void)dev;
    if (!g_ndone)
        return NULL;
    struct hal_dev_req *r = g_done[0];
    memmove(g_done, g_done + 1, --g_ndone * sizeof(r));
    return r;
}

static void net_info(void *dev, struct hal_dev_info *out)
{
    (void)dev;
    memset(out, 0, sizeof(*out));
    out->dev_class = HAL_DEV_NET;
    out->irq = TH_FAKE_NET_LINE;
    strcpy(out->name, "fake-net0");
    out->block_size = TH_NET_FRAME_MAX;
    memcpy(out->net.mac, "\x02\x00\x00\x00\x00\x01", 6);
    out->net.link_up = 1;
    out->net.rx_dropped = th_fake_net.rx_dropped;
}

static const struct hal_dev_ops g_net_ops = {net_submit, net_poll, net_info};

bool th_fake_net_get(const struct hal_dev_ops **ops, void **dev)
{
    if (!th_fake_net.present)
        return false;
    *ops = &g_net_ops;
    *dev = &th_fake_net;
    return true;
}
