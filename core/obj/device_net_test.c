/*
 * core/obj/device_net_test.c - network devices through device_open, device_io and
 * object_get_info, on the test HAL's fake network device: sending and receiving frames,
 * a read that waits for the interrupt, NOWAIT reads and writes and the READABLE and
 * WRITABLE signals, a full transmit queue, counters, and every bad input.
 *
 * Layer: core tests.
 */
#include "th.h"

#include "kernel.h"

struct mem {
    sos_handle_t dev, vmo, extra;
    struct sos_device_io io;
    struct sos_info_net net;
    struct sos_info_device info;
    sos_signals_t seen;
    uint8_t frame[2048];
    uint8_t back[2048];
};
static struct mem *g;

TH_SETUP_UMEM(setup, g)
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, th_teardown)

static void open_net(void)
{
    assert_int_equal(u_device_open(th_root(), SOS_DEV_NET, 0, &g->dev), 0);
    assert_int_equal(u_vmo_create(8192, 0, &g->vmo), 0);
}

static int64_t io(uint32_t op, sos_handle_t vmo, uint64_t flags, uint64_t len)
{
    g->io = (struct sos_device_io){op, vmo, flags, 0, len};
    return u_device_io(g->dev, &g->io);
}

static void fill(size_t n, uint8_t seed)
{
    for (size_t i = 0; i < n; i++)
        g->frame[i] = (uint8_t)(i * 7 + seed);
}

static void info_net(void)
{
    assert_int_equal(u_object_get_info(g->dev, SOS_INFO_NET, &g->net, sizeof(g->net)),
                     (int64_t)sizeof(g->net));
}

static void test_open_and_info(void **state)
{
    (void)state;
    open_net();
    assert_int_equal(u_object_get_info(g->dev, SOS_INFO_DEVICE, &g->info, sizeof(g->info)),
                     (int64_t)sizeof(g->info));
    assert_int_equal(g->info.dev_class, SOS_DEV_NET);
    assert_int_equal(g->info.block_size, SOS_NET_FRAME_MAX);
    assert_string_equal(g->info.name, "fake-net0");
    info_net();
    assert_memory_equal(g->net.mac, "\x02\x00\x00\x00\x00\x01", 6);
    assert_int_equal(g->net.link_up, 1);
    assert_int_equal(g->net.frame_max, SOS_NET_FRAME_MAX);
    assert_int_equal(u_object_get_info(g->dev, SOS_INFO_NET, &g->net, 8), SOS_ERR_BUFFER_TOO_SMALL);
    /* a block device is not a network device */
    assert_int_equal(u_device_open(th_root(), SOS_DEV_BLOCK, 0, &g->extra), 0);
    assert_int_equal(u_object_get_info(g->extra, SOS_INFO_NET, &g->net, sizeof(g->net)),
                     SOS_ERR_WRONG_TYPE);
    assert_int_equal(u_device_open(th_root(), SOS_DEV_NET, 1, &g->extra), SOS_ERR_NOT_FOUND);
}

static void test_send(void **state)
{
    (void)state;
    open_net();
    info_net();
    uint64_t frames = g->net.tx_frames, bytes = g->net.tx_bytes;
    fill(60, 1);
    assert_int_equal(u_vmo_write(g->vmo, g->frame, 0, 60), 0);
    assert_int_equal(io(SOS_DEVICE_OP_WRITE, g->vmo, 0, 60), 60);
    assert_int_equal(th_fake_net.tx_len, 60);
    assert_memory_equal(th_fake_net.tx, g->frame, 60);
    fill(SOS_NET_FRAME_MAX, 2); /* the largest frame, without waiting */
    assert_int_equal(u_vmo_write(g->vmo, g->frame, 0, SOS_NET_FRAME_MAX), 0);
    assert_int_equal(io(SOS_DEVICE_OP_WRITE, g->vmo, SOS_NET_IO_NOWAIT, SOS_NET_FRAME_MAX),
                     SOS_NET_FRAME_MAX);
    assert_memory_equal(th_fake_net.tx, g->frame, SOS_NET_FRAME_MAX);
    info_net();
    assert_int_equal(g->net.tx_frames, frames + 2);
    assert_int_equal(g->net.tx_bytes, bytes + 60 + SOS_NET_FRAME_MAX);
}

static void test_receive_waits_for_the_interrupt(void **state)
{
    (void)state;
    open_net();
    info_net();
    uint64_t frames = g->net.rx_frames, bytes = g->net.rx_bytes;
    fill(100, 3);
    th_fake_net_arrive(g->frame, 100); /* on the wire: in at the next idle */
    assert_int_equal(io(SOS_DEVICE_OP_READ, g->vmo, 0, SOS_NET_FRAME_MAX), 100);
    assert_int_equal(u_vmo_read(g->vmo, g->back, 0, 100), 0);
    assert_memory_equal(g->back, g->frame, 100);
    info_net();
    assert_int_equal(g->net.rx_frames, frames + 1);
    assert_int_equal(g->net.rx_bytes, bytes + 100);
}

static void test_nowait_and_signals(void **state)
{
    (void)state;
    open_net();
    /* nothing queued: 0 at once, and READABLE drops */
    assert_int_equal(io(SOS_DEVICE_OP_READ, g->vmo, SOS_NET_IO_NOWAIT, 4096), 0);
    assert_int_equal(u_object_wait_one(g->dev, SOS_SIG_READABLE, 0, &g->seen), SOS_ERR_TIMED_OUT);
    assert_false(g->seen & SOS_SIG_READABLE);
    /* a frame arrives while we wait for the signal: the interrupt raises it */
    fill(42, 4);
    th_fake_net_arrive(g->frame, 42);
    assert_int_equal(u_object_wait_one(g->dev, SOS_SIG_READABLE, th_now() + 1000000000ll, &g->seen), 0);
    assert_true(g->seen & SOS_SIG_READABLE);
    assert_int_equal(io(SOS_DEVICE_OP_READ, g->vmo, SOS_NET_IO_NOWAIT, SOS_NET_FRAME_MAX), 42);
    assert_int_equal(u_vmo_read(g->vmo, g->back, 0, 42), 0);
    assert_memory_equal(g->back, g->frame, 42);
}

