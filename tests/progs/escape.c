/*
 * tests/progs/escape.c - tries to step around the kernel, one way per run.
 *
 * A tool image run as an attacker's program would be (`run escape <how>`, or saved in
 * storage and started with `run image`). Each way prints what it tries, then either
 * "escape <how>: NOT STOPPED: ..." (and exits 1) when the attempt worked, or
 * "escape <how>: stopped: ..." (exit 0) when the kernel refused it; a fault ends the
 * process and the root manager reports it ("escape: faulted (...)"), which is also a
 * stop. Scenario `escape` (tests/scenarios/escape.scn) checks each outcome in the
 * simulator's default mode, where some are NOT stopped (docs/sim.md, isolation);
 * `escape-isolate` checks that --isolate stops every one:
 *
 *   read    raw Linux openat + read of /etc/hostname     sim: raw host syscall fault
 *   create  raw Linux openat(O_CREAT) of a host file     sim: raw host syscall fault
 *   exit    raw Linux exit_group(77): end the simulator  sim: raw host syscall fault
 *   store   a plain store into the core's .bss            sim: NOT stopped
 *   peer    read another process's memory (the window     sim: NOT stopped
 *           below ours, where the process before us lives;
 *           on bare metal the one above)
 *   jump    call into the core's code (a `ret` in it;      sim: NOT stopped
 *           x86_64 only)
 *   forge   guess handle values (slots 1..64, generations  refused everywhere
 *           1..64) and use each
 *   mask    a raw rt_sigreturn with a forged frame that    sim: raw host syscall fault;
 *           blocks every host signal, then a loop          --isolate: the stub is killed
 *           (x86_64 only)                                  when it stops answering
 *
 * The core is found as an attacker would: the startup block's syscall entry is an
 * address of the core's text in the simulator; the ELF header sits at the start of that
 * mapping, a page boundary below it, and its program headers name the data segment.
 * On QEMU x86_64 the entry is a user stub page and everything below it is kernel-only
 * or unmapped, so the same search faults.
 *
 * Layer: services (a test program).
 */
#include <stdio.h>
#include <string.h>

#include <sl/sl.h>

#define HOST_FILE "/etc/hostname"
#define HOST_NEW_FILE "/tmp/serviceos-escape-created"
#define SIM_WINDOW (4ull << 30) /* each address space's window in the sim (docs/sim.md) */
#define SCAN_PAGES 16384        /* how far below the entry to look for the ELF header */

#if defined(__x86_64__)
enum { NR_READ = 0, NR_OPENAT = 257, NR_EXIT_GROUP = 231 };
static long raw_syscall4(long nr, long a, long b, long c, long d)
{
    register long r10 __asm__("r10") = d;
    long r;
    __asm__ volatile("syscall"
                     : "=a"(r)
                     : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10)
                     : "rcx", "r11", "memory");
    return r;
}
#elif defined(__aarch64__)
enum { NR_READ = 63, NR_OPENAT = 56, NR_EXIT_GROUP = 94 };
static long raw_syscall4(long nr, long a, long b, long c, long d)
{
    register long x8 __asm__("x8") = nr, x0 __asm__("x0") = a, x1 __asm__("x1") = b;
    register long x2 __asm__("x2") = c, x3 __asm__("x3") = d;
    __asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3) : "memory");
    return x0;
}
#endif

#define AT_FDCWD_ (-100)

static int not_stopped(const char *how, const char *what)
{
    printf("escape %s: NOT STOPPED: %s\n", how, what);
    return 1;
}

static int stopped(const char *how, const char *what, long v)
{
    printf("escape %s: stopped: %s %ld\n", how, what, v);
    return 0;
}

static int try_read(void)
{
    printf("escape read: raw openat of %s\n", HOST_FILE);
    long fd = raw_syscall4(NR_OPENAT, AT_FDCWD_, (long)HOST_FILE, 0, 0);
    if (fd < 0)
        return stopped("read", "openat answered", fd);
    char buf[64];
    long n = raw_syscall4(NR_READ, fd, (long)buf, sizeof(buf), 0);
    if (n <= 0)
        return stopped("read", "read answered", n);
    return not_stopped("read", "read bytes of a host file");
}

static int try_create(void)
{
    printf("escape create: raw openat(O_CREAT) of %s\n", HOST_NEW_FILE);
    long fd = raw_syscall4(NR_OPENAT, AT_FDCWD_, (long)HOST_NEW_FILE, 0101 /* WRONLY|CREAT */,
                           0644);
    if (fd < 0)
        return stopped("create", "openat answered", fd);
    return not_stopped("create", "created a host file");
}

