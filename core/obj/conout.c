/*
 * core/obj/conout.c - the console's output, each source's lines whole.
 *
 * Every process writes the one console (debug_write), and a line is often written in
 * pieces: the console service's prompt, then the echo of what is typed; a printf in
 * parts. Written through as they came, another process's line would land in its middle
 * ("serviceos> storage: ready"). So the console keeps which source's partial line is
 * open on it (the cursor stands after it), and per source the bytes it may not show yet:
 *
 *  - a source writes through at once while no line is open or the open line is its
 *    own: alone, a prompt and its echo show as they come;
 *  - while another's line is open, its bytes are held; they go out when that line ends,
 *    or once they have waited CONOUT_HOLD_NS or reached CONOUT_HELD_MAX: then the open
 *    line is broken with a newline and the held bytes start a line of their own;
 *  - a line that was broken is shown again on a new line once the line is free (as a
 *    shell shows its prompt again after a message), or when its source writes on, so
 *    its line is whole there; a fragment of it stays above.
 * A console line thus holds one source's bytes, in that source's order, each once (a
 * line longer than CONOUT_SHOWN_MAX is not shown again: its continuation starts bare).
 *
 * Sources are process koids in a small table; a new source takes a free slot or the
 * least recently used one that holds nothing and has no open line. When every slot
 * holds bytes (more sources than slots writing partial lines at once) the new source
 * writes through untracked. A source that ends (process_finalize) shows what it holds,
 * and a line it left open holds nobody back: the next line out breaks it. The kernel's
 * own messages (kprintf) go straight to the HAL.
 *
 * Layer: core objects. Under g_klock.
 */
#include "obj/conout.h"

#include "timerq.h"

#define CONOUT_SOURCES 16

struct conout_src {
    sos_koid_t koid; /* 0: a free slot */
    uint64_t last_use;
    struct ktimer_node timer; /* armed while bytes are held: their deadline */
    uint32_t held_len, shown_len;
    bool shown_cut; /* its open line outgrew shown[]: not shown again */
    char held[CONOUT_HELD_MAX];
    char shown[CONOUT_SHOWN_MAX]; /* its line's bytes already on the console */
};

static struct conout_src g_src[CONOUT_SOURCES];
static struct conout_src *g_open; /* whose partial line is open; NULL: at a line start */
static struct conout_src g_ended; /* g_open of a line whose source is gone */
static struct conout_src *g_broken; /* whose open line another's output broke last */
static uint64_t g_use;

/* Is the console's line open for a source other than c (one that may still end it)? */
static bool line_taken(const struct conout_src *c) { return g_open && g_open != c && g_open != &g_ended; }

static void emit(const char *s, size_t n) { hal_console_write(s, n); }

/* Remember what of c's line is on the console after s[0..n) went out. */
static void track_shown(struct conout_src *c, const char *s, size_t n)
{
    size_t start = n;
    while (start && s[start - 1] != '\n')
        start--;
    if (start) { /* a line ended: what follows starts the next */
        c->shown_len = 0;
        c->shown_cut = false;
    }
    size_t k = n - start;
    if (c->shown_len + k > CONOUT_SHOWN_MAX)
        c->shown_cut = true;
    else
        memcpy(c->shown + c->shown_len, s + start, k);
    if (!c->shown_cut)
        c->shown_len += (uint32_t)k;
    g_open = s[n - 1] == '\n' ? NULL : c;
}

/* Show again what of c's line was on the console before another's output broke it. */
static void redraw(struct conout_src *c)
{
    if (!c->shown_cut)
        emit(c->shown, c->shown_len);
    /* a line too long to show again: its rest starts a line of its own */
    c->shown_len = c->shown_cut ? 0 : c->shown_len;
    c->shown_cut = false;
    if (g_broken == c)
        g_broken = NULL;
}

