/*
 * core/ipc/channel_test.c - channels: create, write/read of bytes and handles between
 * processes, the "nothing moves on error" rule for every write error, read errors that
 * leave the message queued, peer closing, READABLE/WRITABLE, and channel_call.
 */
#include "th.h"

#include "lib/kstring.h"

#define SEC 1000000000ll
#define MAXH SOS_CHANNEL_MAX_HANDLES

/* Per-test user memory of the test process (fresh for every test). */
struct ub {
    struct sos_chan_read rd;
    struct sos_chan_call call;
    struct sos_info_handle info;
    sos_signals_t sig;
    sos_handle_t h[2];
    sos_handle_t wh[MAXH + 2]; /* handles to write */
    sos_handle_t rh[MAXH + 2]; /* handles read */
    uint8_t wb[512];
    uint8_t rb[512];
};
static struct ub *g;

TH_SETUP_UMEM(setup, g)
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, th_teardown)

/* ---- helpers */

static void chan(sos_handle_t *a, sos_handle_t *b)
{
    assert_int_equal(u_channel_create(0, g->h), 0);
    *a = g->h[0];
    *b = g->h[1];
}

static uint32_t nhandles(void) { return th_proc_info(th_self()).handles; }

static int64_t wr(sos_handle_t ch, uint32_t nbytes, uint32_t nh)
{
    return u_channel_write(ch, g->wb, nbytes, g->wh, nh);
}

static void rd_reset(void)
{
    g->rd = (struct sos_chan_read){g->rb, g->rh, sizeof(g->rb), MAXH + 2, 0xdead, 0xbeef};
}

static int64_t rd(sos_handle_t ch)
{
    rd_reset();
    return u_channel_read(ch, &g->rd);
}

/* An empty queue at `ch`. */
static void assert_empty(sos_handle_t ch)
{
    assert_int_equal(rd(ch), SOS_ERR_SHOULD_WAIT);
}

static int64_t deadline(int64_t ns) { return th_now() + ns; }

/* ---- create */

static void test_create_two_linked_ends(void **state)
{
    (void)state;
    sos_handle_t a, b;
    chan(&a, &b);
    assert_int_not_equal(a, b);
    struct sos_info_handle ia = th_handle_info(a);
    sos_koid_t ka = ia.koid;
    assert_int_equal(ia.kind, SOS_OBJ_CHANNEL);
    sos_koid_t peer_a = ia.related_koid;
    sos_rights_t ra = ia.rights;
    struct sos_info_handle ib = th_handle_info(b);
    sos_koid_t kb = ib.koid;
    assert_int_equal(ib.related_koid, ka);
    assert_int_equal(peer_a, kb);
    assert_int_not_equal(ka, kb);
    sos_rights_t want = SOS_RIGHT_READ | SOS_RIGHT_WAIT | SOS_RIGHT_DUPLICATE |
                        SOS_RIGHT_TRANSFER | SOS_RIGHT_SEND | SOS_RIGHT_RECEIVE |
                        SOS_RIGHT_SIGNAL;
    assert_int_equal(ra, want);
    assert_int_equal(ib.rights, want);
    assert_int_equal(th_signals(a), SOS_SIG_WRITABLE);
    assert_int_equal(th_signals(b), SOS_SIG_WRITABLE);
}

static void test_create_bad_options(void **state)
{
    (void)state;
    struct th_counts before;
    th_counts(&before);
    assert_int_equal(u_channel_create(1, g->h), SOS_ERR_INVALID_ARGS);
    assert_int_equal(u_channel_create(0x80000000u, g->h), SOS_ERR_INVALID_ARGS);
    th_assert_counts(&before);
}

static void test_create_bad_out_pointer(void **state)
{
    (void)state;
    sos_handle_t local[2];
    uint32_t n = nhandles();
    struct th_counts before;
    th_counts(&before);
    assert_int_equal(u_channel_create(0, NULL), SOS_ERR_BAD_ADDRESS);
    assert_int_equal(u_channel_create(0, local), SOS_ERR_BAD_ADDRESS);
    th_assert_counts(&before);
    assert_int_equal(nhandles(), n);
}

static void test_create_handle_table_full(void **state)
{
    (void)state;
    sos_handle_t e = th_event();
    int64_t rc;
    uint32_t made = 0;
    sos_handle_t last = 0;
    while ((rc = u_handle_duplicate(e, SOS_RIGHT_SAME_RIGHTS, g->h)) == 0) {
        last = g->h[0];
        made++;
    }
    assert_int_equal(rc, SOS_ERR_NO_RESOURCES);
    assert_true(made > 16000);
    assert_int_equal(u_handle_close(last), 0); /* room for one handle: not enough */
    uint64_t chans = 0;
    struct th_counts c;
    th_counts(&c);
    chans = c.objects[SOS_OBJ_CHANNEL];
    assert_int_equal(u_channel_create(0, g->h), SOS_ERR_NO_RESOURCES);
    th_counts(&c);
    assert_int_equal(c.objects[SOS_OBJ_CHANNEL], chans);
    assert_int_equal(u_handle_close(e), 0); /* room for two */
    assert_int_equal(u_channel_create(0, g->h), 0);
}

/* ---- write and read */

static void test_roundtrip_bytes(void **state)
{
    (void)state;
    sos_handle_t a, b;
    chan(&a, &b);
    th_fill(g->wb, 100, 3);
    assert_int_equal(wr(a, 100, 0), 0);
    assert_int_equal(rd(b), 0);
    assert_int_equal(g->rd.actual_bytes, 100);
    assert_int_equal(g->rd.actual_handles, 0);
    assert_memory_equal(g->rb, g->wb, 100);
    assert_empty(b);
    /* and the other way */
    th_fill(g->wb, 7, 9);
    assert_int_equal(wr(b, 7, 0), 0);
    assert_int_equal(rd(a), 0);
    assert_int_equal(g->rd.actual_bytes, 7);
    assert_memory_equal(g->rb, g->wb, 7);
}

static void test_roundtrip_empty_message(void **state)
{
    (void)state;
    sos_handle_t a, b;
    chan(&a, &b);
    assert_int_equal(u_channel_write(a, NULL, 0, NULL, 0), 0);
    g->rd = (struct sos_chan_read){NULL, NULL, 0, 0, 77, 77};
    assert_int_equal(u_channel_read(b, &g->rd), 0);
    assert_int_equal(g->rd.actual_bytes, 0);
    assert_int_equal(g->rd.actual_handles, 0);
    assert_empty(b);
}

static void test_messages_in_order(void **state)
{
    (void)state;
    sos_handle_t a, b;
    chan(&a, &b);
    for (uint8_t i = 0; i < 10; i++) {
        g->wb[0] = i;
        assert_int_equal(wr(a, 1u + i, 0), 0);
    }
    for (uint8_t i = 0; i < 10; i++) {
        assert_int_equal(rd(b), 0);
        assert_int_equal(g->rd.actual_bytes, 1u + i);
        assert_int_equal(g->rb[0], i);
    }
    assert_empty(b);
}

/* The peer process: reads one message, reports it, writes it back. */
static struct {
    int64_t wait_rc, read_rc, write_rc, use_rc;
    uint32_t nbytes, nh;
    uint8_t bytes[64];
    sos_rights_t rights[4];
    sos_koid_t koids[4];
} g_echo;

