/*
 * hal-aarch64/platform.h - the boards this HAL knows, chosen from the device tree's
 * root compatible list (not from a build flag), and what differs between them.
 *
 * Everything the device tree says is taken from it (fdt_plat.h); a platform file only
 * fills gaps and adds what the tree does not say. platform_fixup() runs before the MMU
 * is on (same rules as boot.c); the rest runs after.
 *
 * Layer: hal-aarch64.
 */
#ifndef HAL_AARCH64_PLATFORM_H
#define HAL_AARCH64_PLATFORM_H

#include "fdt_plat.h"

enum platform_id { PLATFORM_GENERIC = 0, PLATFORM_QEMU_VIRT = 1, PLATFORM_RASPI5 = 2 };

/*
 * Where a message about an unusable device tree goes (there is no other way to know a
 * UART then), chosen by where the image was loaded: QEMU virt's RAM starts at 1 GiB, so
 * an image below that is on other hardware, and the Pi 5's debug UART (uart10, the
 * console that enable_uart=1 sets up) is the one a user of this image watches.
 */
#define PLATFORM_FALLBACK_UART 0x09000000ull
#define PLATFORM_RASPI5_UART 0x107d001000ull
#define PLATFORM_VIRT_RAM_BASE 0x40000000ull

static inline uint64_t platform_early_uart(uint64_t kernel_pa)
{
    return kernel_pa >= PLATFORM_VIRT_RAM_BASE ? PLATFORM_FALLBACK_UART : PLATFORM_RASPI5_UART;
}

unsigned platform_detect(const struct fdt_plat *p);
void platform_fixup(struct fdt_plat *p);
const char *platform_name(unsigned id);

/* Per-board hooks (platform/<board>.c). */
void qemu_virt_fixup(struct fdt_plat *p);
void raspi5_fixup(struct fdt_plat *p);

#endif
