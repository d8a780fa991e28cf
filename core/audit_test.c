/*
 * core/audit_test.c - the capability audit ring: what is recorded, audit_read's checks,
 * and the hash chain (sos_audit_verify) over edits, gaps and ring wrap-around.
 */
#include "th.h"

#include "lib/kstring.h"

#define BATCH 64u

struct ub {
    sos_handle_t h[4];
    sos_handle_t wh[4];
    struct sos_info_kstats ks;
    struct sos_audit_record rec[BATCH];
    uint8_t b[16];
};
static struct ub *g;

TH_SETUP_UMEM(setup, g)
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, th_teardown)

/* The sequence number of the newest record. */
static uint64_t last_seq(void)
{
    assert_int_equal(u_object_get_info(th_root(), SOS_INFO_KERNEL_STATS, &g->ks, sizeof(g->ks)),
                     (int64_t)sizeof(g->ks));
    return g->ks.audit_records;
}

/* Read the records after `seq` into g->rec; returns how many. */
static uint32_t read_after(uint64_t seq)
{
    int64_t n = u_audit_read(th_root(), seq + 1, g->rec, BATCH);
    assert_true(n >= 0);
    return (uint32_t)n;
}

static void assert_rec(const struct sos_audit_record *r, uint32_t event, uint32_t kind,
                       sos_koid_t object, sos_koid_t target, sos_rights_t rights, int32_t status)
{
    assert_int_equal(r->event, event);
    assert_int_equal(r->kind, kind);
    assert_int_equal(r->actor, th_koid(th_self()));
    assert_int_equal(r->object, object);
    assert_int_equal(r->target, target);
    assert_int_equal(r->rights, rights);
    assert_int_equal(r->status, status);
    assert_int_equal(r->time, th_now());
    assert_int_equal(r->hash, sos_audit_hash(r));
}

/* ---- what is recorded */

static void test_create_recorded(void **state)
{
    (void)state;
    uint64_t s = last_seq();
    sos_handle_t e = th_event();
    assert_int_equal(read_after(s), 1);
    assert_int_equal(g->rec[0].seq, s + 1);
    assert_rec(&g->rec[0], SOS_AUDIT_CREATE, SOS_OBJ_EVENT, th_koid(e), 0,
               SOS_RIGHT_READ | SOS_RIGHT_WAIT | SOS_RIGHT_DUPLICATE | SOS_RIGHT_TRANSFER |
                   SOS_RIGHT_SIGNAL,
               0);
    assert_int_equal(last_seq(), s + 1);
}

static void test_duplicate_recorded(void **state)
{
    (void)state;
    sos_handle_t e = th_event();
    uint64_t s = last_seq();
    sos_handle_t d = th_dup(e, SOS_RIGHT_WAIT | SOS_RIGHT_DUPLICATE);
    assert_int_equal(read_after(s), 1);
    assert_int_equal(g->rec[0].seq, s + 1);
    assert_rec(&g->rec[0], SOS_AUDIT_DUPLICATE, SOS_OBJ_EVENT, th_koid(d), 0,
               SOS_RIGHT_WAIT | SOS_RIGHT_DUPLICATE, 0);
}

static void test_transfer_recorded(void **state)
{
    (void)state;
    assert_int_equal(u_channel_create(0, g->h), 0);
    sos_handle_t a = g->h[0];
    sos_handle_t e1 = th_event();
    sos_handle_t e2 = th_dup(e1, SOS_RIGHT_TRANSFER | SOS_RIGHT_WAIT);
    sos_koid_t k = th_koid(e1), ka = th_koid(a);
    g->wh[0] = e1;
    g->wh[1] = e2;
    uint64_t s = last_seq();
    assert_int_equal(u_channel_write(a, g->b, 4, g->wh, 2), 0);
    assert_int_equal(read_after(s), 2);
    assert_int_equal(g->rec[0].seq, s + 1);
    assert_int_equal(g->rec[1].seq, s + 2);
    assert_rec(&g->rec[0], SOS_AUDIT_TRANSFER, SOS_OBJ_EVENT, k, ka,
               SOS_RIGHT_READ | SOS_RIGHT_WAIT | SOS_RIGHT_DUPLICATE | SOS_RIGHT_TRANSFER |
                   SOS_RIGHT_SIGNAL,
               0);
    assert_rec(&g->rec[1], SOS_AUDIT_TRANSFER, SOS_OBJ_EVENT, k, ka,
               SOS_RIGHT_TRANSFER | SOS_RIGHT_WAIT, 0);
}

