/*
 * tests/drivers/virtio_net_test.c - the virtio-net driver and the split
 * virtqueue against a fake device on a fake transport, on the host.
 *
 * The fake plays the device's side of the rings: it receives a frame into the next
 * buffer the driver posted (header first) and reports it used, and takes a transmitted
 * buffer (header, frame) off the available ring. Physical addresses are host pointers
 * (hal_phys_to_virt is the identity here). Checked: feature negotiation (MAC and
 * STATUS only; no offloads; VERSION_1 required), MAC and link from the configuration
 * space, a receive ring that is full after probe and stays full as frames are read,
 * frames in order, a full ring when nobody reads, runt frames counted and recycled,
 * transmit copied behind a zeroed header and completed at once, transmit buffers
 * running out (SHOULD_WAIT) and coming back, and bad requests.
 *
 * Layer: tests (host): no kernel, so it lives outside core/ and may use the host libc.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sos/errors.h>
#include <sos/object.h>

#include "drivers/virtio/virtio.h"

#define F_CSUM (1ull << 0)
#define F_GUEST_CSUM (1ull << 1)
#define F_MAC (1ull << 5)
#define F_MRG_RXBUF (1ull << 15)
#define F_STATUS (1ull << 16)
#define F_CTRL_VQ (1ull << 17)
#define HDR 12u
#define QMAX 64u

void *hal_phys_to_virt(paddr_t pa) { return (void *)(uintptr_t)pa; }

struct fake_q {
    uint16_t size, last_avail;
    struct virtq_desc *desc;
    uint16_t *avail;
    uint32_t *used;
    unsigned notifies;
};

struct fake {
    struct virtio_dev vd;
    uint64_t offered, accepted;
    uint8_t status;
    uint8_t cfg[8]; /* mac[6], status (le16) */
    struct fake_q q[2];
    void *allocs[8];
    unsigned nallocs;
};

static struct fake *F(struct virtio_dev *d) { return (struct fake *)d; }
static uint8_t f_get_status(struct virtio_dev *d) { return F(d)->status; }
static void f_set_status(struct virtio_dev *d, uint8_t s) { F(d)->status = s; }
static uint64_t f_get_features(struct virtio_dev *d) { return F(d)->offered; }
static void f_set_features(struct virtio_dev *d, uint64_t v) { F(d)->accepted = v; }
static uint16_t f_queue_max(struct virtio_dev *d, uint16_t q) { (void)d; return q < 2 ? QMAX : 0; }
static void f_queue_notify(struct virtio_dev *d, uint16_t q) { F(d)->q[q].notifies++; }
static uint32_t f_irq_ack(struct virtio_dev *d) { (void)d; return 1; }

static uint32_t f_config_read(struct virtio_dev *d, uint32_t off, unsigned width)
{
    uint32_t v = 0;
    for (unsigned i = 0; i < width && off + i < sizeof(F(d)->cfg); i++)
        v |= (uint32_t)F(d)->cfg[off + i] << (8 * i);
    return v;
}

static void f_config_write(struct virtio_dev *d, uint32_t off, unsigned width, uint32_t v)
{
    (void)d, (void)off, (void)width, (void)v;
}

static int f_queue_setup(struct virtio_dev *d, uint16_t q, uint16_t size, paddr_t desc,
                         paddr_t avail, paddr_t used)
{
    struct fake_q *fq = &F(d)->q[q];
    *fq = (struct fake_q){.size = size, .desc = hal_phys_to_virt(desc),
                          .avail = hal_phys_to_virt(avail), .used = hal_phys_to_virt(used)};
    return 0;
}

static paddr_t f_dma_alloc(struct virtio_dev *d, size_t pages)
{
    struct fake *f = F(d);
    void *p = aligned_alloc(HAL_PAGE_SIZE, pages * HAL_PAGE_SIZE);
    assert_non_null(p);
    memset(p, 0, pages * HAL_PAGE_SIZE);
    f->allocs[f->nallocs++] = p;
    return (paddr_t)(uintptr_t)p;
}

