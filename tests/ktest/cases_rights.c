/*
 * tests/ktest/cases_rights.c - handles and rights: close, stale values, duplicate and
 * replace only reduce, rights are enforced, revocation (also across processes and of
 * handles inside queued messages).
 *
 * Layer: tests (user image).
 */
#include "ktest.h"

static void handle_close_and_stale(void)
{
    sos_handle_t e = kt_event();
    KT_OK(sos_handle_close(e));
    KT_EQ(sos_handle_close(e), SOS_ERR_BAD_HANDLE);
    sos_handle_t e2 = kt_event(); /* may reuse the slot: the old value must still fail */
    KT_ASSERT(e2 != e);
    KT_EQ(sos_object_signal(e, 0, SOS_SIG_SIGNALED), SOS_ERR_BAD_HANDLE);
    KT_OK(sos_object_signal(e2, 0, SOS_SIG_SIGNALED));
    KT_EQ(sos_handle_close(SOS_HANDLE_INVALID), 0); /* closing nothing is fine */
}

static void handle_bad_values(void)
{
    static const sos_handle_t bad[] = {SOS_HANDLE_INVALID, 1, 0xfff, 0xffffffffu, 0x7fffffffu,
                                       0x00100001u};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        KT_EQ(sos_object_signal(bad[i], 0, SOS_SIG_USER(0)), SOS_ERR_BAD_HANDLE);
        struct sos_info_handle info;
        KT_EQ(sos_object_get_info(bad[i], SOS_INFO_HANDLE, &info, sizeof(info)),
              SOS_ERR_BAD_HANDLE);
    }
}

static void handle_duplicate_reduces(void)
{
    sos_handle_t e = kt_event();
    sos_rights_t all = kt_rights(e);
    sos_handle_t w = kt_dup(e, SOS_RIGHT_WAIT | SOS_RIGHT_DUPLICATE);
    KT_EQ(kt_rights(w), SOS_RIGHT_WAIT | SOS_RIGHT_DUPLICATE);
    KT_EQ(kt_handle_info(w).koid, kt_handle_info(e).koid);
    KT_EQ(sos_object_signal(w, 0, SOS_SIG_SIGNALED), SOS_ERR_ACCESS_DENIED);
    KT_OK(sos_object_signal(e, 0, SOS_SIG_SIGNALED));
    kt_wait(w, SOS_SIG_SIGNALED, 100); /* waiting is allowed */
    sos_handle_t same = kt_dup(e, SOS_RIGHT_SAME_RIGHTS);
    KT_EQ(kt_rights(same), all);
}

static void handle_cannot_gain_rights(void)
{
    sos_handle_t e = kt_event();
    sos_handle_t w = kt_dup(e, SOS_RIGHT_WAIT | SOS_RIGHT_DUPLICATE);
    sos_handle_t out = 0;
    KT_EQ(sos_handle_duplicate(w, SOS_RIGHT_WAIT | SOS_RIGHT_SIGNAL, &out),
          SOS_ERR_ACCESS_DENIED);
    KT_EQ(out, 0);
    sos_handle_t nodup = kt_dup(e, SOS_RIGHT_WAIT);
    KT_EQ(sos_handle_duplicate(nodup, SOS_RIGHT_WAIT, &out), SOS_ERR_ACCESS_DENIED);
    KT_EQ(sos_handle_duplicate(e, SOS_RIGHTS_ALL, &out), SOS_ERR_ACCESS_DENIED);
}

static void handle_replace(void)
{
    sos_handle_t e = kt_event();
    sos_handle_t r;
    KT_OK(sos_handle_replace(e, SOS_RIGHT_WAIT, &r));
    KT_EQ(sos_handle_close(e), SOS_ERR_BAD_HANDLE); /* the old value is gone */
    KT_EQ(kt_rights(r), SOS_RIGHT_WAIT);
    sos_handle_t r2;
    KT_EQ(sos_handle_replace(r, SOS_RIGHT_WAIT | SOS_RIGHT_SIGNAL, &r2), SOS_ERR_ACCESS_DENIED);
    KT_EQ(kt_rights(r), SOS_RIGHT_WAIT); /* a refused replace leaves the handle alone */
}

