/*
 * hal-aarch64/arch.h - the aarch64 HAL's memory layout, system-register helpers and
 * the functions its files share.
 *
 * Virtual layout (48-bit, 4 KiB granule):
 *   0x0000_0000_0000_0000 ..  user space (TTBR0, one table tree per process)
 *   0x0000_7fff_ffff_f000     the syscall stub page (svc #0; ret), in every process
 *   0xffff_0000_0000_0000 +pa the linear map of RAM (RW, never executable) and of the
 *                             devices the HAL uses (device memory)
 *   0xffff_ff80_0000_0000     the kernel image (text RX, rodata R, data/bss RW)
 *
 * Layer: hal-aarch64.
 */
#ifndef HAL_AARCH64_ARCH_H
#define HAL_AARCH64_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LINEAR_BASE 0xffff000000000000ull
#define KERNEL_VBASE 0xffffff8000000000ull
#define USER_TOP 0x0000800000000000ull
#define USER_STUB_VA (USER_TOP - 0x1000ull)

/* ---- page-table descriptors (4 KiB granule) */
#define PTE_VALID (1ull << 0)
#define PTE_TABLE (1ull << 1)  /* levels 0-2: next-level table; level 3: page */
#define PTE_PAGE (1ull << 1)
#define PTE_ATTR(i) ((uint64_t)(i) << 2)
#define PTE_AP_EL0 (1ull << 6) /* AP[1]: EL0 may access */
#define PTE_AP_RO (1ull << 7)  /* AP[2]: read-only */
#define PTE_SH_INNER (3ull << 8)
#define PTE_AF (1ull << 10)
#define PTE_NG (1ull << 11)
#define PTE_PXN (1ull << 53)
#define PTE_UXN (1ull << 54)
#define PTE_ADDR_MASK 0x0000fffffffff000ull

#define MAIR_IDX_DEVICE 0  /* Device-nGnRnE */
#define MAIR_IDX_NORMAL 1  /* Normal, write-back cacheable */
#define MAIR_IDX_DEVICE_E 2 /* Device-nGnRE */
#define MAIR_VALUE 0x04ff00ull

/* Kernel mappings: RW data, RX text, R rodata, devices. All kernel-only. */
#define KPTE_DATA (PTE_ATTR(MAIR_IDX_NORMAL) | PTE_SH_INNER | PTE_AF | PTE_PXN | PTE_UXN)
#define KPTE_TEXT (PTE_ATTR(MAIR_IDX_NORMAL) | PTE_SH_INNER | PTE_AF | PTE_AP_RO | PTE_UXN)
#define KPTE_RODATA (KPTE_DATA | PTE_AP_RO)
#define KPTE_DEVICE (PTE_ATTR(MAIR_IDX_DEVICE_E) | PTE_AF | PTE_PXN | PTE_UXN)

/* ---- exception syndrome classes */
#define ESR_EC(esr) (((esr) >> 26) & 0x3f)
#define EC_UNKNOWN 0x00
#define EC_WFX 0x01
#define EC_FP 0x07
#define EC_ILLEGAL_STATE 0x0e
#define EC_SVC64 0x15
#define EC_SYSREG 0x18
#define EC_IABT_LOW 0x20
#define EC_IABT_CUR 0x21
#define EC_PC_ALIGN 0x22
#define EC_DABT_LOW 0x24
#define EC_DABT_CUR 0x25
#define EC_SP_ALIGN 0x26
#define EC_FP_EXC 0x2c
#define EC_SERROR 0x2f
#define EC_BRK 0x3c

