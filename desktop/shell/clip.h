/*
 * desktop/shell/clip.h - the desktop's clipboard: one piece of text that every
 * application with the desktop's write right can set and read (DESKTOP_CLIP_SET,
 * DESKTOP_CLIP_GET), so text copied in one window is pasted in another.
 *
 * Layer: desktop (the desktop shell; no system calls: host-tested in desktop-clip).
 */
#ifndef DESKTOP_CLIP_H
#define DESKTOP_CLIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <proto/desktop.h>

struct clip {
    char text[DESKTOP_CLIP_MAX + 1];
    uint32_t len;
};

/* The bytes are UTF-8 without NUL or overlong forms (what a clipboard of text holds). */
bool clip_is_text(const char *s, uint32_t len);

/* Replace the clipboard with len bytes of s. SOS_ERR_OUT_OF_RANGE: more than
 * DESKTOP_CLIP_MAX bytes; SOS_ERR_INVALID_ARGS: not text (clip_is_text). On an error
 * the clipboard keeps what it had. */
int clip_set(struct clip *c, const char *s, uint32_t len);

#endif
