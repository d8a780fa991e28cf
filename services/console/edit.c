/*
 * services/console/edit.c - the line editor, its history, and the session's flow
 * control (see edit.h).
 *
 * Layer: services (console). Pure: no system calls.
 */
#include "edit.h"

#include <string.h>

/* ---- echo */

static void put(struct edit_out *o, const char *s, size_t n)
{
    size_t room = o->cap - o->len;
    size_t k = n < room ? n : room;
    memcpy(o->buf + o->len, s, k);
    o->len += k;
    o->lost += n - k;
}

static void puts_(struct edit_out *o, const char *s) { put(o, s, strlen(s)); }

static void back(struct edit_out *o, uint32_t n)
{
    while (n--)
        put(o, "\b", 1);
}

/* ---- the editor */

void edit_init(struct edit *e)
{
    memset(e, 0, sizeof(*e));
    e->hist_pos = -1;
}

void edit_clear(struct edit *e)
{
    e->len = e->cur = 0;
    e->buf[0] = 0;
    e->hist_pos = -1;
    e->esc = 0;
    e->too_long = false;
}

const char *edit_history(const struct edit *e, uint32_t n_back)
{
    if (n_back >= e->hist_n)
        return NULL;
    return e->hist[(e->hist_next + EDIT_HISTORY - 1 - n_back) % EDIT_HISTORY];
}

static void history_add(struct edit *e, const char *line)
{
    const char *newest = edit_history(e, 0);
    if (!*line || (newest && !strcmp(newest, line)))
        return;
    strcpy(e->hist[e->hist_next], line);
    e->hist_next = (e->hist_next + 1) % EDIT_HISTORY;
    if (e->hist_n < EDIT_HISTORY)
        e->hist_n++;
}

static void insert(struct edit *e, char c, struct edit_out *o)
{
    if (e->len + 1 >= CONSOLE_LINE_MAX) {
        e->too_long = true; /* full: the byte is dropped and the line refused at its end */
        return;
    }
    memmove(e->buf + e->cur + 1, e->buf + e->cur, e->len - e->cur);
    e->buf[e->cur] = c;
    e->len++;
    e->buf[e->len] = 0;
    put(o, e->buf + e->cur, e->len - e->cur);
    e->cur++;
    back(o, e->len - e->cur);
}

/* Remove the byte at `at` (the cursor is already there) and redraw the tail. */
static void remove_at(struct edit *e, uint32_t at, struct edit_out *o)
{
    memmove(e->buf + at, e->buf + at + 1, e->len - at - 1);
    e->len--;
    e->buf[e->len] = 0;
    put(o, e->buf + at, e->len - at);
    put(o, " ", 1);
    back(o, e->len - at + 1);
}

static void backspace(struct edit *e, struct edit_out *o)
{
    if (e->cur == 0)
        return;
    e->cur--;
    put(o, "\b", 1);
    remove_at(e, e->cur, o);
}

static void delete_char(struct edit *e, struct edit_out *o)
{
    if (e->cur < e->len)
        remove_at(e, e->cur, o);
}

static void move_to(struct edit *e, uint32_t pos, struct edit_out *o)
{
    if (pos < e->cur)
        back(o, e->cur - pos);
    else
        put(o, e->buf + e->cur, pos - e->cur);
    e->cur = pos;
}

/* Show `text` instead of the current line, cursor at its end. */
static void replace(struct edit *e, const char *text, struct edit_out *o)
{
    back(o, e->cur);
    size_t n = strlen(text);
    memcpy(e->buf, text, n + 1);
    e->len = e->cur = (uint32_t)n;
    put(o, e->buf, n);
    puts_(o, "\x1b[K");
}

static void history_up(struct edit *e, struct edit_out *o)
{
    if ((uint32_t)(e->hist_pos + 1) >= e->hist_n)
        return;
    if (e->hist_pos < 0)
        strcpy(e->saved, e->buf);
    e->hist_pos++;
    replace(e, edit_history(e, (uint32_t)e->hist_pos), o);
}

static void history_down(struct edit *e, struct edit_out *o)
{
    if (e->hist_pos < 0)
        return;
    e->hist_pos--;
    replace(e, e->hist_pos < 0 ? e->saved : edit_history(e, (uint32_t)e->hist_pos), o);
}