#define read_sysreg(r)                                         \
    ({                                                         \
        uint64_t v__;                                          \
        __asm__ volatile("mrs %0, " #r : "=r"(v__));           \
        v__;                                                   \
    })
#define write_sysreg(r, v) __asm__ volatile("msr " #r ", %0" ::"r"((uint64_t)(v)))
#define isb() __asm__ volatile("isb" ::: "memory")
#define dsb(opt) __asm__ volatile("dsb " #opt ::: "memory")

static inline uint32_t mmio_read32(uintptr_t a) { return *(volatile uint32_t *)a; }
static inline void mmio_write32(uintptr_t a, uint32_t v) { *(volatile uint32_t *)a = v; }

/* ---- the trap frame (vectors.S builds it on the kernel stack) */
struct trap_frame {
    uint64_t x[31];
    uint64_t sp_el0;
    uint64_t elr;
    uint64_t spsr;
    uint64_t esr;
    uint64_t far;
};

/* ---- shared between the HAL's files */
struct fdt_plat;
extern struct fdt_plat g_plat;      /* filled before the MMU is on */
extern uint64_t g_kernel_pa;        /* where the image was loaded */
extern uint64_t g_dtb_pa;
extern bool g_has_pan;

/* boot.c: before the MMU (physical addresses) */
uint64_t boot_early(uint64_t dtb_pa, uint64_t kernel_pa);
uint64_t boot_ttbr0(void);

/* mmu.c */
void *phys_to_virt(uint64_t pa);
uint64_t virt_to_phys(const void *va);
uintptr_t mmio_va(uint64_t pa);
void mmu_init_late(void);

/* console */
void pl011_init(uint64_t base_pa, uint32_t intid);
void pl011_putc(char c);
void pl011_irq(bool from_user);
bool pl011_rx_waiting(void); /* input in the FIFO or held back: the idle loop delivers it */
bool pl011_present(void);

/* gic */
int gic_init(void);
uint32_t gic_ack(void);
void gic_eoi(uint32_t iar);
void gic_enable(uint32_t intid, bool on);
bool gic_intid_valid(uint32_t intid);

/* timer */
void timer_init(void);
void timer_irq(bool from_user);
uint32_t timer_intid(void);
uint64_t timer_counter(void);
uint64_t timer_freq(void);

/* dev.c: the device list behind hal_dev_get() and the boot-time DMA pool */
struct hal_dev_ops;
uint64_t dma_alloc(size_t pages);                     /* zeroed pages (physical), or 0 */
bool dev_add(const struct hal_dev_ops *ops, void *dev); /* false when the list is full */
void dev_report_virtio(const struct hal_dev_ops *ops, void *dev); /* its boot line */

/* virtio_mmio.c: probe the device tree's virtio-mmio slots (before core_main) */
void virtio_mmio_init(void);
void virtio_blk_selftest(void); /* sos.blktest: read block 0 of the first disk */
/* Zeroed, contiguous pages taken from the top of the largest RAM range before the core
   owns the ranges (hal_main probes devices after the boot info and before core_main);
   0 when none is large enough or the core has started. */
uint64_t boot_mem_take(size_t pages);

/* simplefb.c: the firmware's framebuffer (g_plat.fb) as a display device */
void simplefb_init(void);

/* ramfb.c: QEMU's ramfb as the boot console (configured through fw_cfg), until the
   graphics service takes a display */
void ramfb_init(void);                          /* after the boot info, before the probes */
void ramfb_write(const char *buf, size_t len);  /* hal_console_write's second output */
/* Wrap a display device so that its first request ends the ramfb console. */
void ramfb_watch_display(const struct hal_dev_ops **ops, void **dev);


/* power */
void power_configure(void);
__attribute__((noreturn)) void hal_halt(void); /* stop after a report; no backtrace */
bool hal_cmdline_has(const char *opt);

/* traps */
void hal_backtrace(uint64_t fp, uint64_t pc);
void hal_bad_entry(struct trap_frame *tf, bool from_user);

/* entry points in assembly */
extern char vector_table[];
__attribute__((noreturn)) void arch_user_return(uintptr_t entry, uintptr_t sp, uintptr_t arg,
                                                uintptr_t kstack_top);
long arch_copy_user(void *dst, const void *src, size_t len);

/* irq dispatch, called from vectors.S */
void hal_irq_entry(struct trap_frame *tf, bool from_user);
void hal_sync_entry(struct trap_frame *tf, bool from_user);
void hal_main(uint64_t dtb_pa, uint64_t kernel_pa, uint64_t entry_ticks, uint64_t entry_el);

#endif
