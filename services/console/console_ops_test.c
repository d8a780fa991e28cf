/*
 * services/console/console_ops_test.c - the console service on the host: sessions,
 * flow control through the protocol, reading ahead at most one line, clients going
 * away, and every request cut short or garbled.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <proto/console.h>

#include "../lib/test/host_sys.h"
#include "console_ops.h"

static struct fake_req g_q;
static uint8_t g_buf[4096];
static sos_handle_t g_hbuf[4];
static struct sl_peer g_shell = {.name = "shell", .rights = SOS_RIGHT_READ | SOS_RIGHT_WRITE};

static int setup(void **state)
{
    (void)state;
    fake_reset();
    for (uint32_t i = 0; i < g_con.n; i++)
        free(g_con.stack[i]);
    memset(&g_con, 0, sizeof(g_con));
    con_init();
    g_con.input = 3;
    return 0;
}

static void type(const char *s)
{
    size_t n = strlen(s);
    memcpy(g_fake.in + g_fake.in_len, s, n);
    g_fake.in_len += n;
    con_pump();
}

static int send(sl_handler_fn fn, uint32_t ordinal, const char *text, sos_handle_t h,
                struct sl_peer *peer)
{
    struct sl_msg m;
    sl_msg_begin(&m, g_buf, sizeof(g_buf), g_hbuf, 4, ordinal);
    sl_msg_put_str(&m, text);
    if (h)
        sl_msg_put_handle(&m, h);
    fake_request(&g_q, m.bytes, m.len, m.handles, m.nhandles, 0, NULL);
    g_q.r.client = peer;
    return fn(&g_q.r);
}

/* The events sent on channel ch, as "L:text;" "INT;" "EOF;". */
static const char *events(sos_handle_t ch)
{
    static char s[2048];
    s[0] = 0;
    for (uint32_t i = 0; i < g_fake.nwrites; i++) {
        const struct fake_write *w = &g_fake.writes[i];
        if (w->ch != ch)
            continue;
        if (w->ordinal == CONSOLE_LINE)
            snprintf(s + strlen(s), sizeof(s) - strlen(s), "L:%s;",
                     (const char *)w->bytes + sizeof(struct sos_msg_hdr) + 4);
        else
            strcat(s, w->ordinal == CONSOLE_EOF ? "EOF;" : w->ordinal == CONSOLE_INTERRUPT ? "INT;" : "?;");
    }
    return s;
}

static const char *screen(void)
{
    g_fake.out[g_fake.out_len] = 0;
    return g_fake.out;
}

static void test_session_lines_and_prompt(void **state)
{
    (void)state;
    type("echo a\nservices\n"); /* before anyone attached: only one line is read */
    assert_int_equal(g_fake.in_pos, 7);
    assert_int_equal(send(con_do_attach, CONSOLE_ATTACH, "serviceos> ", 21, &g_shell), 0);
    assert_int_equal(g_q.r.handles[0], SOS_HANDLE_INVALID); /* the console keeps it */
    assert_string_equal(events(21), "L:echo a;");
    assert_string_equal(screen(), "serviceos> echo a\n");
    assert_int_equal(g_fake.in_pos, 16); /* and one line ahead, to see a ^C behind it */
    assert_int_equal(send(con_do_write, CONSOLE_WRITE, "a\n", 0, &g_shell), 0);
    assert_int_equal(send(con_do_prompt, CONSOLE_PROMPT, "", 0, &g_shell), 0);
    assert_string_equal(events(21), "L:echo a;L:services;");
    assert_string_equal(screen(), "serviceos> echo a\na\nserviceos> services\n");
    type("\x03");
    assert_string_equal(events(21), "L:echo a;L:services;INT;");
    send(con_do_prompt, CONSOLE_PROMPT, "$ ", 0, &g_shell);
    type("x\x04");
    assert_string_equal(events(21), "L:echo a;L:services;INT;L:x;EOF;");
}

