/*
 * desktop/apps/terminal/keys.c - keys to bytes (keys.h).
 *
 * Layer: desktop/apps/terminal.
 */
#include <stdbool.h>
#include <string.h>

#include <sos/object.h>

#include "keys.h"

/* HID 45..56 and their shifted forms (50, the non-US '#', has none here). */
static const char g_plain[] = "-=[]\\\0;'`,./";
static const char g_shift[] = "_+{}|\0:\"~<>?";

size_t key_bytes(uint32_t hid, uint32_t mods, char *out)
{
    bool shift = mods & SOS_INPUT_MOD_SHIFT, ctrl = mods & SOS_INPUT_MOD_CTRL;
    const char *seq = NULL;
    char c = 0;
    if (hid >= 4 && hid <= 29) {
        c = (char)((shift != !!(mods & SOS_INPUT_MOD_CAPS) ? 'A' : 'a') + (hid - 4));
        if (ctrl)
            c = (char)((c | 0x20) - 'a' + 1);
    } else if (hid >= 30 && hid <= 39) {
        c = shift ? "!@#$%^&*()"[hid - 30] : "1234567890"[hid - 30];
    } else if (hid >= 45 && hid <= 56) {
        c = shift ? g_shift[hid - 45] : g_plain[hid - 45];
    } else {
        switch (hid) {
        case 40: c = '\r'; break;
        case 41: c = 0x1b; break;
        case 42: c = 0x7f; break;
        case 43: c = '\t'; break;
        case 44: c = ' '; break;
        case 74: c = 0x01; break; /* Home: ^A */
        case 77: c = 0x05; break; /* End: ^E */
        case 79: seq = "\x1b[C"; break;
        case 80: seq = "\x1b[D"; break;
        case 81: seq = "\x1b[B"; break;
        case 82: seq = "\x1b[A"; break;
        default: break;
        }
    }
    if (seq) {
        memcpy(out, seq, 3);
        return 3;
    }
    if (!c)
        return 0;
    out[0] = c;
    return 1;
}
