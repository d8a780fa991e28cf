/*
 * services/console/console_ops.c - the console service's sessions, input and requests
 * (proto/console.h).
 *
 * Owns the console: it reads the kernel's console input (resource "console": the root
 * resource with read+wait; READABLE says bytes are waiting) and runs line sessions for
 * clients such as the shell, with echo, editing and history (edit.c). Output, echo
 * included, goes out through the kernel's debug console.
 *
 * Input read but not yet sent in an event (the type-ahead of a paused session, the line
 * being edited, input waiting for a session) is copied to the page "state", which the
 * root manager keeps across our restarts, before every event is sent and after every
 * read; a console that is killed and started again types it in again (con_restore), so
 * no byte that had reached the console is lost, nor sent twice.
 *
 * Graphical terminals (CONSOLE_TERMINAL) see the same: every byte shown goes to each
 * of them too (CONSOLE_OUTPUT), and what they type (CONSOLE_INPUT) is read like the
 * console's own input, before it.
 *
 * Sessions form a stack: the last attached is in the foreground and gets the input;
 * when its channel closes (or its client goes away) the one below takes over. Input
 * that arrives while nobody is attached waits for the first session.
 *
 * Layer: services (console).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sl/service.h>
#include <sl/sl.h>

#include <proto/console.h>

#include "console_ops.h"
#include "term_msg.h"

struct consolesvc g_con;

/* ---- output */

static void term_send(uint32_t i, const char *s, size_t n)
{
    if (!g_con.term[i])
        return;
    int err = console_output_send(g_con.term[i], s, n);
    if (err == SOS_ERR_PEER_CLOSED || err == SOS_ERR_BAD_HANDLE) {
        sos_handle_close(g_con.term[i]);
        g_con.term[i] = 0;
    } /* a full queue drops this output for that terminal only */
}

static void to_terminals(const char *s, size_t n)
{
    for (uint32_t i = 0; i < CONSOLE_TERMINALS; i++)
        term_send(i, s, n);
}

static void write_out(const char *s, size_t n)
{
    while (n) {
        size_t k = n < CONSOLE_OUTPUT_MAX ? n : CONSOLE_OUTPUT_MAX; /* the kernel's limit */
        to_terminals(s, k);
        if (sos_debug_write(s, k) < 0)
            return;
        s += k;
        n -= k;
    }
}

static void flush(void)
{
    write_out(g_con.out.buf, g_con.out.len);
    g_con.out.len = 0;
    g_con.out.lost = 0;
}

/* ---- sessions */

static struct csess *foreground(void) { return g_con.n ? g_con.stack[g_con.n - 1] : NULL; }

/* ---- what survives a restart: [u32 length][bytes] in the state page */

struct saved {
    uint32_t len;
    char bytes[sizeof(g_con.pending)];
};

static void save(const struct session *s)
{
    static struct saved sv;
    if (!g_con.state)
        return;
    if (s) {
        sv.len = (uint32_t)session_unsent(s, sv.bytes, sizeof(sv.bytes));
    } else {
        sv.len = g_con.pending_len;
        memcpy(sv.bytes, g_con.pending, g_con.pending_len);
    }
    /* one write: a kill lands before it or after it, never in between */
    sos_vmo_write(g_con.state, &sv, 0, sizeof(sv.len) + sv.len);
}

void con_restore(sos_handle_t state)
{
    uint64_t size = 0;
    uint32_t n = 0;
    if (!state)
        return;
    if (sos_vmo_get_size(state, &size) < 0 || size < sizeof(struct saved)) {
        printf("console: the state page is too small (%llu bytes): input read ahead is lost "
               "if the console restarts\n", (unsigned long long)size);
        return;
    }
    g_con.state = state;
    if (sos_vmo_read(state, &n, 0, sizeof(n)) < 0)
        return;
    n = n < sizeof(g_con.pending) ? n : (uint32_t)sizeof(g_con.pending);
    if (sos_vmo_read(state, g_con.pending, sizeof(n), n) == 0)
        g_con.pending_len = n;
}

