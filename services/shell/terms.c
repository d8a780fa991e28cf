/*
 * services/shell/terms.c - sessions of their own for graphical terminals.
 *
 * Besides its console session (shell.c), the shell serves CONSOLE_TERMINAL itself
 * (proto/console.h): a terminal hands it a channel and gets a session of its own on
 * it, apart from the console's and from every other terminal's. The terminal sends
 * what is typed (CONSOLE_INPUT); the shell edits it into lines with the console's own
 * line editor (services/console/edit.c: echo, history, type-ahead, Ctrl-C) and sends
 * back everything the session shows (CONSOLE_OUTPUT: echo, prompts, each command's
 * output). Closing the channel ends the session.
 *
 * The shell runs one command at a time: while a command of one session waits (a
 * follow, `uptime --wait`), the lines of the others wait in their channels, and only
 * that session's Ctrl-C interrupts it (sh_wait watches the session the command came
 * from: g_sh.cur).
 *
 * Layer: services (shell).
 */
#include "shell.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <proto/console.h>

#include "edit.h"
#include "term_msg.h"

#define SH_TERMS 8
#define TERM_FULL_NS 2000000000ll    /* a terminal that reads nothing for 2 s loses output */

struct sh_term {
    sos_handle_t ch;
    uint32_t slot, gen;
    bool dead;               /* its channel broke: freed by its watch, never while running */
    bool have_line, interrupted, eof;
    char line[CONSOLE_LINE_MAX];
    char echo[4096];
    struct edit_out out;
    struct session s;
};

static struct sh_term *g_terms[SH_TERMS];
static uint32_t g_term_gen;

/* ---- output */

static void send_chunk(struct sh_term *t, const char *s, size_t n)
{
    int err = console_output_send(t->ch, s, n);
    if (err == SOS_ERR_SHOULD_WAIT) { /* its queue is full: give it time to read */
        sos_signals_t seen = 0;
        sos_object_wait_one(t->ch, SOS_SIG_WRITABLE | SOS_SIG_PEER_CLOSED,
                            sos_deadline_after(TERM_FULL_NS), &seen);
        err = console_output_send(t->ch, s, n);
    }
    if (err && err != SOS_ERR_SHOULD_WAIT)
        t->dead = true;
}

void sh_term_write(struct sh_term *t, const char *s, size_t n)
{
    while (n && !t->dead) {
        size_t k = n < CONSOLE_OUTPUT_MAX ? n : CONSOLE_OUTPUT_MAX;
        send_chunk(t, s, k);
        s += k;
        n -= k;
    }
}

static void flush_echo(struct sh_term *t)
{
    sh_term_write(t, t->out.buf, t->out.len);
    t->out.len = 0;
    t->out.lost = 0;
}

/* ---- input */

static void on_edit(void *arg, unsigned ev, const char *line)
{
    struct sh_term *t = arg;
    if (ev == EDIT_LINE) {
        snprintf(t->line, sizeof(t->line), "%s", line);
        t->have_line = true;
    } else if (ev == EDIT_INTERRUPT) {
        t->interrupted = true;
    } else if (ev == EDIT_EOF) {
        t->eof = true;
    }
}

/* Read what the terminal sent and edit it; false when the channel broke. */
static bool read_input(struct sh_term *t)
{
    for (;;) {
        uint8_t buf[CONSOLE_LINE_MAX + 64];
        const char *text = NULL;
        uint32_t len = 0;
        int err = console_input_read(t->ch, buf, sizeof(buf), &text, &len);
        if (err == SOS_ERR_SHOULD_WAIT)
            break;
        if (err) { /* closed, or not the protocol: the session ends */
            t->dead = true;
            return false;
        }
        session_input(&t->s, text, len, &t->out);
        flush_echo(t);
    }
    return !t->dead;
}

int sh_term_events(struct sh_term *t)
{
    if (!read_input(t))
        return SH_WAIT_CONSOLE_GONE;
    if (t->interrupted) {
        t->interrupted = false;
        return SH_WAIT_INTERRUPT;
    }
    return 0;
}

