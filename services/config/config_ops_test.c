/*
 * services/config/config_ops_test.c - the config service's request handlers on the
 * host: rights, types, listing, watchers, and every request cut short or garbled.
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
#include "config_ops.h"

static struct fake_req g_q;
static uint8_t g_buf[4096];
static sos_handle_t g_hbuf[4];

static int setup(void **state)
{
    (void)state;
    fake_reset();
    cfg_store_free(&g_cfg.store);
    cfg_store_free(&g_cfg.saved);
    memset(&g_cfg, 0, sizeof(g_cfg));
    cfg_store_init(&g_cfg.store);
    cfg_store_init(&g_cfg.saved);
    return 0;
}

/* The last test's store is freed here, so LeakSanitizer sees nothing at exit. */
static int group_teardown(void **state)
{
    (void)state;
    cfg_store_free(&g_cfg.store);
    cfg_store_free(&g_cfg.saved);
    return 0;
}

static struct sl_msg *msg1(uint32_t ordinal, const char *a)
{
    static struct sl_msg m;
    sl_msg_begin(&m, g_buf, sizeof(g_buf), g_hbuf, 4, ordinal);
    sl_msg_put_str(&m, a);
    return &m;
}

static struct sl_msg *msg_set(const char *key, const char *value)
{
    struct sl_msg *m = msg1(CONFIG_SET, key);
    sl_msg_put_str(m, value);
    return m;
}

static int call(sl_handler_fn fn, const struct sl_msg *m, sos_rights_t rights)
{
    fake_request(&g_q, m->bytes, m->len, m->handles, m->nhandles, rights, "shell");
    return fn(&g_q.r);
}

/* The reply of the last call, from after its header. */
static struct sl_parse *reply(void)
{
    static struct sl_parse p;
    assert_int_equal(sl_parse_begin(&p, g_q.reply.bytes, g_q.reply.len, NULL, 0, NULL), 0);
    return &p;
}

#define RW (SOS_RIGHT_READ | SOS_RIGHT_WRITE)

static void test_set_get(void **state)
{
    (void)state;
    assert_int_equal(call(cfg_do_set, msg_set("a.b", "5"), RW), 0);
    assert_int_equal(g_fake.conn_calls, 1); /* the change was logged */
    assert_int_equal(call(cfg_do_get, msg1(CONFIG_GET, "a.b"), SOS_RIGHT_READ), 0);
    struct sl_parse *p = reply();
    assert_int_equal(sl_parse_u32(p), CONFIG_INT);
    assert_string_equal(sl_parse_str(p, NULL), "5");
    assert_int_equal(sl_parse_end(p), 0);
    assert_int_equal(call(cfg_do_set, msg_set("a.b", "five"), RW), SOS_ERR_INVALID_ARGS);
    assert_int_equal(call(cfg_do_set, msg_set("a.b", "5"), RW), 0);
    assert_int_equal(g_fake.conn_calls, 1); /* no change, no record */
    assert_int_equal(call(cfg_do_get, msg1(CONFIG_GET, "a.c"), SOS_RIGHT_READ), SOS_ERR_NOT_FOUND);
    assert_int_equal(call(cfg_do_get, msg1(CONFIG_GET, "A..b"), SOS_RIGHT_READ), SOS_ERR_INVALID_ARGS);
    assert_int_equal(call(cfg_do_set, msg_set("bad key", "1"), RW), SOS_ERR_INVALID_ARGS);
}

/* A refused set says why in its reply: the key's type and the value, or a bad key. */
static void test_set_refused_says_why(void **state)
{
    (void)state;
    assert_int_equal(call(cfg_do_set, msg_set("display.width", "1024"), RW), 0);
    assert_int_equal(call(cfg_do_set, msg_set("display.width", "wide"), RW), SOS_ERR_INVALID_ARGS);
    assert_string_equal(sl_parse_str(reply(), NULL), "display.width is an int: 'wide' does not fit");
    assert_int_equal(call(cfg_do_set, msg_set("Bad Key", "1"), RW), SOS_ERR_INVALID_ARGS);
    assert_string_equal(sl_parse_str(reply(), NULL), "'Bad Key' is not a key (dot-separated a-z, 0-9, '_', '-')");
    assert_string_equal(cfg_store_get(&g_cfg.store, "display.width")->value, "1024");
}

static void test_rights(void **state)
{
    (void)state;
    assert_int_equal(call(cfg_do_set, msg_set("a.b", "5"), SOS_RIGHT_READ), SOS_ERR_ACCESS_DENIED);
    assert_int_equal(call(cfg_do_get, msg1(CONFIG_GET, "a.b"), SOS_RIGHT_WRITE), SOS_ERR_ACCESS_DENIED);
    assert_int_equal(call(cfg_do_list, msg1(CONFIG_LIST, ""), 0), SOS_ERR_ACCESS_DENIED);
    struct sl_msg *m = msg1(CONFIG_WATCH, "");
    sl_msg_put_handle(m, 9);
    assert_int_equal(call(cfg_do_watch, m, SOS_RIGHT_WRITE), SOS_ERR_ACCESS_DENIED);
    m = msg_set("a.b", "5");
    fake_request(&g_q, m->bytes, m->len, NULL, 0, RW, NULL);
    g_q.r.client = g_q.r.srv; /* the root manager's channel */
    assert_int_equal(cfg_do_set(&g_q.r), SOS_ERR_ACCESS_DENIED);
    assert_int_equal(g_cfg.store.n, 0);
}

