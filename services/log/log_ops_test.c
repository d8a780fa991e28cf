/*
 * services/log/log_ops_test.c - the log service's request handlers on the host: rights,
 * every request cut short or garbled, follow, and the kernel's fault records.
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
#include "log_ops.h"

static struct fake_req g_q;
static uint8_t g_buf[4096];
static sos_handle_t g_hbuf[4];

static int setup(void **state)
{
    (void)state;
    fake_reset();
    free(g_log.ring.recs);
    free(g_log.sel);
    memset(&g_log, 0, sizeof(g_log));
    return log_state_init(64);
}

static struct sl_msg *msg_write(uint32_t sev, const char *text)
{
    static struct sl_msg m;
    sl_msg_begin(&m, g_buf, sizeof(g_buf), NULL, 0, LOG_WRITE);
    sl_msg_put_u32(&m, sev);
    sl_msg_put_str(&m, text);
    return &m;
}

static struct sl_msg *msg_query(uint32_t max, uint32_t sev, const char *src)
{
    static struct sl_msg m;
    sl_msg_begin(&m, g_buf, sizeof(g_buf), NULL, 0, LOG_QUERY);
    sl_msg_put_u32(&m, max);
    sl_msg_put_u32(&m, sev);
    sl_msg_put_str(&m, src);
    return &m;
}

static struct sl_msg *msg_follow(uint32_t sev, const char *src, sos_handle_t ch)
{
    static struct sl_msg m;
    sl_msg_begin(&m, g_buf, sizeof(g_buf), g_hbuf, 4, LOG_FOLLOW);
    sl_msg_put_u32(&m, sev);
    sl_msg_put_str(&m, src);
    if (ch)
        sl_msg_put_handle(&m, ch);
    return &m;
}

static int call(sl_handler_fn fn, const struct sl_msg *m, sos_rights_t rights, const char *who)
{
    fake_request(&g_q, m->bytes, m->len, m->handles, m->nhandles, rights, who);
    return fn(&g_q.r);
}

static void test_write_and_source(void **state)
{
    (void)state;
    assert_int_equal(call(log_do_write, msg_write(LOG_WARNING, "disk low"), SOS_RIGHT_WRITE, "config"), 0);
    assert_int_equal(g_log.ring.count, 1);
    const struct log_rec *r = log_ring_at(&g_log.ring, 0);
    assert_string_equal(r->source, "config"); /* from the connection, not the message */
    assert_string_equal(r->message, "disk low");
    assert_int_equal(r->severity, LOG_WARNING);
}

static void test_rights(void **state)
{
    (void)state;
    assert_int_equal(call(log_do_write, msg_write(LOG_INFO, "x"), SOS_RIGHT_READ, NULL),
                     SOS_ERR_ACCESS_DENIED);
    assert_int_equal(call(log_do_query, msg_query(5, 0, ""), SOS_RIGHT_WRITE, NULL),
                     SOS_ERR_ACCESS_DENIED);
    assert_int_equal(call(log_do_follow, msg_follow(0, "", 44), SOS_RIGHT_WRITE, NULL),
                     SOS_ERR_ACCESS_DENIED);
    /* the root manager's own channel (client == the server) is no client */
    struct sl_msg *m = msg_write(LOG_INFO, "x");
    fake_request(&g_q, m->bytes, m->len, NULL, 0, SOS_RIGHTS_ALL, NULL);
    g_q.r.client = g_q.r.srv;
    assert_int_equal(log_do_write(&g_q.r), SOS_ERR_ACCESS_DENIED);
    g_q.r.client = NULL;
    assert_int_equal(log_do_write(&g_q.r), SOS_ERR_ACCESS_DENIED);
    assert_int_equal(g_log.ring.count, 0);
}

static void test_bad_writes(void **state)
{
    (void)state;
    assert_int_equal(call(log_do_write, msg_write(LOG_SEVERITY_COUNT, "x"), SOS_RIGHT_WRITE, NULL),
                     SOS_ERR_INVALID_ARGS);
    /* a string whose length runs past the message, or without its NUL */
    struct sl_msg *m = msg_write(LOG_INFO, "hello");
    uint32_t len_at = sizeof(struct sos_msg_hdr) + 4;
    uint32_t big = 1000;
    memcpy(g_buf + len_at, &big, 4);
    assert_int_equal(call(log_do_write, m, SOS_RIGHT_WRITE, NULL), SOS_ERR_INVALID_ARGS);
    m = msg_write(LOG_INFO, "hello");
    g_buf[m->len - 1] = 'x'; /* the NUL */
    assert_int_equal(call(log_do_write, m, SOS_RIGHT_WRITE, NULL), SOS_ERR_INVALID_ARGS);
    assert_int_equal(g_log.ring.count, 0);
    /* every cut of a good message, and garbled ones: errors, never a crash */
    uint32_t ok = fake_mangle(log_do_write, msg_write(LOG_ERROR, "a message"), SOS_RIGHT_WRITE, 2000);
    assert_true(ok < 2000); /* most garbling is refused */
    for (uint32_t i = 0; i < g_log.ring.count; i++) {
        const struct log_rec *r = log_ring_at(&g_log.ring, i);
        assert_true(r->severity < LOG_SEVERITY_COUNT);
        assert_true(strlen(r->message) < LOG_MESSAGE_MAX);
    }
}

