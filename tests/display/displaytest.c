/*
 * tests/display/displaytest.c - drives the display device and prints what it did.
 *
 * Booted as the first process (serviceos-sim --init displaytest), with the root
 * resource. Without a display (--headless) it prints "displaytest: no display device"
 * and powers off with 0. Otherwise it checks that bad requests are refused, maps the
 * framebuffer (device_buffer) and shows frame 1:
 *
 *   - left half red 0xff0000, right half blue 0x0000ff, a green 64x64 square at
 *     (100, 100);
 *   - a yellow 64x64 square drawn at (300, 300) of which only the 32x32 top-left
 *     quarter is presented: the rest must stay blue-or-red on screen (damage only);
 *   - 30 presents of one 8x8 rectangle, timed (they are paced by the display).
 *
 * prints "displaytest: frame 1 ...", waits for a key on the input device, sets the
 * mode 640x480, fills it grey 0x808080 with a white 10x10 square at (630, 470) and
 * prints "displaytest: frame 2", waits for another key and powers off with 0 (1 when a
 * check failed). tests/sim/display-window.py looks at the window in between.
 *
 * Layer: tests (user image).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sl/sl.h>

static sos_handle_t g_root, g_dev, g_input, g_rects;
static int g_failed;

static __attribute__((noreturn)) void finish(void)
{
    printf("displaytest: end %s\n", g_failed ? "FAILED" : "ok");
    sos_system_power(g_root, SOS_POWER_OFF, g_failed ? 1 : 0);
    exit(g_failed ? 1 : 0);
}

static void expect(const char *what, int64_t got, int64_t want)
{
    if (got != want) {
        printf("displaytest: check FAILED: %s: %lld (%s), wanted %lld\n", what, (long long)got,
               got < 0 ? sos_strerror((int)got) : "-", (long long)want);
        g_failed = 1;
    }
}

/* Present n rectangles through the small VMO. */
static int64_t present(const struct sos_display_rect *r, uint32_t n, uint64_t len)
{
    sos_vmo_write(g_rects, r, 0, n * sizeof(*r));
    struct sos_device_io io = {SOS_DEVICE_OP_PRESENT, g_rects, 0, 0, len};
    return sos_device_io(g_dev, &io);
}

static int64_t mode(uint64_t w, uint64_t h)
{
    struct sos_device_io io = {SOS_DEVICE_OP_MODE, SOS_HANDLE_INVALID, w << 32 | h, 0, 0};
    return sos_device_io(g_dev, &io);
}

static void bad_requests(const struct sos_info_device *in)
{
    struct sos_display_rect r[2] = {{0, 0, 8, 8}, {0, 0, 8, 8}};
    expect("present of no rectangles", present(r, 1, 0), SOS_ERR_INVALID_ARGS);
    expect("present of part of a rectangle", present(r, 1, 15), SOS_ERR_INVALID_ARGS);
    r[1] = (struct sos_display_rect){in->width, 0, 1, 1};
    expect("rectangle right of the mode", present(r, 2, 32), SOS_ERR_OUT_OF_RANGE);
    r[1] = (struct sos_display_rect){0, 0, 0, 5};
    expect("empty rectangle", present(r, 2, 32), SOS_ERR_OUT_OF_RANGE);
    r[1] = (struct sos_display_rect){1, 1, 0xffffffffu, 2};
    expect("rectangle whose end overflows", present(r, 2, 32), SOS_ERR_OUT_OF_RANGE);
    r[1] = (struct sos_display_rect){0, in->height - 1, 1, 2};
    expect("rectangle below the mode", present(r, 2, 32), SOS_ERR_OUT_OF_RANGE);
    expect("too many rectangles", present(r, 1, (SOS_DISPLAY_RECTS_MAX + 1) * 16), SOS_ERR_INVALID_ARGS);
    expect("mode 0x0", mode(0, 0), SOS_ERR_INVALID_ARGS);
    expect("mode wider than the maximum", mode(in->max_width + 1, 100), SOS_ERR_INVALID_ARGS);
    struct sos_device_io rd = {SOS_DEVICE_OP_READ, g_rects, 0, 0, 16};
    expect("read from a display", sos_device_io(g_dev, &rd), SOS_ERR_NOT_SUPPORTED);
    sos_handle_t v;
    if (g_input != SOS_HANDLE_INVALID)
        expect("device_buffer of an input device", sos_device_buffer(g_input, &v), SOS_ERR_NOT_SUPPORTED);
}

