/*
 * services/session/focus_test.c - the focus policy on the host: keys reach only the
 * focused surface (and none before a click), a click on the lower of two surfaces
 * focuses and raises it and tells the other it lost the focus, a click over nothing
 * or a transparent part (hit 0) changes nothing, the release goes to the pressed
 * surface, and a vanished surface is forgotten (a busy one that missed an event is not).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include <sos/errors.h>
#include <sos/object.h>

#include "focus.h"

enum { A = 1, B = 2 };

static void test_keys_need_focus(void **state)
{
    (void)state;
    struct focus f = {0};
    struct route r = focus_route(&f, SOS_INPUT_KEY, 4, 1, B);
    assert_int_equal(r.to, 0); /* the pointer is over B but nothing is focused */
    r = focus_route(&f, SOS_INPUT_BUTTON, 1, 1, B);
    assert_int_equal(r.to, B);
    assert_int_equal(r.focus_in, B);
    assert_int_equal(r.focus_out, 0);
    assert_int_equal(r.raise, B);
    r = focus_route(&f, SOS_INPUT_BUTTON, 1, 0, B);
    r = focus_route(&f, SOS_INPUT_BUTTON, 1, 1, B); /* B again: raised, the focus stays */
    assert_int_equal(r.focus_in, 0);
    assert_int_equal(r.raise, B);
    r = focus_route(&f, SOS_INPUT_KEY, 4, 1, A); /* the pointer moved over A: keys stay with B */
    assert_int_equal(r.to, B);
}

/* A click (press and release) on surface id. */
static void click(struct focus *f, uint32_t id)
{
    focus_route(f, SOS_INPUT_BUTTON, 1, 1, id);
    focus_route(f, SOS_INPUT_BUTTON, 1, 0, id);
}

/* A key held while the focus moves: its release (and repeats) go where its press went
   (the keyboard and the pointer are read by two threads, so a release can come after
   a click that the person made later). */
static void test_key_release_follows_press(void **state)
{
    (void)state;
    struct focus f = {0};
    click(&f, B);
    assert_int_equal(focus_route(&f, SOS_INPUT_KEY, 27, 1, B).to, B);
    struct route r = focus_route(&f, SOS_INPUT_BUTTON, 1, 1, A); /* the focus moves to A */
    assert_int_equal(r.focus_in, A);
    focus_route(&f, SOS_INPUT_BUTTON, 1, 0, A);
    assert_int_equal(focus_route(&f, SOS_INPUT_KEY, 27, 2, A).to, B); /* a repeat */
    assert_int_equal(focus_route(&f, SOS_INPUT_KEY, 27, 0, A).to, B); /* the release */
    assert_int_equal(focus_route(&f, SOS_INPUT_KEY, 28, 1, A).to, A); /* a new key */
    assert_int_equal(focus_route(&f, SOS_INPUT_KEY, 28, 0, A).to, A);
    assert_int_equal(focus_route(&f, SOS_INPUT_KEY, 27, 0, A).to, A); /* no press held */
    assert_int_equal(focus_route(&f, SOS_INPUT_KEY, 30, 1, A).to, A);
    focus_forget(&f, A); /* A goes away with key 30 held: its release goes nowhere */
    assert_int_equal(focus_route(&f, SOS_INPUT_KEY, 30, 0, A).to, 0);
}

static void test_click_lower_focuses_it(void **state)
{
    (void)state;
    struct focus f = {.focused = B};
    struct route r = focus_route(&f, SOS_INPUT_BUTTON, 1, 1, A);
    assert_int_equal(r.to, A);
    assert_int_equal(r.focus_in, A);
    assert_int_equal(r.focus_out, B);
    assert_int_equal(r.raise, A);
    assert_int_equal(f.focused, A);
    r = focus_route(&f, SOS_INPUT_KEY, 5, 1, 0);
    assert_int_equal(r.to, A);
}

static void test_click_on_nothing(void **state)
{
    (void)state;
    struct focus f = {.focused = A};
    struct route r = focus_route(&f, SOS_INPUT_BUTTON, 1, 1, 0); /* a transparent pixel */
    assert_int_equal(r.to, 0);
    assert_int_equal(r.focus_in, 0);
    assert_int_equal(r.raise, 0);
    assert_int_equal(f.focused, A);
}