static void test_query(void **state)
{
    (void)state;
    call(log_do_write, msg_write(LOG_INFO, "one"), SOS_RIGHT_WRITE, "a");
    call(log_do_write, msg_write(LOG_ERROR, "two"), SOS_RIGHT_WRITE, "b");
    call(log_do_write, msg_write(LOG_INFO, "three"), SOS_RIGHT_WRITE, "a");
    assert_int_equal(call(log_do_query, msg_query(10, LOG_INFO, "a"), SOS_RIGHT_READ, NULL), 0);
    struct sl_parse p;
    assert_int_equal(sl_parse_begin(&p, g_q.reply.bytes, g_q.reply.len, NULL, 0, NULL), 0);
    assert_int_equal(sl_parse_u32(&p), 2);
    assert_int_equal(sl_parse_u64(&p), 1);
    sl_parse_u64(&p);
    assert_int_equal(sl_parse_u32(&p), LOG_INFO);
    assert_string_equal(sl_parse_str(&p, NULL), "a");
    assert_string_equal(sl_parse_str(&p, NULL), "one");
    assert_int_equal(sl_parse_u64(&p), 3);
    /* a source name too long to be one is refused; garbage never crashes */
    assert_int_equal(call(log_do_query, msg_query(1, 0, "0123456789012345678901234567890123456789"),
                          SOS_RIGHT_READ, NULL), SOS_ERR_INVALID_ARGS);
    fake_mangle(log_do_query, msg_query(5, LOG_DEBUG, "a"), SOS_RIGHT_READ, 2000);
}

static void test_follow_push_and_drop(void **state)
{
    (void)state;
    assert_int_equal(call(log_do_follow, msg_follow(LOG_ERROR, "", 0), SOS_RIGHT_READ, NULL),
                     SOS_ERR_INVALID_ARGS); /* no channel */
    assert_int_equal(call(log_do_follow, msg_follow(LOG_ERROR, "", 44), SOS_RIGHT_READ, NULL), 0);
    assert_int_equal(g_q.r.handles[0], SOS_HANDLE_INVALID); /* kept: the loop must not close it */
    call(log_do_write, msg_write(LOG_INFO, "quiet"), SOS_RIGHT_WRITE, "a");
    call(log_do_write, msg_write(LOG_CRITICAL, "loud"), SOS_RIGHT_WRITE, "a");
    assert_int_equal(g_fake.nwrites, 1);
    assert_int_equal(g_fake.writes[0].ch, 44);
    assert_int_equal(g_fake.writes[0].ordinal, LOG_RECORD);
    /* a full queue loses the record for that follower only; a closed one is dropped */
    g_fake.write_fail_ch = 44;
    g_fake.write_fail_err = SOS_ERR_QUEUE_FULL;
    call(log_do_write, msg_write(LOG_ERROR, "lost"), SOS_RIGHT_WRITE, "a");
    assert_int_equal(g_log.followers[0].dropped, 1);
    g_fake.write_fail_err = SOS_ERR_PEER_CLOSED;
    call(log_do_write, msg_write(LOG_ERROR, "gone"), SOS_RIGHT_WRITE, "a");
    assert_int_equal(g_log.followers[0].ch, 0);
    /* every slot taken: a follower whose reader has gone makes room */
    g_fake.write_fail_ch = 0;
    for (int i = 0; i < MAX_FOLLOWERS; i++)
        assert_int_equal(call(log_do_follow, msg_follow(0, "", (sos_handle_t)(100 + i)), SOS_RIGHT_READ, NULL), 0);
    assert_int_equal(call(log_do_follow, msg_follow(0, "", 200), SOS_RIGHT_READ, NULL),
                     SOS_ERR_NO_RESOURCES);
    g_fake.peer_closed_ch = 105;
    assert_int_equal(call(log_do_follow, msg_follow(0, "", 200), SOS_RIGHT_READ, NULL), 0);
    assert_int_equal(g_log.followers[5].ch, 200);
    fake_mangle(log_do_follow, msg_follow(0, "x", 300), SOS_RIGHT_READ, 500);
}

static void test_fault_records(void **state)
{
    (void)state;
    g_fake.faults[0] = (struct sos_fault_record){.fault_class = SOS_FAULT_NULL_DEREF, .pc = 0x10,
                                                 .process = 42};
    g_fake.faults[1] = (struct sos_fault_record){.fault_class = SOS_FAULT_EXEC, .address = 0x6000,
                                                 .pc = 0x6000, .process = 43};
    g_fake.nfaults = 2;
    log_drain_faults();
    assert_int_equal(g_log.ring.count, 2);
    const struct log_rec *r = log_ring_at(&g_log.ring, 0);
    assert_string_equal(r->source, "kernel");
    assert_int_equal(r->severity, LOG_ERROR);
    assert_string_equal(r->message, "process 42 faulted: null dereference at 0x0 (pc 0x10)");
    assert_string_equal(log_ring_at(&g_log.ring, 1)->message,
                        "process 43 faulted: exec of non-exec at 0x6000 (pc 0x6000)");
    log_drain_faults(); /* nothing more */
    assert_int_equal(g_log.ring.count, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_write_and_source, setup),
        cmocka_unit_test_setup(test_rights, setup),
        cmocka_unit_test_setup(test_bad_writes, setup),
        cmocka_unit_test_setup(test_query, setup),
        cmocka_unit_test_setup(test_follow_push_and_drop, setup),
        cmocka_unit_test_setup(test_fault_records, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
