/*
 * core/obj/revoke_test.c - revokers: minting, revoking everything derived from a minted
 * handle (duplicates, replacements, handles moved to other processes or sitting in
 * channel messages), nested revokers, rights checks, and leaks.
 */
#include "th.h"

#define SEC 1000000000ll

struct ub {
    sos_handle_t h[4];
    sos_handle_t wh[4];
    sos_handle_t rh[4];
    struct sos_info_handle info;
    struct sos_info_process pinfo;
    struct sos_chan_read rd;
    uint8_t b[64];
};
static struct ub *g;

TH_SETUP_UMEM(setup, g)
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, th_teardown)

static sos_handle_t revoker(void)
{
    assert_int_equal(u_revoker_create(g->h), 0);
    return g->h[0];
}

static sos_handle_t mint(sos_handle_t h, sos_handle_t r, sos_rights_t rights)
{
    assert_int_equal(u_handle_mint(h, r, rights, g->h), 0);
    return g->h[0];
}

static int64_t info_rc(sos_handle_t h)
{
    return u_object_get_info(h, SOS_INFO_HANDLE, &g->info, sizeof(g->info));
}

/* The handle is revoked: every use says so. */
static void assert_revoked(sos_handle_t h)
{
    assert_int_equal(info_rc(h), SOS_ERR_REVOKED);
    assert_int_equal(u_object_signal(h, 0, SOS_SIG_USER(0)), SOS_ERR_REVOKED);
    assert_int_equal(u_object_wait_one(h, SOS_SIG_SIGNALED, 0, NULL), SOS_ERR_REVOKED);
    assert_int_equal(u_handle_duplicate(h, SOS_RIGHT_SAME_RIGHTS, g->h), SOS_ERR_REVOKED);
}

/* The handle works (an event with SIGNAL). */
static void assert_works(sos_handle_t h)
{
    assert_int_equal(u_object_signal(h, SOS_SIG_USER(0), 0), 0);
}

/* ---- create and mint */

static void test_revoker_create(void **state)
{
    (void)state;
    sos_handle_t r = revoker();
    struct sos_info_handle hi = th_handle_info(r);
    assert_int_equal(hi.kind, SOS_OBJ_REVOKER);
    assert_int_equal(hi.rights, SOS_RIGHT_READ | SOS_RIGHT_WAIT | SOS_RIGHT_DUPLICATE |
                                    SOS_RIGHT_TRANSFER | SOS_RIGHT_MANAGE);
    sos_handle_t local;
    assert_int_equal(u_revoker_create(&local), SOS_ERR_BAD_ADDRESS);
    assert_int_equal(u_revoker_create(NULL), SOS_ERR_BAD_ADDRESS);
}

static void test_mint_reduced_rights(void **state)
{
    (void)state;
    sos_handle_t e = th_event(), r = revoker();
    sos_koid_t k = th_koid(e);
    sos_handle_t m = mint(e, r, SOS_RIGHT_WAIT | SOS_RIGHT_DUPLICATE);
    assert_int_not_equal(m, e);
    struct sos_info_handle hi = th_handle_info(m);
    assert_int_equal(hi.koid, k);
    assert_int_equal(hi.rights, SOS_RIGHT_WAIT | SOS_RIGHT_DUPLICATE);
    assert_int_equal(u_object_signal(m, 0, SOS_SIG_SIGNALED), SOS_ERR_ACCESS_DENIED);
    assert_int_equal(u_object_signal(e, 0, SOS_SIG_SIGNALED), 0);
    assert_int_equal(u_object_wait_one(m, SOS_SIG_SIGNALED, 0, NULL), 0);
}

static void test_mint_same_rights(void **state)
{
    (void)state;
    sos_handle_t e = th_event(), r = revoker();
    sos_handle_t d = th_dup(e, SOS_RIGHT_SIGNAL | SOS_RIGHT_DUPLICATE);
    sos_handle_t m = mint(d, r, SOS_RIGHT_SAME_RIGHTS);
    assert_int_equal(th_handle_info(m).rights, SOS_RIGHT_SIGNAL | SOS_RIGHT_DUPLICATE);
}

