/*
 * services/console/console_ops_test.c - the console service on the host: sessions,
 * flow control through the protocol, reading ahead at most one line, clients going
 * away, every request cut short or garbled, and the input a restarted console keeps.
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

/* ---- the state page (resource "state"), faked: each write is kept with the number of
 * channel writes made before it, to check what was saved when an event went out */

static struct {
    uint8_t page[65536];
    struct { uint32_t before; char text[64]; } log[256];
    uint32_t n;
} g_page;

int64_t sos_vmo_read(sos_handle_t vmo, void *buf, uint64_t off, size_t len)
{
    if (vmo != 9 || off + len > sizeof(g_page.page))
        return SOS_ERR_BAD_HANDLE;
    memcpy(buf, g_page.page + off, len);
    return 0;
}

int64_t sos_vmo_write(sos_handle_t vmo, const void *buf, uint64_t off, size_t len)
{
    if (vmo != 9 || off + len > sizeof(g_page.page))
        return SOS_ERR_BAD_HANDLE;
    memcpy(g_page.page + off, buf, len);
    uint32_t n;
    memcpy(&n, g_page.page, 4);
    if (g_page.n < 256) {
        g_page.log[g_page.n].before = g_fake.nwrites;
        uint32_t k = n < 63 ? n : 63;
        memcpy(g_page.log[g_page.n].text, g_page.page + 4, k);
        g_page.log[g_page.n].text[k] = 0;
        g_page.n++;
    }
    return 0;
}

/* What the page held when channel write `w` went out. */
int64_t sos_vmo_get_size(sos_handle_t vmo, uint64_t *size)
{
    *size = sizeof(g_page.page);
    return vmo == 9 ? 0 : SOS_ERR_BAD_HANDLE;
}

static const char *saved_at(uint32_t w)
{
    const char *s = "(nothing)";
    for (uint32_t i = 0; i < g_page.n && g_page.log[i].before <= w; i++)
        s = g_page.log[i].text;
    return s;
}

static const char *saved_now(void) { return g_page.n ? g_page.log[g_page.n - 1].text : "(nothing)"; }

/* A console killed while a command runs keeps what it had read ahead: its successor
 * (same page, same kernel input) sends it, once, before anything typed later. */
