/*
 * hal-aarch64/hal.c - hal_main (the first C code at the kernel's link address), the
 * boot info, and the small HAL functions: CPU, interrupt state, contexts, user entry,
 * interrupt lines and their dispatch.
 *
 * Interrupt lines: HAL_IRQ_TIMER is the virtual timer PPI, HAL_IRQ_CONSOLE the UART's
 * SPI; a device line L >= HAL_IRQ_FIRST_DEVICE is GIC interrupt id L + 16 (line 16 is
 * SPI 0), so a line number is stable and readable off the device tree. Device lines
 * are masked at the distributor before the EOI and stay masked until the core
 * re-enables them (interrupt_ack), which makes level-triggered lines safe.
 *
 * One CPU runs the core (secondaries stay parked in the firmware).
 *
 * Layer: hal-aarch64.
 */
#include "arch.h"
#include "pci_ecam.h"
#include "fdt_plat.h"
#include "platform.h"

#include "kernel.h"

extern char _kernel_start[], _kernel_end[], _init_image_start[], _init_image_end[];
extern char _bootstore_start[], _bootstore_end[];
extern char arch_context_start[];

static uintptr_t g_kstack_top;
static struct boot_info g_bi;
static bool g_core_owns_mem; /* boot_mem_take refuses from core_main on */

/* ---------------------------------------------------------------- CPU */

unsigned hal_cpu_id(void) { return 0; }
unsigned hal_cpu_count(void) { return 1; }
void hal_cpu_kick(unsigned cpu) { (void)cpu; }
void hal_cpu_start_secondaries(void) {}
void hal_cpu_relax(void) { __asm__ volatile("yield"); }
unsigned hal_elf_machine(void) { return 183; /* EM_AARCH64 */ }

unsigned long hal_irq_save(void)
{
    unsigned long daif = read_sysreg(daif);
    __asm__ volatile("msr daifset, #3" ::: "memory");
    return daif;
}

void hal_irq_restore(unsigned long state)
{
    __asm__ volatile("msr daif, %0" ::"r"(state) : "memory");
}

void hal_cpu_idle(void)
{
    if (hal_cpu_id() == 0 && pl011_rx_waiting()) { /* input the UART did not signal */
        pl011_irq(false);
        return;
    }
    __asm__ volatile("dsb sy; wfi; msr daifclr, #3; isb; msr daifset, #3" ::: "memory");
}

/* ---------------------------------------------------------------- contexts */

void hal_context_init(struct hal_context *ctx, void *stack, size_t size, void (*fn)(void *),
                      void *arg)
{
    uintptr_t top = ((uintptr_t)stack + size) & ~(uintptr_t)15;
    uint64_t *f = (uint64_t *)(top - 96);
    for (int i = 0; i < 12; i++)
        f[i] = 0;
    f[0] = (uintptr_t)fn;               /* x19 */
    f[1] = (uintptr_t)arg;              /* x20 */
    f[11] = (uintptr_t)arch_context_start; /* x30 */
    ctx->sp = (uintptr_t)f;
}

void hal_cpu_set_kernel_stack(uintptr_t top) { g_kstack_top = top; }

void hal_user_enter(uintptr_t entry, uintptr_t sp, uintptr_t arg)
{
    arch_user_return(entry, sp & ~(uintptr_t)15, arg, g_kstack_top);
}

/* ---------------------------------------------------------------- interrupt lines */

static uint32_t line_intid(unsigned line)
{
    if (line == HAL_IRQ_TIMER)
        return timer_intid();
    if (line == HAL_IRQ_CONSOLE)
        return g_plat.uart_intid;
    if (line >= HAL_IRQ_FIRST_DEVICE && line < HAL_IRQ_MAX)
        return line + 16;
    return 0;
}

int hal_irq_enable(unsigned line)
{
    uint32_t id = line_intid(line);
    if (line < HAL_IRQ_FIRST_DEVICE || !gic_intid_valid(id) || id == g_plat.uart_intid ||
        id == timer_intid())
        return SOS_ERR_INVALID_ARGS;
    gic_enable(id, true);
    return 0;
}

void hal_irq_disable(unsigned line)
{
    if (line >= HAL_IRQ_FIRST_DEVICE)
        gic_enable(line_intid(line), false);
}

/* A device line is masked at delivery (the EOI is done then, and a level line would
 * fire again at once); the core acknowledges it once the device is quiet. */
void hal_irq_ack(unsigned line)
{
    if (line >= HAL_IRQ_FIRST_DEVICE && line < HAL_IRQ_MAX)
        gic_enable(line_intid(line), true);
}

