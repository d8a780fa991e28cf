/*
 * hal-x86_64/cpu.c - the CPU: GDT and TSS, control registers and feature bits
 * (NX, SMEP, SMAP, UMIP, PAT, SSE), the syscall MSRs, per-CPU data through %gs, and the
 * CPU and context functions of core/hal.h (those that reach other CPUs are in smp.c and
 * tlb.c). entry.S is this file's assembly half: the syscall entry and context start it
 * points at, the IST stacks, and it reads g_x86_smap.
 *
 * The GDT layout is fixed by syscall/sysret: STAR's user base 0x18 makes sysret load
 * CS = 0x28 (64-bit user code) and SS = 0x20 (user data).
 *
 * Layer: hal-x86_64 (near the bottom: reads the hand-off, calls no other C file).
 */
#include "cpu.h"

#include "hal.h"
#include "bootinfo.h"
#include "mmu.h"

#include "lib/kstring.h"

struct x86_cpu g_x86_cpus[HAL_MAX_CPUS];
unsigned g_x86_ncpus = 1; /* the CPUs that run the core (smp.c starts them) */
bool g_x86_smap;
extern char x86_ist_stacks[];
extern void x86_syscall_entry(void);
extern void x86_context_start(void);

#define GDT_KCODE 0x00af9a000000ffffull /* 64-bit, present, DPL 0, code */
#define GDT_KDATA 0x00cf92000000ffffull
#define GDT_UCODE32 0x00cffa000000ffffull
#define GDT_UDATA 0x00cff2000000ffffull
#define GDT_UCODE 0x00affa000000ffffull /* 64-bit, DPL 3 */

#define CR0_MP (1ull << 1)
#define CR0_EM (1ull << 2)
#define CR0_TS (1ull << 3)
#define CR0_NE (1ull << 5)
#define CR0_WP (1ull << 16)
#define CR4_PGE (1ull << 7)
#define CR4_OSFXSR (1ull << 9)
#define CR4_OSXMMEXCPT (1ull << 10)
#define CR4_UMIP (1ull << 11)
#define CR4_SMEP (1ull << 20)
#define CR4_SMAP (1ull << 21)

static void gdt_load(struct x86_cpu *c)
{
    c->gdt[0] = 0;
    c->gdt[1] = GDT_KCODE;
    c->gdt[2] = GDT_KDATA;
    c->gdt[3] = GDT_UCODE32;
    c->gdt[4] = GDT_UDATA;
    c->gdt[5] = GDT_UCODE;
    uint64_t base = (uint64_t)&c->tss, limit = sizeof(c->tss) - 1;
    c->gdt[6] = (limit & 0xffff) | (base & 0xffffff) << 16 | 0x89ull << 40 |
                ((limit >> 16) & 0xf) << 48 | ((base >> 24) & 0xff) << 56;
    c->gdt[7] = base >> 32;
    c->tss.iomap_base = sizeof(c->tss); /* no I/O bitmap: user port access faults */
    uint8_t *ist = c->ist ? c->ist : (uint8_t *)x86_ist_stacks;
    for (int i = 0; i < 3; i++) /* IST1 #DF, IST2 NMI, IST3 #MC */
        c->tss.ist[i] = (uint64_t)(ist + (i + 1) * 8192);
    struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) gdtr = {sizeof(c->gdt) - 1, (uint64_t)c->gdt};
    __asm__ volatile("lgdt %0\n"
                     "mov %1, %%ds\n mov %1, %%es\n mov %1, %%ss\n"
                     "xor %%eax, %%eax\n mov %%eax, %%fs\n mov %%eax, %%gs\n"
                     "pushq %2\n lea 1f(%%rip), %%rax\n pushq %%rax\n lretq\n1:\n"
                     "ltr %w3\n"
                     :
                     : "m"(gdtr), "r"(X86_KDATA), "i"(X86_KCODE), "r"(X86_TSS_SEL)
                     : "rax", "memory");
}

