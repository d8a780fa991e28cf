/*
 * hal-x86_64/halt.c - stopping a CPU for good: after a panic, a kernel fault or a
 * broken HAL invariant.
 *
 * x86_fatal is for the HAL's own broken invariants before or outside core_main: it
 * prints and stops like a panic. hal_panic_halt (the core's panic, and x86_fatal) prints
 * a frame-pointer backtrace of the caller and halts; x86_halt is the last step of every
 * one of them, and of trap.c's kernel faults. With the kernel option panic=exit the
 * halt leaves QEMU through isa-debug-exit with status 125 instead (tests see a status
 * rather than a hang).
 *
 * Layer: hal-x86_64 (above the console, print.c; below everything that can fail).
 */
#include "halt.h"

#include "hal.h"
#include "cpu.h"
#include "bootinfo.h"
#include "print.h"

#include "fmt.h"

extern char __kernel_end[]; /* kernel.ld */

/* ---------------------------------------------------------------- QEMU's exit */

void x86_qemu_exit(int status)
{
    if (!g_x86_on_qemu)
        return;
    /* isa-debug-exit: QEMU exits with (v << 1) | 1; v = status + 1 keeps exit code 1
       for QEMU's own errors (image/x86_64/run.sh maps the code back) */
    int v = status < 0 || status > 126 ? 127 : status + 1;
    outl(0xf4, (uint32_t)v);
}

/* ---------------------------------------------------------------- backtraces */

static bool kernel_addr_ok(uint64_t a)
{
    return a >= X86_KERNEL_BASE && a < (uint64_t)__kernel_end && (a & 7) == 0;
}

void x86_backtrace(uint64_t rbp, uint64_t rip)
{
    x86_printf("backtrace (addr2line -e kernel.elf ADDR):\n  %#llx\n", (unsigned long long)rip);
    for (int depth = 0; depth < 32 && rbp; depth++) {
        /* frames live on kernel stacks: the image's bss or the direct map */
        if ((rbp & 7) || rbp < X86_DIRECT_BASE || rbp + 16 < rbp)
            break;
        uint64_t *f = (uint64_t *)rbp;
        if (!f[1])
            break;
        x86_printf("  %#llx\n", (unsigned long long)f[1]);
        if (f[0] <= rbp && !kernel_addr_ok(f[0]))
            break;
        rbp = f[0];
    }
}

/* ---------------------------------------------------------------- halting */

void x86_fatal(const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    hal_irq_save();
    va_start(ap, fmt);
    int n = k_vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    x86_printf("\n*** x86_64 HAL: ");
    hal_console_write(buf, (size_t)MIN_INT(n, (int)sizeof(buf) - 1));
    x86_printf("\n");
    hal_panic_halt();
}

void hal_panic_halt(void)
{
    hal_irq_save();
    uint64_t rbp;
    __asm__ volatile("mov %%rbp, %0" : "=r"(rbp));
    x86_backtrace(rbp, (uint64_t)__builtin_return_address(0));
    x86_halt();
}

void x86_halt(void)
{
    hal_irq_save();
    if (x86_cmdline_has("panic=exit")) {
        x86_printf("panic=exit: powering off with status 125\n");
        x86_qemu_exit(125);
    }
    x86_printf("system halted\n");
    for (;;)
        __asm__ volatile("cli; hlt");
}
