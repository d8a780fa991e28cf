/*
 * hal-x86_64/bootinfo.h - the loader's hand-off and the kernel command line (bootinfo.c).
 *
 * Layer: hal-x86_64.
 */
#ifndef HAL_X86_64_BOOTINFO_H
#define HAL_X86_64_BOOTINFO_H

#include <stdbool.h>

#include "hal.h"
#include "x86/bootproto.h"

extern const struct x86_boot *g_x86_boot; /* set first thing by boot.c */
extern bool g_x86_on_qemu;                /* ACPI's OEM id says QEMU (acpi.c sets it) */

/* Is `opt` one of the kernel options (before " -- "), alone or as opt=value? */
bool x86_cmdline_has(const char *opt);
/* The kernel options and init's argv ("init", then the words after " -- ") into bi. */
void x86_cmdline_split(struct boot_info *bi);

#endif
