/*
 * core/obj/handle_test.c - handles: close, duplicate, replace, stale values, rights.
 */
#include "th.h"

static void test_close_ok(void **state)
{
    (void)state;
    sos_handle_t e = th_event();
    assert_int_equal(u_handle_close(e), 0);
}

static void test_close_stale(void **state)
{
    (void)state;
    sos_handle_t e = th_event();
    assert_int_equal(u_handle_close(e), 0);
    assert_int_equal(u_handle_close(e), SOS_ERR_BAD_HANDLE);
    /* the slot is reused with a new generation: the old value still fails */
    sos_handle_t e2 = th_event();
    assert_int_not_equal(e, e2);
    assert_int_equal(u_handle_close(e), SOS_ERR_BAD_HANDLE);
    assert_int_equal(u_handle_close(e2), 0);
}

static void test_close_guessed(void **state)
{
    (void)state;
    assert_int_equal(u_handle_close(0x12345678u), SOS_ERR_BAD_HANDLE);
    assert_int_equal(u_handle_close(1), SOS_ERR_BAD_HANDLE);
    assert_int_equal(u_handle_close(SOS_HANDLE_INVALID), 0);
}

static void test_duplicate_reduces(void **state)
{
    (void)state;
    sos_handle_t e = th_event();
    sos_handle_t *d = th_umem(sizeof(*d));
    assert_int_equal(u_handle_duplicate(e, SOS_RIGHT_WAIT | SOS_RIGHT_DUPLICATE, d), 0);
    struct sos_info_handle *info = th_umem(sizeof(*info));
    assert_int_equal(u_object_get_info(*d, SOS_INFO_HANDLE, info, sizeof(*info)),
                     (int64_t)sizeof(*info));
    assert_int_equal(info->rights, SOS_RIGHT_WAIT | SOS_RIGHT_DUPLICATE);
    assert_int_equal(info->kind, SOS_OBJ_EVENT);
    /* no right to signal through the reduced handle */
    assert_int_equal(u_object_signal(*d, 0, SOS_SIG_USER(0)), SOS_ERR_ACCESS_DENIED);
    assert_int_equal(u_object_signal(e, 0, SOS_SIG_USER(0)), 0);
}

static void test_duplicate_cannot_add(void **state)
{
    (void)state;
    sos_handle_t e = th_event();
    sos_handle_t *d = th_umem(sizeof(*d));
    assert_int_equal(u_handle_duplicate(e, SOS_RIGHT_DUPLICATE, d), 0);
    sos_handle_t *d2 = th_umem(sizeof(*d2));
    assert_int_equal(u_handle_duplicate(*d, SOS_RIGHT_DUPLICATE | SOS_RIGHT_SIGNAL, d2),
                     SOS_ERR_ACCESS_DENIED);
}

static void test_duplicate_needs_right(void **state)
{
    (void)state;
    sos_handle_t e = th_event();
    sos_handle_t *d = th_umem(sizeof(*d));
    assert_int_equal(u_handle_duplicate(e, SOS_RIGHT_WAIT, d), 0);
    sos_handle_t *d2 = th_umem(sizeof(*d2));
    assert_int_equal(u_handle_duplicate(*d, SOS_RIGHT_WAIT, d2), SOS_ERR_ACCESS_DENIED);
}

static void test_duplicate_bad_pointer(void **state)
{
    (void)state;
    sos_handle_t e = th_event();
    sos_handle_t local;
    assert_int_equal(u_handle_duplicate(e, SOS_RIGHT_SAME_RIGHTS, &local), SOS_ERR_BAD_ADDRESS);
    assert_int_equal(u_handle_duplicate(e, SOS_RIGHT_SAME_RIGHTS, NULL), SOS_ERR_BAD_ADDRESS);
}

static void test_replace(void **state)
{
    (void)state;
    sos_handle_t e = th_event();
    sos_handle_t *r = th_umem(sizeof(*r));
    assert_int_equal(u_handle_replace(e, SOS_RIGHT_WAIT, r), 0);
    assert_int_equal(u_handle_close(e), SOS_ERR_BAD_HANDLE);
    assert_int_equal(u_handle_close(*r), 0);
}

static void test_replace_cannot_add(void **state)
{
    (void)state;
    sos_handle_t e = th_event();
    sos_handle_t *r = th_umem(sizeof(*r));
    assert_int_equal(u_handle_replace(e, SOS_RIGHT_WAIT, r), 0);
    assert_int_equal(u_handle_replace(*r, SOS_RIGHT_WAIT | SOS_RIGHT_SIGNAL, r),
                     SOS_ERR_ACCESS_DENIED);
    /* on failure the original stays valid */
    assert_int_equal(u_handle_close(*r), 0);
}

static void test_leak_cycles(void **state)
{
    (void)state;
    sos_handle_t *h = th_umem(2 * sizeof(*h));
    for (int i = 0; i < 10; i++) { /* warm the caches */
        assert_int_equal(u_event_create(0, h), 0);
        assert_int_equal(u_handle_close(h[0]), 0);
    }
    struct th_counts before;
    th_counts(&before);
    for (int i = 0; i < 10000; i++) {
        assert_int_equal(u_event_create(0, h), 0);
        assert_int_equal(u_handle_duplicate(h[0], SOS_RIGHT_SAME_RIGHTS, &h[1]), 0);
        assert_int_equal(u_handle_close(h[0]), 0);
        assert_int_equal(u_handle_close(h[1]), 0);
    }
    th_assert_counts(&before);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        TH_TEST(test_close_ok),
        TH_TEST(test_close_stale),
        TH_TEST(test_close_guessed),
        TH_TEST(test_duplicate_reduces),
        TH_TEST(test_duplicate_cannot_add),
        TH_TEST(test_duplicate_needs_right),
        TH_TEST(test_duplicate_bad_pointer),
        TH_TEST(test_replace),
        TH_TEST(test_replace_cannot_add),
        TH_TEST(test_leak_cycles),
    };
    return TH_RUN(tests);
}
