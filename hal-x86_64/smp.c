/*
 * hal-x86_64/smp.c - secondary CPUs and TLB shootdown.
 *
 * Boot (x86_smp_prepare, before core_main): count the enabled CPUs in the MADT, take
 * four pages below 1 MiB (the start page from ap_start.S, and a PML4/PDPT/PD that map
 * the kernel half plus the first 2 MiB one-to-one) and a 16 KiB boot stack per CPU.
 * hal_cpu_start_secondaries sends INIT-SIPI-SIPI to one CPU at a time and waits until
 * it reports in from x86_ap_entry, which sets up the CPU like the boot CPU (GDT, TSS,
 * %gs, control registers, MSRs, IDT, local APIC) and calls core_secondary_main.
 * hal_cpu_kick: an IPI on line HAL_IRQ_IPI to a running CPU. TLB shootdown is tlb.c.
 *
 * Layer: hal-x86_64 (above trap.c, apic.c and mmu.c; only boot.c and the core call it).
 */
#include "smp.h"

#include "hal.h"
#include "cpu.h"
#include "bootinfo.h"
#include "physmem.h"
#include "mmu.h"
#include "print.h"
#include "acpi.h"
#include "apic.h"
#include "trap.h"

#include "lib/kstring.h"

#define AP_STACK 16384u

extern const char x86_ap_tramp[], x86_ap_tramp_end[], x86_ap_gdt[], x86_ap_gdtr[],
    x86_ap_far32[], x86_ap_far64[], x86_ap_cr3[], x86_ap_efer[], x86_ap_stack[],
    x86_ap_cpu[], x86_ap_entry_ptr[];

static unsigned g_want;          /* CPUs the core was told about */
static paddr_t g_low;            /* 4 pages below 1 MiB: start page, PML4, PDPT, PD */
static paddr_t g_stacks;         /* (g_want - 1) boot stacks */
static volatile uint32_t g_alive;

static paddr_t find_low_pages(void)
{
    const struct x86_boot *b = g_x86_boot;
    const uint8_t *map = hal_phys_to_virt(b->mmap_pa);
    size_t n = b->mmap_desc_size ? b->mmap_size / b->mmap_desc_size : 0;
    for (size_t i = 0; i < n; i++) {
        const uint32_t *d = (const void *)(map + i * b->mmap_desc_size);
        uint64_t base = *(const uint64_t *)(const void *)(d + 2);
        uint64_t pages = *(const uint64_t *)(const void *)(d + 6);
        bool usable = d[0] == X86_EFI_CONVENTIONAL || d[0] == X86_EFI_BOOT_CODE ||
                      d[0] == X86_EFI_BOOT_DATA;
        if (base < 0x1000) { /* never page 0 */
            if (pages <= 1)
                continue;
            base += 0x1000;
            pages--;
        }
        if (usable && pages >= 4 && base + 4 * 4096 <= 0x9f000)
            return base;
    }
    return 0;
}

unsigned x86_smp_prepare(void)
{
    unsigned n = g_x86_madt.cpu_count ? g_x86_madt.cpu_count : 1;
    if (x86_cmdline_has("nosmp") || n == 1)
        return g_want = 1;
    g_low = find_low_pages();
    if (!g_low) {
        x86_printf("smp: no free memory below 1 MiB to start other CPUs; using one\n");
        return g_want = 1;
    }
    g_stacks = x86_early_alloc((size_t)(n - 1) * AP_STACK / 4096);
    for (unsigned i = 1; i < n; i++)
        g_x86_cpus[i].ist = hal_phys_to_virt(x86_early_alloc(3 * 8192 / 4096));
    return g_want = n;
}

/* The tables the start page runs on: the kernel half, and 0..2 MiB one-to-one. */
static void build_low_tables(uint64_t kernel_pml4)
{
    uint64_t *pml4 = hal_phys_to_virt(g_low + 0x1000);
    uint64_t *pdpt = hal_phys_to_virt(g_low + 0x2000);
    uint64_t *pd = hal_phys_to_virt(g_low + 0x3000);
    const uint64_t *k = hal_phys_to_virt(kernel_pml4);
    memset(pml4, 0, 3 * 4096);
    for (unsigned i = 256; i < 512; i++)
        pml4[i] = k[i];
    pml4[0] = (g_low + 0x2000) | PTE_P | PTE_W;
    pdpt[0] = (g_low + 0x3000) | PTE_P | PTE_W;
    pd[0] = 0 | PTE_P | PTE_W | PTE_PS;
}

#define PATCH64(sym, v) (*(uint64_t *)(void *)(page + ((sym) - x86_ap_tramp)) = (v))
#define PATCH32(sym, v) (*(uint32_t *)(void *)(page + ((sym) - x86_ap_tramp)) = (v))

static void prepare_page(unsigned cpu)
{
    uint8_t *page = hal_phys_to_virt(g_low);
    size_t len = (size_t)(x86_ap_tramp_end - x86_ap_tramp);
    memcpy(page, x86_ap_tramp, len);
    uint32_t base = (uint32_t)g_low;
    *(uint32_t *)(void *)(page + (x86_ap_gdtr - x86_ap_tramp) + 2) =
        base + (uint32_t)(x86_ap_gdt - x86_ap_tramp);
    PATCH32(x86_ap_far32, *(const uint32_t *)(const void *)x86_ap_far32 + base);
    PATCH32(x86_ap_far64, *(const uint32_t *)(const void *)x86_ap_far64 + base);
    PATCH64(x86_ap_cr3, g_low + 0x1000);
    PATCH64(x86_ap_efer, (1u << 8) | (g_x86_boot->nx ? (1u << 11) : 0));
    PATCH64(x86_ap_stack, (uint64_t)(uintptr_t)hal_phys_to_virt(g_stacks) + cpu * AP_STACK);
    PATCH64(x86_ap_cpu, cpu);
    PATCH64(x86_ap_entry_ptr, (uint64_t)(uintptr_t)x86_ap_entry);
}

__attribute__((noreturn)) void x86_ap_entry(unsigned cpu)
{
    x86_mmu_ap_init();
    x86_cpu_init_ap(cpu);
    x86_this_cpu()->cr3 = x86_mmu_kernel_pml4();
    x86_idt_load();
    x86_apic_init_ap();
    __atomic_store_n(&g_alive, 1, __ATOMIC_RELEASE);
    core_secondary_main(cpu);
}

void hal_cpu_start_secondaries(void)
{
    if (g_want < 2)
        return;
    build_low_tables(x86_mmu_kernel_pml4());
    for (unsigned cpu = 1; cpu < g_want; cpu++) {
        prepare_page(cpu);
        g_alive = 0;
        g_x86_cpus[cpu].apic_id = g_x86_madt.apic_ids[cpu];
        x86_apic_start_cpu(g_x86_madt.apic_ids[cpu], (unsigned)(g_low >> 12));
        int64_t until = hal_time_now() + 1000000000; /* one second */
        while (!__atomic_load_n(&g_alive, __ATOMIC_ACQUIRE) && hal_time_now() < until)
            __asm__ volatile("pause");
        if (!g_alive)
            panic("smp: cpu %u (APIC id %u) did not start", cpu, g_x86_madt.apic_ids[cpu]);
        g_x86_ncpus = cpu + 1;
    }
    x86_printf("smp: %u CPUs running\n", g_x86_ncpus);
}

void hal_cpu_kick(unsigned cpu)
{
    if (cpu == hal_cpu_id() || cpu >= g_x86_ncpus)
        return;
    x86_apic_send_ipi(g_x86_cpus[cpu].apic_id, X86_VEC_IPI);
}