/* Show s[0..n) of c now: break another's open line, show c's own line again. */
static void show(struct conout_src *c, const char *s, size_t n)
{
    if (!n)
        return;
    if (g_open != c) {
        if (g_open)
            emit("\n", 1);
        if (g_open && g_open != &g_ended)
            g_broken = g_open;
        redraw(c);
    }
    emit(s, n);
    track_shown(c, s, n);
}

/* Show what c holds. */
static void release(struct conout_src *c)
{
    uint32_t n = c->held_len;
    timerq_cancel(&c->timer);
    c->held_len = 0;
    show(c, c->held, n);
}

/* No line is open (or its source is gone): show what waits, the longest waiting first,
 * until a line stays open; then, the line being free, the line last broken again. */
static void drain(void)
{
    while (!line_taken(NULL)) {
        struct conout_src *first = NULL;
        for (unsigned i = 0; i < CONOUT_SOURCES; i++)
            if (g_src[i].held_len && (!first || g_src[i].timer.deadline < first->timer.deadline))
                first = &g_src[i];
        if (!first)
            break;
        release(first);
    }
    struct conout_src *b = g_broken;
    if (b && !line_taken(NULL) && b->shown_len && !b->shown_cut) {
        if (g_open) /* the line a gone source left open */
            emit("\n", 1);
        g_open = b; /* as a shell shows its prompt again after a message */
        redraw(b);
    }
}

static void on_hold_expired(struct ktimer_node *t)
{
    struct conout_src *c = container_of(t, struct conout_src, timer);
    if (c->held_len)
        release(c);
    drain();
}

/* src's slot, or NULL when every slot is busy. */
static struct conout_src *source(sos_koid_t src)
{
    struct conout_src *pick = NULL;
    for (unsigned i = 0; i < CONOUT_SOURCES; i++) {
        struct conout_src *c = &g_src[i];
        if (c->koid == src) {
            c->last_use = ++g_use;
            return c;
        }
        if (c->held_len || c == g_open)
            continue;
        if (!pick || !c->koid || (pick->koid && c->last_use < pick->last_use))
            pick = c;
    }
    if (pick) {
        if (pick == g_broken)
            g_broken = NULL;
        if (!pick->timer.fn)
            timerq_init_node(&pick->timer, on_hold_expired);
        pick->koid = src;
        pick->last_use = ++g_use;
        pick->shown_len = 0;
        pick->shown_cut = false;
    }
    return pick;
}

/* Hold s[0..n) of c; returns how many bytes it took (fewer: c's hold is full). */
static size_t hold(struct conout_src *c, const char *s, size_t n)
{
    size_t k = MIN(n, (size_t)(CONOUT_HELD_MAX - c->held_len));
    memcpy(c->held + c->held_len, s, k);
    c->held_len += (uint32_t)k;
    if (c->held_len && !timerq_armed(&c->timer))
        timerq_arm(&c->timer, hal_time_now() + CONOUT_HOLD_NS);
    return k;
}

void conout_gone(sos_koid_t src)
{
    for (unsigned i = 0; i < CONOUT_SOURCES; i++) {
        struct conout_src *c = &g_src[i];
        if (c->koid != src)
            continue;
        if (c->held_len)
            release(c);
        if (g_open == c) /* the next line out ends it: no one waits for it */
            g_open = &g_ended;
        if (g_broken == c)
            g_broken = NULL;
        c->koid = 0;
        c->shown_len = 0;
        c->shown_cut = false;
    }
    drain();
}

void conout_write(sos_koid_t src, const char *s, size_t n)
{
    struct conout_src *c = source(src);
    if (!c) {
        emit(s, n);
        return;
    }
    while (n && (c->held_len || line_taken(c))) {
        size_t k = hold(c, s, n);
        s += k;
        n -= k;
        if (c->held_len < CONOUT_HELD_MAX)
            return;
        release(c); /* the cap: out now */
    }
    show(c, s, n);
    drain();
}
