/*
 * hal-aarch64/power.c - power off and reset: PSCI SYSTEM_OFF / SYSTEM_RESET through
 * the conduit the device tree names (hvc or smc), and, when the kernel command line
 * says sos.exit=semihosting, the semihosting SYS_EXIT_EXTENDED call that makes QEMU
 * exit with the guest's status (image/aarch64/run.sh passes both the QEMU option and
 * the command line). Either way a line "[hal] power off, status N" is printed first.
 *
 * A panic halts: under semihosting QEMU exits with status 125; on hardware the CPU
 * parks with interrupts off so the message stays on the console.
 *
 * Layer: hal-aarch64.
 */
#include "arch.h"
#include "fdt_plat.h"

#include "kernel.h"

#define PSCI_SYSTEM_OFF 0x84000008u
#define PSCI_SYSTEM_RESET 0x84000009u
#define SEMIHOST_EXIT_EXTENDED 0x20u
#define ADP_STOPPED_APPLICATION_EXIT 0x20026u
#define PANIC_STATUS 125

static bool g_semihost;

void power_configure(void) { g_semihost = hal_cmdline_has("sos.exit=semihosting"); }

static void psci_call(uint32_t fn)
{
    register uint64_t x0 __asm__("x0") = fn;
    if (g_plat.psci == FDT_PSCI_HVC)
        __asm__ volatile("hvc #0" : "+r"(x0)::"x1", "x2", "x3", "memory");
    else if (g_plat.psci == FDT_PSCI_SMC)
        __asm__ volatile("smc #0" : "+r"(x0)::"x1", "x2", "x3", "memory");
}

static void semihost_exit(int status)
{
    uint64_t block[2] = {ADP_STOPPED_APPLICATION_EXIT, (uint64_t)(int64_t)status};
    register uint64_t x0 __asm__("x0") = SEMIHOST_EXIT_EXTENDED;
    register uint64_t x1 __asm__("x1") = (uintptr_t)block;
    __asm__ volatile("hlt #0xf000" : "+r"(x0) : "r"(x1) : "memory");
}

static __attribute__((noreturn)) void park(void)
{
    for (;;)
        __asm__ volatile("msr daifset, #0xf; wfi");
}

void hal_power_off(int status)
{
    hal_irq_save();
    kprintf("[hal] power off, status %d\n", status);
    if (g_semihost)
        semihost_exit(status);
    psci_call(PSCI_SYSTEM_OFF);
    kprintf("[hal] PSCI SYSTEM_OFF failed; halted\n");
    park();
}

void hal_reboot(void)
{
    hal_irq_save();
    kprintf("[hal] reset\n");
    psci_call(PSCI_SYSTEM_RESET);
    kprintf("[hal] PSCI SYSTEM_RESET failed; halted\n");
    park();
}

void hal_halt(void)
{
    hal_irq_save();
    kprintf("[hal] halted\n");
    if (g_semihost)
        semihost_exit(PANIC_STATUS);
    park();
}

void hal_panic_halt(void)
{
    hal_irq_save();
    uint64_t fp;
    __asm__ volatile("mov %0, x29" : "=r"(fp));
    hal_backtrace(fp, (uintptr_t)__builtin_return_address(0));
    hal_halt();
}
