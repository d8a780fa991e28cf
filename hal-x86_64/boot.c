/*
 * hal-x86_64/boot.c - from the loader's hand-off to core_main.
 *
 * x86_kernel_main checks the struct x86_boot, brings up the console, the CPU tables,
 * the MMU, ACPI, the APICs and timer, PCI devices, then turns the UEFI memory map into
 * the core's RAM ranges (conventional and boot-services memory above 1 MiB, minus the
<<<<<<< HEAD
 * HAL's early pool) and the boot files into boot_info (checking the boot store and
 * finding its root manager when there is no init image), and calls core_main.
 * Also here: the early page pool, the command line, power and panic (the console and
 * x86_printf/x86_fatal are in print.c).
=======
 * HAL's early pool) and the boot files into boot_info (where the boot store and an init
 * image are; core checks the store and finds its root manager), and calls core_main.
 * Also here: the early page pool, the command line, power and panic.
>>>>>>> struct-common
 *
 * Layer: hal-x86_64.
 */
#include "x86.h"

#include "fmt.h"
#include "lib/kstring.h"

const struct x86_boot *g_x86_boot;
bool g_x86_on_qemu;
static struct boot_info g_bi;

const char *x86_cpu_features(void);

/* ---------------------------------------------------------------- command line */

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

static void split_cmdline(struct boot_info *bi)
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

/* ---------------------------------------------------------------- memory */

/* The HAL's early pool: pages taken from the top of the largest usable range before
   the ranges go to the core. */
static struct hal_mem_range *g_pool_range;

paddr_t x86_early_alloc(size_t pages)
{
    if (!g_pool_range || g_pool_range->size < (pages + 16) * HAL_PAGE_SIZE)
        x86_fatal("boot: out of early memory (%zu pages wanted)", pages);
    g_pool_range->size -= pages * HAL_PAGE_SIZE;
    paddr_t pa = g_pool_range->base + g_pool_range->size;
    memset(hal_phys_to_virt(pa), 0, pages * HAL_PAGE_SIZE);
    return pa;
}

static bool g_core_started;

paddr_t x86_dma_alloc(size_t pages)
{
    if (!g_core_started)
        return x86_early_alloc(pages);
    return pages == 1 ? core_frame_alloc() : 0;
}

static bool usable_type(uint32_t t)
{
    return t == X86_EFI_CONVENTIONAL || t == X86_EFI_BOOT_CODE || t == X86_EFI_BOOT_DATA ||
           t == X86_EFI_LOADER_CODE;
}

static void add_range(struct boot_info *bi, uint64_t base, uint64_t end)
{
    base = base < (1u << 20) ? (1u << 20) : base; /* leave real-mode memory alone */
    base = (base + 4095) & ~4095ull;
    end &= ~4095ull;
    if (end > g_x86_boot->direct_size)
        end = g_x86_boot->direct_size;
    if (end <= base)
        return;
    if (bi->mem_count && bi->mem[bi->mem_count - 1].base + bi->mem[bi->mem_count - 1].size == base) {
        bi->mem[bi->mem_count - 1].size += end - base;
        return;
    }
    if (bi->mem_count == HAL_MAX_MEM_RANGES) { /* replace the smallest if this is larger */
        unsigned s = 0;
        for (unsigned i = 1; i < bi->mem_count; i++)
            if (bi->mem[i].size < bi->mem[s].size)
                s = i;
        if (bi->mem[s].size < end - base)
            bi->mem[s] = (struct hal_mem_range){base, end - base};
        return;
    }
    bi->mem[bi->mem_count++] = (struct hal_mem_range){base, end - base};
}

struct efi_desc {
    uint32_t type, pad;
    uint64_t phys, virt, pages, attr;
};

static void mem_ranges(struct boot_info *bi)
{
    const struct x86_boot *b = g_x86_boot;
    const uint8_t *map = hal_phys_to_virt(b->mmap_pa);
    size_t n = b->mmap_desc_size ? b->mmap_size / b->mmap_desc_size : 0;
    /* UEFI does not promise a sorted map: adjacent ranges merge when they come in
       order, and the core takes ranges in any order */
    for (size_t i = 0; i < n; i++) {
        const struct efi_desc *d = (const void *)(map + i * b->mmap_desc_size);
        if (usable_type(d->type))
            add_range(bi, d->phys, d->phys + d->pages * HAL_PAGE_SIZE);
    }
    if (!bi->mem_count)
        x86_fatal("boot: no usable memory in the UEFI memory map");
    g_pool_range = &bi->mem[0];
    for (unsigned i = 1; i < bi->mem_count; i++)
        if (bi->mem[i].size > g_pool_range->size)
            g_pool_range = &bi->mem[i];
}

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
    split_cmdline(bi);
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
    mem_ranges(&g_bi);
    x86_mmu_init();
    x86_fs_page_init();
    x86_acpi_init();
    x86_fbcon_init();
    x86_printf("ServiceOS x86_64: kernel entry; %s, cpu features: %s\n",
               g_x86_on_qemu ? "QEMU" : "PC", x86_cpu_features());
    x86_apic_init();
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
    g_core_started = true;
    core_main(&g_bi);
}

/* ---------------------------------------------------------------- power */

static void qemu_exit(int status)
{
    if (!g_x86_on_qemu)
        return;
    /* isa-debug-exit: QEMU exits with (v << 1) | 1; v = status + 1 keeps exit code 1
       for QEMU's own errors (image/x86_64/run.sh maps the code back) */
    int v = status < 0 || status > 126 ? 127 : status + 1;
    outl(0xf4, (uint32_t)v);
}

void hal_power_off(int status)
{
    hal_irq_save();
    qemu_exit(status);
    x86_acpi_power_off();
}

void hal_reboot(void)
{
    hal_irq_save();
    x86_acpi_reset();
    outb(0x64, 0xfe); /* the keyboard controller's reset line */
    struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) none = {0, 0};
    __asm__ volatile("lidt %0; int3" ::"m"(none)); /* triple fault */
    for (;;)
        __asm__ volatile("hlt");
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
        qemu_exit(125);
    }
    x86_printf("system halted\n");
    for (;;)
        __asm__ volatile("cli; hlt");
}