static void fill(uint32_t *fb, uint32_t pitch, uint32_t x, uint32_t y, uint32_t w, uint32_t h,
                 uint32_t c)
{
    for (uint32_t j = y; j < y + h; j++)
        for (uint32_t i = x; i < x + w; i++)
            fb[j * (pitch / 4) + i] = c;
}

static void wait_key(void)
{
    sos_handle_t vmo;
    if (g_input == SOS_HANDLE_INVALID || sos_vmo_create(4096, 0, &vmo))
        return;
    for (int downs = 0; downs < 1;) { /* a key released */
        struct sos_device_io io = {SOS_DEVICE_OP_READ, vmo, 0, 0, 32};
        int64_t n = sos_device_io(g_input, &io);
        struct sos_input_event e;
        if (n == 32 && sos_vmo_read(vmo, &e, 0, 32) == 0 && e.type == SOS_INPUT_KEY && e.value == 0)
            downs++;
    }
    sos_handle_close(vmo);
}

static void frame1(uint32_t *fb, const struct sos_info_device *in)
{
    uint32_t w = in->width, h = in->height, p = in->pitch;
    fill(fb, p, 0, 0, w / 2, h, 0xffff0000u);
    fill(fb, p, w / 2, 0, w - w / 2, h, 0xff0000ffu);
    fill(fb, p, 100, 100, 64, 64, 0xff00ff00u);
    struct sos_display_rect all = {0, 0, w, h}, part = {300, 300, 32, 32};
    expect("present the whole screen", present(&all, 1, 16), 16);
    fill(fb, p, 300, 300, 64, 64, 0xffffff00u);
    expect("present a quarter of the yellow square", present(&part, 1, 16), 16);
    struct sos_display_rect small = {0, 0, 8, 8};
    int64_t t0 = sos_clock_get();
    for (int i = 0; i < 30; i++)
        expect("present 8x8", present(&small, 1, 16), 16);
    long ms = (long)((sos_clock_get() - t0) / 1000000);
    printf("displaytest: frame 1 %ux%u pitch %u max %ux%u fb %llu 30-presents-ms %ld\n", w, h, p,
           in->max_width, in->max_height, (unsigned long long)in->fb_size, ms);
}

static void frame2(uint32_t *fb)
{
    expect("mode 640x480", mode(640, 480), 0);
    struct sos_info_device in;
    sos_object_get_info(g_dev, SOS_INFO_DEVICE, &in, sizeof(in));
    expect("width after the mode change", in.width, 640);
    expect("pitch after the mode change", in.pitch, 640 * 4);
    fill(fb, in.pitch, 0, 0, 640, 480, 0xff808080u);
    fill(fb, in.pitch, 630, 470, 10, 10, 0xffffffffu);
    struct sos_display_rect all = {0, 0, 640, 480}, old = {0, 0, 1024, 1};
    expect("rectangle of the old mode", present(&old, 1, 16), SOS_ERR_OUT_OF_RANGE);
    expect("present the new mode", present(&all, 1, 16), 16);
    printf("displaytest: frame 2 %ux%u\n", in.width, in.height);
}

int main(void)
{
    g_root = sos_startup_handle("root-resource");
    if (sos_device_open(g_root, SOS_DEV_DISPLAY, 0, &g_dev)) {
        printf("displaytest: no display device\n");
        finish();
    }
    if (sos_device_open(g_root, SOS_DEV_INPUT, 0, &g_input))
        g_input = SOS_HANDLE_INVALID;
    struct sos_info_device in;
    sos_handle_t fbv;
    expect("info", sos_object_get_info(g_dev, SOS_INFO_DEVICE, &in, sizeof(in)), sizeof(in));
    expect("rectangle vmo", sos_vmo_create(8192, 0, &g_rects), 0);
    expect("device_buffer", sos_device_buffer(g_dev, &fbv), 0);
    struct sos_vm_map m = {.process = sos_self_process(), .vmo = fbv, .len = in.fb_size,
                           .prot = SOS_VM_READ | SOS_VM_WRITE};
    expect("map the framebuffer", sos_vm_map(&m), 0);
    if (g_failed)
        finish();
    bad_requests(&in);
    frame1((uint32_t *)(uintptr_t)m.addr, &in);
    wait_key();
    frame2((uint32_t *)(uintptr_t)m.addr);
    wait_key();
    finish();
}
