/*
 * services/storage/crc/crc32c.h - the CRC-32C implementations behind sfs_crc32c.
 *
 * An implementation is a raw register update (no inversions at either end) over len
 * bytes. crc32c_table.c is always built; the build adds one architecture file chosen by
 * meson from host_machine.cpu_family() (services/storage/meson.build):
 * crc32c_x86_64.c (SSE4.2 crc32), crc32c_aarch64.c (Armv8 CRC32C, only when the build's
 * -march enables them) or crc32c_none.c. crc32c.c times the candidates once and keeps
 * the fastest, so an instruction that is emulated (and slower than the tables) is never
 * used without anyone having to name the emulator.
 *
 * Layer: services (storage format library), below everything that checks a block.
 */
#ifndef SFS_CRC32C_H
#define SFS_CRC32C_H

#include <stddef.h>
#include <stdint.h>

typedef uint32_t sfs_crc_fn(uint32_t reg, const uint8_t *p, size_t len);

struct sfs_crc_impl {
    const char *name;
    sfs_crc_fn *update;
};

/* crc32c_table.c: slicing by 8, on any CPU. */
uint32_t sfs_crc32c_table(uint32_t reg, const uint8_t *p, size_t len);

/* The architecture file: the implementations other than the table that this CPU runs
 * (at most max of them, put in out; returns how many), and a tick counter that only
 * ever grows, for timing them (0 everywhere where there is none). */
size_t sfs_crc_arch_impls(struct sfs_crc_impl *out, size_t max);
uint64_t sfs_crc_ticks(void);

/* crc32c.c: every implementation this build and CPU have, the table first (for the
 * tests); returns how many (at most max). */
size_t sfs_crc32c_impls(struct sfs_crc_impl *out, size_t max);
/* The table implementation with sfs_crc32c's inversions (for the tests). */
uint32_t sfs_crc32c_sw(uint32_t crc, const void *buf, size_t len);

#endif