void hal_irq_entry(struct trap_frame *tf, bool from_user)
{
    (void)tf;
    uint32_t iar = gic_ack(), id = iar & 0x3ff;
    if (id >= 1020)
        return; /* spurious */
    if (id == timer_intid()) {
        timer_irq(from_user);
        gic_eoi(iar);
        core_irq(HAL_IRQ_TIMER, from_user);
    } else if (id == g_plat.uart_intid && id) {
        gic_eoi(iar);
        pl011_irq(from_user);
    } else if (id >= 32 && id - 16 < HAL_IRQ_MAX) {
        gic_enable(id, false);
        gic_eoi(iar);
        core_irq(id - 16, from_user);
    } else {
        gic_enable(id, false);
        gic_eoi(iar);
    }
}

/* ---------------------------------------------------------------- command line */

/* The kernel command line (before " -- ") has the word `opt`. */
bool hal_cmdline_has(const char *opt)
{
    size_t n = strlen(opt);
    for (const char *p = g_plat.bootargs; *p; p++) {
        if (p[0] == '-' && p[1] == '-' && (p[2] == ' ' || !p[2]) &&
            (p == g_plat.bootargs || p[-1] == ' '))
            return false; /* the init image's words follow */
        if ((p == g_plat.bootargs || p[-1] == ' ') && !k_strncmp(p, opt, n) &&
            (p[n] == ' ' || !p[n]))
            return true;
    }
    return false;
}

/* The user-copy fault fixup works (no process is active: TTBR0 walks are off). */
static void check_copy_fixup(void)
{
    uint64_t v;
    if (hal_copy_from_user(&v, 0x10000, sizeof(v)) != SOS_ERR_BAD_ADDRESS)
        panic("hal-aarch64: a faulting user copy did not fail cleanly");
}

/* ---------------------------------------------------------------- boot info */

/* Remove [lo, hi) from the usable ranges, splitting one when needed. */
static void mem_exclude(struct boot_info *bi, uint64_t lo, uint64_t hi)
{
    lo &= ~0xfffull;
    hi = (hi + 0xfff) & ~0xfffull;
    for (uint32_t i = 0; i < bi->mem_count; i++) {
        struct hal_mem_range *r = &bi->mem[i];
        uint64_t b = r->base, e = r->base + r->size;
        if (hi <= b || lo >= e)
            continue;
        if (lo > b && hi < e && bi->mem_count < HAL_MAX_MEM_RANGES) {
            bi->mem[bi->mem_count++] = (struct hal_mem_range){hi, e - hi};
            r->size = lo - b;
        } else if (lo <= b) {
            r->base = hi < e ? hi : e;
            r->size = e - r->base;
        } else {
            r->size = lo - b;
        }
    }
}

/*
 * bootargs "kernel options -- arg1 arg2": the init image's argv is "init" and the words
 * after "--" (as on x86_64). The kernel options stay in bi->cmdline.
 */
static void split_cmdline(struct boot_info *bi)
{
    k_strlcpy(bi->cmdline, g_plat.bootargs, sizeof(bi->cmdline));
    const char *s = g_plat.bootargs, *args = NULL;
    for (const char *p = s; *p && !args; p++)
        if (p[0] == '-' && p[1] == '-' && (p[2] == ' ' || !p[2]) && (p == s || p[-1] == ' '))
            args = p + 2;
    if (args)
        bi->cmdline[args - 2 - s] = 0; /* cut " -- ..." off */
    k_strlcpy(bi->init_args, "init", sizeof(bi->init_args));
    bi->init_args_len = 5;
    for (const char *p = args; p && *p; p++) {
        if (*p == ' ') {
            if (bi->init_args_len && bi->init_args[bi->init_args_len - 1])
                bi->init_args[bi->init_args_len++] = 0;
        } else if (bi->init_args_len + 2 < HAL_CMDLINE_MAX) {
            bi->init_args[bi->init_args_len++] = *p;
        }
    }
    if (bi->init_args_len && bi->init_args[bi->init_args_len - 1])
        bi->init_args[bi->init_args_len++] = 0;
}

static bool is_elf(uint64_t pa, uint64_t size)
{
    const uint8_t *p = phys_to_virt(pa);
    return size > 4 && p[0] == 0x7f && p[1] == 'E' && p[2] == 'L' && p[3] == 'F';
}