static void test_list(void **state)
{
    (void)state;
    const char *keys[] = {"log.level", "logger", "log.a.b", "net.mtu", "log-x"};
    for (size_t i = 0; i < 5; i++)
        assert_int_equal(call(cfg_do_set, msg_set(keys[i], "1"), RW), 0);
    assert_int_equal(call(cfg_do_list, msg1(CONFIG_LIST, "log"), SOS_RIGHT_READ), 0);
    struct sl_parse *p = reply();
    assert_int_equal(sl_parse_u32(p), 2);
    assert_string_equal(sl_parse_str(p, NULL), "log.a.b");
    assert_int_equal(sl_parse_u32(p), CONFIG_INT);
    assert_string_equal(sl_parse_str(p, NULL), "1");
    assert_string_equal(sl_parse_str(p, NULL), "log.level");
    assert_int_equal(call(cfg_do_list, msg1(CONFIG_LIST, ""), SOS_RIGHT_READ), 0);
    assert_int_equal(sl_parse_u32(reply()), 5);
    assert_int_equal(call(cfg_do_list, msg1(CONFIG_LIST, "net."), SOS_RIGHT_READ), 0);
    assert_int_equal(sl_parse_u32(reply()), 1);
    assert_int_equal(call(cfg_do_list, msg1(CONFIG_LIST, "Net"), SOS_RIGHT_READ), SOS_ERR_INVALID_ARGS);
    assert_int_equal(call(cfg_do_list, msg1(CONFIG_LIST, ".."), SOS_RIGHT_READ), SOS_ERR_INVALID_ARGS);
}

static void test_list_fits_one_reply(void **state)
{
    (void)state;
    char key[32], value[CONFIG_VALUE_MAX];
    memset(value, 'v', sizeof(value) - 1);
    value[sizeof(value) - 1] = 0;
    for (int i = 0; i < 300; i++) { /* 300 x ~530 bytes: more than one message holds */
        snprintf(key, sizeof(key), "k%03d", i);
        assert_int_equal(call(cfg_do_set, msg_set(key, value), RW), 0);
    }
    assert_int_equal(call(cfg_do_list, msg1(CONFIG_LIST, ""), SOS_RIGHT_READ), 0);
    assert_false(g_q.reply.overflow);
    uint32_t n = sl_parse_u32(reply());
    assert_true(n > 100 && n < 300);
}

static void test_watch(void **state)
{
    (void)state;
    struct sl_msg *m = msg1(CONFIG_WATCH, "net");
    assert_int_equal(call(cfg_do_watch, m, SOS_RIGHT_READ), SOS_ERR_INVALID_ARGS); /* no channel */
    m = msg1(CONFIG_WATCH, "net");
    sl_msg_put_handle(m, 50);
    assert_int_equal(call(cfg_do_watch, m, SOS_RIGHT_READ), 0);
    assert_int_equal(g_q.r.handles[0], SOS_HANDLE_INVALID);
    call(cfg_do_set, msg_set("net.mtu", "1500"), RW);
    call(cfg_do_set, msg_set("network", "x"), RW);
    call(cfg_do_set, msg_set("net.mtu", "1500"), RW); /* unchanged: no message */
    assert_int_equal(g_fake.nwrites, 1);
    assert_int_equal(g_fake.writes[0].ch, 50);
    assert_int_equal(g_fake.writes[0].ordinal, CONFIG_CHANGED);
    g_fake.write_fail_ch = 50;
    g_fake.write_fail_err = SOS_ERR_PEER_CLOSED;
    call(cfg_do_set, msg_set("net.mtu", "9000"), RW);
    assert_int_equal(g_cfg.watchers[0].ch, 0); /* gone */
    m = msg1(CONFIG_WATCH, "0123456789012345678901234567890123456789012345678901234567890123456789"
                           "0123456789012345678901234567890123456789012345678901234567890123456789");
    sl_msg_put_handle(m, 51);
    assert_int_equal(call(cfg_do_watch, m, SOS_RIGHT_READ), SOS_ERR_INVALID_ARGS);
}

static void test_garbage(void **state)
{
    (void)state;
    call(cfg_do_set, msg_set("a.b", "5"), RW);
    fake_mangle(cfg_do_set, msg_set("x.y", "hello"), RW, 3000);
    fake_mangle(cfg_do_get, msg1(CONFIG_GET, "a.b"), RW, 3000);
    fake_mangle(cfg_do_list, msg1(CONFIG_LIST, "a"), RW, 3000);
    struct sl_msg *m = msg1(CONFIG_WATCH, "a");
    sl_msg_put_handle(m, 60);
    fake_mangle(cfg_do_watch, m, RW, 500);
    for (uint32_t i = 0; i < g_cfg.store.n; i++) { /* whatever got in is well-formed */
        char norm[CONFIG_VALUE_MAX];
        assert_int_equal(cfg_key_check(g_cfg.store.e[i].key), 0);
        assert_int_equal(cfg_value_normalize(g_cfg.store.e[i].type, g_cfg.store.e[i].value, norm,
                                             sizeof(norm)), 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_set_get, setup),
        cmocka_unit_test_setup(test_set_refused_says_why, setup),
        cmocka_unit_test_setup(test_rights, setup),
        cmocka_unit_test_setup(test_list, setup),
        cmocka_unit_test_setup(test_list_fits_one_reply, setup),
        cmocka_unit_test_setup(test_watch, setup),
        cmocka_unit_test_setup(test_garbage, setup),
    };
    return cmocka_run_group_tests(tests, NULL, group_teardown);
}
