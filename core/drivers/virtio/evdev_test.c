/*
 * core/drivers/virtio/evdev_test.c - evdev events to struct sos_input_event, on the host.
 *
 * Checked: letters, digits, Enter, arrows and modifiers become their HID usages; the
 * modifiers and caps lock are the seat's and ride on every record (a click too); a
 * tablet's 0..0x7fff axes land on the display's pixels, the move reported once per
 * report (SYN) and before a button of the same report; a new mode rescales and keeps
 * the pointer inside; a mouse's relative moves clamp at the edges; buttons and the
 * wheel; what has no equivalent is dropped.
 *
 * Layer: core tests (host).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "drivers/virtio/evdev.h"

static struct evdev_seat g_seat;
static struct evdev_dev g_kbd, g_tab, g_mouse;

static int setup(void **state)
{
    (void)state;
    evdev_seat_init(&g_seat, 1024, 768);
    g_kbd = (struct evdev_dev){.seat = &g_seat};
    g_tab = (struct evdev_dev){.seat = &g_seat, .abs_max = {0x7fff, 0x7fff}};
    g_mouse = (struct evdev_dev){.seat = &g_seat};
    return 0;
}

static unsigned ev(struct evdev_dev *d, uint16_t type, uint16_t code, int32_t v,
                   struct sos_input_event out[2])
{
    return evdev_translate(d, type, code, v, 1234, out);
}

static void test_keys_are_hid_usages(void **state)
{
    (void)state;
    const uint16_t codes[] = {30, 48, 44, 2, 11, 28, 1, 57, 103, 105, 111, 14, 15};
    const uint32_t want[] = {0x04, 0x05, 0x1d, 0x1e, 0x27, 0x28, 0x29, 0x2c, 0x52, 0x50, 0x4c,
                             0x2a, 0x2b};
    for (unsigned i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
        struct sos_input_event o[2];
        assert_int_equal(ev(&g_kbd, EVDEV_KEY, codes[i], 1, o), 1);
        assert_int_equal(o[0].type, SOS_INPUT_KEY);
        assert_int_equal(o[0].code, want[i]);
        assert_int_equal(o[0].value, 1);
        assert_int_equal(o[0].time_ns, 1234);
    }
    struct sos_input_event o[2];
    assert_int_equal(ev(&g_kbd, EVDEV_KEY, 45, 2, o), 1); /* repeat */
    assert_int_equal(o[0].value, 2);
    assert_int_equal(ev(&g_kbd, EVDEV_KEY, 84, 1, o), 0); /* no usage */
    assert_int_equal(ev(&g_kbd, EVDEV_KEY, 0x2ff, 1, o), 0);
    assert_int_equal(evdev_key_usage(1000), 0);
}

static void test_modifiers_belong_to_the_seat(void **state)
{
    (void)state;
    struct sos_input_event o[2];
    ev(&g_kbd, EVDEV_KEY, 42, 1, o); /* left shift down */
    assert_int_equal(o[0].code, 0xe1);
    assert_int_equal(o[0].mods, SOS_INPUT_MOD_SHIFT);
    ev(&g_kbd, EVDEV_KEY, 97, 1, o); /* right ctrl */
    assert_int_equal(ev(&g_tab, EVDEV_KEY, 0x110, 1, o), 1); /* a click on the other device */
    assert_int_equal(o[0].type, SOS_INPUT_BUTTON);
    assert_int_equal(o[0].mods, SOS_INPUT_MOD_SHIFT | SOS_INPUT_MOD_CTRL);
    ev(&g_kbd, EVDEV_KEY, 42, 0, o);
    ev(&g_kbd, EVDEV_KEY, 97, 0, o);
    ev(&g_kbd, EVDEV_KEY, 56, 1, o);
    ev(&g_kbd, EVDEV_KEY, 125, 1, o);
    assert_int_equal(o[0].mods, SOS_INPUT_MOD_ALT | SOS_INPUT_MOD_META);
    ev(&g_kbd, EVDEV_KEY, 56, 0, o);
    ev(&g_kbd, EVDEV_KEY, 125, 0, o);
    ev(&g_kbd, EVDEV_KEY, 58, 1, o); /* caps lock toggles on the press only */
    ev(&g_kbd, EVDEV_KEY, 58, 0, o);
    ev(&g_kbd, EVDEV_KEY, 30, 1, o);
    assert_int_equal(o[0].mods, SOS_INPUT_MOD_CAPS);
    ev(&g_kbd, EVDEV_KEY, 58, 1, o);
    ev(&g_kbd, EVDEV_KEY, 58, 2, o);
    ev(&g_kbd, EVDEV_KEY, 30, 1, o);
    assert_int_equal(o[0].mods, 0);
}

