/*
 * core/drivers/fw_cfg/fw_cfg.h - QEMU's firmware configuration device (fw_cfg) over its
 * MMIO registers with the DMA interface, and the ramfb configuration written through it.
 *
 * fw_cfg is how QEMU hands named files to the guest ("etc/ramfb", "bootorder", ...).
 * The registers (data +0, selector +8, DMA address +16, all big-endian) come from the
 * HAL (aarch64: the device tree's "qemu,fw-cfg-mmio" node), as does a little DMA
 * memory for the access descriptor and a bounce buffer. The file directory is checked
 * before use (fw_cfg_dir_find: a count larger than the bytes, a name without its NUL, a
 * selector outside the file range are refused with a sentence). Writing a file needs the
 * DMA interface (QEMU ignores writes to the data register since 2.4).
 *
 * Rules: boot time, single-threaded; a transfer waits for the device (QEMU completes it
 * during the register write), bounded.
 *
 * Layer: core drivers (arch-neutral; over registers and DMA memory the HAL gives).
 */
#ifndef CORE_DRIVERS_FW_CFG_FW_CFG_H
#define CORE_DRIVERS_FW_CFG_FW_CFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hal.h"

#define FW_CFG_NAME_MAX 56
#define FW_CFG_DIR_ENTRY 64 /* be32 size, be16 select, be16 reserved, char name[56] */

struct fw_cfg_file {
    uint32_t size;
    uint16_t select;
    char name[FW_CFG_NAME_MAX];
};

/*
 * Look `name` up in a file directory as fw_cfg gives it (a big-endian count, then
 * 64-byte entries) of `len` bytes. 0 and *out; SOS_ERR_NOT_FOUND when it is not
 * there; SOS_ERR_INVALID_ARGS with `why` when the directory is malformed.
 */
int fw_cfg_dir_find(const void *dir, size_t len, const char *name, struct fw_cfg_file *out,
                    char *why, size_t why_len);

struct fw_cfg {
    volatile uint8_t *regs; /* the MMIO registers (device memory) */
    uint8_t *dma;           /* DMA memory: the descriptor at 0, a bounce buffer from 64 */
    paddr_t dma_pa;
    size_t dma_len;         /* at least 128 bytes */
};

/* The device answers with "QEMU" and offers DMA. 0, or SOS_ERR_NOT_SUPPORTED + why. */
int fw_cfg_open(struct fw_cfg *c, char *why, size_t why_len);

/* Read the file directory and find `name` (errors as fw_cfg_dir_find, SOS_ERR_IO for a
 * failed transfer, SOS_ERR_NO_MEMORY for a directory larger than the bounce buffer). */
int fw_cfg_find(struct fw_cfg *c, const char *name, struct fw_cfg_file *out, char *why,
                size_t why_len);

/* Write `len` bytes (at most the bounce buffer) to the file at selector `select`.
 * 0, or SOS_ERR_IO with why (the device set its error bit, or did not finish). */
int fw_cfg_write(struct fw_cfg *c, uint16_t select, const void *data, uint32_t len,
                 char *why, size_t why_len);

/* ---- ramfb: "etc/ramfb" holds a big-endian RAMFBCfg (addr, fourcc, flags, width,
 * height, stride); QEMU scans out guest memory at addr from the moment it is written. */
#define RAMFB_CFG_SIZE 28
#define RAMFB_FOURCC_XRGB8888 0x34325258u /* 'X' 'R' '2' '4': 0xXXRRGGBB little-endian */

void ramfb_cfg_encode(uint8_t out[RAMFB_CFG_SIZE], uint64_t addr, uint32_t width,
                      uint32_t height, uint32_t stride);

#endif
