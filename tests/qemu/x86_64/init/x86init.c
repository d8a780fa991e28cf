/*
 * tests/qemu/x86_64/init/x86init.c - a tiny ring-3 init image for the x86_64 boot tests.
 *
 * Freestanding static-PIE, no runtime: it calls the kernel only through the syscall
 * entry stub named in its startup block. As init it prints its witness line, checks
 * the user entry (stack alignment, startup block), time and sleeping, preemption of a
 * spinning process, and that every kind of ring-3 fault kills only the faulting child
 * with the right fault class; then powers off with 0 when all checks passed (1 if not)
 * through the "root-resource" handle. Spawned with "fault=KIND" or "spin" it is one of
 * those children.
 *
 * Layer: tests (uses core/include/sos for the ABI only).
 */
#include <stddef.h>
#include <stdint.h>

#include <sos/sos.h>

static sos_syscall_fn g_sys;
static const struct sos_startup *g_sb;
static int g_failed, g_checks;

#define SYS(n, a0, a1, a2, a3, a4) \
    g_sys(SOS_SYS_##n, (uint64_t)(a0), (uint64_t)(a1), (uint64_t)(a2), (uint64_t)(a3), (uint64_t)(a4))

/* ---- output */

static size_t slen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

static int seq(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

static void puts_(const char *s) { SYS(debug_write, s, slen(s), 0, 0, 0); }

static void putnum(int64_t v)
{
    char b[24];
    int i = 23;
    int neg = v < 0;
    uint64_t u = neg ? (uint64_t)-v : (uint64_t)v;
    b[i] = 0;
    do
        b[--i] = (char)('0' + u % 10);
    while ((u /= 10) && i > 1);
    if (neg)
        b[--i] = '-';
    puts_(b + i);
}

static void check(int ok, const char *what)
{
    g_checks++;
    if (!ok)
        g_failed++;
    puts_(ok ? "x86init: ok - " : "x86init: not ok - ");
    puts_(what);
    puts_("\n");
}

static sos_handle_t named(const char *name)
{
    const struct sos_startup_handle *h = (const void *)(uintptr_t)g_sb->handles;
    for (uint32_t i = 0; i < g_sb->nhandles; i++)
        if (seq(h[i].name, name))
            return h[i].handle;
    return 0;
}

/* ---- children */

__attribute__((noreturn)) static void do_fault(const char *kind)
{
    static const char ro[4] = "abc";
    volatile uint64_t sink;
    volatile uintptr_t null_ptr = 16; /* through a variable: the compiler must not see it */
    if (seq(kind, "null"))
        *(volatile int *)null_ptr = 1;
    else if (seq(kind, "wild"))
        sink = *(volatile uint64_t *)0x00006f0000000000ull;
    else if (seq(kind, "kernel"))
        sink = *(volatile uint64_t *)0xffffffff80200000ull;
    else if (seq(kind, "rowrite"))
        *(volatile char *)(uintptr_t)ro = 'x';
    else if (seq(kind, "nx")) {
        volatile uint8_t code[16] = {0xc3};
        ((void (*)(void))(uintptr_t)code)();
    } else if (seq(kind, "ud2"))
        __asm__ volatile("ud2");
    else if (seq(kind, "div0")) {
        volatile int z = 0;
        sink = (uint64_t)(10 / z);
    } else if (seq(kind, "hlt"))
        __asm__ volatile("hlt");
    else if (seq(kind, "int3"))
        __asm__ volatile("int3");
    else if (seq(kind, "noncanon"))
        sink = *(volatile uint64_t *)0x8000000000000000ull;
    (void)sink;
    SYS(process_exit, 7, 0, 0, 0, 0);
    for (;;)
        ;
}

static sos_handle_t spawn(const char *arg)
{
    char args[64] = "init";
    size_t n = 5, al = slen(arg);
    for (size_t i = 0; i <= al && n < sizeof(args); i++)
        args[n++] = arg[i];
    struct sos_spawn_args a = {0};
    a.image = named("init-image");
    a.name = "child";
    a.args = args;
    a.args_len = (uint32_t)n;
    sos_handle_t h = 0;
    int64_t r = SYS(process_spawn, &a, &h, 0, 0, 0);
    return r < 0 ? 0 : h;
}

static int wait_end(sos_handle_t p, struct sos_info_process *info)
{
    sos_signals_t seen = 0;
    int64_t now = SYS(clock_get, 0, 0, 0, 0, 0);
    if (SYS(object_wait_one, p, SOS_SIG_TERMINATED, now + 5000000000ll, &seen, 0) < 0)
        return -1;
    return (int)SYS(object_get_info, p, SOS_INFO_PROCESS, info, sizeof(*info), 0);
}

static void fault_case(const char *kind, uint32_t want, const char *label)
{
    char arg[32] = "fault=";
    size_t n = 6;
    for (size_t i = 0; kind[i] && n < 31; i++)
        arg[n++] = kind[i];
    arg[n] = 0;
    sos_handle_t p = spawn(arg);
    struct sos_info_process info = {0};
    int ok = p && wait_end(p, &info) >= 0 && info.state == SOS_PROC_FAULTED &&
             info.fault.fault_class == want;
    char what[96] = "ring-3 fault ";
    n = slen(what);
    for (const char *s = kind; *s && n < 60; s++)
        what[n++] = *s;
    for (const char *s = " kills only the child: "; *s && n < 90; s++)
        what[n++] = *s;
    for (const char *s = label; *s && n < 95; s++)
        what[n++] = *s;
    what[n] = 0;
    check(ok, what);
    if (!ok) {
        puts_("x86init:   state ");
        putnum(info.state);
        puts_(" class ");
        putnum(info.fault.fault_class);
        puts_("\n");
    }
    if (p)
        SYS(handle_close, p, 0, 0, 0, 0);
}

/* ---- init */

static void time_checks(void)
{
    int64_t t0 = SYS(clock_get, 0, 0, 0, 0, 0);
    int64_t r = SYS(thread_sleep, t0 + 20000000, 0, 0, 0, 0);
    int64_t t1 = SYS(clock_get, 0, 0, 0, 0, 0);
    check(r == 0 && t1 - t0 >= 20000000 && t1 - t0 < 2000000000, "sleep 20 ms wakes on time");
    sos_handle_t spin = spawn("spin");
    t0 = SYS(clock_get, 0, 0, 0, 0, 0);
    SYS(thread_sleep, t0 + 30000000, 0, 0, 0, 0);
    t1 = SYS(clock_get, 0, 0, 0, 0, 0);
    check(spin && t1 - t0 < 2000000000, "a spinning process is preempted");
    int64_t k = SYS(process_kill, spin, 0, 0, 0, 0);
    struct sos_info_process info = {0};
    check(k == 0 && wait_end(spin, &info) >= 0 && info.state == SOS_PROC_KILLED,
          "a running process can be killed");
    SYS(handle_close, spin, 0, 0, 0, 0);
}

/* Console input: serial bytes arrive by interrupt and are read with console_read. */
static void console_check(void)
{
    sos_handle_t root = named("root-resource");
    char line[64];
    size_t n = 0;
    puts_("x86init: type a line\n");
    int64_t until = SYS(clock_get, 0, 0, 0, 0, 0) + 60000000000ll;
    while (n < sizeof(line) - 1) {
        sos_signals_t seen = 0;
        if (SYS(object_wait_one, root, SOS_SIG_READABLE, until, &seen, 0) < 0)
            break;
        int64_t r = SYS(console_read, root, line + n, sizeof(line) - 1 - n, 0, 0);
        if (r > 0)
            n += (size_t)r;
        if (n && line[n - 1] == '\n')
            break;
    }
    line[n] = 0;
    if (n && line[n - 1] == '\n')
        line[--n] = 0;
    puts_("x86init: got '");
    puts_(line);
    puts_("'\n");
    check(seq(line, "ping"), "console input arrives by interrupt");
}

static void init_main(uint64_t entry_rsp, const char *arg)
{
    puts_("x86init: hello from ring 3\n");
    check(entry_rsp % 16 == 8, "the entry stack looks like a function entry");
    check(g_sb->magic == SOS_STARTUP_MAGIC && named("root-resource"), "startup block and handles");
    check(SYS(debug_write, 0x10, 4, 0, 0, 0) == SOS_ERR_BAD_ADDRESS, "a bad pointer is refused");
    check(SYS(debug_write, 0xffffffff80200000ull, 8, 0, 0, 0) == SOS_ERR_BAD_ADDRESS,
          "a kernel pointer is refused");
    check(g_sys(1000, 0, 0, 0, 0, 0) == SOS_ERR_BAD_SYSCALL, "an unknown syscall is refused");
    time_checks();
    fault_case("null", SOS_FAULT_NULL_DEREF, "null dereference");
    fault_case("wild", SOS_FAULT_WILD_ADDRESS, "wild address");
    fault_case("kernel", SOS_FAULT_WILD_ADDRESS, "wild address"); /* not a mapping of its own */
    fault_case("rowrite", SOS_FAULT_PERMISSION, "permission");
    fault_case("nx", SOS_FAULT_EXEC, "exec of non-exec");
    fault_case("ud2", SOS_FAULT_ILLEGAL, "illegal instruction");
    fault_case("div0", SOS_FAULT_ARITH, "arithmetic");
    fault_case("hlt", SOS_FAULT_ILLEGAL, "illegal instruction");
    fault_case("int3", SOS_FAULT_BREAK, "breakpoint");
    fault_case("noncanon", SOS_FAULT_PERMISSION, "permission");
    if (seq(arg, "console"))
        console_check();
    puts_(g_failed ? "x86init: FAILED " : "x86init: all ");
    putnum(g_failed ? g_failed : g_checks);
    puts_(g_failed ? " checks\n" : " checks passed\n");
    SYS(system_power, named("root-resource"), SOS_POWER_OFF, g_failed ? 1 : 0, 0, 0);
    puts_("x86init: power-off returned\n");
}

__attribute__((used)) static void c_start(const struct sos_startup *sb, uint64_t entry_rsp)
{
    g_sb = sb;
    g_sys = (sos_syscall_fn)(uintptr_t)sb->syscall_entry;
    const char *const *argv = (const char *const *)(uintptr_t)sb->argv;
    const char *arg = sb->argc > 1 ? argv[1] : "";
    if (arg[0] == 'f' && arg[1] == 'a' && arg[2] == 'u' && arg[3] == 'l' && arg[4] == 't' &&
        arg[5] == '=')
        do_fault(arg + 6);
    if (seq(arg, "spin"))
        for (;;)
            __asm__ volatile("pause");
    if (seq(arg, "reboot")) { /* hal_reboot: QEMU with -no-reboot exits 0 */
        puts_("x86init: rebooting\n");
        SYS(system_power, named("root-resource"), SOS_POWER_REBOOT, 0, 0, 0);
        puts_("x86init: reboot returned\n");
        SYS(process_exit, 1, 0, 0, 0, 0);
    }
    init_main(entry_rsp, arg);
    SYS(process_exit, g_failed ? 1 : 0, 0, 0, 0, 0);
}

/* The entry: pass the stack pointer as it was, then run C (rsp % 16 is already 8). */
__asm__(".text\n.globl _start\n_start:\n  mov %rsp, %rsi\n  jmp c_start\n");