static const struct virtio_transport g_fake_ops = {
    f_get_status, f_set_status, f_get_features, f_set_features, f_config_read,
    f_config_write, f_queue_max, f_queue_setup, f_queue_notify, f_irq_ack, f_dma_alloc};

static struct fake *g_f;
static const struct hal_dev_ops *g_ops;
static void *g_dev;

static int setup(void **state)
{
    (void)state;
    g_f = calloc(1, sizeof(*g_f));
    g_f->vd = (struct virtio_dev){.t = &g_fake_ops, .device_id = VIRTIO_ID_NET, .irq_line = 20};
    memcpy(g_f->cfg, "\x52\x54\x00\xaa\xbb\xcc\x01\x00", 8); /* link up */
    g_f->offered = VIRTIO_F_VERSION_1 | F_MAC | F_STATUS | F_CSUM | F_GUEST_CSUM | F_MRG_RXBUF |
                   F_CTRL_VQ;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    for (unsigned i = 0; i < g_f->nallocs; i++)
        free(g_f->allocs[i]);
    free(g_f);
    return 0;
}

static void probe_ok(void)
{
    assert_int_equal(virtio_net_probe(&g_f->vd, &g_ops, &g_dev), 0);
}

/* The device receives a frame into the next posted buffer; false when none is posted. */
static bool dev_receive(const void *frame, uint32_t len)
{
    struct fake_q *q = &g_f->q[0];
    if (q->last_avail == q->avail[1])
        return false;
    uint16_t head = q->avail[2 + q->last_avail++ % q->size];
    struct virtq_desc *d = &q->desc[head];
    assert_true(d->flags & VIRTQ_DESC_F_WRITE);
    assert_true(d->len >= HDR + len);
    uint8_t *buf = hal_phys_to_virt(d->addr);
    memset(buf, 0, HDR);
    memcpy(buf + HDR, frame, len);
    uint16_t idx = ((uint16_t *)q->used)[1];
    q->used[1 + 2 * (idx % q->size)] = head;
    q->used[2 + 2 * (idx % q->size)] = HDR + len;
    ((uint16_t *)q->used)[1] = (uint16_t)(idx + 1);
    return true;
}

/* The device sends the next queued buffer (header, frame): the frame into out; its
   length, or 0 when nothing is queued. */
static uint32_t dev_transmit(uint8_t *out)
{
    struct fake_q *q = &g_f->q[1];
    if (q->last_avail == q->avail[1])
        return 0;
    uint16_t head = q->avail[2 + q->last_avail++ % q->size];
    struct virtq_desc *d = &q->desc[head];
    assert_false(d->flags & (VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT));
    assert_true(d->len > HDR);
    static const uint8_t zero[HDR];
    uint8_t *b = hal_phys_to_virt(d->addr);
    assert_memory_equal(b, zero, HDR); /* no offloads asked */
    memcpy(out, b + HDR, d->len - HDR);
    uint16_t idx = ((uint16_t *)q->used)[1];
    q->used[1 + 2 * (idx % q->size)] = head;
    q->used[2 + 2 * (idx % q->size)] = 0;
    ((uint16_t *)q->used)[1] = (uint16_t)(idx + 1);
    return d->len - HDR;
}

static uint8_t g_buf[2][SOS_NET_FRAME_MAX];

static struct hal_dev_req read_req(void)
{
    return (struct hal_dev_req){.op = HAL_DEVOP_READ, .buf = (paddr_t)(uintptr_t)g_buf[0],
                                .len = SOS_NET_FRAME_MAX};
}

/* READ, then poll: the frame's length (its bytes in g_buf[0]). */
static uint64_t read_frame(void)
{
    struct hal_dev_req r = read_req();
    assert_int_equal(g_ops->submit(g_dev, &r), 0);
    assert_ptr_equal(g_ops->poll(g_dev), &r);
    assert_int_equal(r.status, 0);
    return r.actual;
}

