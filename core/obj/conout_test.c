/*
 * core/obj/conout_test.c - the console shows each process's lines whole
 * (debug_write through obj/conout.c): two processes that print lines in pieces at the
 * same time never splice them into one line, whether the other's piece is a whole line,
 * a partial one, or one that waits past the hold bound; a line held too long or grown
 * past the cap still comes out, every byte once, in each process's order; a prompt
 * broken by a message shows again below it.
 */
#include "th.h"

#include "kernel.h"

#define MS 1000000ll
#define LONG_WAIT (1000 * MS) /* well past any hold bound */

/* One process's part: write pieces[i], then sleep gaps[i] (virtual time). */
struct writer {
    const char *pieces[4];
    int64_t gaps[4];
};

static void put(const char *s)
{
    size_t n = strlen(s);
    char *u = th_umem(n + 1);
    memcpy(u, s, n);
    assert_int_equal(u_debug_write(u, n), (int64_t)n);
}

static void run_writer(const struct writer *w)
{
    for (unsigned i = 0; i < 4 && w->pieces[i]; i++) {
        put(w->pieces[i]);
        if (w->gaps[i])
            th_sleep(w->gaps[i]);
    }
}

static void writer_child(void *arg) { run_writer(arg); }

/* The test body is writer a; writer b is another process started first. */
static const char *run_pair(const struct writer *a, struct writer *b)
{
    th_console();
    sos_handle_t child = th_spawn("writer", writer_child, b, NULL, 0);
    th_settle(); /* b's first piece goes out before a's */
    run_writer(a);
    th_wait_terminated(child);
    assert_int_equal(u_handle_close(child), 0);
    th_sleep(LONG_WAIT);
    return th_console();
}

/* Is every line of out a piece of one of the whole lines, and each whole line there? */
static void assert_whole(const char *out, const char *const *whole, unsigned nwhole)
{
    bool seen[8] = {false};
    const char *p = out;
    while (*p) {
        size_t len = 0;
        while (p[len] && p[len] != '\n')
            len++;
        bool nl = p[len] == '\n';
        bool ok = false;
        for (unsigned i = 0; i < nwhole; i++) {
            if (len <= strlen(whole[i]) && !memcmp(p, whole[i], len))
                ok = true; /* a line another's line broke shows again whole later */
            if (len == strlen(whole[i]) && !memcmp(p, whole[i], len))
                seen[i] = true;
        }
        if (!ok)
            fail_msg("spliced line \"%.*s\" in:\n%s", (int)len, p, out);
        p += len + (nl ? 1 : 0);
    }
    for (unsigned i = 0; i < nwhole; i++)
        if (!seen[i])
            fail_msg("line \"%s\" not whole in:\n%s", whole[i], out);
}

/* Both print a line in two pieces, the pieces alternating. */
static void test_pieces_interleaved(void **state)
{
    (void)state;
    struct writer b = {{"beta-", "two\n"}, {2 * MS}};
    struct writer a = {{"alpha-", "one\n"}, {1 * MS}};
    const char *whole[] = {"alpha-one", "beta-two"};
    assert_whole(run_pair(&a, &b), whole, 2);
}

/* A prompt waits for input while another process prints whole lines. */
static void test_whole_line_during_a_prompt(void **state)
{
    (void)state;
    struct writer b = {{"prompt> ", "run this\n"}, {5 * MS}};
    struct writer a = {{"storage: ready\n"}, {0}};
    const char *whole[] = {"prompt> run this", "storage: ready"};
    assert_whole(run_pair(&a, &b), whole, 2);
}

/* The same when the prompt waits far longer than any hold: the line is not lost. */
static void test_prompt_waits_long(void **state)
{
    (void)state;
    struct writer b = {{"prompt> ", "run this\n"}, {LONG_WAIT}};
    struct writer a = {{"storage: ready\n", "log: ready\n"}, {10 * MS}};
    const char *whole[] = {"prompt> run this", "storage: ready", "log: ready"};
    const char *out = run_pair(&a, &b);
    assert_whole(out, whole, 3);
}