static void test_mint_cannot_add_rights(void **state)
{
    (void)state;
    sos_handle_t e = th_event(), r = revoker();
    sos_handle_t d = th_dup(e, SOS_RIGHT_WAIT | SOS_RIGHT_DUPLICATE);
    uint32_t before;
    assert_int_equal(u_object_get_info(th_self(), SOS_INFO_PROCESS, &g->pinfo, sizeof(g->pinfo)),
                     (int64_t)sizeof(g->pinfo));
    before = g->pinfo.handles;
    assert_int_equal(u_handle_mint(d, r, SOS_RIGHT_WAIT | SOS_RIGHT_SIGNAL, g->h),
                     SOS_ERR_ACCESS_DENIED);
    assert_int_equal(u_object_get_info(th_self(), SOS_INFO_PROCESS, &g->pinfo, sizeof(g->pinfo)),
                     (int64_t)sizeof(g->pinfo));
    assert_int_equal(g->pinfo.handles, before);
}

static void test_mint_needs_duplicate_on_source(void **state)
{
    (void)state;
    sos_handle_t e = th_event(), r = revoker();
    sos_handle_t d = th_dup(e, SOS_RIGHT_WAIT | SOS_RIGHT_SIGNAL);
    assert_int_equal(u_handle_mint(d, r, SOS_RIGHT_WAIT, g->h), SOS_ERR_ACCESS_DENIED);
}

static void test_mint_needs_manage_on_revoker(void **state)
{
    (void)state;
    sos_handle_t e = th_event(), r = revoker();
    sos_handle_t weak = th_dup(r, SOS_RIGHT_DUPLICATE | SOS_RIGHT_WAIT);
    assert_int_equal(u_handle_mint(e, weak, SOS_RIGHT_WAIT, g->h), SOS_ERR_ACCESS_DENIED);
    assert_int_equal(u_revoker_revoke(weak), SOS_ERR_ACCESS_DENIED);
}

static void test_mint_bad_args(void **state)
{
    (void)state;
    sos_handle_t e = th_event(), r = revoker();
    sos_handle_t local;
    assert_int_equal(u_handle_mint(e, e, SOS_RIGHT_WAIT, g->h), SOS_ERR_WRONG_TYPE);
    assert_int_equal(u_handle_mint(e, 0x3333001u, SOS_RIGHT_WAIT, g->h), SOS_ERR_BAD_HANDLE);
    assert_int_equal(u_handle_mint(0x3333001u, r, SOS_RIGHT_WAIT, g->h), SOS_ERR_BAD_HANDLE);
    assert_int_equal(u_handle_mint(e, r, SOS_RIGHT_WAIT, &local), SOS_ERR_BAD_ADDRESS);
    assert_int_equal(u_handle_mint(e, r, SOS_RIGHT_WAIT, NULL), SOS_ERR_BAD_ADDRESS);
    assert_int_equal(u_revoker_revoke(e), SOS_ERR_WRONG_TYPE);
}

/* ---- revoke */

static void test_revoke_invalidates_minted(void **state)
{
    (void)state;
    sos_handle_t e = th_event(), r = revoker();
    sos_handle_t m = mint(e, r, SOS_RIGHT_SAME_RIGHTS);
    assert_works(m);
    assert_int_equal(u_revoker_revoke(r), 0);
    assert_revoked(m);
    assert_works(e); /* the source is not under the revoker */
}

static void test_revoke_invalidates_duplicates(void **state)
{
    (void)state;
    sos_handle_t e = th_event(), r = revoker();
    sos_handle_t m = mint(e, r, SOS_RIGHT_SAME_RIGHTS);
    sos_handle_t d1 = th_dup(m, SOS_RIGHT_SAME_RIGHTS);
    sos_handle_t d2 = th_dup(d1, SOS_RIGHT_SIGNAL | SOS_RIGHT_DUPLICATE);
    assert_works(d2);
    assert_int_equal(u_revoker_revoke(r), 0);
    assert_revoked(m);
    assert_revoked(d1);
    assert_revoked(d2);
}

