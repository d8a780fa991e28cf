/*
 * hal-aarch64/platform/qemu_virt.c - QEMU's `virt` machine.
 *
 * The device tree QEMU writes is complete (memory, PL011 as stdout-path, GICv2 or v3,
 * timer, PSCI over hvc, or smc with virtualization=on, 32 virtio-mmio slots); this file
 * only keeps the console if a tree lacks it. Runs before the MMU is on.
 *
 * Layer: hal-aarch64 platform.
 */
#include "../platform.h"

void qemu_virt_fixup(struct fdt_plat *p)
{
    if (!p->uart_found) {
        p->uart_found = true;
        p->uart_base = 0x09000000;
        p->uart_size = 0x1000;
        p->uart_intid = 32 + 1;
    }
}
