/*
 * core/drivers/virtio/evdev.h - Linux evdev events (what virtio-input delivers) as
 * struct sos_input_event records (what the sim's input device delivers).
 *
 * All the input devices of a machine form one seat: the pointer's place (in the
 * display's pixels) and the held modifiers are the seat's, so a key carries the place
 * the tablet left the pointer at and a click carries the shift the keyboard holds.
 * Absolute axes (a tablet) are scaled from the device's range to the display's mode,
 * which the display driver keeps up to date (evdev_set_extent); relative ones (a mouse)
 * move the pointer and are clamped to the mode. Axis changes are gathered until the
 * device's SYN_REPORT (or the next other event) and reported as one MOTION. Keys become
 * USB HID usages (page 7), buttons 1 left, 2 middle, 3 right, 4/5 side/extra; the
 * wheel's steps keep their sign (away from the user is positive). Events with no
 * equivalent (LEDs, MSC_SCAN, unknown keys) are dropped.
 *
 * Layer: core drivers (pure: no HAL calls; the caller gives the time).
 */
#ifndef CORE_DRIVERS_VIRTIO_EVDEV_H
#define CORE_DRIVERS_VIRTIO_EVDEV_H

#include <stdbool.h>
#include <stdint.h>

#include <sos/object.h>

#define EVDEV_SYN 0u
#define EVDEV_KEY 1u
#define EVDEV_REL 2u
#define EVDEV_ABS 3u

struct evdev_seat {
    uint32_t width, height; /* the display's mode: absolute axes scale to it */
    int32_t x, y;           /* the pointer */
    uint32_t mods;          /* SOS_INPUT_MOD_* held (caps: on) */
};

/* One device's state: its absolute axes' ranges and an unreported move. */
struct evdev_dev {
    struct evdev_seat *seat;
    int32_t abs_min[2], abs_max[2]; /* x, y; max <= min: 0..0x7fff */
    bool moved;
};

/* A seat of width x height (both >= 1) with the pointer in its middle. */
void evdev_seat_init(struct evdev_seat *s, uint32_t width, uint32_t height);
/* A new mode: the pointer is kept inside it. */
void evdev_set_extent(struct evdev_seat *s, uint32_t width, uint32_t height);

/*
 * Translate one event of device `d` at time `now_ns`; writes 0, 1 or 2 records to
 * `out` (a pending MOTION first, then the event's own) and returns how many.
 */
unsigned evdev_translate(struct evdev_dev *d, uint16_t type, uint16_t code, int32_t value,
                         uint64_t now_ns, struct sos_input_event out[2]);

/* The HID usage of evdev key `code`, or 0 when it has none. */
uint32_t evdev_key_usage(uint32_t code);

#endif