static void test_revoke_invalidates_replaced(void **state)
{
    (void)state;
    sos_handle_t e = th_event(), r = revoker();
    sos_handle_t m = mint(e, r, SOS_RIGHT_SAME_RIGHTS);
    assert_int_equal(u_handle_replace(m, SOS_RIGHT_SIGNAL | SOS_RIGHT_WAIT, g->h), 0);
    sos_handle_t rep = g->h[0];
    assert_works(rep);
    assert_int_equal(u_revoker_revoke(r), 0);
    assert_revoked(rep);
}

static void test_revoked_handle_closes(void **state)
{
    (void)state;
    sos_handle_t e = th_event(), r = revoker();
    sos_handle_t m = mint(e, r, SOS_RIGHT_SAME_RIGHTS);
    assert_int_equal(u_revoker_revoke(r), 0);
    assert_int_equal(u_handle_close(m), 0);
    assert_int_equal(u_handle_close(m), SOS_ERR_BAD_HANDLE);
    assert_int_equal(info_rc(m), SOS_ERR_BAD_HANDLE);
}

static void test_revoked_handle_cannot_be_replaced_or_minted(void **state)
{
    (void)state;
    sos_handle_t e = th_event(), r = revoker(), r2 = revoker();
    sos_handle_t m = mint(e, r, SOS_RIGHT_SAME_RIGHTS);
    assert_int_equal(u_revoker_revoke(r), 0);
    assert_int_equal(u_handle_replace(m, SOS_RIGHT_SAME_RIGHTS, g->h), SOS_ERR_REVOKED);
    assert_int_equal(u_handle_mint(m, r2, SOS_RIGHT_SAME_RIGHTS, g->h), SOS_ERR_REVOKED);
    assert_revoked(m);
}

static void test_revoke_drops_object(void **state)
{
    (void)state;
    sos_handle_t r = revoker();
    struct th_counts before;
    th_counts(&before);
    sos_handle_t e = th_event();
    sos_handle_t m = mint(e, r, SOS_RIGHT_SAME_RIGHTS);
    assert_int_equal(u_handle_close(e), 0);
    struct th_counts mid;
    th_counts(&mid);
    assert_int_equal(mid.objects[SOS_OBJ_EVENT], before.objects[SOS_OBJ_EVENT] + 1);
    assert_int_equal(u_revoker_revoke(r), 0);
    struct th_counts after;
    th_counts(&after);
    /* the event is gone although the revoked handle still sits in the table */
    assert_int_equal(after.objects[SOS_OBJ_EVENT], before.objects[SOS_OBJ_EVENT]);
    assert_int_equal(u_handle_close(m), 0);
}

static void test_revoke_twice_and_revoked_revoker_refuses(void **state)
{
    (void)state;
    sos_handle_t e = th_event(), r = revoker();
    mint(e, r, SOS_RIGHT_SAME_RIGHTS);
    assert_int_equal(u_revoker_revoke(r), 0);
    assert_int_equal(u_revoker_revoke(r), 0);
    assert_int_equal(u_handle_mint(e, r, SOS_RIGHT_SAME_RIGHTS, g->h), SOS_ERR_BAD_STATE);
}

static void test_closing_revoker_keeps_minted(void **state)
{
    (void)state;
    sos_handle_t e = th_event(), r = revoker();
    sos_handle_t m = mint(e, r, SOS_RIGHT_SAME_RIGHTS);
    struct th_counts c;
    th_counts(&c);
    uint64_t revs = c.objects[SOS_OBJ_REVOKER];
    assert_int_equal(u_handle_close(r), 0);
    assert_works(m);
    th_counts(&c);
    assert_int_equal(c.objects[SOS_OBJ_REVOKER], revs); /* the minted handle keeps it */
    assert_int_equal(u_handle_close(m), 0);
    th_counts(&c);
    assert_int_equal(c.objects[SOS_OBJ_REVOKER], revs - 1);
}

/* A child that receives one handle over a channel, then waits for a second message and
 * tries to use the handle. */
static struct {
    int64_t read1, use_before, read2, use_after, close_rc;
    sos_handle_t got;
} g_child;