static void echo_child(void *arg)
{
    (void)arg;
    sos_handle_t ch = th_child_handle(0);
    struct ub *u = th_umem(sizeof(*u));
    g_echo.wait_rc = u_object_wait_one(ch, SOS_SIG_READABLE, SOS_TIME_INFINITE, NULL);
    u->rd = (struct sos_chan_read){u->rb, u->rh, sizeof(u->rb), MAXH, 0, 0};
    g_echo.read_rc = u_channel_read(ch, &u->rd);
    g_echo.nbytes = u->rd.actual_bytes;
    g_echo.nh = u->rd.actual_handles;
    memcpy(g_echo.bytes, u->rb, sizeof(g_echo.bytes));
    for (uint32_t i = 0; i < u->rd.actual_handles && i < 4; i++) {
        u_object_get_info(u->rh[i], SOS_INFO_HANDLE, &u->info, sizeof(u->info));
        g_echo.rights[i] = u->info.rights;
        g_echo.koids[i] = u->info.koid;
    }
    if (u->rd.actual_handles) /* the first handle is an event: signal through it */
        g_echo.use_rc = u_object_signal(u->rh[0], 0, SOS_SIG_USER(1));
    for (uint32_t i = 0; i < u->rd.actual_bytes; i++)
        u->rb[i] ^= 0xff;
    g_echo.write_rc = u_channel_write(ch, u->rb, u->rd.actual_bytes, NULL, 0);
    u_object_wait_one(ch, SOS_SIG_PEER_CLOSED, SOS_TIME_INFINITE, NULL);
}

static void test_roundtrip_between_processes(void **state)
{
    (void)state;
    g_echo = (__typeof__(g_echo)){0};
    sos_handle_t a, b;
    chan(&a, &b);
    th_spawn("echo", echo_child, NULL, &b, 1);
    th_fill(g->wb, 40, 1);
    assert_int_equal(wr(a, 40, 0), 0);
    assert_int_equal(u_object_wait_one(a, SOS_SIG_READABLE, deadline(SEC), NULL), 0);
    assert_int_equal(g_echo.wait_rc, 0);
    assert_int_equal(g_echo.read_rc, 0);
    assert_int_equal(g_echo.nbytes, 40);
    assert_int_equal(g_echo.nh, 0);
    assert_memory_equal(g_echo.bytes, g->wb, 40);
    assert_int_equal(g_echo.write_rc, 0);
    assert_int_equal(rd(a), 0);
    assert_int_equal(g->rd.actual_bytes, 40);
    for (uint32_t i = 0; i < 40; i++)
        assert_int_equal(g->rb[i], (uint8_t)(g->wb[i] ^ 0xff));
}

static void test_handles_move_sender_loses_them(void **state)
{
    (void)state;
    sos_handle_t a, b;
    chan(&a, &b);
    sos_handle_t e1 = th_event(), e2 = th_event();
    sos_koid_t k1 = th_koid(e1), k2 = th_koid(e2);
    uint32_t n = nhandles();
    g->wh[0] = e1;
    g->wh[1] = e2;
    assert_int_equal(wr(a, 0, 2), 0);
    assert_int_equal(nhandles(), n - 2);
    assert_int_equal(u_object_get_info(e1, SOS_INFO_HANDLE, &g->info, sizeof(g->info)),
                     SOS_ERR_BAD_HANDLE);
    assert_int_equal(u_handle_close(e2), SOS_ERR_BAD_HANDLE);
    assert_int_equal(rd(b), 0);
    assert_int_equal(g->rd.actual_handles, 2);
    assert_int_equal(nhandles(), n);
    assert_int_equal(th_koid(g->rh[0]), k1);
    assert_int_equal(th_koid(g->rh[1]), k2);
    assert_int_equal(u_object_signal(g->rh[0], 0, SOS_SIG_SIGNALED), 0);
}

static void test_received_handle_same_rights_and_works(void **state)
{
    (void)state;
    g_echo = (__typeof__(g_echo)){0};
    sos_handle_t a, b;
    chan(&a, &b);
    sos_handle_t e = th_event();
    sos_rights_t r = SOS_RIGHT_SIGNAL | SOS_RIGHT_TRANSFER | SOS_RIGHT_READ;
    sos_handle_t d = th_dup(e, r);
    sos_koid_t k = th_koid(e);
    th_spawn("echo", echo_child, NULL, &b, 1);
    g->wh[0] = d;
    assert_int_equal(wr(a, 4, 1), 0);
    assert_int_equal(u_object_wait_one(e, SOS_SIG_USER(1), deadline(SEC), NULL), 0);
    assert_int_equal(g_echo.read_rc, 0);
    assert_int_equal(g_echo.nh, 1);
    assert_int_equal(g_echo.rights[0], r);
    assert_int_equal(g_echo.koids[0], k);
    assert_int_equal(g_echo.use_rc, 0);
    assert_int_equal(th_signals(e) & SOS_SIG_USER(1), SOS_SIG_USER(1));
}

static void test_max_handles_and_bytes_roundtrip(void **state)
{
    (void)state;
    sos_handle_t a, b;
    chan(&a, &b);
    uint8_t *big = th_umem(SOS_CHANNEL_MAX_BYTES);
    th_fill(big, SOS_CHANNEL_MAX_BYTES, 5);
    sos_handle_t e = th_event();
    for (uint32_t i = 0; i < MAXH; i++)
        g->wh[i] = th_dup(e, SOS_RIGHT_SAME_RIGHTS);
    assert_int_equal(u_channel_write(a, big, SOS_CHANNEL_MAX_BYTES, g->wh, MAXH), 0);
    uint8_t *in = th_umem(SOS_CHANNEL_MAX_BYTES);
    g->rd = (struct sos_chan_read){in, g->rh, SOS_CHANNEL_MAX_BYTES, MAXH, 0, 0};
    assert_int_equal(u_channel_read(b, &g->rd), 0);
    assert_int_equal(g->rd.actual_bytes, SOS_CHANNEL_MAX_BYTES);
    assert_int_equal(g->rd.actual_handles, MAXH);
    assert_memory_equal(in, big, SOS_CHANNEL_MAX_BYTES);
    sos_koid_t k = th_koid(e);
    for (uint32_t i = 0; i < MAXH; i++)
        assert_int_equal(th_koid(g->rh[i]), k);
}

/* ---- write errors: nothing moves */

/* e1 and e2 are still in the table with their koids; nothing reached the peer. */
static void assert_nothing_moved(sos_handle_t peer, sos_handle_t e1, sos_koid_t k1,
                                 sos_handle_t e2, sos_koid_t k2, uint32_t n)
{
    assert_int_equal(nhandles(), n);
    assert_int_equal(th_koid(e1), k1);
    assert_int_equal(th_koid(e2), k2);
    if (peer)
        assert_empty(peer);
}

struct wfix {
    sos_handle_t a, b, e1, e2;
    sos_koid_t k1, k2;
    uint32_t n;
};

static void wfix(struct wfix *f)
{
    chan(&f->a, &f->b);
    f->e1 = th_event();
    f->e2 = th_event();
    f->k1 = th_koid(f->e1);
    f->k2 = th_koid(f->e2);
    f->n = nhandles();
    g->wh[0] = f->e1;
    g->wh[1] = f->e2;
}

static void test_write_bad_handle_in_list(void **state)
{
    (void)state;
    struct wfix f;
    wfix(&f);
    g->wh[2] = 0x7777001u;
    assert_int_equal(wr(f.a, 8, 3), SOS_ERR_BAD_HANDLE);
    g->wh[2] = SOS_HANDLE_INVALID;
    assert_int_equal(wr(f.a, 8, 3), SOS_ERR_BAD_HANDLE);
    assert_nothing_moved(f.b, f.e1, f.k1, f.e2, f.k2, f.n);
}

