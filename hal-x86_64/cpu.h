/*
 * hal-x86_64/cpu.h - the CPU as every part sees it: port, MSR and control-register
 * helpers, the GDT selectors, the interrupt vectors, the per-CPU block reached through
 * %gs, and cpu.c's entry points.
 *
 * Layer: hal-x86_64.
 */
#ifndef HAL_X86_64_CPU_H
#define HAL_X86_64_CPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hal.h"

#define MIN_INT(a, b) ((a) < (b) ? (a) : (b))

/* ---- selectors (GDT layout fixed by syscall/sysret, see cpu.c) */
#define X86_KCODE 0x08
#define X86_KDATA 0x10
#define X86_UDATA 0x23 /* 0x20 | RPL 3 */
#define X86_UCODE 0x2b /* 0x28 | RPL 3 */
#define X86_TSS_SEL 0x30

/* ---- vectors */
#define X86_VEC_IRQ_BASE 48u     /* vector = 48 + HAL line, for lines 0 .. 206 */
#define X86_VEC_TIMER (X86_VEC_IRQ_BASE + HAL_IRQ_TIMER)
#define X86_VEC_IPI (X86_VEC_IRQ_BASE + HAL_IRQ_IPI)
#define X86_VEC_SERIAL (X86_VEC_IRQ_BASE + HAL_IRQ_CONSOLE)
#define X86_VEC_FLUSH 0xf0u /* TLB shootdown (tlb.c) */
#define X86_VEC_SPURIOUS 0xffu
#define X86_MAX_LINE (0xefu - X86_VEC_IRQ_BASE) /* the highest usable line */

/* ---- the per-CPU block, reached through %gs in the kernel. The first fields are
   used by entry.S at fixed offsets. */
struct x86_tss {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
} __attribute__((packed));

struct x86_cpu {
    struct x86_cpu *self;   /* 0 */
    uint64_t kstack_top;    /* 8: the syscall entry's stack */
    uint64_t user_rsp;      /* 16: scratch for the syscall entry */
    uint64_t id;            /* 24: hal_cpu_id() */
    uint32_t apic_id;
    volatile uint32_t flush_req; /* another CPU asks for a TLB flush (tlb.c) */
    volatile uint64_t cr3;  /* the page tables live here */
    int64_t deadline;       /* the armed timer deadline, INT64_MAX when none */
    uint8_t *ist;           /* 3 x 8 KiB: #DF, NMI, #MC stacks (NULL: the boot CPU's) */
    uint64_t gdt[8];
    struct x86_tss tss;
} __attribute__((aligned(64)));

extern struct x86_cpu g_x86_cpus[HAL_MAX_CPUS];

extern unsigned g_x86_ncpus; /* CPUs running the core (hal_cpu_count) */
extern bool g_x86_smap;      /* SMAP is on: entry.S brackets user access with stac/clac */

void x86_cpu_init_bsp(void);
void x86_cpu_init_ap(unsigned id);
struct x86_cpu *x86_this_cpu(void);
const char *x86_cpu_features(void); /* for the boot line: "nx smep smap umip" */

/* ---- CPU helpers */
static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port)); }
static inline void outw(uint16_t port, uint16_t v) { __asm__ volatile("outw %0, %1" ::"a"(v), "Nd"(port)); }
static inline void outl(uint16_t port, uint32_t v) { __asm__ volatile("outl %0, %1" ::"a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
static inline uint16_t inw(uint16_t port)
{
    uint16_t v;
    __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
static inline uint32_t inl(uint16_t port)
{
    uint32_t v;
    __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
static inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return (uint64_t)hi << 32 | lo;
}
static inline void wrmsr(uint32_t msr, uint64_t v)
{
    __asm__ volatile("wrmsr" ::"a"((uint32_t)v), "d"((uint32_t)(v >> 32)), "c"(msr));
}
static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}
static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
    __asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(sub));
}
static inline uint64_t read_cr2(void)
{
    uint64_t v;
    __asm__ volatile("mov %%cr2, %0" : "=r"(v));
    return v;
}
static inline uint64_t read_cr3(void)
{
    uint64_t v;
    __asm__ volatile("mov %%cr3, %0" : "=r"(v));
    return v;
}
static inline void write_cr3(uint64_t v) { __asm__ volatile("mov %0, %%cr3" ::"r"(v) : "memory"); }
static inline void invlpg(uint64_t va) { __asm__ volatile("invlpg (%0)" ::"r"(va) : "memory"); }
static inline uint32_t mmio_read32(volatile void *p) { return *(volatile uint32_t *)p; }
static inline void mmio_write32(volatile void *p, uint32_t v) { *(volatile uint32_t *)p = v; }

#define MSR_EFER 0xc0000080u
#define MSR_STAR 0xc0000081u
#define MSR_LSTAR 0xc0000082u
#define MSR_FMASK 0xc0000084u
#define MSR_FS_BASE 0xc0000100u
#define MSR_GS_BASE 0xc0000101u
#define MSR_KERNEL_GS_BASE 0xc0000102u
#define MSR_PAT 0x277u
#define MSR_APIC_BASE 0x1bu

#endif