static void holder_child(void *arg)
{
    (void)arg;
    sos_handle_t ch = th_child_handle(0);
    struct ub *u = th_umem(sizeof(*u));
    u_object_wait_one(ch, SOS_SIG_READABLE, SOS_TIME_INFINITE, NULL);
    u->rd = (struct sos_chan_read){u->b, u->rh, sizeof(u->b), 4, 0, 0};
    g_child.read1 = u_channel_read(ch, &u->rd);
    g_child.got = u->rh[0];
    g_child.use_before = u_object_signal(u->rh[0], 0, SOS_SIG_USER(3));
    u_object_wait_one(ch, SOS_SIG_READABLE, SOS_TIME_INFINITE, NULL);
    u->rd = (struct sos_chan_read){u->b, u->rh + 1, sizeof(u->b), 3, 0, 0};
    g_child.read2 = u_channel_read(ch, &u->rd);
    g_child.use_after = u_object_signal(g_child.got, 0, SOS_SIG_USER(3));
    g_child.close_rc = u_handle_close(g_child.got);
    u_object_wait_one(ch, SOS_SIG_PEER_CLOSED, SOS_TIME_INFINITE, NULL);
}

static void test_revoke_reaches_other_process(void **state)
{
    (void)state;
    g_child = (__typeof__(g_child)){1, 1, 1, 1, 1, 0};
    assert_int_equal(u_channel_create(0, g->h), 0);
    sos_handle_t a = g->h[0], b = g->h[1];
    sos_handle_t e = th_event(), r = revoker();
    g->wh[0] = mint(e, r, SOS_RIGHT_SIGNAL | SOS_RIGHT_TRANSFER);
    th_spawn("holder", holder_child, NULL, &b, 1);
    assert_int_equal(u_channel_write(a, g->b, 1, g->wh, 1), 0);
    th_settle();
    assert_int_equal(g_child.read1, 0);
    assert_int_equal(g_child.use_before, 0);
    assert_int_equal(u_object_wait_one(e, SOS_SIG_USER(3), 0, NULL), 0);
    assert_int_equal(u_object_signal(e, SOS_SIG_USER(3), 0), 0);
    assert_int_equal(u_revoker_revoke(r), 0);
    assert_int_equal(u_channel_write(a, g->b, 1, NULL, 0), 0);
    th_settle();
    assert_int_equal(g_child.read2, 0);
    assert_int_equal(g_child.use_after, SOS_ERR_REVOKED);
    assert_int_equal(g_child.close_rc, 0);
    assert_int_equal(u_object_wait_one(e, SOS_SIG_USER(3), 0, NULL), SOS_ERR_TIMED_OUT);
}

static void test_revoke_handle_in_queued_message(void **state)
{
    (void)state;
    assert_int_equal(u_channel_create(0, g->h), 0);
    sos_handle_t a = g->h[0], b = g->h[1];
    sos_handle_t r = revoker();
    sos_handle_t keep = th_event();
    sos_handle_t e = th_event();
    g->wh[0] = keep;
    g->wh[1] = mint(e, r, SOS_RIGHT_SAME_RIGHTS);
    g->wh[2] = th_dup(g->wh[1], SOS_RIGHT_SAME_RIGHTS);
    assert_int_equal(u_handle_close(e), 0);
    assert_int_equal(u_channel_write(a, g->b, 3, g->wh, 3), 0);
    struct th_counts before;
    th_counts(&before);
    assert_int_equal(u_revoker_revoke(r), 0);
    struct th_counts mid;
    th_counts(&mid);
    assert_int_equal(mid.objects[SOS_OBJ_EVENT], before.objects[SOS_OBJ_EVENT] - 1);
    g->rd = (struct sos_chan_read){g->b, g->rh, sizeof(g->b), 4, 0, 0};
    assert_int_equal(u_channel_read(b, &g->rd), 0);
    assert_int_equal(g->rd.actual_handles, 3);
    assert_int_not_equal(g->rh[0], SOS_HANDLE_INVALID);
    assert_int_equal(g->rh[1], SOS_HANDLE_INVALID);
    assert_int_equal(g->rh[2], SOS_HANDLE_INVALID);
    assert_works(g->rh[0]);
    struct th_counts after;
    th_counts(&after);
    /* only the live handle arrived; the two revoked records were freed */
    assert_int_equal(after.handles, mid.handles - 2);
}

