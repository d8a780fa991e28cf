/*
 * hal-hosted/net.c - the simulator's network card (host/net.c) as a core/hal.h net
 * device.
 *
 * A READ takes the oldest frame the backend delivered, at once (none: actual 0); a
 * WRITE copies the frame into the transmit queue, at once, or says SHOULD_WAIT when
 * that is full. Either way the request is done when submit returns, so the small
 * completion ring hands it back at the next poll. HOSTED_NET_LINE fires when frames
 * arrive or transmit room frees. Requests come from the core under its lock, so the
 * ring needs no lock of its own.
 *
 * Layer: hal-hosted, core world.
 */
#include <sos/sos.h>

#include "hal.h"
#include "host.h"
#include "hosted.h"

#define DONE_MAX 8u

_Static_assert(HOST_NET_FRAME_MAX == SOS_NET_FRAME_MAX && HOST_NET_FRAME_MIN == SOS_NET_FRAME_MIN,
               "frame sizes");

static struct hal_dev_req *g_done[DONE_MAX];
static unsigned g_done_head, g_done_tail; /* free-running */
static bool g_present;

void hosted_net_register(void)
{
    g_present = true;
    host_net_set_line(HOSTED_NET_LINE);
}

static int net_submit(void *dev, struct hal_dev_req *r)
{
    (void)dev;
    if (r->op != HAL_DEVOP_READ && r->op != HAL_DEVOP_WRITE)
        return SOS_ERR_NOT_SUPPORTED;
    if (r->op == HAL_DEVOP_READ ? r->len < SOS_NET_FRAME_MAX
                                : r->len < SOS_NET_FRAME_MIN || r->len > SOS_NET_FRAME_MAX)
        return SOS_ERR_INVALID_ARGS;
    if (g_done_head - g_done_tail == DONE_MAX)
        return SOS_ERR_SHOULD_WAIT;
    void *buf = hal_phys_to_virt(r->buf);
    if (r->op == HAL_DEVOP_READ) {
        r->actual = host_net_recv(buf, r->len);
    } else {
        if (host_net_send(buf, r->len))
            return SOS_ERR_SHOULD_WAIT; /* the transmit queue is full */
        r->actual = r->len;
    }
    r->status = 0;
    g_done[g_done_head++ % DONE_MAX] = r;
    return 0;
}

static struct hal_dev_req *net_poll(void *dev)
{
    (void)dev;
    if (g_done_head == g_done_tail)
        return NULL;
    return g_done[g_done_tail++ % DONE_MAX];
}

static void net_info(void *dev, struct hal_dev_info *out)
{
    (void)dev;
    struct host_net_stats st;
    host_net_stats(&st);
    *out = (struct hal_dev_info){.dev_class = HAL_DEV_NET, .irq = HOSTED_NET_LINE,
                                 .block_size = SOS_NET_FRAME_MAX};
    __builtin_memcpy(out->name, "sim-net", 8);
    host_net_mac(out->net.mac);
    out->net.link_up = host_net_link_up();
    out->net.rx_dropped = st.rx_dropped;
    out->net.rx_errors = st.rx_errors;
    out->net.tx_dropped = st.tx_dropped;
    out->net.tx_errors = st.tx_errors;
}

static const struct hal_dev_ops g_net_ops = {net_submit, net_poll, net_info};

bool hosted_net_get(unsigned index, const struct hal_dev_ops **ops, void **dev)
{
    if (index != 0 || !g_present)
        return false;
    *ops = &g_net_ops;
    *dev = &g_present;
    return true;
}
