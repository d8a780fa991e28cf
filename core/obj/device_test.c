/*
 * core/obj/device_test.c - device objects, device_open and device_io on the test HAL's
 * fake block devices: success paths (interrupt-completed, instantly completed and
 * polled devices), every bad input, rights, a device that stays busy or never answers,
 * a killed caller, and counts back to where they were; and the fake audio output's
 * writes of whole frames.
 *
 * Layer: core tests.
 */
#include "th.h"

#include "kernel.h"

struct mem {
    sos_handle_t h[4];
    struct sos_device_io io;
    struct sos_info_device info;
    uint8_t buf[4096];
    uint8_t back[4096];
};
static struct mem *g;

TH_SETUP_UMEM(setup, g)
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, th_teardown)

static sos_handle_t open_blk(uint32_t index)
{
    assert_int_equal(u_device_open(th_root(), SOS_DEV_BLOCK, index, &g->h[0]), 0);
    return g->h[0];
}

static sos_handle_t make_vmo(void)
{
    assert_int_equal(u_vmo_create(8192, 0, &g->h[1]), 0);
    return g->h[1];
}

static int64_t io(sos_handle_t dev, uint32_t op, sos_handle_t vmo, uint64_t block, uint64_t voff,
                  uint64_t len)
{
    g->io = (struct sos_device_io){op, vmo, block, voff, len};
    return u_device_io(dev, &g->io);
}