sos_handle_t sh_term_channel(const struct sh_term *t) { return t->dead ? 0 : t->ch; }

uintptr_t sh_term_key(const struct sh_term *t) { return t ? ((uintptr_t)t->gen << 8) | t->slot : 0; }

struct sh_term *sh_term_by_key(uintptr_t key)
{
    struct sh_term *t = (key & 0xff) < SH_TERMS ? g_terms[key & 0xff] : NULL;
    return t && sh_term_key(t) == key && !t->dead ? t : NULL;
}

void sh_term_prompt(struct sh_term *t)
{
    session_resume(&t->s, NULL, &t->out);
    flush_echo(t);
}

/* Run the lines the session has, one at a time, each followed by the prompt. */
static void run_lines(struct sh_term *t)
{
    while (t->have_line && !t->dead && !g_sh.powering_off) {
        char line[CONSOLE_LINE_MAX];
        memcpy(line, t->line, sizeof(line));
        t->have_line = false;
        g_sh.cur = t;
        sh_run_line(line);
        sh_flush();
        g_sh.cur = NULL;
        if (!g_sh.powering_off)
            sh_term_prompt(t); /* may edit type-ahead into the next line */
    }
    t->interrupted = false; /* at the prompt nothing runs: the editor showed ^C */
}

static void term_free(struct sh_term *t)
{
    g_terms[t->slot] = NULL;
    sos_handle_close(t->ch);
    free(t);
}

static void on_term(struct sl_server *s, const struct sos_port_packet *pkt, void *arg)
{
    (void)s;
    (void)pkt;
    struct sh_term *t = sh_term_by_key((uintptr_t)arg);
    if (!t)
        return; /* a packet for a session that has ended */
    read_input(t);
    run_lines(t);
    if (t->eof && !t->dead) {
        sh_term_write(t, "\nend of input: this session ends\n", 33);
        t->dead = true;
    }
    if (t->dead && t != g_sh.cur)
        term_free(t);
}

/* ---- CONSOLE_TERMINAL: a new session */

static int term_add(sos_handle_t ch)
{
    uint32_t slot = 0;
    while (slot < SH_TERMS && g_terms[slot])
        slot++;
    if (slot == SH_TERMS)
        return SOS_ERR_NO_RESOURCES;
    struct sh_term *t = calloc(1, sizeof(*t));
    if (!t)
        return SOS_ERR_NO_MEMORY;
    t->ch = ch;
    t->slot = slot;
    t->gen = ++g_term_gen & 0xffffff;
    t->out = (struct edit_out){.buf = t->echo, .cap = sizeof(t->echo)};
    session_init(&t->s, SH_PROMPT, on_edit, t);
    int err = sl_server_watch(&g_sh.srv, ch, SOS_SIG_READABLE | SOS_SIG_PEER_CLOSED, SOS_WAIT_ASYNC_REPEAT,
                              on_term, (void *)sh_term_key(t));
    if (err) {
        free(t);
        return err;
    }
    g_terms[slot] = t;
    sh_term_prompt(t);
    return 0;
}

static int do_terminal(struct sl_request *r)
{
    struct sl_peer *peer = r->client;
    sos_rights_t need = SOS_RIGHT_READ | SOS_RIGHT_WRITE;
    if (!peer || r->client == (void *)r->srv || (peer->rights & need) != need)
        return SOS_ERR_ACCESS_DENIED;
    struct sl_parse p;
    sl_parse_begin(&p, r->bytes, r->len, r->handles, r->nhandles, NULL);
    sos_handle_t ch = sl_parse_handle(&p);
    if (sl_parse_end(&p) || !ch)
        return SOS_ERR_INVALID_ARGS;
    int err = term_add(ch);
    if (err)
        return err;
    for (uint32_t k = 0; k < r->nhandles; k++) /* the session owns it now */
        if (r->handles[k] == ch)
            r->handles[k] = SOS_HANDLE_INVALID;
    return 0;
}

const struct sl_op g_sh_ops[1] = {
    {CONSOLE_TERMINAL, sizeof(struct sos_msg_hdr), do_terminal},
};