static void test_restart_keeps_read_ahead(void **state)
{
    (void)state;
    memset(&g_page, 0, sizeof(g_page));
    con_restore(9);
    send(con_do_attach, CONSOLE_ATTACH, "> ", 21, &g_shell);
    type("ab");
    assert_string_equal(saved_now(), "ab"); /* the line being edited */
    type("c\n");
    assert_string_equal(events(21), "L:abc;");
    assert_string_equal(saved_at(0), ""); /* saved without the line before it went */
    type("kill console\necho one\necho two\n"); /* paused: reads one line ahead */
    assert_string_equal(saved_now(), "kill console\n");
    send(con_do_prompt, CONSOLE_PROMPT, "", 0, &g_shell);
    assert_string_equal(events(21), "L:abc;L:kill console;");
    assert_string_equal(saved_at(1), "");
    assert_string_equal(saved_now(), "echo one\n"); /* the line read while it runs */
    /* killed now: a new instance, the same page and kernel input */
    free(g_con.stack[0]);
    memset(&g_con, 0, sizeof(g_con));
    con_init();
    g_con.input = 3;
    con_restore(9);
    assert_int_equal(g_con.pending_len, 9);
    send(con_do_attach, CONSOLE_ATTACH, "> ", 22, &g_shell);
    assert_string_equal(events(22), "L:echo one;");
    assert_string_equal(saved_now(), "echo two\n");
    send(con_do_prompt, CONSOLE_PROMPT, "", 0, &g_shell);
    assert_string_equal(events(22), "L:echo one;L:echo two;");
    assert_string_equal(saved_now(), "");
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

/* ---- graphical terminals: the channel's messages, faked */

static struct {
    uint8_t msg[8][256];
    uint32_t len[8], n, pos;
    bool closed;
    uint32_t watches;
} g_term;

int sl_server_watch(struct sl_server *s, sos_handle_t h, sos_signals_t signals, uint32_t options,
                    sl_watch_fn fn, void *arg)
{
    (void)s, (void)h, (void)signals, (void)options, (void)fn, (void)arg;
    g_term.watches++;
    return 0;
}

int64_t sos_channel_read(sos_handle_t h, struct sos_chan_read *rd)
{
    if (h != 30)
        return SOS_ERR_BAD_HANDLE;
    if (g_term.pos == g_term.n)
        return g_term.closed ? SOS_ERR_PEER_CLOSED : SOS_ERR_SHOULD_WAIT;
    uint32_t i = g_term.pos++;
    memcpy(rd->bytes, g_term.msg[i], g_term.len[i]);
    rd->actual_bytes = g_term.len[i];
    return 0;
}

static void term_types(uint32_t ordinal, const char *text)
{
    struct sl_msg m;
    uint32_t i = g_term.n++;
    sl_msg_begin(&m, g_term.msg[i], sizeof(g_term.msg[i]), NULL, 0, ordinal);
    sl_msg_put_str(&m, text);
    g_term.len[i] = m.len;
    con_on_terminal(NULL, NULL, (void *)(uintptr_t)0);
}

/* What the console sent terminal channel 30 (CONSOLE_OUTPUT), joined. */
static const char *term_screen(void)
{
    static char s[2048];
    s[0] = 0;
    for (uint32_t i = 0; i < g_fake.nwrites; i++) {
        const struct fake_write *w = &g_fake.writes[i];
        if (w->ch == 30 && w->ordinal == CONSOLE_OUTPUT)
            strncat(s, (const char *)w->bytes + sizeof(struct sos_msg_hdr) + 4, sizeof(s) - strlen(s) - 1);
    }
    return s;
}

/* A terminal sees the prompt of the session it joins and everything shown after it;
 * what it types is a line for the foreground session like the console's own input;
 * what is not CONSOLE_INPUT, or a closed channel, ends the terminal, not the console. */
static void test_terminal(void **state)
{
    (void)state;
    memset(&g_term, 0, sizeof(g_term));
    assert_int_equal(send(con_do_attach, CONSOLE_ATTACH, "serviceos> ", 21, &g_shell), 0);
    struct sl_peer reader = {.name = "terminal", .rights = SOS_RIGHT_WRITE};
    assert_int_equal(send(con_do_terminal, CONSOLE_TERMINAL, "", 30, &reader), SOS_ERR_ACCESS_DENIED);
    struct sl_msg m;
    sl_msg_begin(&m, g_buf, sizeof(g_buf), g_hbuf, 4, CONSOLE_TERMINAL);
    fake_request(&g_q, m.bytes, m.len, m.handles, m.nhandles, 0, NULL);
    g_q.r.client = &g_shell;
    assert_int_equal(con_do_terminal(&g_q.r), SOS_ERR_INVALID_ARGS); /* no channel */
    sl_msg_put_handle(&m, 30);
    fake_request(&g_q, m.bytes, m.len, m.handles, m.nhandles, 0, NULL);
    g_q.r.client = &g_shell;
    assert_int_equal(con_do_terminal(&g_q.r), 0);
    assert_int_equal(g_term.watches, 1);
    assert_string_equal(term_screen(), "serviceos> ");
    term_types(CONSOLE_INPUT, "services\r");
    assert_string_equal(events(21), "L:services;");
    assert_string_equal(term_screen(), "serviceos> services\n");
    assert_int_equal(send(con_do_write, CONSOLE_WRITE, "log ready\n", 0, &g_shell), 0);
    assert_string_equal(term_screen(), "serviceos> services\nlog ready\n");
    assert_string_equal(screen(), "serviceos> services\nlog ready\n"); /* the console too */
    term_types(CONSOLE_WRITE, "not input");
    assert_int_equal(g_con.term[0], 0);
    assert_int_equal(send(con_do_write, CONSOLE_WRITE, "x\n", 0, &g_shell), 0);
    assert_string_equal(term_screen(), "serviceos> services\nlog ready\n");
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
        cmocka_unit_test_setup(test_terminal, setup),
        cmocka_unit_test_setup(test_rights_and_bad_requests, setup),
        cmocka_unit_test_setup(test_sessions_stack, setup),
        cmocka_unit_test_setup(test_restart_keeps_read_ahead, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
