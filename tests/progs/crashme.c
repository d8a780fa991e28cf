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

static int hang(void)
{
    volatile unsigned long n = 0;
    while (n != ~0ul) /* 2^64 rounds: forever, as far as anyone waits */
        n++;
    return 0;
}

static int usage(void)
{
    printf("usage: crashme null|wild|ro|exec|div|illegal|hang|exit <status>\n");
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
                {"hang", hang}};
    for (size_t i = 0; i < sizeof(ways) / sizeof(ways[0]); i++)
        if (!strcmp(how, ways[i].name) && argc == 2)
            return ways[i].fn();
    return usage();
}