static void fill_boot_info(struct boot_info *bi, unsigned platform)
{
    memset(bi, 0, sizeof(*bi));
    for (unsigned i = 0; i < g_plat.mem_count && i < HAL_MAX_MEM_RANGES; i++) {
        uint64_t b = (g_plat.mem[i].base + 0xfff) & ~0xfffull;
        uint64_t e = (g_plat.mem[i].base + g_plat.mem[i].size) & ~0xfffull;
        if (e > b)
            bi->mem[bi->mem_count++] = (struct hal_mem_range){b, e - b};
    }
    uint64_t ksize = (uintptr_t)_kernel_end - (uintptr_t)_kernel_start;
    mem_exclude(bi, g_kernel_pa, g_kernel_pa + ksize);
    mem_exclude(bi, g_dtb_pa, g_dtb_pa + fdt_plat_blob_size(phys_to_virt(g_dtb_pa)));
    for (unsigned i = 0; i < g_plat.rsv_count; i++)
        mem_exclude(bi, g_plat.rsv[i].base, g_plat.rsv[i].base + g_plat.rsv[i].size);
    if (g_plat.fb.found) /* the firmware's framebuffer: the display scans it out */
        mem_exclude(bi, g_plat.fb.base, g_plat.fb.base + g_plat.fb.size);
    bi->cpu_count = 1;
    bi->init_base = virt_to_phys(_init_image_start);
    bi->init_size = (uintptr_t)_init_image_end - (uintptr_t)_init_image_start;
    bi->bootstore_size = (uintptr_t)_bootstore_end - (uintptr_t)_bootstore_start;
    bi->bootstore_base = bi->bootstore_size ? virt_to_phys(_bootstore_start) : 0;
    bi->bootstore_name = "embedded in the kernel image";
    if (g_plat.initrd_start) {
        uint64_t s = g_plat.initrd_start, n = g_plat.initrd_end - g_plat.initrd_start;
        mem_exclude(bi, s, s + n);
        /* an initrd replaces the embedded init image (an ELF) or boot store (a bundle) */
        if (is_elf(s, n)) {
            bi->init_base = s;
            bi->init_size = n;
        } else {
            bi->bootstore_base = s;
            bi->bootstore_size = n;
            bi->bootstore_name = "from the initrd";
        }
    }
    if (!bi->init_size)
        bi->init_base = 0;
    split_cmdline(bi);
    bi->dtb = g_dtb_pa;
    bi->platform = platform_name(platform);
}

/* Large DMA ranges (a framebuffer) come off the top of the largest usable range, which
 * the linear map already covers; the .bss pool in virtio_mmio.c stays small so that the
 * Pi 5's image does not carry them. */
uint64_t boot_mem_take(size_t pages)
{
    struct hal_mem_range *best = NULL;
    for (uint32_t i = 0; i < g_bi.mem_count; i++)
        if (!best || g_bi.mem[i].size > best->size)
            best = &g_bi.mem[i];
    uint64_t bytes = (uint64_t)pages * 4096;
    if (g_core_owns_mem || !pages || !best || best->size < bytes + (16u << 20))
        return 0; /* leave the core at least 16 MiB there */
    best->size -= bytes;
    uint64_t pa = best->base + best->size;
    memset(phys_to_virt(pa), 0, bytes);
    return pa;
}

/* ---------------------------------------------------------------- hal_main */

void hal_main(uint64_t dtb_pa, uint64_t kernel_pa, uint64_t entry_ticks, uint64_t entry_el)
{
    uint64_t main_ticks = timer_counter();
    write_sysreg(tpidr_el1, 0);
    mmu_init_late();
    unsigned platform = platform_detect(&g_plat);
    if (g_plat.uart_found)
        pl011_init(g_plat.uart_base, 0);
    power_configure();
    uint64_t freq = read_sysreg(cntfrq_el0);
    kprintf("ServiceOS aarch64 HAL: platform %s (%s), entered at EL%u, kernel at %#llx, "
            "dtb at %#llx\n",
            platform_name(platform), g_plat.model, (unsigned)entry_el,
            (unsigned long long)kernel_pa, (unsigned long long)dtb_pa);
    /* the counter starts near zero at reset (QEMU: when the machine starts) */
    kprintf("[hal] boot: kernel entry at %llu us, MMU on and hal_main at %llu us\n",
            (unsigned long long)(freq ? entry_ticks * 1000000 / freq : 0),
            (unsigned long long)(freq ? main_ticks * 1000000 / freq : 0));
    if (gic_init())
        panic("hal-aarch64: no usable GIC (v2 or v3) in the device tree");
    if (g_plat.uart_found)
        pl011_init(g_plat.uart_base, g_plat.uart_intid);
    timer_init();
    check_copy_fixup();
    if (hal_cmdline_has("sos.test-kernel-fault")) /* the fault report, for the tests */
        *(volatile uint64_t *)(uintptr_t)0xdead0000 = 1;
    fill_boot_info(&g_bi, platform); /* first: the probes take DMA memory from its ranges */
    ramfb_init();                    /* before the probes: their lines show on it */
    virtio_mmio_init();
    pci_ecam_init();
    if (hal_cmdline_has("sos.blktest"))
        virtio_blk_selftest();
    simplefb_init();
    if (!g_has_pan)
        kprintf("hal-aarch64: this CPU has no PAN; user pages stay reachable from EL1\n");
    g_core_owns_mem = true;
    core_main(&g_bi);
}