static void test_open_and_info(void **state)
{
    (void)state;
    sos_handle_t d = open_blk(0);
    assert_int_equal(u_object_get_info(d, SOS_INFO_DEVICE, &g->info, sizeof(g->info)),
                     (int64_t)sizeof(g->info));
    assert_int_equal(g->info.dev_class, SOS_DEV_BLOCK);
    assert_int_equal(g->info.block_size, 512);
    assert_int_equal(g->info.block_count, 64);
    assert_string_equal(g->info.name, "fake-blk0");
    assert_int_equal(u_device_open(th_root(), SOS_DEV_ANY, 1, &g->h[2]), 0);
    assert_int_equal(u_object_get_info(g->h[2], SOS_INFO_DEVICE, &g->info, sizeof(g->info)),
                     (int64_t)sizeof(g->info));
    assert_string_equal(g->info.name, "fake-blk1");
    assert_int_equal(u_object_get_info(d, SOS_INFO_DEVICE, &g->info, 8), SOS_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(u_object_get_info(th_root(), SOS_INFO_DEVICE, &g->info, sizeof(g->info)),
                     SOS_ERR_WRONG_TYPE);
    assert_int_equal(u_handle_close(d), 0);
    assert_int_equal(u_handle_close(g->h[2]), 0);
}

static void test_open_bad_inputs(void **state)
{
    (void)state;
    assert_int_equal(u_device_open(th_root(), SOS_DEV_BLOCK, 2, &g->h[0]), SOS_ERR_NOT_FOUND);
    assert_int_equal(u_device_open(th_root(), SOS_DEV_NET, 0, &g->h[0]), SOS_ERR_NOT_FOUND);
    assert_int_equal(u_device_open(th_root(), 99, 0, &g->h[0]), SOS_ERR_INVALID_ARGS);
    assert_int_equal(u_device_open(th_root(), SOS_DEV_BLOCK, 0, (sos_handle_t *)8), SOS_ERR_BAD_ADDRESS);
    assert_int_equal(u_device_open(12345, SOS_DEV_BLOCK, 0, &g->h[0]), SOS_ERR_BAD_HANDLE);
    /* the root resource without MANAGE */
    assert_int_equal(u_handle_duplicate(th_root(), SOS_RIGHT_READ, &g->h[1]), 0);
    assert_int_equal(u_device_open(g->h[1], SOS_DEV_BLOCK, 0, &g->h[0]), SOS_ERR_ACCESS_DENIED);
    /* not a resource */
    make_vmo();
    assert_int_equal(u_device_open(g->h[1], SOS_DEV_BLOCK, 0, &g->h[0]), SOS_ERR_WRONG_TYPE);
}

static void roundtrip(uint32_t index)
{
    sos_handle_t d = open_blk(index), v = make_vmo();
    for (unsigned i = 0; i < 1024; i++)
        g->buf[i] = (uint8_t)(i * 5 + index);
    assert_int_equal(u_vmo_write(v, g->buf, 512, 1024), 0);
    unsigned before = th_fake_blk[index].submits;
    assert_int_equal(io(d, SOS_DEVICE_OP_WRITE, v, 10, 512, 1024), 1024);
    assert_memory_equal(th_fake_blk[index].data + 10 * 512, g->buf, 1024);
    assert_int_equal(io(d, SOS_DEVICE_OP_FLUSH, 0, 0, 0, 0), 0);
    assert_int_equal(io(d, SOS_DEVICE_OP_READ, v, 10, 4096, 1024), 1024);
    assert_int_equal(u_vmo_read(v, g->back, 4096, 1024), 0);
    assert_memory_equal(g->back, g->buf, 1024);
    assert_int_equal(th_fake_blk[index].submits, before + 3);
    assert_int_equal(u_handle_close(d), 0);
    assert_int_equal(u_handle_close(v), 0);
}

static void test_io_interrupt(void **state)
{
    (void)state;
    roundtrip(0);
}

static void test_io_polled(void **state)
{
    (void)state;
    int64_t t0 = th_now();
    roundtrip(1);
    assert_true(th_now() - t0 >= 3 * 1000000); /* each request waited for a 1 ms poll */
}

static void test_io_instant(void **state)
{
    (void)state;
    th_fake_blk[0].instant = true;
    int64_t t0 = th_now();
    roundtrip(0);
    th_fake_blk[0].instant = false;
    assert_int_equal(th_now(), t0); /* never waited */
}

static void test_io_large_is_chunked(void **state)
{
    (void)state;
    sos_handle_t d = open_blk(0);
    assert_int_equal(u_vmo_create(64 * 512, 0, &g->h[1]), 0);
    unsigned before = th_fake_blk[0].submits;
    assert_int_equal(io(d, SOS_DEVICE_OP_READ, g->h[1], 0, 0, 64 * 512), 64 * 512);
    assert_int_equal(th_fake_blk[0].submits, before + 1); /* 32 KiB: one chunk */
}

static void test_io_bad_inputs(void **state)
{
    (void)state;
    sos_handle_t d = open_blk(0), v = make_vmo();
    unsigned submits = th_fake_blk[0].submits;
    assert_int_equal(io(d, 0, v, 0, 0, 512), SOS_ERR_INVALID_ARGS);
    assert_int_equal(io(d, 9, v, 0, 0, 512), SOS_ERR_INVALID_ARGS);
    assert_int_equal(io(d, SOS_DEVICE_OP_READ, v, 0, 0, 0), SOS_ERR_INVALID_ARGS);
    assert_int_equal(io(d, SOS_DEVICE_OP_READ, v, 0, 0, 100), SOS_ERR_INVALID_ARGS);
    assert_int_equal(io(d, SOS_DEVICE_OP_READ, v, 0, 0, SOS_DEVICE_IO_MAX + 512), SOS_ERR_INVALID_ARGS);
    assert_int_equal(io(d, SOS_DEVICE_OP_READ, v, 64, 0, 512), SOS_ERR_OUT_OF_RANGE);
    assert_int_equal(io(d, SOS_DEVICE_OP_READ, v, 63, 0, 1024), SOS_ERR_OUT_OF_RANGE);
    assert_int_equal(io(d, SOS_DEVICE_OP_READ, v, UINT64_MAX, 0, 512), SOS_ERR_OUT_OF_RANGE);
    assert_int_equal(io(d, SOS_DEVICE_OP_READ, v, 0, 8192, 512), SOS_ERR_OUT_OF_RANGE);
    assert_int_equal(io(d, SOS_DEVICE_OP_READ, v, 0, UINT64_MAX - 100, 512), SOS_ERR_OUT_OF_RANGE);
    assert_int_equal(io(d, SOS_DEVICE_OP_READ, 999, 0, 0, 512), SOS_ERR_BAD_HANDLE);
    assert_int_equal(io(d, SOS_DEVICE_OP_READ, th_root(), 0, 0, 512), SOS_ERR_WRONG_TYPE);
    assert_int_equal(io(v, SOS_DEVICE_OP_READ, v, 0, 0, 512), SOS_ERR_WRONG_TYPE);
    assert_int_equal(io(0, SOS_DEVICE_OP_READ, v, 0, 0, 512), SOS_ERR_BAD_HANDLE);
    assert_int_equal(u_device_io(d, (struct sos_device_io *)8), SOS_ERR_BAD_ADDRESS);
    assert_int_equal(th_fake_blk[0].submits, submits); /* nothing above reached the device */
}

static void test_io_rights(void **state)
{
    (void)state;
    sos_handle_t d = open_blk(0), v = make_vmo();
    assert_int_equal(u_handle_duplicate(d, SOS_RIGHT_READ, &g->h[2]), 0); /* read-only device handle */
    assert_int_equal(io(g->h[2], SOS_DEVICE_OP_WRITE, v, 0, 0, 512), SOS_ERR_ACCESS_DENIED);
    assert_int_equal(io(g->h[2], SOS_DEVICE_OP_FLUSH, 0, 0, 0, 0), SOS_ERR_ACCESS_DENIED);
    assert_int_equal(io(g->h[2], SOS_DEVICE_OP_READ, v, 0, 0, 512), 512);
    assert_int_equal(u_handle_duplicate(v, SOS_RIGHT_READ, &g->h[3]), 0); /* read-only VMO */
    assert_int_equal(io(d, SOS_DEVICE_OP_READ, g->h[3], 0, 0, 512), SOS_ERR_ACCESS_DENIED);
    assert_int_equal(io(d, SOS_DEVICE_OP_WRITE, g->h[3], 0, 0, 512), 512);
}

static void test_io_device_errors(void **state)
{
    (void)state;
    sos_handle_t d = open_blk(0), v = make_vmo();
    th_fake_blk[0].fail_status = SOS_ERR_IO;
    assert_int_equal(io(d, SOS_DEVICE_OP_WRITE, v, 0, 0, 512), SOS_ERR_IO);
    th_fake_blk[0].busy = 3; /* the queue is full for a while: the core retries */
    assert_int_equal(io(d, SOS_DEVICE_OP_WRITE, v, 0, 0, 512), 512);
    assert_int_equal(th_fake_blk[0].busy, 0);
}

static void test_io_never_completes(void **state)
{
    (void)state;
    struct th_counts before;
    sos_handle_t d = open_blk(0), v = make_vmo();
    th_counts(&before);
    th_fake_blk[0].hold = true;
    int64_t t0 = th_now();
    assert_int_equal(io(d, SOS_DEVICE_OP_READ, v, 0, 0, 512), SOS_ERR_TIMED_OUT);
    assert_true(th_now() - t0 >= 30000000000ll);
    th_fake_blk[0].hold = false; /* it answers at last: the orphaned request is freed */
    th_sleep(1000000);
    th_assert_counts(&before);
    assert_int_equal(io(d, SOS_DEVICE_OP_READ, v, 0, 0, 512), 512); /* and the device still works */
}

static void killed_reader(void *arg)
{
    sos_handle_t *h = arg;
    static struct sos_device_io kio;
    kio = (struct sos_device_io){SOS_DEVICE_OP_READ, h[1], 0, 0, 512};
    u_device_io(h[0], &kio); /* killed while the device holds the request */
}

static void test_io_caller_killed(void **state)
{
    (void)state;
    sos_handle_t d = open_blk(0), v = make_vmo();
    th_fake_blk[0].hold = true;
    static sos_handle_t hs[2];
    hs[0] = d;
    hs[1] = v;
    sos_handle_t t = th_thread(killed_reader, hs);
    th_settle(); /* it blocks in device_io */
    assert_int_equal(u_thread_kill(t), 0);
    th_settle();
    assert_int_equal(u_handle_close(t), 0);
    assert_int_equal(u_handle_close(v), 0); /* the VMO may go while the request is out */
    th_fake_blk[0].hold = false;
    th_sleep(1000000);
    make_vmo();
    assert_int_equal(io(d, SOS_DEVICE_OP_READ, g->h[1], 0, 0, 512), 512);
    assert_int_equal(u_handle_close(g->h[1]), 0); /* no crash, no hang, the device works */
}

/* An audio device: its format in the info, writes of whole frames, nothing else. */
static void test_audio(void **state)
{
    (void)state;
    assert_int_equal(u_device_open(th_root(), SOS_DEV_AUDIO, 0, &g->h[0]), 0);
    sos_handle_t d = g->h[0], v = make_vmo();
    assert_int_equal(u_object_get_info(d, SOS_INFO_DEVICE, &g->info, sizeof(g->info)),
                     (int64_t)sizeof(g->info));
    assert_int_equal(g->info.dev_class, SOS_DEV_AUDIO);
    assert_int_equal(g->info.audio_rate, 48000);
    assert_int_equal(g->info.audio_channels, 2);
    assert_int_equal(g->info.audio_format, SOS_AUDIO_FMT_S16);
    assert_int_equal(g->info.block_size, 4);
    assert_string_equal(g->info.name, "fake-audio");
    for (int i = 0; i < 16; i++)
        g->buf[i] = (uint8_t)(i + 1);
    assert_int_equal(u_vmo_write(v, g->buf, 0, 16), 0);
    uint64_t before = th_fake_audio.bytes;
    assert_int_equal(io(d, SOS_DEVICE_OP_WRITE, v, 0, 0, 16), 16);
    assert_int_equal(th_fake_audio.bytes - before, 16);
    assert_memory_equal(th_fake_audio.data, g->buf, 16);
    assert_int_equal(io(d, SOS_DEVICE_OP_WRITE, v, 0, 0, 6), SOS_ERR_INVALID_ARGS); /* a frame and a half */
    assert_int_equal(io(d, SOS_DEVICE_OP_WRITE, v, 0, 0, 0), SOS_ERR_INVALID_ARGS);
    assert_int_equal(io(d, SOS_DEVICE_OP_WRITE, v, 1, 0, 16), SOS_ERR_INVALID_ARGS); /* block */
    assert_int_equal(io(d, SOS_DEVICE_OP_WRITE, v, 0, 0, SOS_DEVICE_IO_MAX + 4), SOS_ERR_INVALID_ARGS);
    assert_int_equal(io(d, SOS_DEVICE_OP_WRITE, v, 0, 8192, 16), SOS_ERR_OUT_OF_RANGE);
    assert_int_equal(io(d, SOS_DEVICE_OP_READ, v, 0, 0, 16), SOS_ERR_NOT_SUPPORTED);
    assert_int_equal(io(d, SOS_DEVICE_OP_FLUSH, v, 0, 0, 0), SOS_ERR_NOT_SUPPORTED);
    assert_int_equal(u_handle_duplicate(v, SOS_RIGHT_WRITE, &g->h[2]), 0); /* no READ */
    assert_int_equal(io(d, SOS_DEVICE_OP_WRITE, g->h[2], 0, 0, 16), SOS_ERR_ACCESS_DENIED);
    assert_int_equal(th_fake_audio.bytes - before, 16); /* nothing refused reached it */
}

int main(void)
{
    th_fake_blk[0].present = true;
    th_fake_blk[1].present = true;
    th_fake_audio.present = true;
    const struct CMUnitTest tests[] = {
        T(test_open_and_info),
        T(test_open_bad_inputs),
        T(test_io_interrupt),
        T(test_io_polled),
        T(test_io_instant),
        T(test_io_large_is_chunked),
        T(test_io_bad_inputs),
        T(test_io_rights),
        T(test_io_device_errors),
        T(test_io_never_completes),
        T(test_io_caller_killed),
        T(test_audio),
    };
    return TH_RUN(tests);
}
