/*
 * hal-x86_64/kbdcon.c - the keyboard of the screen as console input.
 *
 * Once its driver runs, QEMU sends the window's keystrokes to the virtio keyboard
 * rather than the PS/2 one. Until a client claims that device (the core enables its
 * interrupt line), the HAL keeps one READ queued on it and turns key events into
 * console bytes with a US layout (shift, caps lock, ctrl, arrows as ANSI sequences,
 * Backspace as DEL like a terminal), delivered like serial input. The keyboard is the
 * first input device whose name says "Keyboard". When a client takes over, the events
 * of the HAL's last queued read are lost.
 *
 * Layer: hal-x86_64 (above dev.c; trap.c hands it device lines).
 */
#include "kbdcon.h"

#include "hal.h"
#include "physmem.h"

#include "drivers/virtio/virtio.h"
#include "lib/kstring.h"

#define EV_KEY 1u
#define KEY_LEFTCTRL 29u
#define KEY_LEFTSHIFT 42u
#define KEY_RIGHTSHIFT 54u
#define KEY_CAPSLOCK 58u
#define KEY_RIGHTCTRL 97u
#define KEY_UP 103u
#define KEY_LEFT 105u
#define KEY_RIGHT 106u
#define KEY_DOWN 108u
#define KEY_DELETE 111u
#define NEVENTS 32u

/* evdev key codes 0..57 */
static const char g_plain[58] = {
    0, 27, '1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '-', '=', 127, '\t',
    'q', 'w', 'e', 'r', 't', 'y', 'u', 'i', 'o', 'p', '[', ']', '\n', 0,
    'a', 's', 'd', 'f', 'g', 'h', 'j', 'k', 'l', ';', '\'', '`', 0, '\\',
    'z', 'x', 'c', 'v', 'b', 'n', 'm', ',', '.', '/', 0, '*', 0, ' '};
static const char g_shift[58] = {
    0, 27, '!', '@', '#', '$', '%', '^', '&', '*', '(', ')', '_', '+', 127, '\t',
    'Q', 'W', 'E', 'R', 'T', 'Y', 'U', 'I', 'O', 'P', '{', '}', '\n', 0,
    'A', 'S', 'D', 'F', 'G', 'H', 'J', 'K', 'L', ':', '"', '~', 0, '|',
    'Z', 'X', 'C', 'V', 'B', 'N', 'M', '<', '>', '?', 0, '*', 0, ' '};

static const struct hal_dev_ops *g_ops;
static void *g_dev;
static unsigned g_line;
static bool g_active;
static struct hal_dev_req g_req;
static struct virtio_input_event *g_events;
static bool g_shift_down, g_ctrl_down, g_caps;

static bool has_keyboard_name(const char *n)
{
    for (; *n; n++)
        if (!k_strncmp(n, "Keyboard", 8) || !k_strncmp(n, "keyboard", 8))
            return true;
    return false;
}

static void submit(void)
{
    g_req = (struct hal_dev_req){HAL_DEVOP_READ, 0, 0, hal_virt_to_phys(g_events),
                                 NEVENTS * sizeof(*g_events), 0, 0};
    if (g_ops->submit(g_dev, &g_req))
        g_active = false;
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
            break;
        }
    }
    g_events = hal_phys_to_virt(x86_early_alloc(1));
    g_active = true;
    submit();
}

/* One key event to console bytes; returns how many were written to `out` (<= 3). */
static size_t translate(const struct virtio_input_event *e, char *out)
{
    if (e->type != EV_KEY)
        return 0;
    bool down = e->value != 0;
    switch (e->code) {
    case KEY_LEFTSHIFT: case KEY_RIGHTSHIFT: g_shift_down = down; return 0;
    case KEY_LEFTCTRL: case KEY_RIGHTCTRL: g_ctrl_down = down; return 0;
    case KEY_CAPSLOCK: if (e->value == 1) g_caps = !g_caps; return 0;
    default: break;
    }
    if (!down)
        return 0;
    const char *arrow = e->code == KEY_UP ? "A" : e->code == KEY_DOWN ? "B"
                      : e->code == KEY_RIGHT ? "C" : e->code == KEY_LEFT ? "D" : NULL;
    if (arrow) {
        out[0] = 27, out[1] = '[', out[2] = arrow[0];
        return 3;
    }
    if (e->code == KEY_DELETE) {
        out[0] = 127;
        return 1;
    }
    if (e->code >= sizeof(g_plain) || !g_plain[e->code])
        return 0;
    char c = g_plain[e->code];
    bool letter = c >= 'a' && c <= 'z';
    if (g_shift_down != (g_caps && letter))
        c = g_shift[e->code];
    if (g_ctrl_down && letter)
        c = (char)(c & 0x1f);
    out[0] = c;
    return 1;
}

bool x86_kbdcon_irq(unsigned line, bool from_user)
{
    if (!g_active || line != g_line)
        return false;
    char buf[NEVENTS * 3];
    size_t n = 0;
    struct hal_dev_req *r;
    while ((r = g_ops->poll(g_dev)) != NULL) {
        if (r != &g_req)
            continue;
        for (uint64_t i = 0; i < r->actual / sizeof(*g_events); i++)
            n += translate(&g_events[i], buf + n);
        submit();
    }
    if (n) {
        core_console_input(buf, n);
        core_irq(HAL_IRQ_CONSOLE, from_user);
    }
    return true;
}

void x86_kbdcon_release(unsigned line)
{
    if (line == g_line)
        g_active = false; /* a client owns the keyboard now */
}