/* Past the hold, a message breaks the prompt's line, and the prompt shows again below
 * it at once; the typing then goes on after it. */
static void test_prompt_shown_again(void **state)
{
    (void)state;
    struct writer b = {{"prompt> ", "go\n"}, {LONG_WAIT}};
    th_console();
    sos_handle_t child = th_spawn("writer", writer_child, &b, NULL, 0);
    th_settle();
    put("storage: ready\n");
    assert_string_equal(th_console(), "prompt> "); /* held while the prompt may end */
    th_sleep(100 * MS);
    assert_string_equal(th_console(), "\nstorage: ready\nprompt> ");
    th_wait_terminated(child);
    assert_int_equal(u_handle_close(child), 0);
    assert_string_equal(th_console(), "go\n");
}

/* Both leave partial lines open for long. */
static void test_both_partial_for_long(void **state)
{
    (void)state;
    struct writer b = {{"b-start ", "b-end\n"}, {LONG_WAIT}};
    struct writer a = {{"a-start ", "a-end\n"}, {LONG_WAIT / 2}};
    const char *whole[] = {"a-start a-end", "b-start b-end"};
    assert_whole(run_pair(&a, &b), whole, 2);
}

/* A line longer than the cap, in pieces, while another process's line is open. */
static void test_long_line_while_another_is_open(void **state)
{
    (void)state;
    static char big[1500], big_line[1501];
    memset(big, 'x', sizeof(big) - 1);
    memcpy(big_line, big, sizeof(big) - 1);
    struct writer b = {{"prompt> ", "go\n"}, {5 * MS}};
    struct writer a = {{big, "\n"}, {1 * MS}};
    const char *out = run_pair(&a, &b);
    const char *whole[] = {"prompt> go", big_line};
    assert_whole(out, whole, 2);
    size_t xs = 0;
    for (const char *p = out; *p; p++)
        xs += *p == 'x';
    assert_int_equal(xs, sizeof(big) - 1); /* every byte once: no redraw of the long one */
}

/* More processes with partial lines than the console keeps track of: nothing is lost
 * (past the table, a process writes through untracked). */
static void test_more_sources_than_slots(void **state)
{
    (void)state;
    enum { N = 24 };
    static struct writer w[N];
    static char starts[N][4], ends[N][4];
    sos_handle_t kids[N];
    th_console();
    for (unsigned i = 0; i < N; i++) {
        starts[i][0] = 's';
        ends[i][0] = 'e';
        starts[i][1] = ends[i][1] = (char)('a' + i); /* "sa ", "ea\n", "sb ", ... */
        starts[i][2] = ' ';
        ends[i][2] = '\n';
        w[i] = (struct writer){{starts[i], ends[i]}, {LONG_WAIT + i * MS}};
        kids[i] = th_spawn("writer", writer_child, &w[i], NULL, 0);
    }
    for (unsigned i = 0; i < N; i++) {
        th_wait_terminated(kids[i]);
        assert_int_equal(u_handle_close(kids[i]), 0);
    }
    th_sleep(LONG_WAIT);
    const char *out = th_console();
    for (unsigned i = 0; i < N; i++) {
        assert_true(th_contains(out, starts[i]));
        assert_true(th_contains(out, ends[i]));
    }
}

/* Alone, a process's partial line shows at once (an interactive prompt, echo). */
static void test_alone_shows_at_once(void **state)
{
    (void)state;
    th_console();
    put("serviceos> ");
    assert_string_equal(th_console(), "serviceos> ");
    put("l");
    put("s\n");
    assert_string_equal(th_console(), "ls\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        TH_TEST(test_pieces_interleaved),
        TH_TEST(test_whole_line_during_a_prompt),
        TH_TEST(test_prompt_waits_long),
        TH_TEST(test_prompt_shown_again),
        TH_TEST(test_both_partial_for_long),
        TH_TEST(test_long_line_while_another_is_open),
        TH_TEST(test_more_sources_than_slots),
        TH_TEST(test_alone_shows_at_once),
    };
    return TH_RUN(tests);
}