static void test_revoke_handle_in_queue_then_close_channel(void **state)
{
    (void)state;
    assert_int_equal(u_channel_create(0, g->h), 0);
    sos_handle_t a = g->h[0], b = g->h[1];
    sos_handle_t r = revoker();
    sos_handle_t e = th_event();
    g->wh[0] = mint(e, r, SOS_RIGHT_SAME_RIGHTS);
    assert_int_equal(u_channel_write(a, g->b, 3, g->wh, 1), 0);
    struct th_counts before;
    th_counts(&before);
    assert_int_equal(u_revoker_revoke(r), 0);
    assert_int_equal(u_handle_close(b), 0);
    struct th_counts after;
    th_counts(&after);
    assert_int_equal(after.handles, before.handles - 2);
    assert_int_equal(after.objects[SOS_OBJ_CHANNEL], before.objects[SOS_OBJ_CHANNEL] - 1);
    assert_works(e);
}

static void test_revoke_last_channel_handle_closes_end(void **state)
{
    (void)state;
    assert_int_equal(u_channel_create(0, g->h), 0);
    sos_handle_t a = g->h[0], b = g->h[1];
    sos_handle_t r = revoker();
    sos_handle_t m = mint(b, r, SOS_RIGHT_SAME_RIGHTS);
    assert_int_equal(u_handle_close(b), 0);
    sos_signals_t *sig = (sos_signals_t *)g->b;
    assert_int_equal(u_object_wait_one(a, SOS_SIG_PEER_CLOSED, 0, sig), SOS_ERR_TIMED_OUT);
    assert_int_equal(u_revoker_revoke(r), 0);
    assert_int_equal(u_object_wait_one(a, SOS_SIG_PEER_CLOSED, 0, sig), 0);
    assert_int_equal(*sig, SOS_SIG_PEER_CLOSED);
    assert_int_equal(u_channel_write(a, g->b, 1, NULL, 0), SOS_ERR_PEER_CLOSED);
    assert_int_equal(u_channel_write(m, g->b, 1, NULL, 0), SOS_ERR_REVOKED);
}

/* ---- nested revokers */

static void test_nested_parent_revokes_child(void **state)
{
    (void)state;
    sos_handle_t e = th_event(), r1 = revoker(), r2 = revoker();
    sos_handle_t m1 = mint(e, r1, SOS_RIGHT_SAME_RIGHTS);
    sos_handle_t m2 = mint(m1, r2, SOS_RIGHT_SIGNAL | SOS_RIGHT_DUPLICATE);
    sos_handle_t d2 = th_dup(m2, SOS_RIGHT_SAME_RIGHTS);
    assert_works(m2);
    assert_int_equal(u_revoker_revoke(r1), 0);
    assert_revoked(m1);
    assert_revoked(m2);
    assert_revoked(d2);
    /* the child revoker went with its parent */
    assert_int_equal(u_handle_mint(e, r2, SOS_RIGHT_SAME_RIGHTS, g->h), SOS_ERR_BAD_STATE);
    assert_works(e);
}

static void test_nested_child_revoke_spares_parent(void **state)
{
    (void)state;
    sos_handle_t e = th_event(), r1 = revoker(), r2 = revoker();
    sos_handle_t m1 = mint(e, r1, SOS_RIGHT_SAME_RIGHTS);
    sos_handle_t m2 = mint(m1, r2, SOS_RIGHT_SAME_RIGHTS);
    assert_int_equal(u_revoker_revoke(r2), 0);
    assert_revoked(m2);
    assert_works(m1);
    sos_handle_t m3 = mint(m1, r1, SOS_RIGHT_SAME_RIGHTS);
    assert_works(m3);
}

static void test_nested_three_levels(void **state)
{
    (void)state;
    sos_handle_t e = th_event(), r1 = revoker(), r2 = revoker(), r3 = revoker();
    sos_handle_t m1 = mint(e, r1, SOS_RIGHT_SAME_RIGHTS);
    sos_handle_t m2 = mint(m1, r2, SOS_RIGHT_SAME_RIGHTS);
    sos_handle_t m3 = mint(m2, r3, SOS_RIGHT_SAME_RIGHTS);
    assert_int_equal(u_revoker_revoke(r1), 0);
    assert_revoked(m1);
    assert_revoked(m2);
    assert_revoked(m3);
}