static void test_write_handle_without_transfer(void **state)
{
    (void)state;
    struct wfix f;
    wfix(&f);
    sos_handle_t nt = th_dup(f.e1, SOS_RIGHT_WAIT | SOS_RIGHT_SIGNAL);
    f.n++;
    g->wh[0] = f.e1;
    g->wh[1] = f.e2;
    g->wh[2] = nt;
    assert_int_equal(wr(f.a, 8, 3), SOS_ERR_ACCESS_DENIED);
    assert_nothing_moved(f.b, f.e1, f.k1, f.e2, f.k2, f.n);
    assert_int_equal(th_koid(nt), f.k1);
}

static void test_write_duplicate_values(void **state)
{
    (void)state;
    struct wfix f;
    wfix(&f);
    g->wh[2] = f.e1;
    assert_int_equal(wr(f.a, 8, 3), SOS_ERR_INVALID_ARGS);
    assert_nothing_moved(f.b, f.e1, f.k1, f.e2, f.k2, f.n);
}

static void test_write_own_end(void **state)
{
    (void)state;
    struct wfix f;
    wfix(&f);
    g->wh[2] = f.a;
    assert_int_equal(wr(f.a, 8, 3), SOS_ERR_NOT_SUPPORTED);
    assert_nothing_moved(f.b, f.e1, f.k1, f.e2, f.k2, f.n);
    /* another handle to the same end is refused too */
    g->wh[2] = th_dup(f.a, SOS_RIGHT_SAME_RIGHTS);
    assert_int_equal(wr(f.a, 8, 3), SOS_ERR_NOT_SUPPORTED);
    assert_nothing_moved(f.b, f.e1, f.k1, f.e2, f.k2, f.n + 1);
}

static void test_write_peer_end(void **state)
{
    (void)state;
    struct wfix f;
    wfix(&f);
    g->wh[2] = f.b;
    assert_int_equal(wr(f.a, 8, 3), SOS_ERR_NOT_SUPPORTED);
    assert_nothing_moved(f.b, f.e1, f.k1, f.e2, f.k2, f.n);
    assert_int_equal(th_signals(f.b), SOS_SIG_WRITABLE);
}

static void test_write_oversize_bytes(void **state)
{
    (void)state;
    struct wfix f;
    wfix(&f);
    uint8_t *big = th_umem(SOS_CHANNEL_MAX_BYTES + 1);
    assert_int_equal(u_channel_write(f.a, big, SOS_CHANNEL_MAX_BYTES + 1, g->wh, 2),
                     SOS_ERR_OUT_OF_RANGE);
    assert_int_equal(u_channel_write(f.a, big, 0xffffffffu, g->wh, 2), SOS_ERR_OUT_OF_RANGE);
    assert_nothing_moved(f.b, f.e1, f.k1, f.e2, f.k2, f.n);
}

static void test_write_too_many_handles(void **state)
{
    (void)state;
    struct wfix f;
    wfix(&f);
    for (uint32_t i = 2; i < MAXH + 1; i++)
        g->wh[i] = th_dup(f.e1, SOS_RIGHT_SAME_RIGHTS);
    uint32_t n = nhandles();
    assert_int_equal(wr(f.a, 8, MAXH + 1), SOS_ERR_OUT_OF_RANGE);
    assert_nothing_moved(f.b, f.e1, f.k1, f.e2, f.k2, n);
    for (uint32_t i = 2; i < MAXH + 1; i++)
        assert_int_equal(th_koid(g->wh[i]), f.k1);
}

static void test_queue_full_by_count(void **state)
{
    (void)state;
    struct wfix f;
    wfix(&f);
    for (uint32_t i = 0; i < SOS_CHANNEL_MAX_MSGS; i++)
        assert_int_equal(wr(f.a, 1, 0), 0);
    assert_int_equal(wr(f.a, 1, 2), SOS_ERR_QUEUE_FULL);
    assert_int_equal(wr(f.a, 0, 0), SOS_ERR_QUEUE_FULL);
    assert_nothing_moved(0, f.e1, f.k1, f.e2, f.k2, f.n);
    /* reading one makes room for exactly one */
    assert_int_equal(rd(f.b), 0);
    assert_int_equal(wr(f.a, 1, 2), 0);
    assert_int_equal(wr(f.a, 1, 0), SOS_ERR_QUEUE_FULL);
}

static void test_queue_full_by_bytes(void **state)
{
    (void)state;
    struct wfix f;
    wfix(&f);
    uint8_t *big = th_umem(SOS_CHANNEL_MAX_BYTES);
    uint32_t per = SOS_CHANNEL_MAX_QUEUED / SOS_CHANNEL_MAX_BYTES;
    for (uint32_t i = 0; i < per; i++)
        assert_int_equal(u_channel_write(f.a, big, SOS_CHANNEL_MAX_BYTES, NULL, 0), 0);
    assert_int_equal(u_channel_write(f.a, big, 1, g->wh, 2), SOS_ERR_QUEUE_FULL);
    assert_nothing_moved(0, f.e1, f.k1, f.e2, f.k2, f.n);
    /* a message that just fits after one 64 KiB read */
    uint8_t *in = th_umem(SOS_CHANNEL_MAX_BYTES);
    g->rd = (struct sos_chan_read){in, g->rh, SOS_CHANNEL_MAX_BYTES, MAXH, 0, 0};
    assert_int_equal(u_channel_read(f.b, &g->rd), 0);
    assert_int_equal(u_channel_write(f.a, big, SOS_CHANNEL_MAX_BYTES - 1, NULL, 0), 0);
    assert_int_equal(u_channel_write(f.a, big, 2, NULL, 0), SOS_ERR_QUEUE_FULL);
    assert_int_equal(u_channel_write(f.a, big, 1, NULL, 0), 0);
}

static void test_write_peer_closed(void **state)
{
    (void)state;
    struct wfix f;
    wfix(&f);
    assert_int_equal(u_handle_close(f.b), 0);
    f.n--;
    assert_int_equal(wr(f.a, 8, 2), SOS_ERR_PEER_CLOSED);
    assert_nothing_moved(0, f.e1, f.k1, f.e2, f.k2, f.n);
}

static void test_write_bad_bytes_pointer(void **state)
{
    (void)state;
    struct wfix f;
    wfix(&f);
    uint8_t local[16];
    assert_int_equal(u_channel_write(f.a, local, sizeof(local), g->wh, 2), SOS_ERR_BAD_ADDRESS);
    assert_int_equal(u_channel_write(f.a, NULL, 4, g->wh, 2), SOS_ERR_BAD_ADDRESS);
    /* a range that runs off the end of the mapping */
    uint8_t *page = th_umem(4096);
    assert_int_equal(u_channel_write(f.a, page + 4000, 4096, g->wh, 2), SOS_ERR_BAD_ADDRESS);
    assert_nothing_moved(f.b, f.e1, f.k1, f.e2, f.k2, f.n);
}

static void test_write_bad_handles_pointer(void **state)
{
    (void)state;
    struct wfix f;
    wfix(&f);
    sos_handle_t local[2] = {f.e1, f.e2};
    assert_int_equal(u_channel_write(f.a, g->wb, 8, local, 2), SOS_ERR_BAD_ADDRESS);
    assert_int_equal(u_channel_write(f.a, g->wb, 8, NULL, 2), SOS_ERR_BAD_ADDRESS);
    assert_nothing_moved(f.b, f.e1, f.k1, f.e2, f.k2, f.n);
}