static struct csess *foreground(void);

static void save_now(void)
{
    struct csess *fg = foreground();
    save(fg ? &fg->s : NULL);
}

static void on_event(void *arg, unsigned ev, const char *line)
{
    struct csess *cs = arg;
    save(&cs->s); /* what comes after this event, before the event goes out */
    uint8_t buf[CONSOLE_LINE_MAX + 64];
    struct sl_msg m;
    uint32_t ord = ev == EDIT_LINE ? CONSOLE_LINE : ev == EDIT_EOF ? CONSOLE_EOF : CONSOLE_INTERRUPT;
    sl_msg_begin(&m, buf, sizeof(buf), NULL, 0, ord);
    if (ev == EDIT_LINE)
        sl_msg_put_str(&m, line);
    int err = sl_msg_finish(&m);
    if (!err)
        err = sl_msg_send(cs->ch, &m);
    if (err == SOS_ERR_PEER_CLOSED || err == SOS_ERR_BAD_HANDLE)
        cs->dead = true;
}

static void out_str(const char *str)
{
    size_t n = strlen(str), room = g_con.out.cap - g_con.out.len;
    n = n < room ? n : room;
    memcpy(g_con.out.buf + g_con.out.len, str, n);
    g_con.out.len += n;
}

/* A session comes (back) to the foreground. */
static void show(struct csess *cs)
{
    if (cs->resume_pending) {
        cs->resume_pending = false;
        session_resume(&cs->s, NULL, &g_con.out);
    } else if (!cs->s.paused) { /* it was reading: its prompt and line again */
        out_str(cs->s.prompt);
        out_str(cs->s.ed.buf);
        cs->s.ed.cur = cs->s.ed.len;
    }
}

/* Remove dead sessions (and the ones `owner` attached, when it is not NULL); true when
 * any went. */
static bool prune(struct sl_peer *owner)
{
    static char carry[EDIT_TYPEAHEAD]; /* what the foreground had read ahead */
    uint32_t carry_len = 0;
    struct csess *fg = foreground();
    uint32_t k = 0;
    for (uint32_t i = 0; i < g_con.n; i++) {
        struct csess *cs = g_con.stack[i];
        if (cs->dead || (owner && cs->owner == owner)) {
            if (cs == fg) { /* typed for whoever reads next, not for the one that went */
                carry_len = cs->s.ahead_len;
                memcpy(carry, cs->s.ahead, carry_len);
            }
            sos_handle_close(cs->ch);
            free(cs);
        } else {
            g_con.stack[k++] = cs;
        }
    }
    bool changed = k != g_con.n;
    g_con.n = k;
    struct csess *nfg = foreground();
    if (nfg && nfg != fg) {
        show(nfg);
        session_input(&nfg->s, carry, carry_len, &g_con.out);
    } else if (!nfg && carry_len) {
        uint32_t room = (uint32_t)sizeof(g_con.pending) - g_con.pending_len;
        carry_len = carry_len < room ? carry_len : room;
        memcpy(g_con.pending + g_con.pending_len, carry, carry_len);
        g_con.pending_len += carry_len;
    }
    return changed;
}

/* Whether to read more from the kernel now (see session_wants_input). */
static bool want_input(void)
{
    struct csess *fg = foreground();
    if (fg)
        return session_wants_input(&fg->s);
    for (uint32_t i = 0; i < g_con.pending_len; i++) /* nobody attached: one line ahead */
        if (g_con.pending[i] == '\n' || g_con.pending[i] == '\r' || g_con.pending[i] == 0x04)
            return false;
    return g_con.pending_len < sizeof(g_con.pending);
}

static void deliver(char c)
{
    struct csess *fg = foreground();
    if (!fg)
        g_con.pending[g_con.pending_len++] = c; /* want_input checked the room */
    else
        session_input(&fg->s, &c, 1, &g_con.out);
}