static int try_exit(void)
{
    printf("escape exit: raw exit_group(77)\n");
    long r = raw_syscall4(NR_EXIT_GROUP, 77, 0, 0, 0);
    return stopped("exit", "exit_group answered", r);
}

/* The ELF64 header and program header fields this needs. */
struct ehdr {
    uint8_t ident[16];
    uint16_t type, machine;
    uint32_t version;
    uint64_t entry, phoff, shoff;
    uint32_t flags;
    uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};
struct phdr {
    uint32_t type, flags;
    uint64_t offset, vaddr, paddr, filesz, memsz, align;
};
#define PT_LOAD_ 1u
#define PF_X_ 1u
#define PF_W_ 2u
#define ET_DYN_ 3u

/* The core's ELF header: the page-aligned "\x7fELF" nearest below the syscall entry. */
static const struct ehdr *find_core(void)
{
    uintptr_t p = (uintptr_t)sos_startup_block()->syscall_entry & ~(uintptr_t)4095;
    printf("escape: looking for the core's ELF header below %#lx\n", (unsigned long)p);
    for (unsigned i = 0; i < SCAN_PAGES; i++, p -= 4096)
        if (!memcmp((const void *)p, "\x7f" "ELF", 4))
            return (const struct ehdr *)p;
    return NULL;
}

/* Where the image's segments are: a PIE's at its header, an ET_EXEC's where linked. */
static uintptr_t load_bias(const struct ehdr *e)
{
    return e->type == ET_DYN_ ? (uintptr_t)e : 0;
}

/* Whether the image holds the core's banner in a read-only segment: an attacker checks
 * it found the core (with --isolate the image below the entry is the stub's). */
static bool holds_core(const struct ehdr *e)
{
    static const char banner[] = "ServiceOS core: ";
    const struct phdr *ph = (const struct phdr *)((uintptr_t)e + e->phoff);
    for (unsigned i = 0; i < e->phnum; i++) {
        if (ph[i].type != PT_LOAD_ || (ph[i].flags & (PF_W_ | PF_X_)))
            continue;
        const char *p = (const char *)(load_bias(e) + ph[i].vaddr);
        for (uint64_t n = 0; n + sizeof(banner) - 1 <= ph[i].memsz; n++)
            if (!memcmp(p + n, banner, sizeof(banner) - 1))
                return true;
    }
    return false;
}

/* The core's PT_LOAD segment with `flag` (PF_W, PF_X), as an address range: 0; -1 no
 * ELF header found; -2 the image found is not the core. */
static int core_segment(unsigned flag, uintptr_t *lo, uintptr_t *hi)
{
    const struct ehdr *e = find_core();
    if (!e)
        return -1;
    if (!holds_core(e))
        return -2;
    const struct phdr *ph = (const struct phdr *)((uintptr_t)e + e->phoff);
    for (unsigned i = 0; i < e->phnum; i++)
        if (ph[i].type == PT_LOAD_ && (ph[i].flags & flag)) {
            *lo = load_bias(e) + ph[i].vaddr;
            *hi = *lo + ph[i].memsz;
            return 0;
        }
    return -1;
}

#define NOT_CORE "the image below the entry is not the core (no banner), pages below:"

static int try_store(void)
{
    uintptr_t lo, hi;
    int err = core_segment(PF_W_, &lo, &hi);
    if (err == -2)
        return stopped("store", NOT_CORE, SCAN_PAGES);
    if (err)
        return stopped("store", "no core data segment found, pages scanned:", SCAN_PAGES);
    /* the last word of .bss, stored with the value it holds: no harm done, but a store */
    volatile uint64_t *w = (volatile uint64_t *)((hi - 8) & ~(uintptr_t)7);
    *w = *w;
    return not_stopped("store", "stored into the core's .bss");
}

static int try_peer(void)
{
    uintptr_t base = (uintptr_t)sos_startup_block()->image_base;
    printf("escape peer: reading another process's memory\n");
    /* the window below ours (in the sim the processes started before us live there);
     * with none below (an image low in its own address space: bare metal), the one
     * above, where the next would be */
    uintptr_t at = base >= SIM_WINDOW ? base - SIM_WINDOW : base + SIM_WINDOW;
    printf("escape peer: reading %#lx\n", (unsigned long)at);
    const volatile uint8_t *p = (const volatile uint8_t *)at;
    uint8_t b[4] = {p[0], p[1], p[2], p[3]};
    if (!memcmp(b, "\x7f" "ELF", 4))
        return not_stopped("peer", "read the ELF header of another process");
    return not_stopped("peer", "read memory of another window");
}