/* A line cut short would run as something else: it ends as an empty line, with a word. */
static unsigned end_line(struct edit *e, struct edit_out *o)
{
    puts_(o, "\n");
    if (e->too_long) {
        e->buf[0] = 0;
        puts_(o, EDIT_TOO_LONG_TEXT);
    }
    strcpy(e->done, e->buf);
    history_add(e, e->buf);
    edit_clear(e);
    return EDIT_LINE;
}

/* The final byte of ESC [ ... or ESC O ... */
static void escape_done(struct edit *e, char final, struct edit_out *o)
{
    const char *p = e->esc_param;
    e->esc = 0;
    switch (final) {
    case 'A': history_up(e, o); break;
    case 'B': history_down(e, o); break;
    case 'C': move_to(e, e->cur < e->len ? e->cur + 1 : e->cur, o); break;
    case 'D': move_to(e, e->cur ? e->cur - 1 : 0, o); break;
    case 'H': move_to(e, 0, o); break;
    case 'F': move_to(e, e->len, o); break;
    case '~':
        if (!strcmp(p, "1") || !strcmp(p, "7"))
            move_to(e, 0, o);
        else if (!strcmp(p, "4") || !strcmp(p, "8"))
            move_to(e, e->len, o);
        else if (!strcmp(p, "3"))
            delete_char(e, o);
        break;
    default: break; /* a key we do not edit with */
    }
}

/* true when c was taken by an escape sequence. */
static bool escape_byte(struct edit *e, unsigned char c, struct edit_out *o)
{
    if (e->esc == 1) {
        e->esc = (c == '[' || c == 'O') ? 2 : 0;
        e->esc_len = 0;
        e->esc_param[0] = 0;
        return e->esc == 2;
    }
    if ((c >= '0' && c <= '9') || c == ';') {
        if (e->esc_len + 1 < sizeof(e->esc_param)) {
            e->esc_param[e->esc_len++] = (char)c;
            e->esc_param[e->esc_len] = 0;
        }
        return true;
    }
    if (c >= 0x40 && c <= 0x7e) {
        escape_done(e, (char)c, o);
        return true;
    }
    e->esc = 0; /* not a sequence after all: the byte counts on its own */
    return false;
}

static unsigned control(struct edit *e, unsigned char c, struct edit_out *o)
{
    switch (c) {
    case 0x01: move_to(e, 0, o); break;                                 /* ^A */
    case 0x02: move_to(e, e->cur ? e->cur - 1 : 0, o); break;           /* ^B */
    case 0x03:                                                          /* ^C */
        puts_(o, "^C\n");
        edit_clear(e);
        return EDIT_INTERRUPT;
    case 0x04:                                                          /* ^D */
        if (e->len == 0) { /* no echo: the client says what the end means */
            e->done[0] = 0;
            return EDIT_EOF;
        }
        return end_line(e, o) | EDIT_EOF;
    case 0x05: move_to(e, e->len, o); break;                            /* ^E */
    case 0x06: move_to(e, e->cur < e->len ? e->cur + 1 : e->cur, o); break; /* ^F */
    case 0x08: backspace(e, o); break;                                  /* ^H */
    case 0x09: insert(e, ' ', o); break;                                /* Tab */
    case 0x0e: history_down(e, o); break;                               /* ^N */
    case 0x10: history_up(e, o); break;                                 /* ^P */
    case 0x15:                                                          /* ^U */
        back(o, e->cur);
        puts_(o, "\x1b[K");
        e->len = e->cur = 0;
        e->buf[0] = 0;
        break;
    case 0x1b: e->esc = 1; break;
    case 0x7f: backspace(e, o); break;
    default: break;
    }
    return EDIT_NONE;
}

unsigned edit_feed(struct edit *e, unsigned char c, struct edit_out *o)
{
    bool after_cr = e->last_cr;
    e->last_cr = c == '\r';
    if (e->esc && escape_byte(e, c, o))
        return EDIT_NONE;
    if (c == '\r' || c == '\n')
        return c == '\n' && after_cr ? EDIT_NONE : end_line(e, o);
    if (c < 0x20 || c == 0x7f)
        return control(e, c, o);
    insert(e, (char)c, o);
    return EDIT_NONE;
}

