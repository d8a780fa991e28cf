/*
 * tests/progs/crashme.c - faults on demand, to show fault isolation and restart.
 *
 * A tool image, not a service: `run crashme <how>` in the shell starts it through the
 * root manager, which reports how it ended. Each way below makes the CPU fault in a
 * different class (sos_fault_class); the kernel ends the process, records the fault,
 * and the rest of the system carries on.
 *
 *   null      read address 0                      -> null dereference
 *   wild      write far from anything mapped      -> wild address
 *   ro        write to its own read-only data     -> permission
 *   exec      jump into a data page               -> exec of non-exec
 *   div       integer divide by zero              -> arithmetic (x86_64; aarch64 does
 *                                                    not trap: then it exits 3)
 *   illegal   an undefined instruction            -> illegal instruction
 *   hang      loop forever (Ctrl-C or kill ends it)
 *   badframe  a null dereference with the frame-pointer chain made a loop with a
 *             garbage return address   -> null dereference (the report's walk stops)
 *   overflow  recursion until the stack's guard page -> wild address (the biggest stack
 *             there is: the kernel keeps only its top)
 *   exit N    exit with status N
 *
 * Layer: services (tools).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sl/sl.h>

/* Read-only data, and a page of writable data that is not executable. */
static const int g_ro_value = 42;
static unsigned char g_data_code[64] __attribute__((aligned(16))) = {0xc3 /* ret */};

static int crash_null(void)
{
    int *volatile p = NULL; /* volatile: the compiler may not prove it null and trap */
    return *p;
}

static int crash_wild(void)
{
    /* 3 GiB past our image: inside our address space, where nothing is mapped */
    uintptr_t a = (uintptr_t)sos_startup_block()->image_base + 0xc0000000u;
    *(volatile int *)a = 1;
    return 0;
}

static int crash_ro(void)
{
    *(volatile int *)(uintptr_t)&g_ro_value = 1;
    return 0;
}

static int crash_exec(void)
{
    void (*volatile fn)(void) = (void (*)(void))(uintptr_t)g_data_code;
    fn();
    return 0;
}

static int crash_div(void)
{
    volatile int zero = 0, one = 1;
    int r = one / zero;
    printf("crashme: dividing by zero did not trap on this CPU (result %d)\n", r);
    return 3;
}

static int crash_illegal(void)
{
    /* an undefined instruction (not __builtin_trap: on aarch64 that is brk, a breakpoint) */
#if defined(__x86_64__)
    __asm__ volatile("ud2");
#elif defined(__aarch64__)
    __asm__ volatile("udf #0");
#endif
    return 0;
}

/* A frame whose saved frame pointer is itself, then a fault with it as the frame. */
static int crash_badframe(void)
{
    volatile uint64_t frame[2];
    frame[0] = (uint64_t)(uintptr_t)frame;
    frame[1] = 0x1234; /* a return address into nothing */
#if defined(__x86_64__)
    __asm__ volatile("movq %0, %%rbp\n\tmovl 0, %%eax" : : "r"(frame) : "rax", "memory");
#elif defined(__aarch64__)
    __asm__ volatile("mov x29, %0\n\tmov x1, #0\n\tldr w0, [x1]" : : "r"(frame) : "x0", "x1", "memory");
#endif
    return 0;
}

/* Recursion that never ends: each frame keeps 1 KiB, so the guard page comes soon and is
 * hit (a frame bigger than a page could step over it: there are no stack probes). */
static volatile unsigned g_depth_limit = ~0u; /* never reached: the guard comes first */

static int crash_overflow_at(unsigned depth)
{
    volatile char page[1024];
    page[0] = (char)depth;
    if (depth == g_depth_limit)
        return 0;
    return crash_overflow_at(depth + 1) + page[0];
}

static int crash_overflow(void) { return crash_overflow_at(0); }

static int hang(void)
{
    volatile unsigned long n = 0;
    while (n != ~0ul) /* 2^64 rounds: forever, as far as anyone waits */
        n++;
    return 0;
}

static int usage(void)
{
    printf("usage: crashme null|wild|ro|exec|div|illegal|hang|badframe|overflow|exit <status>\n");
    return 2;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage();
    const char *how = argv[1];
    if (!strcmp(how, "exit")) {
        char *end;
        long code = argc > 2 ? strtol(argv[2], &end, 10) : 0;
        if (argc != 3 || *end || end == argv[2])
            return usage();
        return (int)code;
    }
    static const struct {
        const char *name;
        int (*fn)(void);
    } ways[] = {{"null", crash_null}, {"wild", crash_wild},       {"ro", crash_ro},
                {"exec", crash_exec}, {"div", crash_div},         {"illegal", crash_illegal},
                {"hang", hang},       {"badframe", crash_badframe}, {"overflow", crash_overflow}};
    for (size_t i = 0; i < sizeof(ways) / sizeof(ways[0]); i++)
        if (!strcmp(how, ways[i].name) && argc == 2) {
            int r = ways[i].fn();
            __asm__ volatile("" : : : "memory"); /* not a tail call: main stays in a backtrace */
            return r;
        }
    return usage();
}
