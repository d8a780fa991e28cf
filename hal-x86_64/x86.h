/*
 * hal-x86_64/x86.h - what the files of the x86_64 HAL share: CPU helpers, the per-CPU
 * block, the trap frame, vectors, and each part's entry points.
 *
 * Layer: hal-x86_64 (sees core/hal.h, the core's ABI headers and its own headers).
 */
#ifndef HAL_X86_64_X86_H
#define HAL_X86_64_X86_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sos/errors.h>

#include "hal.h"
#include "pt.h"
#include "x86/bootproto.h"

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
#define X86_VEC_FLUSH 0xf0u /* TLB shootdown (smp.c) */
#define X86_VEC_SPURIOUS 0xffu
#define X86_MAX_LINE (0xefu - X86_VEC_IRQ_BASE) /* the highest usable line */

/* ---- user address space */
#define X86_USER_TOP 0x00007fff00000000ull  /* the core's range ends here */
#define X86_STUB_VA 0x00007fffffffe000ull   /* the syscall entry stub page */
#define X86_FS_VA 0x00007fffffffc000ull     /* %fs of user threads: the canary page */

/* ---- page-table entry bits */
#define PTE_P (1ull << 0)
#define PTE_W (1ull << 1)
#define PTE_U (1ull << 2)
#define PTE_PWT (1ull << 3)
#define PTE_PCD (1ull << 4)
#define PTE_PS (1ull << 7)
#define PTE_G (1ull << 8)
#define PTE_NX (1ull << 63)
#define PTE_ADDR 0x000ffffffffff000ull

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
    volatile uint32_t flush_req; /* another CPU asks for a TLB flush (smp.c) */
    volatile uint64_t cr3;  /* the page tables live here */
    int64_t deadline;       /* the armed timer deadline, INT64_MAX when none */
    uint8_t *ist;           /* 3 x 8 KiB: #DF, NMI, #MC stacks (NULL: the boot CPU's) */
    uint64_t gdt[8];
    struct x86_tss tss;
} __attribute__((aligned(64)));

extern struct x86_cpu g_x86_cpus[HAL_MAX_CPUS];

/* ---- the frame entry.S builds for every exception and interrupt */
struct trap_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error;
    uint64_t rip, cs, rflags, rsp, ss;
};

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

/* ---- bootinfo.c */
extern const struct x86_boot *g_x86_boot;
extern bool g_x86_on_qemu;
bool x86_cmdline_has(const char *opt);
void x86_cmdline_split(struct boot_info *bi);

/* ---- physmem.c */
/* Physically contiguous zeroed pages for the HAL before core_main (page tables, DMA
   rings); panics when memory is short. After core_main, single pages come from
   core_frame_alloc() instead (x86_dma_alloc picks). */
paddr_t x86_early_alloc(size_t pages);
paddr_t x86_dma_alloc(size_t pages);
void x86_mem_ranges(struct boot_info *bi);
void x86_mem_handover(void);

/* ---- halt.c */
/* Stop this CPU for good (panic=exit: leave QEMU with status 125 first). */
__attribute__((noreturn)) void x86_halt(void);
__attribute__((noreturn)) void x86_fatal(const char *fmt, ...);
void x86_backtrace(uint64_t rbp, uint64_t rip);
void x86_qemu_exit(int status);

/* ---- print.c */
typedef void (*x86_console_fn)(const char *buf, size_t len);
void x86_console_add(x86_console_fn write); /* a console output, in boot order */
void x86_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- cpu.c */
extern bool g_x86_smap;
void x86_cpu_init_bsp(void);
void x86_cpu_init_ap(unsigned id);
struct x86_cpu *x86_this_cpu(void);

/* ---- trap.c */
void x86_trap(struct trap_frame *tf);
void x86_idt_init(void);
void x86_idt_load(void);

/* ---- mmu.c */
void x86_mmu_init(void);
void x86_mmu_ap_init(void);
uint64_t x86_mmu_kernel_pml4(void);
void x86_mmu_set_cr3(uint64_t pml4);
void x86_mmu_frames_ready(void);
extern uint64_t g_x86_pte_nx;
extern const struct pt_ctx g_x86_pt;
/* The page user %fs points at: a canary at +0x28 for stack-protected code. */
void x86_fs_page_init(void);
/* Map `size` bytes of device memory at physical `pa` into the kernel's device window;
   `wc` for write-combining (framebuffers). Returns the virtual address. */
void *x86_mmio_map(paddr_t pa, uint64_t size, bool wc);
/* Is `va` a page of the current space mapped with no access at all? */
bool x86_user_noaccess(uint64_t va);

/* ---- serial.c */
void x86_serial_init(void);
void x86_serial_write(const char *buf, size_t len);
void x86_serial_irq(bool from_user);
void x86_serial_enable_irq(void);

/* ---- fbcon.c */
void x86_fbcon_init(void);
void x86_fbcon_write(const char *buf, size_t len);
void x86_fbcon_disable(void);
volatile void *x86_fb_map(void); /* the framebuffer, mapped write-combining once */

/* ---- acpi.c */
void x86_acpi_init(void);
struct x86_madt_info {
    uint64_t lapic_pa;
    uint64_t ioapic_pa;
    uint32_t ioapic_gsi_base;
    uint32_t cpu_count;
    uint32_t apic_ids[HAL_MAX_CPUS];
    uint32_t isa_gsi[16];     /* ISA IRQ -> GSI */
    uint16_t isa_flags[16];   /* MPS INTI flags for each ISA IRQ */
};
extern struct x86_madt_info g_x86_madt;
uint64_t x86_acpi_mcfg_base(void);
__attribute__((noreturn)) void x86_acpi_power_off(void);
void x86_acpi_reset(void);

/* ---- apic.c */
void x86_apic_init(void);
void x86_apic_init_ap(void);
void x86_apic_start_cpu(uint32_t apic_id, unsigned start_page);
void x86_apic_eoi(void);
void x86_ioapic_route(unsigned isa_irq, unsigned vector);
void x86_timer_irq(bool from_user);
void x86_apic_send_self(unsigned vector);
void x86_apic_send_ipi(uint32_t apic_id, unsigned vector);
uint32_t x86_apic_id(void);
extern uint64_t g_x86_tsc_hz;

/* ---- irq (trap.c) */
bool x86_line_enabled(unsigned line);
extern void (*x86_irq_probe)(unsigned line); /* set: device lines go here, not to the core */

/* ---- smp.c */
extern unsigned g_x86_ncpus;
unsigned x86_smp_prepare(void); /* CPUs to tell the core about */
__attribute__((noreturn)) void x86_ap_entry(unsigned cpu);
void x86_shootdown(uint64_t pml4);
void x86_flush_if_asked(void);

/* ---- pci.c and devices (dev.c) */
void x86_pci_init(void);
void x86_dev_add(const struct hal_dev_ops *ops, void *dev);
unsigned x86_irq_line_alloc(void);
void x86_display_init(void);
void x86_kbdcon_init(void);
bool x86_kbdcon_irq(unsigned line, bool from_user); /* true: the keyboard console took it */
void x86_kbdcon_release(unsigned line);
void x86_dev_selftest(void);

/* ---- kernel image layout (kernel.ld) */
extern char __kernel_start[], __kernel_end[], __text_start[], __text_end[];
extern char x86_user_stub[];

#endif