static int try_jump(void)
{
    uintptr_t lo, hi;
    int err = core_segment(PF_X_, &lo, &hi);
    if (err == -2)
        return stopped("jump", NOT_CORE, SCAN_PAGES);
    if (err)
        return stopped("jump", "no core code found, pages scanned:", SCAN_PAGES);
    const uint8_t *c = (const uint8_t *)lo;
#if defined(__x86_64__)
    while ((uintptr_t)c < hi && *c != 0xc3) /* x86 `ret`; decoding starts at its byte */
        c++;
    if ((uintptr_t)c >= hi)
        return stopped("jump", "no ret in the core's code, bytes:", (long)(hi - lo));
#endif
    /* (elsewhere: the first instruction of the core's code, whatever it does) */
    void (*volatile fn)(void) = (void (*)(void))(uintptr_t)c;
    fn();
    return not_stopped("jump", "ran the core's code");
}

/*
 * A forged signal frame: a raw rt_sigreturn that blocks every host signal and "returns"
 * into an endless loop. With --isolate the stub's filter must let rt_sigreturn through
 * (it ends every signal handler), so preemption can no longer reach this loop; the vCPU
 * waiting for it kills the stub that stopped answering (host/isolate.c).
 */
#if defined(__x86_64__)
static volatile unsigned long g_spins;
static void spin(void)
{
    for (;;)
        g_spins++;
}
#endif

static int try_mask(void)
{
#if !defined(__x86_64__)
    printf("escape mask: not tried on this CPU (it forges an x86_64 signal frame)\n");
    return 0;
#else
    static uint64_t stack[512] __attribute__((aligned(16)));
    static uint64_t uc[40]; /* Linux's ucontext: 5 words, sigcontext (32), the mask */
    uint64_t *sc = uc + 5;
    sc[15] = (uint64_t)&stack[511] - 8; /* rsp, as at a function's entry */
    sc[16] = (uint64_t)spin;           /* rip */
    sc[17] = 0x202;                     /* rflags: IF */
    sc[18] = 0x33 | (0x2bull << 48);    /* cs, ss: 64-bit user */
    uc[37] = ~0ull;                     /* every signal blocked */
    printf("escape mask: raw rt_sigreturn blocking every host signal, then a loop\n");
    __asm__ volatile("mov %0, %%rsp; mov $15, %%eax; syscall" : : "r"(uc) : "memory");
    __builtin_unreachable();
#endif
}

static bool own_handle(sos_handle_t h)
{
    const struct sos_startup *s = sos_startup_block();
    if (h == s->self_process || h == s->self_thread)
        return true;
    for (uint32_t i = 0; i < sos_startup_handle_count(); i++)
        if (sos_startup_handle_at(i)->handle == h)
            return true;
    return false;
}

static int try_forge(void)
{
    unsigned tried = 0, worked = 0;
    for (uint32_t slot = 1; slot <= 64; slot++)
        for (uint32_t gen = 1; gen <= 64; gen++) {
            sos_handle_t h = (sos_handle_t)((slot << 12) | gen);
            if (own_handle(h))
                continue;
            struct sos_info_handle info;
            tried++;
            if (sos_object_get_info(h, SOS_INFO_HANDLE, &info, sizeof(info)) >= 0)
                worked++;
        }
    printf("escape forge: %u guessed handle values tried, %u worked\n", tried, worked);
    return worked ? not_stopped("forge", "a guessed handle value worked")
                  : stopped("forge", "every guessed value refused; tried", (long)tried);
}

int main(int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*fn)(void);
    } ways[] = {{"read", try_read},   {"create", try_create}, {"exit", try_exit},
                {"store", try_store}, {"peer", try_peer},     {"jump", try_jump},
                {"forge", try_forge}, {"mask", try_mask}};
    for (size_t i = 0; argc == 2 && i < sizeof(ways) / sizeof(ways[0]); i++)
        if (!strcmp(argv[1], ways[i].name))
            return ways[i].fn();
    printf("usage: escape read|create|exit|store|peer|jump|forge|mask\n");
    return 2;
}
