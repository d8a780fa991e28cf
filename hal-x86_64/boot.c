/*
 * hal-x86_64/boot.c - from the loader's hand-off to core_main.
 *
 * x86_kernel_main checks the struct x86_boot, brings up the console, the CPU tables,
 * the MMU, ACPI, the APICs and timer, PCI devices, then turns the UEFI memory map into
 * the core's RAM ranges (physmem.c, minus the HAL's early pool) and the boot files into
 * boot_info (where the boot store and an init image are; core checks the store and
 * finds its root manager), and calls core_main.
 * Only the entry and the boot sequence are here; the services every part uses live in
 * files named for them: bootinfo.c (the hand-off, the command line), physmem.c (early
 * and DMA pages), halt.c (panic and halt), print.c (the console).
 *
 * Layer: hal-x86_64 (the top: calls every part, none calls back).
 */
#include "hal.h"
#include "cpu.h"
#include "bootinfo.h"
#include "physmem.h"
#include "mmu.h"
#include "print.h"
#include "serial.h"
#include "fbcon.h"
#include "acpi.h"
#include "apic.h"
#include "rtc.h"
#include "trap.h"
#include "smp.h"
#include "dev.h"
#include "kbdcon.h"
#include "selftest.h"
#include "pci.h"

static struct boot_info g_bi;

/* ---------------------------------------------------------------- boot */

static void check_handoff(const struct x86_boot *b)
{
    if (b->magic != X86_BOOT_MAGIC || b->version != X86_BOOT_VERSION ||
        b->size != sizeof(*b)) {
        static const char msg[] = "\r\nServiceOS kernel: the loader and kernel versions differ; rebuild the disk image\r\n";
        x86_serial_write(msg, sizeof(msg) - 1);
        for (;;)
            __asm__ volatile("cli; hlt");
    }
}

static void fill_boot_info(struct boot_info *bi)
{
    const struct x86_boot *b = g_x86_boot;
    bi->bootstore_base = b->bootstore.pa;
    bi->bootstore_size = b->bootstore.size;
    bi->bootstore_name = "\\serviceos\\bootstore.bin";
    bi->init_base = b->init.pa;
    bi->init_size = b->init.size;
    bi->acpi_rsdp = b->rsdp_pa;
    bi->platform = g_x86_on_qemu ? "qemu-q35" : "pc-uefi";
    if (b->fb_base && b->fb_format == 1) {
        bi->fb = (struct hal_framebuffer){b->fb_base, b->fb_width, b->fb_height, b->fb_stride,
                                          HAL_FB_XRGB8888};
    }
    x86_cmdline_split(bi);
}

void x86_kernel_main(const struct x86_boot *b);

void x86_kernel_main(const struct x86_boot *b)
{
    uint64_t tsc_entry = rdtsc();
    g_x86_boot = b;
    x86_serial_init();
    check_handoff(b);
    x86_cpu_init_bsp();
    x86_idt_init();
    x86_mem_ranges(&g_bi);
    x86_mmu_init();
    x86_fs_page_init();
    x86_acpi_init();
    x86_fbcon_init();
    x86_printf("ServiceOS x86_64: kernel entry; %s, cpu features: %s\n",
               g_x86_on_qemu ? "QEMU" : "PC", x86_cpu_features());
    x86_apic_init();
    x86_rtc_init();
    if (g_x86_tsc_hz) {
        uint64_t us = (tsc_entry - b->tsc_loader) / (g_x86_tsc_hz / 1000000);
        x86_printf("boot: loader to kernel entry %llu ms\n", (unsigned long long)(us / 1000));
    }
    x86_serial_enable_irq();
    x86_pci_init();
    x86_display_init();
    if (x86_cmdline_has("hal.selftest"))
        x86_dev_selftest();
    x86_kbdcon_init();
    if (x86_cmdline_has("hal.crash")) { /* test the kernel fault path */
        volatile uintptr_t bad = 8;
        *(volatile uint64_t *)bad = 1;
    }
    fill_boot_info(&g_bi);
    g_bi.cpu_count = x86_smp_prepare();
    x86_mem_handover();
    core_main(&g_bi);
}
