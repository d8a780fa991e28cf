/*
 * hal-aarch64/fdt_plat.h - what the HAL needs from the device tree, in one flat struct.
 *
 * fdt_plat_parse() validates the blob and fills struct fdt_plat: memory, reservations,
 * the console UART (from /chosen stdout-path, through /aliases), the GIC, the timer
 * interrupts, the PSCI conduit, the initrd, the command line, the CPU count, the
 * virtio-mmio slots, a generic ECAM PCIe host bridge (fdt_pci.h) and the firmware's
 * framebuffer (a "simple-framebuffer" node, as the Raspberry Pi 5's firmware writes
 * under /chosen), and QEMU's fw_cfg registers ("qemu,fw-cfg-mmio"). The struct holds no pointers, so the kernel can fill it before the
 * MMU is on and keep using it after.
 *
 * Layer: hal-aarch64, platform-neutral (also built for the host unit tests).
 */
#ifndef HAL_AARCH64_FDT_PLAT_H
#define HAL_AARCH64_FDT_PLAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fdt_pci.h"

#define FDT_PLAT_MAX_MEM 16
#define FDT_PLAT_MAX_RSV 16
#define FDT_PLAT_MAX_VIRTIO 32

enum fdt_psci { FDT_PSCI_NONE = 0, FDT_PSCI_HVC = 1, FDT_PSCI_SMC = 2 };

struct fdt_range {
    uint64_t base, size;
};

struct fdt_plat {
    char compatible[128]; /* the root node's compatible list, NUL-separated */
    uint32_t compatible_len;
    char model[64];
    char bootargs[256];
    char error[96];      /* why parsing failed */
    struct fdt_range mem[FDT_PLAT_MAX_MEM];
    unsigned mem_count;
    struct fdt_range rsv[FDT_PLAT_MAX_RSV]; /* /memreserve/ and /reserved-memory */
    unsigned rsv_count;
    bool uart_found;
    bool uart_from_stdout;  /* found through /chosen stdout-path */
    uint64_t uart_base, uart_size;
    uint32_t uart_intid;    /* GIC interrupt id, 0 when none */
    bool rtc_found;         /* an enabled arm,pl031 (QEMU virt's clock of day) */
    uint64_t rtc_base, rtc_size;
    uint32_t gic_version;   /* 2 or 3, 0 when no GIC was found */
    uint64_t gicd_base, gicd_size;
    uint64_t gicc_base, gicc_size; /* v2: CPU interface; v3: redistributors */
    uint32_t timer_virt_intid, timer_phys_intid;
    uint32_t psci;          /* enum fdt_psci */
    uint64_t initrd_start, initrd_end;
    unsigned cpu_count;
    struct {
        uint64_t base, size;
        uint32_t intid;
    } virtio[FDT_PLAT_MAX_VIRTIO];
    unsigned virtio_count;
    struct fdt_pci pci;
    struct {             /* the first enabled simple-framebuffer node */
        bool found;      /* a usable one: 32-bit pixels, stride * height inside reg */
        uint64_t base, size;
        uint32_t width, height, stride;
        char error[64];  /* why a node that is there was not usable */
    } fb;
    uint64_t fw_cfg_base, fw_cfg_size; /* QEMU's fw_cfg (0: none; at least 0x18 bytes) */
};

/* 0 on success; -1 with out->error set when the blob is malformed or lacks memory. */
int fdt_plat_parse(const void *blob, size_t avail, struct fdt_plat *out);

/* The root is compatible with `c` (one of its compatible strings equals it). */
bool fdt_plat_is(const struct fdt_plat *p, const char *c);

/* The size the header claims, or 0 when the magic is wrong. */
uint32_t fdt_plat_blob_size(const void *blob);

#endif
