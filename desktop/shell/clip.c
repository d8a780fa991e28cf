/*
 * desktop/shell/clip.c - the desktop's clipboard (clip.h): what it accepts. The
 * requests that set and read it are desktop.c's; this part is the checking, kept free
 * of system calls so the host test (clip_test.c) runs it.
 *
 * Layer: desktop (the desktop shell).
 */
#include <string.h>

#include <sos/errors.h>

#include "clip.h"

/* The length of the UTF-8 sequence at s (at most n bytes), 0 when it is not one. */
static uint32_t utf8_seq(const unsigned char *s, uint32_t n)
{
    uint32_t need = s[0] < 0x80 ? 1 : s[0] >= 0xc2 && s[0] < 0xe0 ? 2 : s[0] >= 0xe0 && s[0] < 0xf0 ? 3
                  : s[0] >= 0xf0 && s[0] < 0xf5 ? 4 : 0;
    if (!need || need > n || s[0] == 0)
        return 0;
    for (uint32_t k = 1; k < need; k++)
        if ((s[k] & 0xc0) != 0x80)
            return 0;
    if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] >= 0xa0) || /* overlong, surrogates */
        (s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] >= 0x90))   /* overlong, past U+10FFFF */
        return 0;
    return need;
}

bool clip_is_text(const char *s, uint32_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    for (uint32_t i = 0; i < len;) {
        uint32_t k = utf8_seq(u + i, len - i);
        if (!k)
            return false;
        i += k;
    }
    return true;
}

int clip_set(struct clip *c, const char *s, uint32_t len)
{
    if (len > DESKTOP_CLIP_MAX)
        return SOS_ERR_OUT_OF_RANGE;
    if (!clip_is_text(s, len))
        return SOS_ERR_INVALID_ARGS;
    memcpy(c->text, s, len);
    c->text[len] = 0;
    c->len = len;
    return 0;
}