static void handle_info_relations(void)
{
    sos_handle_t a, b;
    kt_channel(&a, &b);
    struct sos_info_handle ia = kt_handle_info(a), ib = kt_handle_info(b);
    KT_EQ(ia.kind, SOS_OBJ_CHANNEL);
    KT_EQ(ia.related_koid, ib.koid);
    KT_EQ(ib.related_koid, ia.koid);
    struct sos_info_handle it = kt_handle_info(sos_self_thread());
    KT_EQ(it.kind, SOS_OBJ_THREAD);
    KT_EQ(it.related_koid, kt_handle_info(sos_self_process()).koid);
    /* INFO_HANDLE needs no right at all */
    sos_handle_t none = kt_dup(a, SOS_RIGHT_WAIT);
    KT_EQ(kt_handle_info(none).rights, SOS_RIGHT_WAIT);
}

static void rights_vmo_enforced(void)
{
    sos_handle_t v = kt_vmo(4096);
    sos_handle_t ro = kt_dup(v, SOS_RIGHT_READ);
    sos_handle_t wo = kt_dup(v, SOS_RIGHT_WRITE);
    char buf[8] = "1234567";
    KT_EQ(sos_vmo_write(ro, buf, 0, 8), SOS_ERR_ACCESS_DENIED);
    KT_OK(sos_vmo_write(wo, buf, 0, 8));
    KT_EQ(sos_vmo_read(wo, buf, 0, 8), SOS_ERR_ACCESS_DENIED);
    KT_OK(sos_vmo_read(ro, buf, 0, 8));
    uint64_t size;
    KT_EQ(sos_vmo_get_size(wo, &size), SOS_ERR_ACCESS_DENIED);
    KT_EQ(sos_vmo_set_size(ro, 8192), SOS_ERR_ACCESS_DENIED);
}

static void handle_values_are_per_process(void)
{
    /* a handle value means nothing in another process: the helper looks ours up */
    sos_handle_t e = kt_event();
    for (int i = 0; i < 20; i++) /* push e's slot past the helper's few handles */
        e = kt_event();
    sos_handle_t mine, theirs;
    kt_channel(&mine, &theirs);
    char arg[16];
    snprintf(arg, sizeof(arg), "%u", e);
    struct sos_spawn_handle hs[1] = {{theirs, "chan"}};
    sos_handle_t proc = kt_spawn("lookup", arg, hs, 1);
    struct {
        int64_t err;
        sos_koid_t koid;
    } r;
    KT_EQ(kt_recv(mine, &r, sizeof(r), 2000), sizeof(r));
    KT_ASSERT(r.err == SOS_ERR_BAD_HANDLE || (r.err >= 0 && r.koid != kt_handle_info(e).koid));
    kt_join(proc, 2000);
}

/* ---- revocation */

static sos_handle_t revoker(void)
{
    sos_handle_t r;
    KT_OK(sos_revoker_create(&r));
    return r;
}

static sos_handle_t mint(sos_handle_t h, sos_handle_t r, sos_rights_t rights)
{
    sos_handle_t m;
    KT_OK(sos_handle_mint(h, r, rights, &m));
    return m;
}

static void revoke_basic(void)
{
    sos_handle_t e = kt_event(), r = revoker();
    sos_handle_t m = mint(e, r, SOS_RIGHT_SAME_RIGHTS);
    KT_OK(sos_object_signal(m, 0, SOS_SIG_SIGNALED));
    KT_OK(sos_revoker_revoke(r));
    KT_EQ(sos_object_signal(m, 0, SOS_SIG_SIGNALED), SOS_ERR_REVOKED);
    KT_EQ(sos_object_wait_one(m, SOS_SIG_SIGNALED, 0, NULL), SOS_ERR_REVOKED);
    KT_OK(sos_object_signal(e, SOS_SIG_SIGNALED, 0)); /* the original is untouched */
    KT_OK(sos_handle_close(m));                       /* a revoked handle still closes */
}

