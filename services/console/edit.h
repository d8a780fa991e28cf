/*
 * services/console/edit.h - line editing and history, and the session's flow control.
 *
 * The line editor turns input bytes into an edited line and the bytes to echo:
 * printable bytes insert at the cursor; Backspace (DEL or ^H) deletes before it, the
 * Delete key (ESC [3~) at it; Left/Right (ESC [D / ESC [C, ^B/^F) move; Home/End
 * (ESC [H / ESC [F / ESC OH / ESC OF / ESC [1~ / ESC [4~, ^A/^E) jump; ^U kills the
 * line; Up/Down (ESC [A / ESC [B, ^P/^N) walk the history of the last EDIT_HISTORY
 * lines; CR or LF ends the line (CR LF counts once); ^C interrupts; ^D on an empty line
 * is the end of input, on a non-empty one it ends the line and then the input (what a
 * piped standard input's end looks like). Echo redraws with plain backspaces, spaces
 * and ESC [K only, so a dumb terminal or the simulator's window show it right.
 *
 * The session wraps an editor with the console protocol's flow control
 * (proto/console.h): after a line or end of input it pauses; bytes that arrive while
 * paused wait as type-ahead. ^C keeps its place among whole lines: it interrupts the
 * command of the line before it, so a piped script "cmd\n^Cnext\n" interrupts cmd and
 * then runs next, every time. A ^C with no whole line ahead of it is the running
 * command's and goes at once, taking a half-typed line with it. Resuming shows the
 * prompt and feeds the type-ahead.
 *
 * Pure logic (no system calls): unit-tested on the host (edit_test.c).
 *
 * Layer: services (console).
 */
#ifndef CONSOLE_EDIT_H
#define CONSOLE_EDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <proto/console.h>

#define EDIT_HISTORY 64
#define EDIT_PROMPT_MAX 64
#define EDIT_TYPEAHEAD (16u * 1024u)
/* What a line longer than CONSOLE_LINE_MAX - 1 bytes gets instead of running (cut, it
 * would run as a different command). */
#define EDIT_TOO_LONG_TEXT "line too long (more than 1023 bytes): not run\n"
_Static_assert(CONSOLE_LINE_MAX == 1024, "EDIT_TOO_LONG_TEXT names the limit");

/* Bytes to write to the terminal, collected by the editor. */
struct edit_out {
    char *buf;
    size_t len, cap; /* bytes past cap are dropped (and counted) */
    size_t lost;
};

enum edit_event {
    EDIT_NONE = 0,
    EDIT_LINE = 1,      /* a line is in e->done */
    EDIT_INTERRUPT = 2, /* ^C */
    EDIT_EOF = 4,       /* end of input (after the line, when both are set) */
};

struct edit {
    char buf[CONSOLE_LINE_MAX];
    uint32_t len, cur;
    char done[CONSOLE_LINE_MAX]; /* the last line ended */
    char hist[EDIT_HISTORY][CONSOLE_LINE_MAX];
    uint32_t hist_n, hist_next; /* lines held; the slot for the next one */
    int32_t hist_pos;           /* -1: editing a new line; else lines back from newest */
    char saved[CONSOLE_LINE_MAX]; /* the new line, while browsing history */
    uint8_t esc;                /* 0, 1 after ESC, 2 in ESC [ or ESC O */
    char esc_param[8];
    uint32_t esc_len;
    bool last_cr;
    bool too_long;              /* bytes were dropped from this line: it is refused */
};

void edit_init(struct edit *e);

/* Feed one byte: echo goes to o; returns EDIT_* bits. */
unsigned edit_feed(struct edit *e, unsigned char c, struct edit_out *o);

/* Forget the line being edited (for ^C); history stays. */
void edit_clear(struct edit *e);

/* The history line `back` steps from the newest (0 = newest), or NULL. */
const char *edit_history(const struct edit *e, uint32_t back);

/* ---- the session: an editor with pause and type-ahead */

/* What a session tells its owner: send an event, write echo (via the edit_out). */
typedef void (*session_event_fn)(void *arg, unsigned event, const char *line);

struct session {
    struct edit ed;
    char prompt[EDIT_PROMPT_MAX];
    bool paused;
    char ahead[EDIT_TYPEAHEAD];
    uint32_t ahead_len;
    uint64_t ahead_lost;
    uint32_t fed; /* type-ahead bytes already fed, while session_resume works through it */
    session_event_fn ev;
    void *arg;
};

/* A new session starts paused; session_resume shows the prompt. */
void session_init(struct session *s, const char *prompt, session_event_fn ev, void *arg);

/* Set the prompt (NULL or "" keeps it), show it, and edit the type-ahead until paused. */
void session_resume(struct session *s, const char *prompt, struct edit_out *o);

/* Bytes from the terminal. */
void session_input(struct session *s, const char *bytes, size_t n, struct edit_out *o);

/*
 * Whether the session wants more bytes now: while it reads a line, or while paused until
 * a whole line is typed ahead (enough to see whether a ^C is the running command's).
 * The rest stays where it is (the kernel's console buffer); what was read ahead is
 * kept for a restarted console through session_unsent.
 */
bool session_wants_input(const struct session *s);

/*
 * The input this session holds that no event has carried yet: the line being edited
 * (while reading) and the type-ahead not yet fed, as bytes to type again; at most `cap`
 * go to `out`; returns how many. Called from the event callback it leaves out the line
 * being sent, so a console that saves it before sending (and is killed at any point)
 * hands its successor every byte once: nothing lost, nothing run twice.
 */
size_t session_unsent(const struct session *s, char *out, size_t cap);

#endif