static void test_rights_and_bad_requests(void **state)
{
    (void)state;
    struct sl_peer ro = {.name = "status", .rights = SOS_RIGHT_READ};
    assert_int_equal(send(con_do_attach, CONSOLE_ATTACH, "> ", 21, &ro), SOS_ERR_ACCESS_DENIED);
    assert_int_equal(send(con_do_write, CONSOLE_WRITE, "x", 0, &ro), SOS_ERR_ACCESS_DENIED);
    assert_int_equal(send(con_do_prompt, CONSOLE_PROMPT, "x", 0, &ro), SOS_ERR_ACCESS_DENIED);
    assert_int_equal(send(con_do_attach, CONSOLE_ATTACH, "> ", 0, &g_shell), SOS_ERR_INVALID_ARGS);
    assert_int_equal(send(con_do_prompt, CONSOLE_PROMPT, "> ", 0, &g_shell), SOS_ERR_BAD_STATE);
    assert_int_equal(send(con_do_write, CONSOLE_WRITE, "x", 0, (struct sl_peer *)(void *)&g_q.srv),
                     SOS_ERR_ACCESS_DENIED); /* the root manager's channel is no client */
    assert_int_equal(g_con.n, 0);
    struct sl_msg m;
    sl_msg_begin(&m, g_buf, sizeof(g_buf), g_hbuf, 4, CONSOLE_ATTACH);
    sl_msg_put_str(&m, "a prompt> ");
    sl_msg_put_handle(&m, 30);
    fake_mangle(con_do_attach, &m, SOS_RIGHT_READ | SOS_RIGHT_WRITE, 300);
    sl_msg_begin(&m, g_buf, sizeof(g_buf), NULL, 0, CONSOLE_WRITE);
    sl_msg_put_str(&m, "some text\n");
    fake_mangle(con_do_write, &m, SOS_RIGHT_WRITE, 2000);
    sl_msg_begin(&m, g_buf, sizeof(g_buf), NULL, 0, CONSOLE_PROMPT);
    sl_msg_put_str(&m, "p> ");
    fake_mangle(con_do_prompt, &m, SOS_RIGHT_WRITE, 2000);
    assert_true(g_con.n <= MAX_SESSIONS);
}

static void test_sessions_stack(void **state)
{
    (void)state;
    struct sl_peer other = {.name = "terminal", .rights = SOS_RIGHT_READ | SOS_RIGHT_WRITE};
    send(con_do_attach, CONSOLE_ATTACH, "a> ", 21, &g_shell);
    send(con_do_attach, CONSOLE_ATTACH, "b> ", 22, &other);
    type("one\n");
    assert_string_equal(events(22), "L:one;");
    assert_string_equal(events(21), "");
    /* b's client goes away: a gets the input again, with what b had read ahead */
    type("two\n");
    con_on_close(&g_con.srv, 6, &other);
    assert_int_equal(g_con.n, 1);
    type("three\n");
    assert_string_equal(events(21), "L:two;");
    send(con_do_prompt, CONSOLE_PROMPT, "", 0, &g_shell);
    assert_string_equal(events(21), "L:two;L:three;");
    /* a's client goes away: no session; input waits for the next */
    con_on_close(&g_con.srv, 5, &g_shell);
    assert_int_equal(g_con.n, 0);
    type("four\nfive\n");
    send(con_do_attach, CONSOLE_ATTACH, "c> ", 23, &other);
    assert_string_equal(events(23), "L:four;");
    /* a session whose channel broke goes at the next event */
    g_fake.write_fail_ch = 23;
    g_fake.write_fail_err = SOS_ERR_PEER_CLOSED;
    send(con_do_prompt, CONSOLE_PROMPT, "", 0, &other);
    assert_int_equal(g_con.n, 0);
    for (int i = 0; i < MAX_SESSIONS; i++)
        assert_int_equal(send(con_do_attach, CONSOLE_ATTACH, "d> ", (sos_handle_t)(40 + i), &g_shell), 0);
    assert_int_equal(send(con_do_attach, CONSOLE_ATTACH, "d> ", 50, &g_shell), SOS_ERR_NO_RESOURCES);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_session_lines_and_prompt, setup),
        cmocka_unit_test_setup(test_rights_and_bad_requests, setup),
        cmocka_unit_test_setup(test_sessions_stack, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