static void test_nested_refuses_cycle(void **state)
{
    (void)state;
    sos_handle_t e = th_event(), r1 = revoker(), r2 = revoker();
    sos_handle_t m1 = mint(e, r1, SOS_RIGHT_SAME_RIGHTS);
    sos_handle_t m2 = mint(m1, r2, SOS_RIGHT_SAME_RIGHTS); /* r2 under r1 */
    /* minting from r2's handle under r1 would put r1 under r2 */
    assert_int_equal(u_handle_mint(m2, r1, SOS_RIGHT_SAME_RIGHTS, g->h), SOS_ERR_BAD_STATE);
    /* r2 already has a parent: a handle under another revoker cannot adopt it */
    sos_handle_t r3 = revoker();
    sos_handle_t m3 = mint(e, r3, SOS_RIGHT_SAME_RIGHTS);
    assert_int_equal(u_handle_mint(m3, r2, SOS_RIGHT_SAME_RIGHTS, g->h), SOS_ERR_BAD_STATE);
    assert_works(m2);
}

static void test_nested_no_leak(void **state)
{
    (void)state;
    sos_handle_t e = th_event();
    for (int pass = 0; pass < 2; pass++) {
        struct th_counts before;
        th_counts(&before);
        for (int i = 0; i < 100; i++) {
            sos_handle_t r1 = revoker(), r2 = revoker();
            sos_handle_t m1 = mint(e, r1, SOS_RIGHT_SAME_RIGHTS);
            sos_handle_t m2 = mint(m1, r2, SOS_RIGHT_SAME_RIGHTS);
            if (i & 1) {
                assert_int_equal(u_revoker_revoke(r1), 0);
            }
            assert_int_equal(u_handle_close(r2), 0);
            assert_int_equal(u_handle_close(m2), 0);
            assert_int_equal(u_handle_close(r1), 0);
            assert_int_equal(u_handle_close(m1), 0);
        }
        if (pass == 1)
            th_assert_counts(&before);
    }
}

static void test_no_leak_mint_revoke_cycles(void **state)
{
    (void)state;
    sos_handle_t e = th_event();
    for (int pass = 0; pass < 2; pass++) { /* the first pass warms the caches */
        struct th_counts before;
        th_counts(&before);
        for (int i = 0; i < 2000; i++) {
            sos_handle_t r = revoker();
            sos_handle_t m = mint(e, r, SOS_RIGHT_SAME_RIGHTS);
            sos_handle_t d = th_dup(m, SOS_RIGHT_SAME_RIGHTS);
            assert_int_equal(u_revoker_revoke(r), 0);
            assert_int_equal(u_handle_close(m), 0);
            assert_int_equal(u_handle_close(r), 0);
            assert_int_equal(u_handle_close(d), 0);
        }
        if (pass == 1)
            th_assert_counts(&before);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_revoker_create),
        T(test_mint_reduced_rights),
        T(test_mint_same_rights),
        T(test_mint_cannot_add_rights),
        T(test_mint_needs_duplicate_on_source),
        T(test_mint_needs_manage_on_revoker),
        T(test_mint_bad_args),
        T(test_revoke_invalidates_minted),
        T(test_revoke_invalidates_duplicates),
        T(test_revoke_invalidates_replaced),
        T(test_revoked_handle_closes),
        T(test_revoked_handle_cannot_be_replaced_or_minted),
        T(test_revoke_drops_object),
        T(test_revoke_twice_and_revoked_revoker_refuses),
        T(test_closing_revoker_keeps_minted),
        T(test_revoke_reaches_other_process),
        T(test_revoke_handle_in_queued_message),
        T(test_revoke_handle_in_queue_then_close_channel),
        T(test_revoke_last_channel_handle_closes_end),
        T(test_nested_parent_revokes_child),
        T(test_nested_child_revoke_spares_parent),
        T(test_nested_three_levels),
        T(test_nested_refuses_cycle),
        T(test_nested_no_leak),
        T(test_no_leak_mint_revoke_cycles),
    };
    return TH_RUN(tests);
}
