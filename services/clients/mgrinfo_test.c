/*
 * services/clients/mgrinfo_test.c - decoding the root manager's MGR_LIST and MGR_PS
 * replies on the host, whole, cut short at every length, and garbled.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../lib/test/host_sys.h"
#include <client/mgrinfo.h>

static uint8_t g_buf[4096];
static struct mgr_svc g_svcs[MGRINFO_MAX];
static struct mgr_proc g_procs[MGRINFO_MAX];
static struct sl_conn_to g_rm;

static struct sl_msg *list_reply(void)
{
    static struct sl_msg m;
    sl_msg_begin(&m, g_buf, sizeof(g_buf), NULL, 0, MGR_LIST);
    sl_msg_put_u32(&m, 2);
    const char *names[] = {"log", "shell"};
    for (int i = 0; i < 2; i++) {
        sl_msg_put_str(&m, names[i]);
        sl_msg_put_u32(&m, SVC_READY);
        sl_msg_put_u64(&m, 10 + (uint64_t)i);
        sl_msg_put_u32(&m, (uint32_t)i);
        sl_msg_put_u64(&m, 1234);
        sl_msg_put_u32(&m, MGR_SVC_CRITICAL);
        sl_msg_put_str(&m, "ready");
    }
    return &m;
}

static struct sl_msg *ps_reply(void)
{
    static struct sl_msg m;
    sl_msg_begin(&m, g_buf, sizeof(g_buf), NULL, 0, MGR_PS);
    sl_msg_put_u32(&m, 1);
    sl_msg_put_u64(&m, 7);
    sl_msg_put_str(&m, "rootmgr");
    sl_msg_put_u32(&m, SOS_PROC_RUNNING);
    sl_msg_put_u64(&m, 5000);
    sl_msg_put_u64(&m, 8192);
    sl_msg_put_u32(&m, 1);
    sl_msg_put_u32(&m, 20);
    sl_msg_put_str(&m, "rootmgr");
    return &m;
}

static void test_decode(void **state)
{
    (void)state;
    fake_reset();
    struct sl_msg *m = list_reply();
    g_fake.conn_reply = m->bytes;
    g_fake.conn_reply_len = m->len;
    uint32_t n = 0;
    assert_int_equal(mgr_list(&g_rm, g_svcs, MGRINFO_MAX, &n), 0);
    assert_int_equal(n, 2);
    assert_string_equal(g_svcs[1].name, "shell");
    assert_int_equal(g_svcs[1].pid, 11);
    assert_int_equal(g_svcs[1].restarts, 1);
    assert_string_equal(g_svcs[0].detail, "ready");
    assert_int_equal(mgr_list(&g_rm, g_svcs, 1, &n), 0); /* room for one */
    assert_int_equal(n, 1);
    m = ps_reply();
    g_fake.conn_reply = m->bytes;
    g_fake.conn_reply_len = m->len;
    assert_int_equal(mgr_ps(&g_rm, g_procs, MGRINFO_MAX, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(g_procs[0].cpu_ns, 5000);
    assert_int_equal(g_procs[0].handles, 20);
    assert_non_null(mgr_proc_of(g_procs, n, "rootmgr"));
    assert_null(mgr_proc_of(g_procs, n, "log"));
    g_fake.conn_result = SOS_ERR_TIMED_OUT;
    assert_int_equal(mgr_ps(&g_rm, g_procs, MGRINFO_MAX, &n), SOS_ERR_TIMED_OUT);
    assert_int_equal(n, 0);
}

/* Every cut of a good reply and garbled ones: an error or a well-formed result. */
static void test_bad_replies(void **state)
{
    (void)state;
    fake_reset();
    for (int which = 0; which < 2; which++) {
        struct sl_msg *m = which == 0 ? list_reply() : ps_reply();
        for (uint32_t len = 0; len < m->len; len++) {
            uint8_t *cut = malloc(len + 1);
            memcpy(cut, m->bytes, len);
            g_fake.conn_reply = cut;
            g_fake.conn_reply_len = len;
            uint32_t n = 99;
            int err = which == 0 ? mgr_list(&g_rm, g_svcs, MGRINFO_MAX, &n)
                                 : mgr_ps(&g_rm, g_procs, MGRINFO_MAX, &n);
            assert_int_not_equal(err, 0);
            assert_true(n <= 2);
            free(cut);
        }
        uint64_t seed = 88172645463325252ull;
        uint8_t *copy = malloc(m->len);
        for (int round = 0; round < 3000; round++) {
            memcpy(copy, m->bytes, m->len);
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            copy[sizeof(struct sos_msg_hdr) + seed % (m->len - sizeof(struct sos_msg_hdr))] ^=
                (uint8_t)(seed >> 40) | 1;
            g_fake.conn_reply = copy;
            g_fake.conn_reply_len = m->len;
            uint32_t n = 0;
            if (which == 0) {
                if (!mgr_list(&g_rm, g_svcs, MGRINFO_MAX, &n))
                    for (uint32_t i = 0; i < n; i++)
                        assert_true(strlen(g_svcs[i].name) < sizeof(g_svcs[i].name));
            } else if (!mgr_ps(&g_rm, g_procs, MGRINFO_MAX, &n)) {
                for (uint32_t i = 0; i < n; i++)
                    assert_true(strlen(g_procs[i].service) < sizeof(g_procs[i].service));
            }
        }
        free(copy);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decode),
        cmocka_unit_test(test_bad_replies),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