static void revoke_reaches_duplicates(void)
{
    sos_handle_t e = kt_event(), r = revoker();
    sos_handle_t m = mint(e, r, SOS_RIGHT_SAME_RIGHTS);
    sos_handle_t d = kt_dup(m, SOS_RIGHT_SIGNAL | SOS_RIGHT_DUPLICATE);
    sos_handle_t d2 = kt_dup(d, SOS_RIGHT_SIGNAL);
    KT_OK(sos_revoker_revoke(r));
    KT_EQ(sos_object_signal(d, 0, SOS_SIG_SIGNALED), SOS_ERR_REVOKED);
    KT_EQ(sos_object_signal(d2, 0, SOS_SIG_SIGNALED), SOS_ERR_REVOKED);
}

static void revoke_nested(void)
{
    sos_handle_t e = kt_event(), r1 = revoker(), r2 = revoker(), r3 = revoker();
    sos_handle_t m1 = mint(e, r1, SOS_RIGHT_SAME_RIGHTS);
    sos_handle_t m2 = mint(m1, r2, SOS_RIGHT_SAME_RIGHTS); /* r2 hangs below r1 */
    sos_handle_t m3 = mint(m1, r3, SOS_RIGHT_SAME_RIGHTS);
    KT_OK(sos_revoker_revoke(r3)); /* a child revoker takes only its own */
    KT_EQ(sos_object_signal(m3, 0, SOS_SIG_SIGNALED), SOS_ERR_REVOKED);
    KT_OK(sos_object_signal(m1, 0, SOS_SIG_SIGNALED));
    KT_OK(sos_object_signal(m2, 0, SOS_SIG_SIGNALED));
    KT_OK(sos_revoker_revoke(r1)); /* the parent takes the whole subtree */
    KT_EQ(sos_object_signal(m1, 0, SOS_SIG_SIGNALED), SOS_ERR_REVOKED);
    KT_EQ(sos_object_signal(m2, 0, SOS_SIG_SIGNALED), SOS_ERR_REVOKED);
    KT_OK(sos_object_signal(e, 0, SOS_SIG_SIGNALED));
}

static void revoke_needs_manage(void)
{
    sos_handle_t e = kt_event(), r = revoker();
    sos_handle_t m = mint(e, r, SOS_RIGHT_SAME_RIGHTS);
    sos_handle_t weak = kt_dup(r, SOS_RIGHT_WAIT);
    KT_EQ(sos_revoker_revoke(weak), SOS_ERR_ACCESS_DENIED);
    KT_OK(sos_object_signal(m, 0, SOS_SIG_SIGNALED));
    KT_EQ(sos_revoker_revoke(e), SOS_ERR_WRONG_TYPE);
    sos_handle_t out;
    KT_EQ(sos_handle_mint(e, e, SOS_RIGHT_SAME_RIGHTS, &out), SOS_ERR_WRONG_TYPE);
    KT_EQ(sos_handle_mint(e, r, SOS_RIGHTS_ALL, &out), SOS_ERR_ACCESS_DENIED);
}

static void revoke_then_mint_fails(void)
{
    sos_handle_t e = kt_event(), r = revoker();
    KT_OK(sos_revoker_revoke(r));
    sos_handle_t out;
    KT_EQ(sos_handle_mint(e, r, SOS_RIGHT_SAME_RIGHTS, &out), SOS_ERR_BAD_STATE);
}