/* ---- the session */

void session_init(struct session *s, const char *prompt, session_event_fn ev, void *arg)
{
    memset(s, 0, sizeof(*s));
    edit_init(&s->ed);
    strncpy(s->prompt, prompt ? prompt : "", sizeof(s->prompt) - 1);
    s->paused = true;
    s->ev = ev;
    s->arg = arg;
}

static void ahead_add(struct session *s, const char *bytes, size_t n)
{
    size_t room = EDIT_TYPEAHEAD - s->ahead_len;
    size_t k = n < room ? n : room;
    memcpy(s->ahead + s->ahead_len, bytes, k);
    s->ahead_len += (uint32_t)k;
    s->ahead_lost += n - k;
}

/* Whether the type-ahead holds a whole line (or an end of input). */
static bool ahead_has_line(const struct session *s)
{
    for (uint32_t i = 0; i < s->ahead_len; i++)
        if (s->ahead[i] == '\r' || s->ahead[i] == '\n' || s->ahead[i] == 0x04)
            return true;
    return false;
}

bool session_wants_input(const struct session *s)
{
    return !s->paused || (!ahead_has_line(s) && s->ahead_len < EDIT_TYPEAHEAD);
}

static void interrupt_now(struct session *s, struct edit_out *o)
{
    puts_(o, "^C\n");
    s->ev(s->arg, EDIT_INTERRUPT, NULL);
}

/* While paused: a ^C at the head of the type-ahead is the running command's. */
static void ahead_interrupts(struct session *s, struct edit_out *o)
{
    uint32_t i = 0;
    while (i < s->ahead_len && s->ahead[i] == 0x03) {
        s->fed = ++i;
        interrupt_now(s, o);
    }
    memmove(s->ahead, s->ahead + i, s->ahead_len - i);
    s->ahead_len -= i;
    s->fed = 0;
}

/* One byte while reading a line. */
static void feed(struct session *s, unsigned char c, struct edit_out *o)
{
    unsigned ev = edit_feed(&s->ed, c, o);
    if (ev & EDIT_LINE)
        s->ev(s->arg, EDIT_LINE, s->ed.done);
    if (ev & EDIT_EOF)
        s->ev(s->arg, EDIT_EOF, NULL);
    if (ev & (EDIT_LINE | EDIT_EOF))
        s->paused = true;
    if (ev & EDIT_INTERRUPT) {
        puts_(o, s->prompt); /* still reading: a fresh line */
        s->ev(s->arg, EDIT_INTERRUPT, NULL);
    }
}

void session_input(struct session *s, const char *bytes, size_t n, struct edit_out *o)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)bytes[i];
        if (!s->paused) {
            feed(s, c, o);
        } else if (c == 0x03 && !ahead_has_line(s)) {
            s->ahead_len = 0; /* a half-typed line goes with the interrupt */
            interrupt_now(s, o);
        } else {
            ahead_add(s, (const char *)&bytes[i], 1); /* ^C behind whole lines waits its turn */
        }
    }
}

void session_resume(struct session *s, const char *prompt, struct edit_out *o)
{
    if (prompt && *prompt)
        strncpy(s->prompt, prompt, sizeof(s->prompt) - 1);
    if (!s->paused)
        return; /* already reading: the prompt is on the screen */
    s->paused = false;
    puts_(o, s->prompt);
    uint32_t i = 0;
    while (i < s->ahead_len && !s->paused) {
        s->fed = ++i; /* the byte fed now is no longer the type-ahead's */
        feed(s, (unsigned char)s->ahead[i - 1], o);
    }
    memmove(s->ahead, s->ahead + i, s->ahead_len - i);
    s->ahead_len -= i;
    s->fed = 0;
    if (s->paused)
        ahead_interrupts(s, o);
}

size_t session_unsent(const struct session *s, char *out, size_t cap)
{
    size_t n = 0;
    if (!s->paused)
        for (uint32_t i = 0; i < s->ed.len && n < cap; i++)
            out[n++] = s->ed.buf[i];
    for (uint32_t i = s->fed; i < s->ahead_len && n < cap; i++)
        out[n++] = s->ahead[i];
    return n;
}
