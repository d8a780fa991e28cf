/*
 * image/aarch64/testinit/testinit.c - a tiny EL0 init image for the aarch64 port.
 *
 * It stands in for the root manager until the service images are built for aarch64:
 * it uses only the startup block's syscall entry (the svc stub page), so it checks the
 * user-mode path end to end. The words after "--" on the kernel command line choose
 * what it does:
 *   (none)        print a greeting, check a few syscalls and the timer, power off 0
 *   exit N        power off with status N
 *   echo          echo console input by line (interrupt-driven UART input) until a
 *                 line "poweroff", then power off 0
 *   faults        run itself once per fault class as a child ("crash <kind>") and
 *                 print the class the kernel recorded for each; power off 0
 *   crash KIND    fault: null, wild, perm, exec, illegal, align (used by "faults")
 *
 * Layer: image (a test program; freestanding, static-PIE, no runtime library).
 */
#include <sos/sos.h>

static sos_syscall_fn g_sys;
static const struct sos_startup *g_sb;
static sos_handle_t g_root, g_image;

static int64_t sys(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4)
{
    return g_sys(nr, a0, a1, a2, a3, a4);
}

static unsigned long str_len(const char *s)
{
    unsigned long n = 0;
    while (s[n])
        n++;
    return n;
}

static bool str_eq(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

static void put(const char *s) { sys(SOS_SYS_debug_write, (uintptr_t)s, str_len(s), 0, 0, 0); }

static void put_num(int64_t v)
{
    char buf[24];
    int i = sizeof(buf) - 1;
    bool neg = v < 0;
    uint64_t u = neg ? (uint64_t)-v : (uint64_t)v;
    buf[i] = 0;
    do {
        buf[--i] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (neg)
        buf[--i] = '-';
    put(buf + i);
}

static __attribute__((noreturn)) void power_off(int64_t status)
{
    sys(SOS_SYS_system_power, g_root, SOS_POWER_OFF, (uint64_t)status, 0, 0);
    put("testinit: system_power failed\n");
    sys(SOS_SYS_process_exit, 1, 0, 0, 0, 0);
    for (;;)
        ;
}

static void check(const char *what, bool ok)
{
    put(ok ? "testinit: ok - " : "testinit: FAIL - ");
    put(what);
    put("\n");
    if (!ok)
        power_off(1);
}

static sos_handle_t find_handle(const char *name)
{
    const struct sos_startup_handle *h = (const void *)(uintptr_t)g_sb->handles;
    for (uint32_t i = 0; i < g_sb->nhandles; i++)
        if (str_eq(h[i].name, name))
            return h[i].handle;
    return 0;
}

static int64_t parse_int(const char *s)
{
    int64_t v = 0, sign = 1;
    if (*s == '-')
        sign = -1, s++;
    while (*s >= '0' && *s <= '9')
        v = v * 10 + (*s++ - '0');
    return v * sign;
}

/* ---- modes */

static __attribute__((noreturn)) void mode_hello(void)
{
    put("testinit: hello from EL0 on aarch64\n");
    int64_t t0 = sys(SOS_SYS_clock_get, 0, 0, 0, 0, 0);
    check("clock_get returns the time", t0 > 0);
    check("debug_write rejects a kernel pointer",
          sys(SOS_SYS_debug_write, 0xffff000040000000ull, 8, 0, 0, 0) == SOS_ERR_BAD_ADDRESS);
    check("debug_write rejects an unmapped pointer",
          sys(SOS_SYS_debug_write, 0x1000, 8, 0, 0, 0) == SOS_ERR_BAD_ADDRESS);
    check("an unknown syscall fails", sys(1000, 0, 0, 0, 0, 0) == SOS_ERR_BAD_SYSCALL);
    check("thread_sleep 20 ms", sys(SOS_SYS_thread_sleep, (uint64_t)(t0 + 20000000), 0, 0, 0, 0) == 0);
    int64_t t1 = sys(SOS_SYS_clock_get, 0, 0, 0, 0, 0);
    check("the timer woke us after the deadline", t1 >= t0 + 20000000);
    put("testinit: all checks passed\n");
    power_off(0);
}

static __attribute__((noreturn)) void mode_echo(void)
{
    char line[128];
    unsigned n = 0;
    put("testinit: echo ready\n");
    for (;;) {
        char buf[64];
        int64_t r = sys(SOS_SYS_console_read, g_root, (uintptr_t)buf, sizeof(buf), 0, 0);
        if (r == SOS_ERR_SHOULD_WAIT) {
            sos_signals_t seen;
            sys(SOS_SYS_object_wait_one, g_root, SOS_SIG_READABLE, (uint64_t)SOS_TIME_INFINITE,
                (uintptr_t)&seen, 0);
            continue;
        }
        for (int64_t i = 0; i < r; i++) {
            char c = buf[i];
            if (c == '\r' || c == '\n') {
                line[n] = 0;
                put("echo: ");
                put(line);
                put("\n");
                if (str_eq(line, "poweroff"))
                    power_off(0);
                n = 0;
            } else if (n + 1 < sizeof(line)) {
                line[n++] = c;
            }
        }
    }
}

static void run_crash(const char *kind)
{
    struct sos_spawn_handle none[1];
    char args[32] = "crashme\0crash";
    unsigned len = 14, k = 0;
    while (kind[k] && len + 1 < sizeof(args))
        args[len++] = kind[k++];
    args[len++] = 0;
    struct sos_spawn_args sa = {.image = 0, .nhandles = 0, .name = "crashme", .args = args,
                                .args_len = len, .priority = 0, .handles = none};
    sa.image = g_image;
    sos_handle_t child;
    check("spawn a child", sys(SOS_SYS_process_spawn, (uintptr_t)&sa, (uintptr_t)&child, 0, 0, 0) == 0);
    sos_signals_t seen = 0;
    sys(SOS_SYS_object_wait_one, child, SOS_SIG_TERMINATED, (uint64_t)SOS_TIME_INFINITE,
        (uintptr_t)&seen, 0);
    struct sos_fault_record rec;
    int64_t n = sys(SOS_SYS_fault_read, g_root, (uintptr_t)&rec, 1, 0, 0);
    put("testinit: crash ");
    put(kind);
    put(" -> fault class ");
    put_num(n == 1 ? (int64_t)rec.fault_class : -1);
    put("\n");
    sys(SOS_SYS_handle_close, child, 0, 0, 0, 0);
}

static __attribute__((noreturn)) void mode_faults(void)
{
    static const char *const kinds[] = {"null", "wild", "perm", "exec", "illegal", "align"};
    for (unsigned i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
        run_crash(kinds[i]);
    put("testinit: faults done\n");
    power_off(0);
}

static const uint32_t g_ro_word = 1;

/* A store to `addr` the compiler cannot see through. */
static void poke(uintptr_t addr)
{
    __asm__ volatile("" : "+r"(addr));
    *(volatile uint32_t *)addr = 1;
}

static __attribute__((noreturn)) void mode_crash(const char *kind)
{
    if (str_eq(kind, "null"))
        poke(8);
    else if (str_eq(kind, "wild"))
        poke(0x00007f0000000000ull);
    else if (str_eq(kind, "perm"))
        poke((uintptr_t)&g_ro_word);
    else if (str_eq(kind, "exec"))
        ((void (*)(void))(uintptr_t)g_sb)(); /* the startup block is read-only data */
    else if (str_eq(kind, "illegal"))
        __asm__ volatile(".inst 0x00000000"); /* udf #0 */
    else if (str_eq(kind, "align"))
        __asm__ volatile("mov x9, sp; sub x9, x9, #12; ldxr x10, [x9]" ::: "x9", "x10", "memory");
    put("testinit: crash did not fault\n");
    sys(SOS_SYS_process_exit, 0, 0, 0, 0, 0);
    for (;;)
        ;
}

void _start(const struct sos_startup *sb);
void _start(const struct sos_startup *sb)
{
    g_sb = sb;
    g_sys = (sos_syscall_fn)(uintptr_t)sb->syscall_entry;
    g_root = find_handle("root-resource");
    g_image = find_handle("init-image");
    const char *const *argv = (const char *const *)(uintptr_t)sb->argv;
    const char *mode = sb->argc > 1 ? argv[1] : ""; /* argv[0] is the image's name */
    const char *arg = sb->argc > 2 ? argv[2] : "";
    if (sb->magic != SOS_STARTUP_MAGIC)
        power_off(2);
    if (str_eq(mode, "exit"))
        power_off(parse_int(arg));
    if (str_eq(mode, "echo"))
        mode_echo();
    if (str_eq(mode, "faults"))
        mode_faults();
    if (str_eq(mode, "crash"))
        mode_crash(arg);
    mode_hello();
}