static void test_write_wrong_type(void **state)
{
    (void)state;
    struct wfix f;
    wfix(&f);
    assert_int_equal(wr(f.e1, 8, 0), SOS_ERR_WRONG_TYPE);
    g->wh[0] = f.e2;
    assert_int_equal(wr(th_self(), 8, 1), SOS_ERR_WRONG_TYPE);
    assert_nothing_moved(f.b, f.e1, f.k1, f.e2, f.k2, f.n);
}

static void test_write_without_send(void **state)
{
    (void)state;
    struct wfix f;
    wfix(&f);
    sos_handle_t ro = th_dup(f.a, SOS_RIGHT_RECEIVE | SOS_RIGHT_WAIT);
    f.n++;
    assert_int_equal(wr(ro, 8, 2), SOS_ERR_ACCESS_DENIED);
    assert_nothing_moved(f.b, f.e1, f.k1, f.e2, f.k2, f.n);
}

static void test_write_stale_handle(void **state)
{
    (void)state;
    struct wfix f;
    wfix(&f);
    sos_handle_t d = th_dup(f.a, SOS_RIGHT_SAME_RIGHTS);
    assert_int_equal(u_handle_close(d), 0);
    assert_int_equal(wr(d, 8, 2), SOS_ERR_BAD_HANDLE);
    assert_nothing_moved(f.b, f.e1, f.k1, f.e2, f.k2, f.n);
}

static void test_write_revoked_channel_handle(void **state)
{
    (void)state;
    struct wfix f;
    wfix(&f);
    sos_handle_t r, m;
    assert_int_equal(u_revoker_create(g->h), 0);
    r = g->h[0];
    assert_int_equal(u_handle_mint(f.a, r, SOS_RIGHT_SAME_RIGHTS, g->h), 0);
    m = g->h[0];
    assert_int_equal(u_revoker_revoke(r), 0);
    assert_int_equal(wr(m, 8, 2), SOS_ERR_REVOKED);
    assert_nothing_moved(f.b, f.e1, f.k1, f.e2, f.k2, f.n + 2);
}

static void test_write_revoked_handle_in_list(void **state)
{
    (void)state;
    struct wfix f;
    wfix(&f);
    assert_int_equal(u_revoker_create(g->h), 0);
    sos_handle_t r = g->h[0];
    assert_int_equal(u_handle_mint(f.e1, r, SOS_RIGHT_SAME_RIGHTS, g->h), 0);
    sos_handle_t m = g->h[0];
    assert_int_equal(u_revoker_revoke(r), 0);
    g->wh[2] = m;
    assert_int_equal(wr(f.a, 8, 3), SOS_ERR_REVOKED);
    assert_nothing_moved(f.b, f.e1, f.k1, f.e2, f.k2, f.n + 2);
    assert_int_equal(u_handle_close(m), 0);
}

/* ---- read errors */

static void test_read_empty_should_wait(void **state)
{
    (void)state;
    sos_handle_t a, b;
    chan(&a, &b);
    assert_int_equal(rd(b), SOS_ERR_SHOULD_WAIT);
    assert_int_equal(g->rd.actual_bytes, 0);
    assert_int_equal(g->rd.actual_handles, 0);
    assert_int_equal(rd(a), SOS_ERR_SHOULD_WAIT);
}

static void test_read_peer_closed_after_drain(void **state)
{
    (void)state;
    sos_handle_t a, b;
    chan(&a, &b);
    g->wb[0] = 42;
    assert_int_equal(wr(a, 1, 0), 0);
    assert_int_equal(wr(a, 2, 0), 0);
    assert_int_equal(u_handle_close(a), 0);
    assert_int_equal(rd(b), 0); /* queued messages are still delivered */
    assert_int_equal(g->rb[0], 42);
    assert_int_equal(rd(b), 0);
    assert_int_equal(g->rd.actual_bytes, 2);
    assert_int_equal(rd(b), SOS_ERR_PEER_CLOSED);
    assert_int_equal(rd(b), SOS_ERR_PEER_CLOSED);
}