static void test_tablet_scales_to_the_mode(void **state)
{
    (void)state;
    struct sos_input_event o[2];
    assert_int_equal(ev(&g_tab, EVDEV_ABS, 0, 700 * 32 + 16, o), 0);
    assert_int_equal(ev(&g_tab, EVDEV_ABS, 1, (500 * 32768 + 16384) / 768, o), 0);
    assert_int_equal(ev(&g_tab, EVDEV_SYN, 0, 0, o), 1);
    assert_int_equal(o[0].type, SOS_INPUT_MOTION);
    assert_int_equal(o[0].x, 700);
    assert_int_equal(o[0].y, 500);
    assert_int_equal(ev(&g_tab, EVDEV_SYN, 0, 0, o), 0); /* nothing moved since */
    assert_int_equal(ev(&g_kbd, EVDEV_KEY, 45, 1, o), 1); /* a key carries the place */
    assert_int_equal(o[0].x, 700);
    assert_int_equal(o[0].y, 500);
    ev(&g_tab, EVDEV_ABS, 0, 0x7fff, o);
    ev(&g_tab, EVDEV_ABS, 1, 0, o);
    assert_int_equal(ev(&g_tab, EVDEV_KEY, 0x111, 1, o), 2); /* the move, then the button */
    assert_int_equal(o[0].type, SOS_INPUT_MOTION);
    assert_int_equal(o[0].x, 1023);
    assert_int_equal(o[0].y, 0);
    assert_int_equal(o[1].type, SOS_INPUT_BUTTON);
    assert_int_equal(o[1].code, 3);
    assert_int_equal(o[1].x, 1023);
    evdev_set_extent(&g_seat, 800, 600); /* the pointer stays inside */
    assert_int_equal(ev(&g_tab, EVDEV_KEY, 0x111, 0, o), 1);
    assert_int_equal(o[0].x, 799);
    assert_int_equal(o[0].value, 0);
    ev(&g_tab, EVDEV_ABS, 0, 400 * 32768 / 800 + 20, o);
    ev(&g_tab, EVDEV_ABS, 1, 300 * 32768 / 600 + 20, o);
    ev(&g_tab, EVDEV_SYN, 0, 0, o);
    assert_int_equal(o[0].x, 400);
    assert_int_equal(o[0].y, 300);
    evdev_set_extent(&g_seat, 0, 600); /* refused */
    assert_int_equal(g_seat.width, 800);
}

static void test_tablet_range_from_the_device(void **state)
{
    (void)state;
    struct sos_input_event o[2];
    g_tab.abs_min[0] = 100, g_tab.abs_max[0] = 1123; /* 1024 values */
    ev(&g_tab, EVDEV_ABS, 0, 612, o);
    ev(&g_tab, EVDEV_ABS, 0, 50, o); /* below the range: the edge */
    ev(&g_tab, EVDEV_SYN, 0, 0, o);
    assert_int_equal(o[0].x, 0);
    ev(&g_tab, EVDEV_ABS, 0, 612, o);
    ev(&g_tab, EVDEV_SYN, 0, 0, o);
    assert_int_equal(o[0].x, 512);
    ev(&g_tab, EVDEV_ABS, 0, 5000, o);
    ev(&g_tab, EVDEV_SYN, 0, 0, o);
    assert_int_equal(o[0].x, 1023);
}

static void test_mouse_moves_and_clamps(void **state)
{
    (void)state;
    struct sos_input_event o[2];
    ev(&g_mouse, EVDEV_REL, 0, 10, o);
    ev(&g_mouse, EVDEV_REL, 1, -5, o);
    assert_int_equal(ev(&g_mouse, EVDEV_SYN, 0, 0, o), 1);
    assert_int_equal(o[0].x, 522);
    assert_int_equal(o[0].y, 379);
    ev(&g_mouse, EVDEV_REL, 0, -100000, o);
    ev(&g_mouse, EVDEV_REL, 1, 100000, o);
    ev(&g_mouse, EVDEV_SYN, 0, 0, o);
    assert_int_equal(o[0].x, 0);
    assert_int_equal(o[0].y, 767);
    assert_int_equal(ev(&g_mouse, EVDEV_REL, 8, -2, o), 1); /* wheel towards the user */
    assert_int_equal(o[0].type, SOS_INPUT_WHEEL);
    assert_int_equal(o[0].code, 0);
    assert_int_equal(o[0].value, -2);
    assert_int_equal(ev(&g_mouse, EVDEV_REL, 6, 1, o), 1);
    assert_int_equal(o[0].code, 1);
    assert_int_equal(ev(&g_mouse, EVDEV_KEY, 0x112, 1, o), 1);
    assert_int_equal(o[0].code, 2);
    assert_int_equal(ev(&g_mouse, EVDEV_KEY, 0x114, 1, o), 1);
    assert_int_equal(o[0].code, 5);
}

static void test_no_equivalent_is_dropped(void **state)
{
    (void)state;
    struct sos_input_event o[2];
    assert_int_equal(ev(&g_kbd, 4, 4, 30, o), 0);       /* MSC_SCAN */
    assert_int_equal(ev(&g_kbd, 0x11, 1, 1, o), 0);     /* an LED */
    assert_int_equal(ev(&g_tab, EVDEV_ABS, 8, 1, o), 0); /* another axis */
    assert_int_equal(ev(&g_kbd, EVDEV_SYN, 0, 0, o), 0);
}

#define T(fn) cmocka_unit_test_setup(fn, setup)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_keys_are_hid_usages),
        T(test_modifiers_belong_to_the_seat),
        T(test_tablet_scales_to_the_mode),
        T(test_tablet_range_from_the_device),
        T(test_mouse_moves_and_clamps),
        T(test_no_equivalent_is_dropped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
