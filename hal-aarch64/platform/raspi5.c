/*
 * hal-aarch64/platform/raspi5.c - the Raspberry Pi 5 (BCM2712, Cortex-A76, GIC-400).
 *
 * The firmware passes a device tree with memory (it trims the ranges it keeps for
 * itself), /chosen stdout-path = "serial10:115200n8" (the 3-pin debug connector:
 * uart10, a PL011 at bus address 0x7d001000 behind /soc's ranges, i.e. CPU address
 * 0x10_7d00_1000, SPI 121) and PSCI over smc (the armstub, TF-A). It enters kernel8.img
 * at EL2 with the MMU off. What this file adds, before the MMU is on:
 *   - the debug UART when the tree does not name a usable one (enable_uart=0 or a
 *     stdout-path on the RP1 UART, which sits behind PCIe and is not set up here);
 *   - the first 512 KiB stay reserved: the firmware's armstub lives there.
 * The PL011's baud rate is left as the firmware programmed it (uart_2ndstage=1 makes
 * the firmware use the same UART, so it is set up by the time we run).
 *
 * Layer: hal-aarch64 platform.
 */
#include "../platform.h"

#define RASPI5_DEBUG_UART PLATFORM_RASPI5_UART
#define RASPI5_DEBUG_UART_INTID (32 + 121)
#define RASPI5_ARMSTUB_END 0x80000ull

void raspi5_fixup(struct fdt_plat *p)
{
    if (!p->uart_found || !p->uart_from_stdout) {
        p->uart_found = true;
        p->uart_base = RASPI5_DEBUG_UART;
        p->uart_size = 0x200;
        p->uart_intid = RASPI5_DEBUG_UART_INTID;
    }
    if (p->rsv_count < FDT_PLAT_MAX_RSV)
        p->rsv[p->rsv_count++] = (struct fdt_range){0, RASPI5_ARMSTUB_END};
}