static void frame(uint8_t *f, uint32_t len, uint8_t seed)
{
    for (uint32_t i = 0; i < len; i++)
        f[i] = (uint8_t)(seed + i * 3);
}

static void test_probe_and_info(void **state)
{
    (void)state;
    probe_ok();
    assert_int_equal(g_f->accepted, VIRTIO_F_VERSION_1 | F_MAC | F_STATUS);
    assert_true(g_f->status & VIRTIO_STATUS_DRIVER_OK);
    assert_int_equal(g_f->q[0].size, 32);
    assert_int_equal(g_f->q[0].avail[1], 32); /* every receive buffer posted */
    assert_true(g_f->q[0].notifies > 0);
    struct hal_dev_info info;
    g_ops->info(g_dev, &info);
    assert_int_equal(info.dev_class, HAL_DEV_NET);
    assert_int_equal(info.irq, 20);
    assert_int_equal(info.block_size, SOS_NET_FRAME_MAX);
    assert_memory_equal(info.net.mac, "\x52\x54\x00\xaa\xbb\xcc", 6);
    assert_int_equal(info.net.link_up, 1);
    g_f->cfg[6] = 0; /* the cable is pulled */
    g_ops->info(g_dev, &info);
    assert_int_equal(info.net.link_up, 0);
}

static void test_probe_without_features(void **state)
{
    (void)state;
    g_f->offered = VIRTIO_F_VERSION_1; /* no MAC, no STATUS */
    probe_ok();
    struct hal_dev_info info;
    g_ops->info(g_dev, &info);
    assert_memory_equal(info.net.mac, "\x52\x54\x00\x53\x4f\x53", 6);
    assert_int_equal(info.net.link_up, 1); /* cannot tell: up */
    g_f->offered = F_MAC; /* a legacy-only device */
    assert_int_equal(virtio_net_probe(&g_f->vd, &g_ops, &g_dev), SOS_ERR_NOT_SUPPORTED);
}

static void test_receive_in_order_and_refill(void **state)
{
    (void)state;
    probe_ok();
    struct hal_dev_req none = read_req();
    assert_int_equal(g_ops->submit(g_dev, &none), 0);
    assert_ptr_equal(g_ops->poll(g_dev), &none);
    assert_int_equal(none.actual, 0); /* nothing yet */
    uint8_t f[2][100];
    frame(f[0], 60, 1);
    frame(f[1], 100, 2);
    assert_true(dev_receive(f[0], 60));
    assert_true(dev_receive(f[1], 100));
    uint16_t posted = g_f->q[0].avail[1];
    assert_int_equal(read_frame(), 60);
    assert_memory_equal(g_buf[0], f[0], 60);
    assert_int_equal(read_frame(), 100);
    assert_memory_equal(g_buf[0], f[1], 100);
    assert_int_equal((uint16_t)(g_f->q[0].avail[1] - posted), 2); /* both buffers back */
    assert_int_equal(read_frame(), 0);
}

static void test_ring_full_when_nobody_reads(void **state)
{
    (void)state;
    probe_ok();
    uint8_t f[64];
    for (unsigned i = 0; i < 32; i++) {
        frame(f, 64, (uint8_t)i);
        assert_true(dev_receive(f, 64));
    }
    assert_false(dev_receive(f, 64)); /* no buffer left: a real card drops it */
    for (unsigned i = 0; i < 32; i++) {
        assert_int_equal(read_frame(), 64);
        frame(f, 64, (uint8_t)i);
        assert_memory_equal(g_buf[0], f, 64);
    }
    assert_true(dev_receive(f, 64)); /* every buffer went back */
    assert_int_equal(read_frame(), 64);
}