/*
 * Read console input while someone wants it, a byte at a time so that nothing is read
 * ahead further than needed. What stays in the kernel raises no new READABLE edge, so
 * everything that makes want_input true again (a resume, an attach) pumps again.
 */
void con_pump(void)
{
    do {
        while ((g_con.input || g_con.term_in_pos < g_con.term_in_len) && want_input()) {
            char c;
            if (g_con.term_in_pos < g_con.term_in_len)
                c = g_con.term_in[g_con.term_in_pos++]; /* a terminal typed it */
            else if (!g_con.input || sos_console_read(g_con.input, &c, 1) != 1)
                break; /* SHOULD_WAIT: drained; READABLE rises again with new bytes */
            deliver(c);
            if (g_con.out.len > g_con.out.cap / 2)
                flush();
        }
        flush();
    } while (prune(NULL)); /* a session went: the one below may want input now */
    save_now();
}

void con_on_input(struct sl_server *s, const struct sos_port_packet *pkt, void *arg)
{
    (void)s;
    (void)pkt;
    (void)arg;
    con_pump();
}

/* ---- requests */

static struct sl_peer *peer_with(struct sl_request *r, sos_rights_t need)
{
    struct sl_peer *p = r->client;
    if (!p || r->client == (void *)r->srv || (p->rights & need) != need)
        return NULL;
    return p;
}

int con_do_attach(struct sl_request *r)
{
    struct sl_peer *peer = peer_with(r, SOS_RIGHT_READ | SOS_RIGHT_WRITE);
    if (!peer)
        return SOS_ERR_ACCESS_DENIED;
    struct sl_parse p;
    sl_parse_begin(&p, r->bytes, r->len, r->handles, r->nhandles, NULL);
    const char *prompt = sl_parse_str(&p, NULL);
    sos_handle_t ch = sl_parse_handle(&p);
    if (sl_parse_end(&p) || !prompt || !ch)
        return SOS_ERR_INVALID_ARGS;
    prune(NULL);
    if (g_con.n == MAX_SESSIONS)
        return SOS_ERR_NO_RESOURCES;
    struct csess *cs = calloc(1, sizeof(*cs));
    if (!cs)
        return SOS_ERR_NO_MEMORY;
    for (uint32_t i = 0; i < r->nhandles; i++)
        if (r->handles[i] == ch)
            r->handles[i] = SOS_HANDLE_INVALID;
    cs->ch = ch;
    cs->owner = peer;
    session_init(&cs->s, prompt, on_event, cs);
    g_con.stack[g_con.n++] = cs;
    session_input(&cs->s, g_con.pending, g_con.pending_len, &g_con.out); /* typed early */
    g_con.pending_len = 0;
    session_resume(&cs->s, NULL, &g_con.out);
    con_pump();
    return 0;
}

/* The topmost session the caller attached. */
static struct csess *session_of(struct sl_peer *peer)
{
    for (uint32_t i = g_con.n; i-- > 0;)
        if (g_con.stack[i]->owner == peer && !g_con.stack[i]->dead)
            return g_con.stack[i];
    return NULL;
}

int con_do_prompt(struct sl_request *r)
{
    struct sl_peer *peer = peer_with(r, SOS_RIGHT_WRITE);
    if (!peer)
        return SOS_ERR_ACCESS_DENIED;
    struct sl_parse p;
    sl_parse_begin(&p, r->bytes, r->len, NULL, 0, NULL);
    const char *prompt = sl_parse_str(&p, NULL);
    if (sl_parse_end(&p) || !prompt)
        return SOS_ERR_INVALID_ARGS;
    struct csess *cs = session_of(peer);
    if (!cs)
        return SOS_ERR_BAD_STATE;
    if (*prompt)
        snprintf(cs->s.prompt, sizeof(cs->s.prompt), "%s", prompt);
    if (cs != foreground()) {
        cs->resume_pending = true;
        return 0;
    }
    session_resume(&cs->s, NULL, &g_con.out);
    con_pump();
    return 0;
}