static void test_failed_transfer_not_recorded(void **state)
{
    (void)state;
    assert_int_equal(u_channel_create(0, g->h), 0);
    sos_handle_t a = g->h[0];
    g->wh[0] = th_event();
    g->wh[1] = g->wh[0];
    uint64_t s = last_seq();
    assert_int_equal(u_channel_write(a, g->b, 4, g->wh, 2), SOS_ERR_INVALID_ARGS);
    assert_int_equal(read_after(s), 0);
}

static void test_revoke_and_mint_recorded(void **state)
{
    (void)state;
    sos_handle_t e = th_event();
    assert_int_equal(u_revoker_create(g->h), 0);
    sos_handle_t r = g->h[0];
    sos_koid_t k = th_koid(e), kr = th_koid(r);
    uint64_t s = last_seq();
    assert_int_equal(u_handle_mint(e, r, SOS_RIGHT_WAIT | SOS_RIGHT_DUPLICATE, g->h), 0);
    sos_handle_t m = g->h[0];
    th_dup(m, SOS_RIGHT_WAIT);
    assert_int_equal(u_revoker_revoke(r), 0);
    assert_int_equal(read_after(s), 4);
    assert_rec(&g->rec[0], SOS_AUDIT_MINT, SOS_OBJ_EVENT, k, kr,
               SOS_RIGHT_WAIT | SOS_RIGHT_DUPLICATE, 0);
    assert_rec(&g->rec[1], SOS_AUDIT_DUPLICATE, SOS_OBJ_EVENT, k, 0, SOS_RIGHT_WAIT, 0);
    assert_rec(&g->rec[2], SOS_AUDIT_REVOKE, SOS_OBJ_EVENT, k, kr,
               SOS_RIGHT_WAIT | SOS_RIGHT_DUPLICATE, 0);
    assert_rec(&g->rec[3], SOS_AUDIT_REVOKE, SOS_OBJ_EVENT, k, kr, SOS_RIGHT_WAIT, 0);
    for (uint32_t i = 0; i < 4; i++)
        assert_int_equal(g->rec[i].seq, s + 1 + i);
}

static void test_denied_recorded(void **state)
{
    (void)state;
    sos_handle_t e = th_event();
    sos_handle_t d = th_dup(e, SOS_RIGHT_WAIT | SOS_RIGHT_DUPLICATE);
    uint64_t s = last_seq();
    assert_int_equal(u_object_signal(d, 0, SOS_SIG_USER(0)), SOS_ERR_ACCESS_DENIED);
    assert_int_equal(u_handle_duplicate(d, SOS_RIGHT_SIGNAL, g->h), SOS_ERR_ACCESS_DENIED);
    assert_int_equal(read_after(s), 2);
    assert_rec(&g->rec[0], SOS_AUDIT_DENIED, SOS_OBJ_EVENT, th_koid(e), 0, SOS_RIGHT_SIGNAL,
               SOS_ERR_ACCESS_DENIED);
    assert_rec(&g->rec[1], SOS_AUDIT_DENIED, SOS_OBJ_EVENT, th_koid(e), 0, SOS_RIGHT_SIGNAL,
               SOS_ERR_ACCESS_DENIED);
    assert_int_equal(g->rec[1].seq, g->rec[0].seq + 1);
}

static void test_mint_with_more_rights_recorded_as_denied(void **state)
{
    (void)state;
    sos_handle_t e = th_event();
    sos_handle_t d = th_dup(e, SOS_RIGHT_WAIT | SOS_RIGHT_DUPLICATE);
    assert_int_equal(u_revoker_create(g->h), 0);
    sos_handle_t r = g->h[0];
    uint64_t s = last_seq();
    assert_int_equal(u_handle_mint(d, r, SOS_RIGHT_WAIT | SOS_RIGHT_SIGNAL, g->h),
                     SOS_ERR_ACCESS_DENIED);
    assert_int_equal(read_after(s), 1);
    assert_rec(&g->rec[0], SOS_AUDIT_DENIED, SOS_OBJ_EVENT, th_koid(e), 0,
               SOS_RIGHT_WAIT | SOS_RIGHT_SIGNAL, SOS_ERR_ACCESS_DENIED);
}

static void test_bad_handle_not_recorded(void **state)
{
    (void)state;
    uint64_t s = last_seq();
    assert_int_equal(u_object_signal(0x6666001u, 0, SOS_SIG_USER(0)), SOS_ERR_BAD_HANDLE);
    assert_int_equal(read_after(s), 0);
}

static struct {
    int64_t rc;
    sos_koid_t ev;
} g_child;

