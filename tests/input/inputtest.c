/*
 * tests/input/inputtest.c - reads the input device and prints what arrives.
 *
 * Booted as the first process (serviceos-sim --init inputtest [SECONDS [STOP_CODE]]),
 * with the root resource. It opens input device 0 (no device, as with --headless:
 * "inputtest: no input device", status 0), checks that bad requests are refused and
 * that a non-blocking read returns whole records, prints "inputtest: ready", then
 * prints each event as
 *
 *     inputtest: key code=4 value=1 mods=0x0 x=10 y=20
 *
 * until the key STOP_CODE (a USB HID usage; default 41, Escape) is released or SECONDS
 * (default 30) have passed, then "inputtest: done keys=K motions=M buttons=B wheels=W
 * dropped=D" and powers off with 0, or 1 when a check failed.
 *
 * Layer: tests (user image).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sl/sl.h>

#define REC ((uint64_t)sizeof(struct sos_input_event))
#define BATCH 16u

static sos_handle_t g_root;
static int g_failed;

static __attribute__((noreturn)) void finish(void)
{
    sos_system_power(g_root, SOS_POWER_OFF, g_failed ? 1 : 0);
    exit(g_failed ? 1 : 0);
}

static int64_t io(sos_handle_t dev, uint32_t op, sos_handle_t vmo, uint64_t flags, uint64_t len)
{
    struct sos_device_io r = {op, vmo, flags, 0, len};
    return sos_device_io(dev, &r);
}

static void expect(const char *what, int64_t got, int64_t want)
{
    if (got != want) {
        printf("inputtest: check FAILED: %s: %lld (%s), wanted %lld\n", what, (long long)got,
               got < 0 ? sos_strerror((int)got) : "-", (long long)want);
        g_failed = 1;
    }
}

static const char *type_name(uint32_t t)
{
    static const char *names[] = {"?", "key", "motion", "button", "wheel", "dropped"};
    return t < sizeof(names) / sizeof(names[0]) ? names[t] : "?";
}

int main(int argc, char **argv)
{
    long seconds = argc > 1 ? strtol(argv[1], NULL, 10) : 30;
    uint32_t stop = argc > 2 ? (uint32_t)strtoul(argv[2], NULL, 10) : 41;
    g_root = sos_startup_handle("root-resource");
    sos_handle_t dev, vmo;
    int64_t err = sos_device_open(g_root, SOS_DEV_INPUT, 0, &dev);
    if (err) {
        printf("inputtest: no input device (%s)\n", sos_strerror((int)err));
        finish();
    }
    struct sos_info_device info;
    err = sos_object_get_info(dev, SOS_INFO_DEVICE, &info, sizeof(info));
    expect("get_info", err < 0 ? err : 0, 0);
    printf("inputtest: device %s class %u record %llu bytes\n", info.name, info.dev_class,
           (unsigned long long)info.block_size);
    expect("record size", (int64_t)info.block_size, (int64_t)REC);
    err = sos_vmo_create(BATCH * REC + 4096, 0, &vmo);
    if (err) {
        printf("inputtest: no vmo (%s)\n", sos_strerror((int)err));
        g_failed = 1;
        finish();
    }
    /* bad requests are refused before anything reaches the device */
    expect("write", io(dev, SOS_DEVICE_OP_WRITE, vmo, 0, REC), SOS_ERR_NOT_SUPPORTED);
    expect("flush", io(dev, SOS_DEVICE_OP_FLUSH, vmo, 0, 0), SOS_ERR_NOT_SUPPORTED);
    expect("len 0", io(dev, SOS_DEVICE_OP_READ, vmo, 0, 0), SOS_ERR_INVALID_ARGS);
    expect("partial record", io(dev, SOS_DEVICE_OP_READ, vmo, 0, REC + 1), SOS_ERR_INVALID_ARGS);
    expect("unknown flag", io(dev, SOS_DEVICE_OP_READ, vmo, 2, REC), SOS_ERR_INVALID_ARGS);
    expect("too long", io(dev, SOS_DEVICE_OP_READ, vmo, 0, SOS_INPUT_READ_MAX + REC),
           SOS_ERR_INVALID_ARGS);
    expect("past the vmo", io(dev, SOS_DEVICE_OP_READ, vmo, 0, BATCH * REC + 8192),
           SOS_ERR_OUT_OF_RANGE);
    expect("bad vmo", io(dev, SOS_DEVICE_OP_READ, 0, 0, REC), SOS_ERR_BAD_HANDLE);
    int64_t n = io(dev, SOS_DEVICE_OP_READ, vmo, SOS_INPUT_READ_NOWAIT, BATCH * REC);
    expect("nowait read", n >= 0 && n % (int64_t)REC == 0 && n <= (int64_t)(BATCH * REC), 1);
    printf("inputtest: checks %s\n", g_failed ? "FAILED" : "ok");
    printf("inputtest: ready\n");

    unsigned counts[6] = {0};
    int64_t deadline = sos_clock_get() + (int64_t)seconds * 1000000000ll;
    bool done = false;
    while (!done && sos_clock_get() < deadline) {
        n = io(dev, SOS_DEVICE_OP_READ, vmo, 0, BATCH * REC);
        if (n == SOS_ERR_TIMED_OUT)
            continue;
        if (n < 0 || n % (int64_t)REC || n == 0) {
            expect("read", n, (int64_t)REC);
            break;
        }
        struct sos_input_event ev[BATCH];
        sos_vmo_read(vmo, ev, 0, (size_t)n);
        for (int64_t i = 0; i < n / (int64_t)REC; i++) {
            const struct sos_input_event *e = &ev[i];
            counts[e->type < 6 ? e->type : 0] += e->type == SOS_INPUT_DROPPED ? (unsigned)e->value : 1;
            printf("inputtest: %s code=%u value=%d mods=%#x x=%d y=%d\n", type_name(e->type),
                   e->code, e->value, e->mods, e->x, e->y);
            if (e->type == SOS_INPUT_KEY && e->code == stop && e->value == 0)
                done = true;
        }
    }
    printf("inputtest: done keys=%u motions=%u buttons=%u wheels=%u dropped=%u%s\n",
           counts[SOS_INPUT_KEY], counts[SOS_INPUT_MOTION], counts[SOS_INPUT_BUTTON],
           counts[SOS_INPUT_WHEEL], counts[SOS_INPUT_DROPPED], done ? "" : " (timed out)");
    finish();
}
