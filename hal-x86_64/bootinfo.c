/*
 * hal-x86_64/bootinfo.c - the loader's hand-off as the rest of the HAL reads it.
 *
 * g_x86_boot is the struct x86_boot the loader passed to _start (boot.c sets it first
 * thing); every part reads its facts from it (memory map, framebuffer, NX, ACPI RSDP).
 * g_x86_on_qemu is what ACPI found out about the machine (acpi.c sets it).
 * The kernel command line is in the hand-off too: kernel options before " -- ", init's
 * arguments after it.
 *
 * Layer: hal-x86_64 (the bottom: reads the hand-off, calls no other HAL file).
 */
#include "bootinfo.h"

#include "hal.h"
#include "cpu.h"

#include "lib/kstring.h"

const struct x86_boot *g_x86_boot;
bool g_x86_on_qemu;

/* Kernel options come before " -- "; init arguments after it. */
static size_t kernel_opts_len(void)
{
    const char *c = g_x86_boot->cmdline;
    for (size_t i = 0; c[i]; i++)
        if (c[i] == '-' && c[i + 1] == '-' && (i == 0 || c[i - 1] == ' ') &&
            (c[i + 2] == ' ' || !c[i + 2]))
            return i;
    return k_strnlen(c, X86_BOOT_CMDLINE_MAX);
}

bool x86_cmdline_has(const char *opt)
{
    const char *c = g_x86_boot->cmdline;
    size_t n = kernel_opts_len(), ol = k_strnlen(opt, 64);
    for (size_t i = 0; i + ol <= n; i++)
        if ((i == 0 || c[i - 1] == ' ') && !k_strncmp(c + i, opt, ol) &&
            (i + ol == n || c[i + ol] == ' ' || c[i + ol] == '='))
            return true;
    return false;
}

void x86_cmdline_split(struct boot_info *bi)
{
    const char *c = g_x86_boot->cmdline;
    size_t n = kernel_opts_len();
    while (n && c[n - 1] == ' ')
        n--;
    memcpy(bi->cmdline, c, MIN_INT(n, HAL_CMDLINE_MAX - 1));
    bi->cmdline[MIN_INT(n, HAL_CMDLINE_MAX - 1)] = 0;
    /* argv[0] is the init image's name, then the words after "--" */
    const char *name = "init";
    size_t o = k_strlcpy(bi->init_args, name, HAL_CMDLINE_MAX) + 1;
    const char *rest = c + kernel_opts_len();
    if (*rest)
        rest += 2;
    while (*rest) {
        while (*rest == ' ')
            rest++;
        if (!*rest)
            break;
        while (*rest && *rest != ' ' && o + 1 < HAL_CMDLINE_MAX)
            bi->init_args[o++] = *rest++;
        bi->init_args[o++] = 0;
        if (o + 1 >= HAL_CMDLINE_MAX)
            break;
    }
    bi->init_args_len = (uint32_t)o;
}