static void test_read_bytes_too_small_keeps_message(void **state)
{
    (void)state;
    sos_handle_t a, b;
    chan(&a, &b);
    sos_handle_t e = th_event();
    sos_koid_t k = th_koid(e);
    th_fill(g->wb, 50, 1);
    g->wh[0] = e;
    assert_int_equal(wr(a, 50, 1), 0);
    uint32_t n = nhandles();
    g->rd = (struct sos_chan_read){g->rb, g->rh, 49, 4, 0, 0};
    assert_int_equal(u_channel_read(b, &g->rd), SOS_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(g->rd.actual_bytes, 50);
    assert_int_equal(g->rd.actual_handles, 1);
    assert_int_equal(nhandles(), n);
    assert_int_equal(th_signals(b) & SOS_SIG_READABLE, SOS_SIG_READABLE);
    assert_int_equal(rd(b), 0);
    assert_int_equal(g->rd.actual_bytes, 50);
    assert_memory_equal(g->rb, g->wb, 50);
    assert_int_equal(th_koid(g->rh[0]), k);
}

static void test_read_handles_too_small_keeps_message(void **state)
{
    (void)state;
    sos_handle_t a, b;
    chan(&a, &b);
    g->wh[0] = th_event();
    g->wh[1] = th_event();
    assert_int_equal(wr(a, 3, 2), 0);
    uint32_t n = nhandles();
    g->rd = (struct sos_chan_read){g->rb, g->rh, sizeof(g->rb), 1, 0, 0};
    assert_int_equal(u_channel_read(b, &g->rd), SOS_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(g->rd.actual_bytes, 3);
    assert_int_equal(g->rd.actual_handles, 2);
    assert_int_equal(nhandles(), n);
    g->rd = (struct sos_chan_read){g->rb, g->rh, sizeof(g->rb), 0, 0, 0};
    assert_int_equal(u_channel_read(b, &g->rd), SOS_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(rd(b), 0);
    assert_int_equal(g->rd.actual_handles, 2);
    assert_int_equal(nhandles(), n + 2);
}

static void test_read_bad_bytes_pointer_keeps_message(void **state)
{
    (void)state;
    sos_handle_t a, b;
    chan(&a, &b);
    g->wh[0] = th_event();
    th_fill(g->wb, 20, 2);
    assert_int_equal(wr(a, 20, 1), 0);
    uint32_t n = nhandles();
    uint8_t local[64];
    g->rd = (struct sos_chan_read){local, g->rh, sizeof(local), MAXH, 0, 0};
    assert_int_equal(u_channel_read(b, &g->rd), SOS_ERR_BAD_ADDRESS);
    g->rd = (struct sos_chan_read){NULL, g->rh, sizeof(local), MAXH, 0, 0};
    assert_int_equal(u_channel_read(b, &g->rd), SOS_ERR_BAD_ADDRESS);
    assert_int_equal(nhandles(), n);
    assert_int_equal(rd(b), 0);
    assert_memory_equal(g->rb, g->wb, 20);
    assert_int_equal(g->rd.actual_handles, 1);
}

static void test_read_bad_handles_pointer_keeps_message(void **state)
{
    (void)state;
    sos_handle_t a, b;
    chan(&a, &b);
    sos_handle_t e = th_event();
    sos_koid_t k = th_koid(e);
    g->wh[0] = e;
    g->wh[1] = th_event();
    assert_int_equal(wr(a, 5, 2), 0);
    uint32_t n = nhandles();
    sos_handle_t local[4];
    g->rd = (struct sos_chan_read){g->rb, local, sizeof(g->rb), 4, 0, 0};
    assert_int_equal(u_channel_read(b, &g->rd), SOS_ERR_BAD_ADDRESS);
    g->rd = (struct sos_chan_read){g->rb, NULL, sizeof(g->rb), 4, 0, 0};
    assert_int_equal(u_channel_read(b, &g->rd), SOS_ERR_BAD_ADDRESS);
    assert_int_equal(nhandles(), n); /* no handle was left installed */
    assert_int_equal(rd(b), 0);
    assert_int_equal(g->rd.actual_handles, 2);
    assert_int_equal(th_koid(g->rh[0]), k);
    assert_int_equal(nhandles(), n + 2);
}

static void test_read_handle_table_full_keeps_message(void **state)
{
    (void)state;
    sos_handle_t a, b;
    chan(&a, &b);
    sos_handle_t e = th_event();
    sos_koid_t k = th_koid(e);
    g->wh[0] = e;
    g->wh[1] = th_dup(e, SOS_RIGHT_SAME_RIGHTS);
    assert_int_equal(wr(a, 9, 2), 0);
    sos_handle_t filler = th_event();
    sos_handle_t last = 0;
    while (u_handle_duplicate(filler, SOS_RIGHT_SAME_RIGHTS, g->h) == 0)
        last = g->h[0];
    assert_int_equal(u_handle_close(last), 0); /* room for one of the two */
    uint32_t n = nhandles();
    assert_int_equal(rd(b), SOS_ERR_NO_RESOURCES);
    assert_int_equal(nhandles(), n);
    assert_int_equal(th_signals(b) & SOS_SIG_READABLE, SOS_SIG_READABLE);
    assert_int_equal(u_handle_close(filler), 0);
    assert_int_equal(rd(b), 0);
    assert_int_equal(g->rd.actual_handles, 2);
    assert_int_equal(th_koid(g->rh[0]), k);
    assert_int_equal(th_koid(g->rh[1]), k);
}

static void test_read_bad_struct_pointer(void **state)
{
    (void)state;
    sos_handle_t a, b;
    chan(&a, &b);
    assert_int_equal(wr(a, 5, 0), 0);
    struct sos_chan_read local = {0};
    assert_int_equal(u_channel_read(b, &local), SOS_ERR_BAD_ADDRESS);
    assert_int_equal(u_channel_read(b, NULL), SOS_ERR_BAD_ADDRESS);
    assert_int_equal(rd(b), 0);
    assert_int_equal(g->rd.actual_bytes, 5);
}

static void test_read_without_receive(void **state)
{
    (void)state;
    sos_handle_t a, b;
    chan(&a, &b);
    assert_int_equal(wr(a, 5, 0), 0);
    sos_handle_t wo = th_dup(b, SOS_RIGHT_SEND | SOS_RIGHT_WAIT);
    assert_int_equal(rd(wo), SOS_ERR_ACCESS_DENIED);
    assert_int_equal(rd(th_event()), SOS_ERR_WRONG_TYPE);
    assert_int_equal(rd(b), 0);
}

/* ---- closing */

static void test_close_raises_peer_closed(void **state)
{
    (void)state;
    sos_handle_t a, b;
    chan(&a, &b);
    assert_int_equal(wr(b, 1, 0), 0);
    assert_int_equal(th_signals(a), SOS_SIG_WRITABLE | SOS_SIG_READABLE);
    assert_int_equal(u_handle_close(b), 0);
    assert_int_equal(th_signals(a), SOS_SIG_PEER_CLOSED | SOS_SIG_READABLE);
    struct sos_info_handle ia = th_handle_info(a);
    assert_int_equal(ia.koid != 0, 1);
    assert_int_equal(ia.related_koid, 0);
}

static void test_close_last_handle_only(void **state)
{
    (void)state;
    sos_handle_t a, b;
    chan(&a, &b);
    sos_handle_t b2 = th_dup(b, SOS_RIGHT_SAME_RIGHTS);
    assert_int_equal(u_handle_close(b), 0);
    assert_int_equal(th_signals(a), SOS_SIG_WRITABLE);
    assert_int_equal(wr(a, 1, 0), 0);
    assert_int_equal(u_handle_close(b2), 0);
    assert_int_equal(th_signals(a), SOS_SIG_PEER_CLOSED);
}

static void test_close_frees_queued_handles(void **state)
{
    (void)state;
    sos_handle_t a, b;
    chan(&a, &b);
    struct th_counts before;
    th_counts(&before);
    for (int m = 0; m < 3; m++) {
        for (int i = 0; i < 4; i++)
            g->wh[i] = th_event();
        assert_int_equal(wr(a, 16, 4), 0);
    }
    struct th_counts mid;
    th_counts(&mid);
    assert_int_equal(mid.objects[SOS_OBJ_EVENT], before.objects[SOS_OBJ_EVENT] + 12);
    assert_int_equal(mid.handles, before.handles + 12);
    assert_int_equal(u_handle_close(b), 0);
    struct th_counts after;
    th_counts(&after);
    assert_int_equal(after.objects[SOS_OBJ_EVENT], before.objects[SOS_OBJ_EVENT]);
    assert_int_equal(after.handles, before.handles - 1);
    assert_int_equal(after.objects[SOS_OBJ_CHANNEL], before.objects[SOS_OBJ_CHANNEL] - 1);
}

static void test_closing_both_ends_frees_everything(void **state)
{
    (void)state;
    sos_handle_t a, b;
    chan(&a, &b); /* warm the caches */
    g->wh[0] = th_event();
    assert_int_equal(wr(a, 100, 1), 0);
    assert_int_equal(u_handle_close(a), 0);
    assert_int_equal(u_handle_close(b), 0);
    struct th_counts before;
    th_counts(&before);
    for (int i = 0; i < 200; i++) {
        chan(&a, &b);
        g->wh[0] = th_event();
        g->wh[1] = th_event();
        assert_int_equal(wr(a, 100, 2), 0);
        assert_int_equal(wr(b, 10, 0), 0);
        if (i & 1) {
            assert_int_equal(rd(b), 0);
            assert_int_equal(u_handle_close(g->rh[0]), 0);
            assert_int_equal(u_handle_close(g->rh[1]), 0);
        }
        assert_int_equal(u_handle_close(a), 0);
        assert_int_equal(u_handle_close(b), 0);
    }
    th_assert_counts(&before);
}

static struct {
    int64_t rc;
    sos_signals_t seen;
    int64_t when;
} g_waiter;

static void peer_closed_waiter(void *arg)
{
    (void)arg;
    struct ub *u = th_umem(sizeof(*u));
    g_waiter.rc = u_object_wait_one(th_child_handle(0), SOS_SIG_PEER_CLOSED,
                                    SOS_TIME_INFINITE, &u->sig);
    g_waiter.seen = u->sig;
    g_waiter.when = th_now();
}

static void test_close_wakes_waiter_in_other_process(void **state)
{
    (void)state;
    g_waiter.rc = 1;
    sos_handle_t a, b;
    chan(&a, &b);
    th_spawn("waiter", peer_closed_waiter, NULL, &b, 1);
    th_settle();
    assert_int_equal(g_waiter.rc, 1); /* still waiting */
    th_sleep(5000);
    int64_t t = th_now();
    assert_int_equal(u_handle_close(a), 0);
    th_settle();
    assert_int_equal(g_waiter.rc, 0);
    assert_int_equal(g_waiter.seen, SOS_SIG_PEER_CLOSED);
    assert_int_equal(g_waiter.when, t);
}

/* ---- signals */

static void test_readable_follows_queue(void **state)
{
    (void)state;
    sos_handle_t a, b;
    chan(&a, &b);
    assert_int_equal(th_signals(b) & SOS_SIG_READABLE, 0);
    assert_int_equal(wr(a, 1, 0), 0);
    assert_int_equal(wr(a, 1, 0), 0);
    assert_int_equal(th_signals(b) & SOS_SIG_READABLE, SOS_SIG_READABLE);
    assert_int_equal(th_signals(a) & SOS_SIG_READABLE, 0);
    assert_int_equal(rd(b), 0);
    assert_int_equal(th_signals(b) & SOS_SIG_READABLE, SOS_SIG_READABLE);
    assert_int_equal(rd(b), 0);
    assert_int_equal(th_signals(b) & SOS_SIG_READABLE, 0);
}

static void test_writable_clears_when_full_by_count(void **state)
{
    (void)state;
    sos_handle_t a, b;
    chan(&a, &b);
    for (uint32_t i = 0; i < SOS_CHANNEL_MAX_MSGS - 1; i++)
        assert_int_equal(wr(a, 1, 0), 0);
    assert_int_equal(th_signals(a) & SOS_SIG_WRITABLE, SOS_SIG_WRITABLE);
    assert_int_equal(wr(a, 1, 0), 0);
    assert_int_equal(th_signals(a) & SOS_SIG_WRITABLE, 0);
    assert_int_equal(th_signals(b) & SOS_SIG_WRITABLE, SOS_SIG_WRITABLE); /* a's queue is empty */
    assert_int_equal(rd(b), 0);
    assert_int_equal(th_signals(a) & SOS_SIG_WRITABLE, SOS_SIG_WRITABLE);
}

static void test_writable_clears_when_full_by_bytes(void **state)
{
    (void)state;
    sos_handle_t a, b;
    chan(&a, &b);
    uint8_t *big = th_umem(SOS_CHANNEL_MAX_BYTES);
    uint32_t per = SOS_CHANNEL_MAX_QUEUED / SOS_CHANNEL_MAX_BYTES;
    for (uint32_t i = 0; i < per; i++) {
        assert_int_equal(th_signals(a) & SOS_SIG_WRITABLE, SOS_SIG_WRITABLE);
        assert_int_equal(u_channel_write(a, big, SOS_CHANNEL_MAX_BYTES, NULL, 0), 0);
    }
    /* the queue holds SOS_CHANNEL_MAX_QUEUED bytes: no byte more fits */
    assert_int_equal(u_channel_write(a, big, 1, NULL, 0), SOS_ERR_QUEUE_FULL);
    assert_int_equal(th_signals(a) & SOS_SIG_WRITABLE, 0);
    uint8_t *in = th_umem(SOS_CHANNEL_MAX_BYTES);
    g->rd = (struct sos_chan_read){in, NULL, SOS_CHANNEL_MAX_BYTES, 0, 0, 0};
    assert_int_equal(u_channel_read(b, &g->rd), 0);
    assert_int_equal(th_signals(a) & SOS_SIG_WRITABLE, SOS_SIG_WRITABLE);
}

struct wake_writer {
    int64_t rc, when;
};
static struct wake_writer g_ww;

static void writable_waiter(void *arg)
{
    sos_handle_t ch = (sos_handle_t)(uintptr_t)arg;
    g_ww.rc = u_object_wait_one(ch, SOS_SIG_WRITABLE, SOS_TIME_INFINITE, NULL);
    g_ww.when = th_now();
}

static void test_writable_wakes_blocked_writer(void **state)
{
    (void)state;
    g_ww.rc = 1;
    sos_handle_t a, b;
    chan(&a, &b);
    for (uint32_t i = 0; i < SOS_CHANNEL_MAX_MSGS; i++)
        assert_int_equal(wr(a, 1, 0), 0);
    th_thread(writable_waiter, (void *)(uintptr_t)a);
    th_sleep(1000);
    assert_int_equal(g_ww.rc, 1);
    int64_t t = th_now();
    assert_int_equal(rd(b), 0);
    th_settle();
    assert_int_equal(g_ww.rc, 0);
    assert_int_equal(g_ww.when, t);
}

/* ---- channel_call */

enum srv_mode { SRV_REPLY, SRV_CLOSE, SRV_BIG, SRV_LATE, SRV_CALL_BACK, SRV_HANDLES };

static struct {
    int64_t wait_rc, read_rc, write_rc, call_rc;
    uint32_t txid, nbytes, nh;
    uint8_t req[16];
    sos_koid_t hkoid;
    uint32_t reply_txid;
} g_srv;

static void server(void *arg)
{
    enum srv_mode mode = (enum srv_mode)(uintptr_t)arg;
    sos_handle_t ch = th_child_handle(0);
    struct ub *u = th_umem(sizeof(*u));
    if (mode == SRV_CALL_BACK) { /* call the client while it calls us */
        u->wb[0] = 1;
        u->call = (struct sos_chan_call){u->wb, NULL, 8, 0,
                                         {u->rb, u->rh, sizeof(u->rb), MAXH, 0, 0}};
        g_srv.call_rc = u_channel_call(ch, th_now() + 1000000, &u->call);
        memcpy(&g_srv.reply_txid, u->rb, 4);
        return;
    }
    g_srv.wait_rc = u_object_wait_one(ch, SOS_SIG_READABLE, SOS_TIME_INFINITE, NULL);
    u->rd = (struct sos_chan_read){u->rb, u->rh, sizeof(u->rb), MAXH, 0, 0};
    g_srv.read_rc = u_channel_read(ch, &u->rd);
    g_srv.nbytes = u->rd.actual_bytes;
    g_srv.nh = u->rd.actual_handles;
    memcpy(&g_srv.txid, u->rb, 4);
    memcpy(g_srv.req, u->rb, sizeof(g_srv.req));
    if (u->rd.actual_handles) {
        u_object_get_info(u->rh[0], SOS_INFO_HANDLE, &u->info, sizeof(u->info));
        g_srv.hkoid = u->info.koid;
    }
    if (mode == SRV_CLOSE) {
        u_thread_sleep(th_now() + 3000);
        return; /* the process ends: its end closes */
    }
    if (mode == SRV_LATE)
        u_thread_sleep(th_now() + 2000000);
    uint32_t n = mode == SRV_BIG ? 300 : 12;
    memcpy(u->wb, &g_srv.txid, 4);
    for (uint32_t i = 4; i < n; i++)
        u->wb[i] = (uint8_t)(0x50 + i);
    uint32_t nh = 0;
    if (mode == SRV_HANDLES) {
        u_event_create(0, u->wh);
        nh = 1;
    }
    g_srv.write_rc = u_channel_write(ch, u->wb, n, u->wh, nh);
    u_object_wait_one(ch, SOS_SIG_PEER_CLOSED, SOS_TIME_INFINITE, NULL);
}

static void start_server(sos_handle_t *a, enum srv_mode mode)
{
    g_srv = (__typeof__(g_srv)){.wait_rc = 1, .read_rc = 1, .write_rc = 1, .call_rc = 1};
    sos_handle_t b;
    chan(a, &b);
    th_spawn("server", server, (void *)(uintptr_t)mode, &b, 1);
}

static void call_setup(uint32_t nbytes, uint32_t nh, uint32_t rcap)
{
    g->wb[0] = g->wb[1] = g->wb[2] = g->wb[3] = 0;
    for (uint32_t i = 4; i < nbytes; i++)
        g->wb[i] = (uint8_t)i;
    g->call = (struct sos_chan_call){g->wb, g->wh, nbytes, nh,
                                     {g->rb, g->rh, rcap, MAXH, 0, 0}};
}

static void test_call_roundtrip(void **state)
{
    (void)state;
    sos_handle_t a;
    start_server(&a, SRV_REPLY);
    call_setup(10, 0, sizeof(g->rb));
    int64_t t = th_now();
    assert_int_equal(u_channel_call(a, t + SEC, &g->call), 0);
    assert_int_equal(th_now(), t); /* no time passed: the server ran at once */
    assert_int_equal(g_srv.read_rc, 0);
    assert_int_equal(g_srv.nbytes, 10);
    assert_memory_equal(g_srv.req + 4, g->wb + 4, 6);
    assert_int_equal(g->call.rd.actual_bytes, 12);
    assert_int_equal(g->call.rd.actual_handles, 0);
    for (uint32_t i = 4; i < 12; i++)
        assert_int_equal(g->rb[i], (uint8_t)(0x50 + i));
    assert_empty(a);
}

static void test_call_txid_stamped_by_kernel(void **state)
{
    (void)state;
    sos_handle_t a;
    start_server(&a, SRV_REPLY);
    call_setup(8, 0, sizeof(g->rb));
    g->wb[0] = 0x11; /* whatever the caller puts there is replaced */
    g->wb[3] = 0x22;
    assert_int_equal(u_channel_call(a, th_now() + SEC, &g->call), 0);
    assert_true(g_srv.txid & 0x80000000u);
    uint32_t reply_txid;
    memcpy(&reply_txid, g->rb, 4);
    assert_int_equal(reply_txid, g_srv.txid);
    assert_int_equal(g->wb[0], 0x11); /* the caller's buffer is not written */
}

static void test_call_txids_differ(void **state)
{
    (void)state;
    sos_handle_t a, b;
    chan(&a, &b);
    call_setup(4, 0, sizeof(g->rb));
    assert_int_equal(u_channel_call(a, th_now() + 1000, &g->call), SOS_ERR_TIMED_OUT);
    assert_int_equal(u_channel_call(a, th_now() + 1000, &g->call), SOS_ERR_TIMED_OUT);
    uint32_t t1, t2;
    assert_int_equal(rd(b), 0);
    memcpy(&t1, g->rb, 4);
    assert_int_equal(rd(b), 0);
    memcpy(&t2, g->rb, 4);
    assert_true(t1 & 0x80000000u);
    assert_true(t2 & 0x80000000u);
    assert_int_not_equal(t1, t2);
}

static void test_call_timed_out_at_deadline(void **state)
{
    (void)state;
    sos_handle_t a, b;
    chan(&a, &b);
    call_setup(6, 0, sizeof(g->rb));
    int64_t d = th_now() + 777777;
    assert_int_equal(u_channel_call(a, d, &g->call), SOS_ERR_TIMED_OUT);
    assert_int_equal(th_now(), d);
    /* the request stays queued for the server, stamped */
    assert_int_equal(rd(b), 0);
    assert_int_equal(g->rd.actual_bytes, 6);
    assert_true(g->rb[3] & 0x80);
}

static void test_call_deadline_in_past(void **state)
{
    (void)state;
    sos_handle_t a, b;
    chan(&a, &b);
    call_setup(4, 0, sizeof(g->rb));
    int64_t t = th_now();
    assert_int_equal(u_channel_call(a, 0, &g->call), SOS_ERR_TIMED_OUT);
    assert_int_equal(th_now(), t);
}

static void test_call_late_reply_is_queued(void **state)
{
    (void)state;
    sos_handle_t a;
    start_server(&a, SRV_LATE);
    call_setup(8, 0, sizeof(g->rb));
    assert_int_equal(u_channel_call(a, th_now() + 1000000, &g->call), SOS_ERR_TIMED_OUT);
    assert_int_equal(u_object_wait_one(a, SOS_SIG_READABLE, th_now() + SEC, NULL), 0);
    assert_int_equal(rd(a), 0);
    uint32_t txid;
    memcpy(&txid, g->rb, 4);
    assert_int_equal(txid, g_srv.txid);
}

static void test_call_server_closes(void **state)
{
    (void)state;
    sos_handle_t a;
    start_server(&a, SRV_CLOSE);
    call_setup(8, 0, sizeof(g->rb));
    int64_t t = th_now();
    assert_int_equal(u_channel_call(a, t + SEC, &g->call), SOS_ERR_PEER_CLOSED);
    assert_int_equal(g_srv.read_rc, 0);
    assert_true(th_now() < t + SEC);
    assert_int_equal(th_signals(a), SOS_SIG_PEER_CLOSED);
}

static void test_call_peer_already_closed(void **state)
{
    (void)state;
    sos_handle_t a, b;
    chan(&a, &b);
    assert_int_equal(u_handle_close(b), 0);
    g->wh[0] = th_event();
    uint32_t n = nhandles();
    call_setup(8, 1, sizeof(g->rb));
    assert_int_equal(u_channel_call(a, th_now() + SEC, &g->call), SOS_ERR_PEER_CLOSED);
    assert_int_equal(nhandles(), n);
}

static void test_call_reply_too_small(void **state)
{
    (void)state;
    sos_handle_t a;
    start_server(&a, SRV_BIG);
    call_setup(8, 0, 100);
    assert_int_equal(u_channel_call(a, th_now() + SEC, &g->call), SOS_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(g->call.rd.actual_bytes, 300);
    assert_int_equal(g->call.rd.actual_handles, 0);
    assert_int_equal(th_signals(a) & SOS_SIG_READABLE, SOS_SIG_READABLE);
    uint8_t *in = th_umem(512);
    g->rd = (struct sos_chan_read){in, NULL, 512, 0, 0, 0};
    assert_int_equal(u_channel_read(a, &g->rd), 0);
    assert_int_equal(g->rd.actual_bytes, 300);
    uint32_t txid;
    memcpy(&txid, in, 4);
    assert_int_equal(txid, g_srv.txid);
    assert_int_equal(in[299], (uint8_t)(0x50 + 299));
}

static void test_call_short_request(void **state)
{
    (void)state;
    sos_handle_t a, b;
    chan(&a, &b);
    sos_handle_t e = th_event();
    sos_koid_t k = th_koid(e);
    g->wh[0] = e;
    uint32_t n = nhandles();
    call_setup(3, 1, sizeof(g->rb));
    assert_int_equal(u_channel_call(a, th_now() + SEC, &g->call), SOS_ERR_INVALID_ARGS);
    call_setup(0, 1, sizeof(g->rb));
    assert_int_equal(u_channel_call(a, th_now() + SEC, &g->call), SOS_ERR_INVALID_ARGS);
    assert_int_equal(nhandles(), n);
    assert_int_equal(th_koid(e), k);
    assert_empty(b);
}

static void test_call_needs_send_and_receive(void **state)
{
    (void)state;
    sos_handle_t a, b;
    chan(&a, &b);
    call_setup(8, 0, sizeof(g->rb));
    sos_handle_t s = th_dup(a, SOS_RIGHT_SEND);
    sos_handle_t r = th_dup(a, SOS_RIGHT_RECEIVE);
    assert_int_equal(u_channel_call(s, th_now() + SEC, &g->call), SOS_ERR_ACCESS_DENIED);
    assert_int_equal(u_channel_call(r, th_now() + SEC, &g->call), SOS_ERR_ACCESS_DENIED);
    struct sos_chan_call local = g->call;
    assert_int_equal(u_channel_call(a, th_now() + SEC, &local), SOS_ERR_BAD_ADDRESS);
    assert_empty(b);
}

static void test_call_moves_handles_both_ways(void **state)
{
    (void)state;
    sos_handle_t a;
    start_server(&a, SRV_HANDLES);
    sos_handle_t e = th_event();
    sos_koid_t k = th_koid(e);
    g->wh[0] = e;
    call_setup(8, 1, sizeof(g->rb));
    assert_int_equal(u_channel_call(a, th_now() + SEC, &g->call), 0);
    assert_int_equal(u_handle_close(e), SOS_ERR_BAD_HANDLE);
    assert_int_equal(g_srv.nh, 1);
    assert_int_equal(g_srv.hkoid, k);
    assert_int_equal(g->call.rd.actual_handles, 1);
    assert_int_equal(th_handle_info(g->rh[0]).kind, SOS_OBJ_EVENT);
}

static void test_call_from_both_ends_does_not_cross(void **state)
{
    (void)state;
    sos_handle_t a;
    start_server(&a, SRV_CALL_BACK);
    th_settle(); /* the server is now blocked in its own call */
    assert_int_equal(g_srv.call_rc, 1);
    call_setup(8, 0, sizeof(g->rb));
    int64_t rc = u_channel_call(a, th_now() + 500000, &g->call);
    /* our request is not the reply to the server's call, nor the other way round */
    th_sleep(2000000);
    assert_int_equal(g_srv.call_rc, SOS_ERR_TIMED_OUT);
    assert_int_equal(rc, SOS_ERR_TIMED_OUT);
}

/* A server thread of the test process: replies to every request until the peer goes. */
static void reply_loop(void *arg)
{
    sos_handle_t ch = (sos_handle_t)(uintptr_t)arg;
    struct ub *u = th_umem(sizeof(*u));
    for (;;) {
        if (u_object_wait_one(ch, SOS_SIG_READABLE | SOS_SIG_PEER_CLOSED, SOS_TIME_INFINITE,
                              &u->sig))
            return;
        u->rd = (struct sos_chan_read){u->rb, u->rh, sizeof(u->rb), MAXH, 0, 0};
        if (u_channel_read(ch, &u->rd))
            return;
        for (uint32_t i = 0; i < u->rd.actual_handles; i++)
            u_handle_close(u->rh[i]);
        u_channel_write(ch, u->rb, u->rd.actual_bytes, NULL, 0);
    }
}

static void test_call_no_leak(void **state)
{
    (void)state;
    sos_handle_t a, b;
    chan(&a, &b);
    th_thread(reply_loop, (void *)(uintptr_t)b);
    for (int pass = 0; pass < 2; pass++) {
        struct th_counts before;
        th_counts(&before);
        for (int i = 0; i < 500; i++) {
            g->wh[0] = th_event();
            call_setup(16, 1, (i & 1) ? sizeof(g->rb) : 8);
            int64_t rc = u_channel_call(a, th_now() + SEC, &g->call);
            assert_int_equal(g->call.rd.actual_bytes, 16);
            if (i & 1) {
                assert_int_equal(rc, 0);
            } else { /* too small: the reply waits in the queue */
                assert_int_equal(rc, SOS_ERR_BUFFER_TOO_SMALL);
                assert_int_equal(rd(a), 0);
                assert_int_equal(g->rd.actual_bytes, 16);
            }
        }
        if (pass == 1)
            th_assert_counts(&before);
    }
    assert_empty(a);
}

static void test_no_leak_write_read_cycles(void **state)
{
    (void)state;
    sos_handle_t a, b;
    chan(&a, &b);
    for (int i = 0; i < 4; i++) { /* warm */
        g->wh[0] = th_event();
        assert_int_equal(wr(a, 200, 1), 0);
        assert_int_equal(rd(b), 0);
        assert_int_equal(u_handle_close(g->rh[0]), 0);
    }
    struct th_counts before;
    th_counts(&before);
    for (int i = 0; i < 2000; i++) {
        g->wh[0] = th_event();
        g->wh[1] = th_event();
        assert_int_equal(wr(a, 200, 2), 0);
        g->rd = (struct sos_chan_read){g->rb, g->rh, 10, 1, 0, 0};
        assert_int_equal(u_channel_read(b, &g->rd), SOS_ERR_BUFFER_TOO_SMALL);
        assert_int_equal(rd(b), 0);
        assert_int_equal(u_handle_close(g->rh[0]), 0);
        assert_int_equal(u_handle_close(g->rh[1]), 0);
    }
    th_assert_counts(&before);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_create_two_linked_ends),
        T(test_create_bad_options),
        T(test_create_bad_out_pointer),
        T(test_create_handle_table_full),
        T(test_roundtrip_bytes),
        T(test_roundtrip_empty_message),
        T(test_messages_in_order),
        T(test_roundtrip_between_processes),
        T(test_handles_move_sender_loses_them),
        T(test_received_handle_same_rights_and_works),
        T(test_max_handles_and_bytes_roundtrip),
        T(test_write_bad_handle_in_list),
        T(test_write_handle_without_transfer),
        T(test_write_duplicate_values),
        T(test_write_own_end),
        T(test_write_peer_end),
        T(test_write_oversize_bytes),
        T(test_write_too_many_handles),
        T(test_queue_full_by_count),
        T(test_queue_full_by_bytes),
        T(test_write_peer_closed),
        T(test_write_bad_bytes_pointer),
        T(test_write_bad_handles_pointer),
        T(test_write_wrong_type),
        T(test_write_without_send),
        T(test_write_stale_handle),
        T(test_write_revoked_channel_handle),
        T(test_write_revoked_handle_in_list),
        T(test_read_empty_should_wait),
        T(test_read_peer_closed_after_drain),
        T(test_read_bytes_too_small_keeps_message),
        T(test_read_handles_too_small_keeps_message),
        T(test_read_bad_bytes_pointer_keeps_message),
        T(test_read_bad_handles_pointer_keeps_message),
        T(test_read_handle_table_full_keeps_message),
        T(test_read_bad_struct_pointer),
        T(test_read_without_receive),
        T(test_close_raises_peer_closed),
        T(test_close_last_handle_only),
        T(test_close_frees_queued_handles),
        T(test_closing_both_ends_frees_everything),
        T(test_close_wakes_waiter_in_other_process),
        T(test_readable_follows_queue),
        T(test_writable_clears_when_full_by_count),
        T(test_writable_clears_when_full_by_bytes),
        T(test_writable_wakes_blocked_writer),
        T(test_call_roundtrip),
        T(test_call_txid_stamped_by_kernel),
        T(test_call_txids_differ),
        T(test_call_timed_out_at_deadline),
        T(test_call_deadline_in_past),
        T(test_call_late_reply_is_queued),
        T(test_call_server_closes),
        T(test_call_peer_already_closed),
        T(test_call_reply_too_small),
        T(test_call_short_request),
        T(test_call_needs_send_and_receive),
        T(test_call_moves_handles_both_ways),
        T(test_call_from_both_ends_does_not_cross),
        T(test_call_no_leak),
        T(test_no_leak_write_read_cycles),
    };
    return TH_RUN(tests);
}