static void test_runt_frames_are_errors(void **state)
{
    (void)state;
    probe_ok();
    uint8_t f[60] = {0};
    assert_true(dev_receive(f, 10));
    assert_int_equal(read_frame(), 0);
    struct hal_dev_info info;
    g_ops->info(g_dev, &info);
    assert_int_equal(info.net.rx_errors, 1);
    assert_int_equal(g_f->q[0].avail[1], 33); /* its buffer was posted again */
}

static struct hal_dev_req write_req(uint32_t len)
{
    return (struct hal_dev_req){.op = HAL_DEVOP_WRITE, .buf = (paddr_t)(uintptr_t)g_buf[1],
                                .len = len};
}

static void test_transmit(void **state)
{
    (void)state;
    probe_ok();
    frame(g_buf[1], 60, 7);
    struct hal_dev_req w = write_req(60);
    assert_int_equal(g_ops->submit(g_dev, &w), 0);
    assert_true(g_f->q[1].notifies > 0);
    assert_ptr_equal(g_ops->poll(g_dev), &w); /* done at once: the frame was copied */
    assert_int_equal(w.status, 0);
    assert_int_equal(w.actual, 60);
    memset(g_buf[1], 0, 60); /* the caller's buffer is free again */
    uint8_t out[SOS_NET_FRAME_MAX], want[60];
    frame(want, 60, 7);
    assert_int_equal(dev_transmit(out), 60);
    assert_memory_equal(out, want, 60);
    assert_null(g_ops->poll(g_dev));
}

static void test_transmit_buffers_run_out(void **state)
{
    (void)state;
    probe_ok();
    static struct hal_dev_req w[33];
    for (unsigned i = 0; i < 33; i++)
        w[i] = write_req(SOS_NET_FRAME_MAX);
    for (unsigned i = 0; i < 32; i++) { /* every transmit buffer goes to the card */
        assert_int_equal(g_ops->submit(g_dev, &w[i]), 0);
        assert_ptr_equal(g_ops->poll(g_dev), &w[i]);
    }
    assert_int_equal(g_ops->submit(g_dev, &w[32]), SOS_ERR_SHOULD_WAIT);
    uint8_t out[SOS_NET_FRAME_MAX];
    assert_int_equal(dev_transmit(out), SOS_NET_FRAME_MAX); /* the card sends one */
    assert_int_equal(g_ops->submit(g_dev, &w[32]), 0);     /* room again */
    assert_ptr_equal(g_ops->poll(g_dev), &w[32]);
    for (unsigned i = 0; i < 32; i++)
        assert_int_equal(dev_transmit(out), SOS_NET_FRAME_MAX);
    assert_int_equal(dev_transmit(out), 0);
}

static void test_bad_requests(void **state)
{
    (void)state;
    probe_ok();
    struct hal_dev_req r = read_req();
    r.len = SOS_NET_FRAME_MAX - 1;
    assert_int_equal(g_ops->submit(g_dev, &r), SOS_ERR_BUFFER_TOO_SMALL);
    r = (struct hal_dev_req){.op = HAL_DEVOP_WRITE, .buf = (paddr_t)(uintptr_t)g_buf[1],
                             .len = SOS_NET_FRAME_MAX + 1};
    assert_int_equal(g_ops->submit(g_dev, &r), SOS_ERR_OUT_OF_RANGE);
    r.len = SOS_NET_FRAME_MIN - 1;
    assert_int_equal(g_ops->submit(g_dev, &r), SOS_ERR_OUT_OF_RANGE);
    r.op = HAL_DEVOP_FLUSH;
    assert_int_equal(g_ops->submit(g_dev, &r), SOS_ERR_NOT_SUPPORTED);
    assert_int_equal(g_f->q[1].avail[1], 0); /* nothing reached the device */
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_probe_and_info),
        T(test_probe_without_features),
        T(test_receive_in_order_and_refill),
        T(test_ring_full_when_nobody_reads),
        T(test_runt_frames_are_errors),
        T(test_transmit),
        T(test_transmit_buffers_run_out),
        T(test_bad_requests),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
