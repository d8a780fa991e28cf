/*
 * hal-aarch64/platform.c - pick the board from the root compatible list.
 *
 * Layer: hal-aarch64.
 */
#include "platform.h"

unsigned platform_detect(const struct fdt_plat *p)
{
    if (fdt_plat_is(p, "raspberrypi,5-model-b") || fdt_plat_is(p, "raspberrypi,5-compute-module") ||
        fdt_plat_is(p, "brcm,bcm2712"))
        return PLATFORM_RASPI5;
    if (fdt_plat_is(p, "linux,dummy-virt"))
        return PLATFORM_QEMU_VIRT;
    return PLATFORM_GENERIC;
}

void platform_fixup(struct fdt_plat *p)
{
    unsigned id = platform_detect(p);
    if (id == PLATFORM_RASPI5)
        raspi5_fixup(p);
    else if (id == PLATFORM_QEMU_VIRT)
        qemu_virt_fixup(p);
}

const char *platform_name(unsigned id)
{
    switch (id) {
    case PLATFORM_RASPI5:
        return "raspi5";
    case PLATFORM_QEMU_VIRT:
        return "qemu-virt";
    default:
        return "aarch64-generic";
    }
}