static void test_grab_and_pointer(void **state)
{
    (void)state;
    struct focus f = {0};
    assert_int_equal(focus_route(&f, SOS_INPUT_MOTION, 0, 0, A).to, A);
    assert_int_equal(focus_route(&f, SOS_INPUT_WHEEL, 0, -1, B).to, B);
    focus_route(&f, SOS_INPUT_BUTTON, 1, 1, A);
    assert_int_equal(focus_route(&f, SOS_INPUT_MOTION, 0, 0, B).to, A); /* dragging */
    assert_int_equal(focus_route(&f, SOS_INPUT_BUTTON, 1, 0, B).to, A); /* release */
    assert_int_equal(focus_route(&f, SOS_INPUT_MOTION, 0, 0, B).to, B);
    assert_int_equal(focus_route(&f, 99, 0, 0, B).to, 0);               /* unknown type */
}

static void test_forget(void **state)
{
    (void)state;
    struct focus f = {0};
    focus_route(&f, SOS_INPUT_BUTTON, 1, 1, A);
    focus_forget(&f, A);
    assert_int_equal(focus_route(&f, SOS_INPUT_KEY, 4, 1, A).to, 0);
    assert_int_equal(focus_route(&f, SOS_INPUT_MOTION, 0, 0, B).to, B);
}

/* A delivery the compositor refused because the surface's queue was full (its
 * application busy while keys come fast) loses that event only: the surface keeps
 * the focus and the key it holds, so the keys after it still reach it. A surface
 * gone (no such surface, its channel closed) is forgotten. */
static void test_undelivered(void **state)
{
    (void)state;
    struct focus f = {0};
    click(&f, A);
    assert_int_equal(focus_route(&f, SOS_INPUT_KEY, 42, 1, A).to, A);
    assert_false(focus_undelivered(&f, A, SOS_ERR_QUEUE_FULL));
    assert_int_equal(focus_route(&f, SOS_INPUT_KEY, 42, 2, B).to, A); /* its repeat */
    assert_int_equal(focus_route(&f, SOS_INPUT_KEY, 42, 0, B).to, A);
    assert_int_equal(focus_route(&f, SOS_INPUT_KEY, 42, 1, B).to, A);
    assert_false(focus_undelivered(&f, A, SOS_ERR_TIMED_OUT)); /* the compositor slow */
    assert_int_equal(focus_route(&f, SOS_INPUT_KEY, 43, 1, B).to, A);
    assert_true(focus_undelivered(&f, A, SOS_ERR_PEER_CLOSED));
    assert_int_equal(focus_route(&f, SOS_INPUT_KEY, 44, 1, B).to, 0);
    focus_route(&f, SOS_INPUT_BUTTON, 1, 1, B);
    assert_true(focus_undelivered(&f, B, SOS_ERR_NOT_FOUND));
    assert_int_equal(focus_route(&f, SOS_INPUT_KEY, 45, 1, B).to, 0);
    assert_false(focus_undelivered(&f, 0, SOS_ERR_NOT_FOUND)); /* nowhere to go: nothing to forget */
}

/* The window manager gives the focus (a click on a frame): keys follow, the old one
 * hears it lost it, the drag on the frame keeps its grab; giving it again changes
 * nothing but the raise. */
static void test_give(void **state)
{
    (void)state;
    struct focus f = {0};
    focus_route(&f, SOS_INPUT_BUTTON, 1, 1, A); /* A: the frame, pressed and held */
    struct route r = focus_give(&f, B);
    assert_int_equal(r.focus_out, A);
    assert_int_equal(r.focus_in, B);
    assert_int_equal(r.raise, B);
    assert_int_equal(focus_route(&f, SOS_INPUT_KEY, 4, 1, A).to, B);
    assert_int_equal(focus_route(&f, SOS_INPUT_MOTION, 0, 0, B).to, A);
    r = focus_give(&f, B);
    assert_int_equal(r.focus_in, 0);
    assert_int_equal(r.raise, B);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keys_need_focus), cmocka_unit_test(test_key_release_follows_press),
        cmocka_unit_test(test_click_lower_focuses_it),
        cmocka_unit_test(test_click_on_nothing), cmocka_unit_test(test_grab_and_pointer),
        cmocka_unit_test(test_forget), cmocka_unit_test(test_give), cmocka_unit_test(test_undelivered),
    };
    return cmocka_run_group_tests_name("session-focus", tests, NULL, NULL);
}