static void creating_child(void *arg)
{
    (void)arg;
    sos_handle_t *h = th_umem(sizeof(*h));
    struct sos_info_handle *i = th_umem(sizeof(*i));
    g_child.rc = u_event_create(0, h);
    u_object_get_info(*h, SOS_INFO_HANDLE, i, sizeof(*i));
    g_child.ev = i->koid;
}

static void test_actor_is_acting_process(void **state)
{
    (void)state;
    g_child.rc = 1;
    uint64_t s = last_seq();
    sos_handle_t p = th_spawn("actor", creating_child, NULL, NULL, 0);
    th_settle();
    assert_int_equal(g_child.rc, 0);
    assert_int_equal(read_after(s), 1);
    assert_int_equal(g->rec[0].event, SOS_AUDIT_CREATE);
    assert_int_equal(g->rec[0].object, g_child.ev);
    assert_int_equal(g->rec[0].actor, th_koid(p));
    assert_int_not_equal(g->rec[0].actor, th_koid(th_self()));
}

static void test_sequence_consecutive_and_chained(void **state)
{
    (void)state;
    uint64_t s = last_seq();
    sos_handle_t e = th_event();
    for (int i = 0; i < 10; i++)
        th_dup(e, SOS_RIGHT_WAIT);
    sos_handle_t weak = th_dup(e, SOS_RIGHT_WAIT);
    u_object_signal(weak, 0, SOS_SIG_USER(0));
    assert_int_equal(read_after(s - 1), 14); /* one before, so the link to it is checked */
    for (uint32_t i = 1; i < 14; i++) {
        assert_int_equal(g->rec[i].seq, s + i);
        assert_int_equal(g->rec[i].prev_hash, g->rec[i - 1].hash);
    }
    assert_int_equal(sos_audit_verify(g->rec, 14), -1);
}

/* ---- audit_read checks */

static void test_read_needs_root_resource(void **state)
{
    (void)state;
    sos_handle_t e = th_event();
    assert_int_equal(u_audit_read(e, 1, g->rec, 4), SOS_ERR_WRONG_TYPE);
    sos_handle_t weak = th_dup(th_root(), SOS_RIGHT_WAIT | SOS_RIGHT_DUPLICATE);
    uint64_t s = last_seq();
    assert_int_equal(u_audit_read(weak, 1, g->rec, 4), SOS_ERR_ACCESS_DENIED);
    assert_int_equal(u_audit_read(0x6666001u, 1, g->rec, 4), SOS_ERR_BAD_HANDLE);
    /* the denial is itself recorded */
    assert_int_equal(read_after(s), 1);
    assert_int_equal(g->rec[0].event, SOS_AUDIT_DENIED);
    assert_int_equal(g->rec[0].kind, SOS_OBJ_RESOURCE);
    assert_int_equal(g->rec[0].rights, SOS_RIGHT_READ);
}

static void test_read_bad_args(void **state)
{
    (void)state;
    struct sos_audit_record local[2];
    assert_int_equal(u_audit_read(th_root(), 1, g->rec, BATCH + 1), SOS_ERR_OUT_OF_RANGE);
    assert_int_equal(u_audit_read(th_root(), 1, local, 2), SOS_ERR_BAD_ADDRESS);
    assert_int_equal(u_audit_read(th_root(), 1, NULL, 2), SOS_ERR_BAD_ADDRESS);
    /* a buffer that holds fewer records than asked for */
    struct sos_audit_record *page = th_umem(4096);
    assert_int_equal(u_audit_read(th_root(), 1, page, 4096 / sizeof(*page) + 1),
                     SOS_ERR_BAD_ADDRESS);
    assert_int_equal(u_audit_read(th_root(), 1, g->rec, 0), 0);
}

static void test_read_past_end(void **state)
{
    (void)state;
    th_event();
    uint64_t s = last_seq();
    g->rec[0].seq = 12345;
    assert_int_equal(u_audit_read(th_root(), s + 1, g->rec, 4), 0);
    assert_int_equal(u_audit_read(th_root(), UINT64_MAX, g->rec, 4), 0);
    assert_int_equal(g->rec[0].seq, 12345);
    assert_int_equal(u_audit_read(th_root(), s, g->rec, 4), 1);
    assert_int_equal(g->rec[0].seq, s);
}

/* ---- the chain */

static void make_records(unsigned n)
{
    sos_handle_t e = th_event();
    for (unsigned i = 1; i < n; i++) {
        assert_int_equal(u_handle_duplicate(e, SOS_RIGHT_WAIT, g->h), 0);
        assert_int_equal(u_handle_close(g->h[0]), 0);
    }
}