static void test_transmit_queue_full(void **state)
{
    (void)state;
    open_net();
    fill(64, 5);
    assert_int_equal(u_vmo_write(g->vmo, g->frame, 0, 64), 0);
    th_fake_net.tx_full = true;
    unsigned sent = th_fake_net.tx_count;
    assert_int_equal(io(SOS_DEVICE_OP_WRITE, g->vmo, SOS_NET_IO_NOWAIT, 64), SOS_ERR_SHOULD_WAIT);
    assert_int_equal(u_object_wait_one(g->dev, SOS_SIG_WRITABLE, 0, &g->seen), SOS_ERR_TIMED_OUT);
    assert_int_equal(th_fake_net.tx_count, sent);
    /* without NOWAIT the write waits for room (freed at the next idle) and goes out */
    assert_int_equal(io(SOS_DEVICE_OP_WRITE, g->vmo, 0, 64), 64);
    assert_int_equal(th_fake_net.tx_count, sent + 1);
    assert_int_equal(u_object_wait_one(g->dev, SOS_SIG_WRITABLE, 0, &g->seen), 0);
}

static void test_read_times_out(void **state)
{
    (void)state;
    open_net();
    int64_t t0 = th_now();
    assert_int_equal(io(SOS_DEVICE_OP_READ, g->vmo, 0, SOS_NET_FRAME_MAX), SOS_ERR_TIMED_OUT);
    assert_true(th_now() - t0 >= 30000000000ll);
}

static void test_bad_inputs(void **state)
{
    (void)state;
    open_net();
    unsigned submits = th_fake_net.submits;
    assert_int_equal(io(SOS_DEVICE_OP_WRITE, g->vmo, 0, SOS_NET_FRAME_MAX + 1), SOS_ERR_OUT_OF_RANGE);
    assert_int_equal(io(SOS_DEVICE_OP_WRITE, g->vmo, 0, 8000), SOS_ERR_OUT_OF_RANGE);
    assert_int_equal(io(SOS_DEVICE_OP_WRITE, g->vmo, 0, SOS_NET_FRAME_MIN - 1), SOS_ERR_INVALID_ARGS);
    assert_int_equal(io(SOS_DEVICE_OP_WRITE, g->vmo, 0, 0), SOS_ERR_INVALID_ARGS);
    assert_int_equal(io(SOS_DEVICE_OP_READ, g->vmo, 0, SOS_NET_FRAME_MAX - 1), SOS_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(io(SOS_DEVICE_OP_READ, g->vmo, 2, SOS_NET_FRAME_MAX), SOS_ERR_INVALID_ARGS);
    assert_int_equal(io(SOS_DEVICE_OP_WRITE, g->vmo, 1u << 31, 60), SOS_ERR_INVALID_ARGS);
    assert_int_equal(io(SOS_DEVICE_OP_FLUSH, 0, 0, 0), SOS_ERR_NOT_SUPPORTED);
    assert_int_equal(io(99, g->vmo, 0, 60), SOS_ERR_INVALID_ARGS);
    assert_int_equal(io(SOS_DEVICE_OP_WRITE, 0, 0, 60), SOS_ERR_BAD_HANDLE);
    assert_int_equal(io(SOS_DEVICE_OP_WRITE, th_root(), 0, 60), SOS_ERR_WRONG_TYPE);
    assert_int_equal(io(SOS_DEVICE_OP_READ, g->vmo, 0, 8192 + 1), SOS_ERR_OUT_OF_RANGE);
    g->io = (struct sos_device_io){SOS_DEVICE_OP_WRITE, g->vmo, 0, 8190, 60}; /* past the vmo */
    assert_int_equal(u_device_io(g->dev, &g->io), SOS_ERR_OUT_OF_RANGE);
    assert_int_equal(u_device_io(g->dev, (struct sos_device_io *)8), SOS_ERR_BAD_ADDRESS);
    /* rights: receiving needs READ on the device and WRITE on the vmo, sending the reverse */
    sos_handle_t ro = th_dup(g->dev, SOS_RIGHT_READ), vro = th_dup(g->vmo, SOS_RIGHT_READ);
    g->io = (struct sos_device_io){SOS_DEVICE_OP_WRITE, g->vmo, 0, 0, 60};
    assert_int_equal(u_device_io(ro, &g->io), SOS_ERR_ACCESS_DENIED);
    assert_int_equal(io(SOS_DEVICE_OP_READ, vro, 0, SOS_NET_FRAME_MAX), SOS_ERR_ACCESS_DENIED);
    assert_int_equal(th_fake_net.submits, submits); /* nothing above reached the device */
}

int main(void)
{
    th_fake_blk[0].present = true;
    th_fake_blk[1].present = true;
    th_fake_net.present = true;
    const struct CMUnitTest tests[] = {
        T(test_open_and_info),
        T(test_send),
        T(test_receive_waits_for_the_interrupt),
        T(test_nowait_and_signals),
        T(test_transmit_queue_full),
        T(test_read_times_out),
        T(test_bad_inputs),
    };
    return TH_RUN(tests);
}