int con_do_write(struct sl_request *r)
{
    if (!peer_with(r, SOS_RIGHT_WRITE))
        return SOS_ERR_ACCESS_DENIED;
    struct sl_parse p;
    sl_parse_begin(&p, r->bytes, r->len, NULL, 0, NULL);
    uint32_t len = 0;
    const char *text = sl_parse_str(&p, &len);
    if (sl_parse_end(&p) || !text || len > WRITE_MAX)
        return SOS_ERR_INVALID_ARGS;
    write_out(text, len);
    return 0;
}

int con_do_terminal(struct sl_request *r)
{
    if (!peer_with(r, SOS_RIGHT_READ | SOS_RIGHT_WRITE))
        return SOS_ERR_ACCESS_DENIED;
    struct sl_parse p;
    sl_parse_begin(&p, r->bytes, r->len, r->handles, r->nhandles, NULL);
    sos_handle_t ch = sl_parse_handle(&p);
    if (sl_parse_end(&p) || !ch)
        return SOS_ERR_INVALID_ARGS;
    uint32_t i = 0;
    while (i < CONSOLE_TERMINALS && g_con.term[i])
        i++;
    if (i == CONSOLE_TERMINALS)
        return SOS_ERR_NO_RESOURCES;
    int err = sl_server_watch(r->srv, ch, SOS_SIG_READABLE | SOS_SIG_PEER_CLOSED, SOS_WAIT_ASYNC_REPEAT,
                              con_on_terminal, (void *)(uintptr_t)i);
    if (err)
        return err;
    for (uint32_t k = 0; k < r->nhandles; k++)
        if (r->handles[k] == ch)
            r->handles[k] = SOS_HANDLE_INVALID;
    g_con.term[i] = ch;
    struct csess *fg = foreground(); /* show the new terminal where the session is */
    if (fg && !fg->s.paused) {
        term_send(i, fg->s.prompt, strlen(fg->s.prompt));
        term_send(i, fg->s.ed.buf, fg->s.ed.cur);
    }
    return 0;
}

/* Take CONSOLE_INPUT from terminal `arg`; a closed (or misbehaving) one is dropped. */
void con_on_terminal(struct sl_server *s, const struct sos_port_packet *pkt, void *arg)
{
    (void)s;
    (void)pkt;
    uint32_t i = (uint32_t)(uintptr_t)arg;
    uint8_t buf[512];
    while (g_con.term[i]) {
        const char *text = NULL;
        uint32_t len = 0;
        int err = console_input_read(g_con.term[i], buf, sizeof(buf), &text, &len);
        if (err == SOS_ERR_SHOULD_WAIT)
            break;
        if (err) {
            sos_handle_close(g_con.term[i]);
            g_con.term[i] = 0;
            break;
        }
        if (g_con.term_in_pos == g_con.term_in_len)
            g_con.term_in_pos = g_con.term_in_len = 0;
        uint32_t room = (uint32_t)sizeof(g_con.term_in) - g_con.term_in_len;
        len = len < room ? len : room; /* more than the type-ahead: the rest is dropped */
        memcpy(g_con.term_in + g_con.term_in_len, text, len);
        g_con.term_in_len += len;
    }
    con_pump();
}

const struct sl_op g_con_ops[4] = {
    {CONSOLE_TERMINAL, sizeof(struct sos_msg_hdr), con_do_terminal},
    {CONSOLE_ATTACH, sizeof(struct sos_msg_hdr), con_do_attach},
    {CONSOLE_PROMPT, sizeof(struct sos_msg_hdr), con_do_prompt},
    {CONSOLE_WRITE, sizeof(struct sos_msg_hdr), con_do_write},
};

/* A client went away: so do its sessions. */
void con_on_close(struct sl_server *s, sos_handle_t ch, void *client)
{
    if (client && client != (void *)s && prune(client))
        con_pump();
    flush();
    save_now();
    if (g_con.lib_close)
        g_con.lib_close(s, ch, client);
}

void con_init(void)
{
    g_con.out = (struct edit_out){.buf = g_con.echo, .cap = sizeof(g_con.echo)};
}
