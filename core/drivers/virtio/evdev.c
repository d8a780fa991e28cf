/*
 * core/drivers/virtio/evdev.c - evdev events to struct sos_input_event (see evdev.h).
 *
 * Layer: core drivers (pure).
 */
#include "drivers/virtio/evdev.h"

#define KEY_LEFTCTRL 29u
#define KEY_LEFTSHIFT 42u
#define KEY_RIGHTSHIFT 54u
#define KEY_LEFTALT 56u
#define KEY_CAPSLOCK 58u
#define KEY_RIGHTCTRL 97u
#define KEY_RIGHTALT 100u
#define KEY_LEFTMETA 125u
#define KEY_RIGHTMETA 126u
#define BTN_LEFT 0x110u
#define BTN_EXTRA 0x114u
#define REL_X 0u
#define REL_Y 1u
#define REL_HWHEEL 6u
#define REL_WHEEL 8u
#define ABS_DEFAULT_MAX 0x7fff

/* evdev key codes 0..127 to HID usages (the inverse of Linux's hid_keyboard[]). */
static const uint8_t g_usage[128] = {
    0, 0x29, 0x1e, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x2d, 0x2e, 0x2a, 0x2b,
    0x14, 0x1a, 0x08, 0x15, 0x17, 0x1c, 0x18, 0x0c, 0x12, 0x13, 0x2f, 0x30, 0x28, 0xe0, 0x04, 0x16,
    0x07, 0x09, 0x0a, 0x0b, 0x0d, 0x0e, 0x0f, 0x33, 0x34, 0x35, 0xe1, 0x31, 0x1d, 0x1b, 0x06, 0x19,
    0x05, 0x11, 0x10, 0x36, 0x37, 0x38, 0xe5, 0x55, 0xe2, 0x2c, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e,
    0x3f, 0x40, 0x41, 0x42, 0x43, 0x53, 0x47, 0x5f, 0x60, 0x61, 0x56, 0x5c, 0x5d, 0x5e, 0x57, 0x59,
    0x5a, 0x5b, 0x62, 0x63, 0, 0x94, 0x64, 0x44, 0x45, 0x87, 0x92, 0x93, 0x8a, 0x88, 0x8b, 0x8c,
    0x58, 0xe4, 0x54, 0x46, 0xe6, 0, 0x4a, 0x52, 0x4b, 0x50, 0x4f, 0x4d, 0x51, 0x4e, 0x49, 0x4c,
    0, 0x7f, 0x81, 0x80, 0x66, 0x67, 0, 0x48, 0, 0x85, 0x90, 0x91, 0x89, 0xe3, 0xe7, 0x65};

/* BTN_LEFT, RIGHT, MIDDLE, SIDE, EXTRA to our button numbers. */
static const uint8_t g_button[5] = {1, 3, 2, 4, 5};

uint32_t evdev_key_usage(uint32_t code) { return code < 128 ? g_usage[code] : 0; }

void evdev_seat_init(struct evdev_seat *s, uint32_t width, uint32_t height)
{
    *s = (struct evdev_seat){.width = width, .height = height,
                             .x = (int32_t)(width / 2), .y = (int32_t)(height / 2)};
}

static int32_t clamp(int64_t v, uint32_t extent)
{
    return v < 0 ? 0 : v >= (int64_t)extent ? (int32_t)extent - 1 : (int32_t)v;
}

void evdev_set_extent(struct evdev_seat *s, uint32_t width, uint32_t height)
{
    if (!width || !height)
        return;
    s->width = width;
    s->height = height;
    s->x = clamp(s->x, width);
    s->y = clamp(s->y, height);
}

static struct sos_input_event record(const struct evdev_dev *d, uint32_t type, uint32_t code,
                                     int32_t value, uint64_t now)
{
    return (struct sos_input_event){.type = type, .code = code, .value = value,
                                    .mods = d->seat->mods, .x = d->seat->x, .y = d->seat->y,
                                    .time_ns = now};
}

static void absolute(struct evdev_dev *d, unsigned axis, int32_t value)
{
    int64_t lo = d->abs_min[axis], hi = d->abs_max[axis];
    if (hi <= lo)
        lo = 0, hi = ABS_DEFAULT_MAX;
    uint32_t extent = axis ? d->seat->height : d->seat->width;
    int32_t px = clamp(((int64_t)value - lo) * extent / (hi - lo + 1), extent);
    *(axis ? &d->seat->y : &d->seat->x) = px;
    d->moved = true;
}

static void relative(struct evdev_dev *d, unsigned axis, int32_t value)
{
    if (axis)
        d->seat->y = clamp((int64_t)d->seat->y + value, d->seat->height);
    else
        d->seat->x = clamp((int64_t)d->seat->x + value, d->seat->width);
    d->moved = true;
}

static uint32_t modifier(uint32_t code)
{
    switch (code) {
    case KEY_LEFTSHIFT: case KEY_RIGHTSHIFT: return SOS_INPUT_MOD_SHIFT;
    case KEY_LEFTCTRL: case KEY_RIGHTCTRL: return SOS_INPUT_MOD_CTRL;
    case KEY_LEFTALT: case KEY_RIGHTALT: return SOS_INPUT_MOD_ALT;
    case KEY_LEFTMETA: case KEY_RIGHTMETA: return SOS_INPUT_MOD_META;
    default: return 0;
    }
}

/* A key or button event as its record; false when it has none. */
static bool key(struct evdev_dev *d, uint16_t code, int32_t value, uint64_t now,
                struct sos_input_event *out)
{
    if (code >= BTN_LEFT && code <= BTN_EXTRA) {
        *out = record(d, SOS_INPUT_BUTTON, g_button[code - BTN_LEFT], value ? 1 : 0, now);
        return true;
    }
    uint32_t usage = evdev_key_usage(code), mod = modifier(code);
    if (!usage)
        return false;
    if (mod)
        d->seat->mods = value ? d->seat->mods | mod : d->seat->mods & ~mod;
    if (code == KEY_CAPSLOCK && value == 1)
        d->seat->mods ^= SOS_INPUT_MOD_CAPS;
    *out = record(d, SOS_INPUT_KEY, usage, value > 2 ? 2 : value, now);
    return true;
}

unsigned evdev_translate(struct evdev_dev *d, uint16_t type, uint16_t code, int32_t value,
                         uint64_t now_ns, struct sos_input_event out[2])
{
    if (type == EVDEV_ABS && code <= 1) {
        absolute(d, code, value);
        return 0;
    }
    if (type == EVDEV_REL && (code == REL_X || code == REL_Y)) {
        relative(d, code, value);
        return 0;
    }
    bool wheel = type == EVDEV_REL && (code == REL_WHEEL || code == REL_HWHEEL);
    if (type != EVDEV_SYN && type != EVDEV_KEY && !wheel)
        return 0; /* LEDs, MSC_SCAN, other axes */
    unsigned n = 0;
    if (d->moved) {
        out[n++] = record(d, SOS_INPUT_MOTION, 0, 0, now_ns);
        d->moved = false;
    }
    if (wheel && value)
        out[n++] = record(d, SOS_INPUT_WHEEL, code == REL_HWHEEL, value, now_ns);
    else if (type == EVDEV_KEY && key(d, code, value, now_ns, &out[n]))
        n++;
    return n;
}