static void features_init(void)
{
    uint32_t r[4];
    uint64_t cr0, cr4;
    __asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
    cr0 = (cr0 | CR0_MP | CR0_NE | CR0_WP) & ~(CR0_EM | CR0_TS);
    __asm__ volatile("mov %0, %%cr0" ::"r"(cr0));
    __asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
    cr4 |= CR4_PGE | CR4_OSFXSR | CR4_OSXMMEXCPT;
    cpuid(0, 0, r);
    if (r[0] >= 7) {
        cpuid(7, 0, r);
        if (r[1] & (1u << 7))
            cr4 |= CR4_SMEP;
        if (r[1] & (1u << 20)) {
            cr4 |= CR4_SMAP;
            g_x86_smap = true;
        }
        if (r[2] & (1u << 2))
            cr4 |= CR4_UMIP;
    }
    __asm__ volatile("mov %0, %%cr4" ::"r"(cr4));
    __asm__ volatile("fninit");
    /* PAT entry 1 becomes write-combining (PWT alone selects it) */
    wrmsr(MSR_PAT, 0x0007040600070106ull);
    uint64_t efer = rdmsr(MSR_EFER) | 1u; /* SCE */
    if (g_x86_boot->nx)
        efer |= 1u << 11;
    wrmsr(MSR_EFER, efer);
    wrmsr(MSR_STAR, (uint64_t)0x18 << 48 | (uint64_t)X86_KCODE << 32);
    wrmsr(MSR_LSTAR, (uint64_t)x86_syscall_entry);
    /* syscall clears IF, TF, DF, AC and NT: the core runs with interrupts off */
    wrmsr(MSR_FMASK, 0x200 | 0x100 | 0x400 | 0x40000 | 0x4000);
}

static void percpu_init(unsigned id)
{
    struct x86_cpu *c = &g_x86_cpus[id];
    c->self = c;
    c->id = id;
    c->deadline = INT64_MAX;
    gdt_load(c); /* loads the null selector into %gs, which clears its base: first */
    wrmsr(MSR_GS_BASE, (uint64_t)c);
    wrmsr(MSR_KERNEL_GS_BASE, 0);
    wrmsr(MSR_FS_BASE, X86_FS_VA);
}

void x86_cpu_init_bsp(void)
{
    percpu_init(0);
    features_init();
}

void x86_cpu_init_ap(unsigned id)
{
    percpu_init(id);
    features_init();
}

const char *x86_cpu_features(void)
{
    uint64_t cr4;
    __asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
    static char buf[48];
    buf[0] = 0;
    if (g_x86_boot->nx)
        k_strlcpy(buf, "nx", sizeof(buf));
    const char *names[3] = {" smep", " smap", " umip"};
    const uint64_t bits[3] = {CR4_SMEP, CR4_SMAP, CR4_UMIP};
    for (int i = 0; i < 3; i++)
        if (cr4 & bits[i])
            k_strlcpy(buf + k_strnlen(buf, sizeof(buf)), names[i], sizeof(buf) - k_strnlen(buf, sizeof(buf)));
    return buf;
}

struct x86_cpu *x86_this_cpu(void)
{
    struct x86_cpu *c;
    __asm__ volatile("mov %%gs:0, %0" : "=r"(c));
    return c;
}

/* ---------------------------------------------------------------- core/hal.h: CPU */

unsigned hal_cpu_id(void)
{
    uint64_t id;
    __asm__ volatile("mov %%gs:24, %0" : "=r"(id));
    return (unsigned)id;
}

unsigned hal_cpu_count(void) { return g_x86_ncpus; }

unsigned long hal_irq_save(void)
{
    unsigned long f;
    __asm__ volatile("pushfq; popq %0; cli" : "=r"(f)::"memory");
    return f & 0x200;
}

void hal_irq_restore(unsigned long state)
{
    if (state & 0x200)
        __asm__ volatile("sti" ::: "memory");
}


/* ---------------------------------------------------------------- contexts */

/* The frame hal_context_switch pops: FPU area (512 + 8), r15..r12, rbx, rbp, return. */
#define CTX_FX 520u
#define CTX_FRAME (CTX_FX + 7 * 8)

void hal_context_init(struct hal_context *ctx, void *stack, size_t size,
                      void (*fn)(void *), void *arg)
{
    uintptr_t top = ((uintptr_t)stack + size) & ~(uintptr_t)15;
    uint64_t *f = (uint64_t *)(top - CTX_FRAME); /* the return slot ends at top */
    /* f[0..64] FPU area, then r15 r14 r13 r12 rbx rbp, then the return address */
    memset(f, 0, CTX_FRAME);
    uint8_t *fx = (uint8_t *)f;
    *(uint16_t *)(void *)(fx + 0) = 0x037f;   /* FCW: all x87 exceptions masked */
    *(uint32_t *)(void *)(fx + 24) = 0x1f80;  /* MXCSR: all SSE exceptions masked */
    uint64_t *regs = (uint64_t *)(fx + CTX_FX);
    regs[2] = (uint64_t)(uintptr_t)arg;   /* r13 */
    regs[3] = (uint64_t)(uintptr_t)fn;    /* r12 */
    regs[6] = (uint64_t)x86_context_start;
    ctx->sp = (uintptr_t)f;
}

void hal_cpu_set_kernel_stack(uintptr_t top)
{
    struct x86_cpu *c = x86_this_cpu();
    c->tss.rsp[0] = top;
    c->kstack_top = top;
}
