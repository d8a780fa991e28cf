/*
 * hal-x86_64/kbdcon.c - the keyboard of the screen as console input.
 *
 * Once its driver runs, QEMU sends the window's keystrokes to the virtio keyboard
 * rather than the PS/2 one. Until a client claims that device (its first READ: the
 * session service when it starts), the HAL takes the device's records on its line's
 * interrupt and turns key presses into console bytes with a US layout (shift and caps
 * lock from the record's modifiers, ctrl, arrows as ANSI sequences, Backspace as DEL
 * like a terminal), delivered like serial input. After the claim the line is the
 * core's. The keyboard is the first input device whose name says "Keyboard".
 *
 * Layer: hal-x86_64 (above dev.c; trap.c hands it device lines).
 */
#include "kbdcon.h"

#include <sos/object.h>

#include "hal.h"

#include "drivers/virtio/virtio.h"
#include "lib/kstring.h"

#define NEVENTS 32u
#define HID_A 0x04u
#define HID_Z 0x1du
#define HID_DELETE 0x4cu
#define HID_RIGHT 0x4fu
#define HID_UP 0x52u

/* HID usages 0x1e..0x38 (digits, Enter .. slash); letters are computed. */
static const char g_plain[27] = "1234567890\n\033\177\t -=[]\\#;'`,./";
static const char g_shift[27] = "!@#$%^&*()\n\033\177\t _+{}|~:\"~<>?";

static const struct hal_dev_ops *g_ops;
static void *g_dev;
static unsigned g_line;

static bool has_keyboard_name(const char *n)
{
    for (; *n; n++)
        if (!k_strncmp(n, "Keyboard", 8) || !k_strncmp(n, "keyboard", 8))
            return true;
    return false;
}

void x86_kbdcon_init(void)
{
    for (unsigned i = 0;; i++) {
        const struct hal_dev_ops *ops;
        void *dev;
        if (!hal_dev_get(i, &ops, &dev))
            return;
        struct hal_dev_info in;
        ops->info(dev, &in);
        if (in.dev_class == HAL_DEV_INPUT && in.irq && has_keyboard_name(in.name)) {
            g_ops = ops;
            g_dev = dev;
            g_line = in.irq;
            return;
        }
    }
}

/* One record to console bytes; returns how many were written to `out` (<= 3). */
static size_t translate(const struct sos_input_event *e, char *out)
{
    if (e->type != SOS_INPUT_KEY || e->value == 0)
        return 0;
    uint32_t u = e->code;
    if (u >= HID_RIGHT && u <= HID_UP) {
        out[0] = 27, out[1] = '[', out[2] = "CDBA"[u - HID_RIGHT];
        return 3;
    }
    if (u == HID_DELETE) {
        out[0] = 127;
        return 1;
    }
    bool shift = e->mods & SOS_INPUT_MOD_SHIFT;
    char c;
    if (u >= HID_A && u <= HID_Z) {
        bool upper = shift != !!(e->mods & SOS_INPUT_MOD_CAPS);
        c = (char)((upper ? 'A' : 'a') + (u - HID_A));
        if (e->mods & SOS_INPUT_MOD_CTRL)
            c = (char)(c & 0x1f);
    } else if (u >= 0x1e && u <= 0x38) {
        c = (shift ? g_shift : g_plain)[u - 0x1e];
    } else {
        return 0;
    }
    out[0] = c;
    return 1;
}

bool x86_kbdcon_irq(unsigned line, bool from_user)
{
    if (!g_dev || line != g_line)
        return false;
    struct sos_input_event ev[NEVENTS];
    int got = virtio_input_console_take(g_dev, ev, NEVENTS);
    if (got < 0)
        return false; /* a client owns the keyboard now */
    char buf[NEVENTS * 3];
    size_t n = 0;
    for (int i = 0; i < got; i++)
        n += translate(&ev[i], buf + n);
    if (n) {
        core_console_input(buf, n);
        core_irq(HAL_IRQ_CONSOLE, from_user);
    }
    return true;
}