static void revoke_handle_in_queued_message(void)
{
    sos_handle_t a, b;
    kt_channel(&a, &b);
    sos_handle_t e = kt_event(), r = revoker();
    sos_handle_t m = mint(e, r, SOS_RIGHT_SAME_RIGHTS);
    KT_OK(sos_channel_write(a, "m", 1, &m, 1));
    KT_OK(sos_revoker_revoke(r));
    char c;
    sos_handle_t got = 0x1234;
    struct sos_chan_read rd = {.bytes = &c, .handles = &got, .bytes_cap = 1, .handles_cap = 1};
    KT_OK(sos_channel_read(b, &rd));
    KT_EQ(rd.actual_handles, 1);
    KT_EQ(got, SOS_HANDLE_INVALID); /* it arrives revoked: as no handle at all */
}

static void revoke_blocks_transfer(void)
{
    sos_handle_t a, b;
    kt_channel(&a, &b);
    sos_handle_t e = kt_event(), r = revoker();
    sos_handle_t m = mint(e, r, SOS_RIGHT_SAME_RIGHTS);
    KT_OK(sos_revoker_revoke(r));
    KT_EQ(sos_channel_write(a, "m", 1, &m, 1), SOS_ERR_REVOKED);
    sos_handle_t d;
    KT_EQ(sos_handle_duplicate(m, SOS_RIGHT_SAME_RIGHTS, &d), SOS_ERR_REVOKED);
}

static void revoke_in_other_process(void)
{
    sos_handle_t mine, theirs;
    kt_channel(&mine, &theirs);
    struct sos_spawn_handle hs[1] = {{theirs, "chan"}};
    sos_handle_t proc = kt_spawn("probe", NULL, hs, 1);
    sos_handle_t e = kt_event(), r = revoker();
    sos_handle_t m = mint(e, r, SOS_RIGHT_SAME_RIGHTS);
    struct {
        struct sos_msg_hdr h;
        int64_t result;
    } req = {{0, 1, 0, 0}, 0}, rep;
    struct sl_msg q, p;
    sos_handle_t hv = m;
    /* first probe hands the minted handle over; the helper signals through it */
    sl_msg_begin(&q, &req, sizeof(req), &hv, 1, 1);
    sl_msg_put_u64(&q, 0);
    sl_msg_put_handle(&q, m);
    sl_msg_begin(&p, &rep, sizeof(rep), NULL, 0, 0);
    KT_OK(sl_call(mine, &q, &p, sos_deadline_after(SOS_MS(2000))));
    KT_EQ(rep.result, 0);
    KT_ASSERT(kt_signaled(e, SOS_SIG_USER(1)));
    KT_OK(sos_revoker_revoke(r));
    sl_msg_begin(&q, &req, sizeof(req), NULL, 0, 1);
    sl_msg_put_u64(&q, 0);
    KT_OK(sl_call(mine, &q, &p, sos_deadline_after(SOS_MS(2000))));
    KT_EQ(rep.result, SOS_ERR_REVOKED);
    KT_OK(sos_handle_close(mine));
    kt_join(proc, 2000);
}

const struct kt_case kt_rights_cases[] = {
    KT_CASE(handle_close_and_stale),
    KT_CASE(handle_bad_values),
    KT_CASE(handle_duplicate_reduces),
    KT_CASE(handle_cannot_gain_rights),
    KT_CASE(handle_replace),
    KT_CASE(handle_info_relations),
    KT_CASE(rights_vmo_enforced),
    KT_CASE(handle_values_are_per_process),
    KT_CASE(revoke_basic),
    KT_CASE(revoke_reaches_duplicates),
    KT_CASE(revoke_nested),
    KT_CASE(revoke_needs_manage),
    KT_CASE(revoke_then_mint_fails),
    KT_CASE(revoke_handle_in_queued_message),
    KT_CASE(revoke_blocks_transfer),
    KT_CASE(revoke_in_other_process),
};
const size_t kt_rights_count = sizeof(kt_rights_cases) / sizeof(kt_rights_cases[0]);
