/*
 * tests/ktest/helpers.c - the grandchildren cases start: "ktest helper:<name> [arg]".
 * Each does one small job with the handles it was given and exits; the exit code
 * says whether it found things as the case expects (0) or not.
 *
 * Layer: tests (user image).
 */
#include "ktest.h"

/* Write every message back as it came, handles included, until the peer goes. */
static int helper_echo(void)
{
    sos_handle_t ch = sos_startup_handle("chan");
    static uint8_t buf[SOS_CHANNEL_MAX_BYTES];
    sos_handle_t hs[SOS_CHANNEL_MAX_HANDLES];
    for (;;) {
        sos_signals_t seen;
        sos_object_wait_one(ch, SOS_SIG_READABLE | SOS_SIG_PEER_CLOSED, SOS_TIME_INFINITE,
                            &seen);
        struct sos_chan_read rd = {.bytes = buf, .handles = hs, .bytes_cap = sizeof(buf),
                                   .handles_cap = SOS_CHANNEL_MAX_HANDLES};
        int64_t err = sos_channel_read(ch, &rd);
        if (err == SOS_ERR_PEER_CLOSED)
            return 0;
        if (err)
            return 1;
        if (sos_channel_write(ch, buf, rd.actual_bytes, hs, rd.actual_handles))
            return 2;
    }
}

/* Keep the first handle that arrives; answer each request with object_signal on it. */
static int helper_probe(void)
{
    sos_handle_t ch = sos_startup_handle("chan"), held = 0;
    for (;;) {
        struct {
            struct sos_msg_hdr h;
            int64_t v;
        } msg;
        sos_handle_t h = 0;
        sos_signals_t seen;
        sos_object_wait_one(ch, SOS_SIG_READABLE | SOS_SIG_PEER_CLOSED, SOS_TIME_INFINITE,
                            &seen);
        struct sos_chan_read rd = {.bytes = &msg, .handles = &h, .bytes_cap = sizeof(msg),
                                   .handles_cap = 1};
        int64_t err = sos_channel_read(ch, &rd);
        if (err == SOS_ERR_PEER_CLOSED)
            return 0;
        if (err || rd.actual_bytes != sizeof(msg))
            return 1;
        if (rd.actual_handles && !held)
            held = h;
        msg.v = sos_object_signal(held, 0, SOS_SIG_USER(1));
        msg.h.status = 0;
        if (sos_channel_write(ch, &msg, sizeof(msg), NULL, 0))
            return 2;
    }
}

/* Look up a handle value (argv[2]) in our own table and report what it is. */
static int helper_lookup(int argc, char **argv)
{
    sos_handle_t ch = sos_startup_handle("chan");
    struct {
        int64_t err;
        sos_koid_t koid;
    } r = {0, 0};
    struct sos_info_handle info;
    sos_handle_t v = argc > 2 ? (sos_handle_t)strtoul(argv[2], NULL, 0) : 0;
    r.err = sos_object_get_info(v, SOS_INFO_HANDLE, &info, sizeof(info));
    if (r.err >= 0)
        r.koid = info.koid;
    return sos_channel_write(ch, &r, sizeof(r), NULL, 0) ? 1 : 0;
}

/* Map the "vmo" we were given; check the case's mark, leave ours. */
static int helper_vmo_writer(void)
{
    sos_handle_t v = sos_startup_handle("vmo");
    struct sos_vm_map m = {.process = sos_self_process(), .vmo = v, .len = SOS_PAGE_SIZE,
                           .prot = SOS_VM_READ | SOS_VM_WRITE};
    if (sos_vm_map(&m))
        return 1;
    volatile uint32_t *p = (volatile uint32_t *)(uintptr_t)m.addr;
    if (p[0] != 1)
        return 2;
    for (uint32_t i = 1; i < SOS_PAGE_SIZE / 4; i++)
        p[i] = i * 3;
    p[0] = 0x600d;
    return 0;
}

/* Check argv and the named startup handles a case gave us. */
static int helper_startup(int argc, char **argv)
{
    if (argc != 3 || strcmp(argv[0], "ktest") || strcmp(argv[1], "helper:startup") ||
        strcmp(argv[2], "arg-two"))
        return 1;
    argv[2][0] = 'A'; /* argv strings are ours to change */
    if (sos_startup_handle_count() != 2)
        return 2;
    sos_handle_t a = sos_startup_handle("alpha"), b = sos_startup_handle("beta-channel");
    if (!a || !b || sos_startup_handle("gamma") || sos_startup_handle("alph"))
        return 3;
    struct sos_info_handle ia, ib;
    if (sos_object_get_info(a, SOS_INFO_HANDLE, &ia, sizeof(ia)) < 0 || ia.kind != SOS_OBJ_EVENT)
        return 4;
    if (sos_object_get_info(b, SOS_INFO_HANDLE, &ib, sizeof(ib)) < 0 ||
        ib.kind != SOS_OBJ_CHANNEL)
        return 5;
    if (kt_handle_info(sos_self_process()).kind != SOS_OBJ_PROCESS ||
        kt_handle_info(sos_self_thread()).kind != SOS_OBJ_THREAD)
        return 6;
    const struct sos_startup *sb = sos_startup_block();
    if (sb->magic != SOS_STARTUP_MAGIC || sb->stack_size == 0 || sb->image_base == 0)
        return 7;
    uintptr_t sp = (uintptr_t)&sb; /* we run on the stack the block describes */
    if (sp < sb->stack_base || sp >= sb->stack_base + sb->stack_size)
        return 8;
    return 0;
}

static void sleeper(void *arg)
{
    (void)arg;
    sos_thread_sleep(SOS_TIME_INFINITE);
}

/* Start threads that never end, then exit: the exit must end them all. */
static int helper_threads_exit(void)
{
    struct sl_thread t[3];
    for (int i = 0; i < 3; i++)
        if (sl_thread_start(&t[i], sleeper, NULL, 0))
            return 1;
    sos_thread_sleep(sos_deadline_after(SOS_MS(2)));
    return 7;
}

int kt_helper_main(const char *name, int argc, char **argv)
{
    if (!strcmp(name, "echo"))
        return helper_echo();
    if (!strcmp(name, "probe"))
        return helper_probe();
    if (!strcmp(name, "lookup"))
        return helper_lookup(argc, argv);
    if (!strcmp(name, "vmo-writer"))
        return helper_vmo_writer();
    if (!strcmp(name, "startup"))
        return helper_startup(argc, argv);
    if (!strcmp(name, "threads-exit"))
        return helper_threads_exit();
    if (!strcmp(name, "exit"))
        return argc > 2 ? atoi(argv[2]) : 0;
    if (!strcmp(name, "spin"))
        for (;;)
            __asm__ volatile("" ::: "memory");
    if (!strcmp(name, "sleep") || !strcmp(name, "hold")) {
        /* hold: sit on our handles until the case closes its end of "chan" */
        sos_handle_t ch = sos_startup_handle("chan");
        if (ch && !strcmp(name, "hold"))
            return (int)sos_object_wait_one(ch, SOS_SIG_PEER_CLOSED, SOS_TIME_INFINITE, NULL);
        sos_thread_sleep(SOS_TIME_INFINITE);
        return 0;
    }
    printf("ktest: no helper named %s\n", name);
    return 99;
}
