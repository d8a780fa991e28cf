/*
 * desktop/apps/terminal/keys.h - a key (USB HID usage and modifiers, as the session
 * delivers them) as the bytes a terminal sends: a US layout, Ctrl+letter as its
 * control code, the arrows and Home/End as the sequences the console's line editor
 * reads.
 *
 * Layer: desktop/apps/terminal (pure logic, host-tested in terminal-vt).
 */
#ifndef TERMINAL_KEYS_H
#define TERMINAL_KEYS_H

#include <stddef.h>
#include <stdint.h>

#define HID_PAGE_UP 75u
#define HID_PAGE_DOWN 78u

/* The bytes for the key into out (at least 4 bytes); how many (0: none). */
size_t key_bytes(uint32_t hid, uint32_t mods, char *out);

#endif
