/*
 * services/storage/crc/crc32c_none.c - no CRC-32C instruction: the tables only.
 *
 * Built where the architecture has no crc32c_<cpu>.c or the build does not enable its
 * instructions (aarch64 without +crc).
 *
 * Layer: services (storage format library), below crc32c.c.
 */
#include "crc32c.h"

size_t sfs_crc_arch_impls(struct sfs_crc_impl *out, size_t max)
{
    (void)out;
    (void)max;
    return 0;
}

uint64_t sfs_crc_ticks(void) { return 0; }