static void test_verify_detects_edit(void **state)
{
    (void)state;
    uint64_t s = last_seq();
    make_records(20);
    assert_int_equal(read_after(s), 20);
    assert_int_equal(sos_audit_verify(g->rec, 20), -1);
    struct sos_audit_record *c = th_umem(sizeof(g->rec));
    memcpy(c, g->rec, sizeof(g->rec));
    c[7].rights |= SOS_RIGHT_MANAGE; /* grant yourself a right, on paper */
    assert_int_equal(sos_audit_verify(c, 20), 7);
    memcpy(c, g->rec, sizeof(g->rec));
    c[12].actor++;
    assert_int_equal(sos_audit_verify(c, 20), 12);
    /* recomputing the edited record's own hash breaks the link to the next */
    c[12].hash = sos_audit_hash(&c[12]);
    assert_int_equal(sos_audit_verify(c, 20), 13);
    memcpy(c, g->rec, sizeof(g->rec));
    c[19].hash ^= 1;
    assert_int_equal(sos_audit_verify(c, 20), 19);
}

static void test_verify_detects_gap_and_reorder(void **state)
{
    (void)state;
    uint64_t s = last_seq();
    make_records(20);
    assert_int_equal(read_after(s), 20);
    struct sos_audit_record *c = th_umem(sizeof(g->rec));
    /* drop record 5 */
    memcpy(c, g->rec, 5 * sizeof(*c));
    memcpy(c + 5, g->rec + 6, 14 * sizeof(*c));
    assert_int_equal(sos_audit_verify(c, 19), 5);
    /* drop it and renumber the rest: the hashes still give it away */
    for (unsigned i = 5; i < 19; i++)
        c[i].seq--;
    assert_int_equal(sos_audit_verify(c, 19), 5);
    /* swap two records */
    memcpy(c, g->rec, sizeof(g->rec));
    c[9] = g->rec[10];
    c[10] = g->rec[9];
    assert_int_equal(sos_audit_verify(c, 20), 9);
    /* a suffix on its own is fine */
    assert_int_equal(sos_audit_verify(g->rec + 3, 17), -1);
}

static void test_ring_wraps_and_stays_chained(void **state)
{
    (void)state;
    make_records(SOS_AUDIT_RING + 300);
    uint64_t last = last_seq();
    assert_true(last > SOS_AUDIT_RING);
    uint64_t oldest = last - SOS_AUDIT_RING + 1;
    struct sos_audit_record *all = th_umem(SOS_AUDIT_RING * sizeof(*all));
    /* asking from 1 starts at the oldest record kept */
    uint32_t got = 0;
    uint64_t next = 1;
    while (got < SOS_AUDIT_RING) {
        int64_t n = u_audit_read(th_root(), next, all + got, BATCH);
        assert_true(n > 0);
        if (got == 0)
            assert_int_equal(all[0].seq, oldest);
        got += (uint32_t)n;
        next = all[got - 1].seq + 1;
    }
    assert_int_equal(got, SOS_AUDIT_RING);
    assert_int_equal(u_audit_read(th_root(), next, g->rec, BATCH), 0);
    assert_int_equal(all[SOS_AUDIT_RING - 1].seq, last);
    assert_int_not_equal(all[0].prev_hash, 0); /* it chains to a record no longer kept */
    assert_int_equal(sos_audit_verify(all, SOS_AUDIT_RING), -1);
    /* more records overwrite the oldest; what is kept still verifies */
    make_records(10);
    assert_int_equal(u_audit_read(th_root(), 1, g->rec, 2), 2);
    assert_int_equal(g->rec[0].seq, oldest + 10);
    assert_int_equal(g->rec[1].prev_hash, g->rec[0].hash);
    /* the kept chain joins the one read before */
    assert_int_equal(g->rec[0].prev_hash, all[9].hash);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_create_recorded),
        T(test_duplicate_recorded),
        T(test_transfer_recorded),
        T(test_failed_transfer_not_recorded),
        T(test_revoke_and_mint_recorded),
        T(test_denied_recorded),
        T(test_mint_with_more_rights_recorded_as_denied),
        T(test_bad_handle_not_recorded),
        T(test_actor_is_acting_process),
        T(test_sequence_consecutive_and_chained),
        T(test_read_needs_root_resource),
        T(test_read_bad_args),
        T(test_read_past_end),
        T(test_verify_detects_edit),
        T(test_verify_detects_gap_and_reorder),
        T(test_ring_wraps_and_stays_chained),
    };
    return TH_RUN(tests);
}
