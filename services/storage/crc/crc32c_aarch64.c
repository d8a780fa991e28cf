/*
 * services/storage/crc/crc32c_aarch64.c - CRC-32C with the Armv8 CRC32C instructions.
 *
 * The CRC instructions are optional in Armv8.0, so meson builds this file only when
 * the compiler's flags for the services enable them (__ARM_FEATURE_CRC32, e.g.
 * -march=armv8-a+crc); otherwise an aarch64 build uses crc32c_none.c and the tables.
 * Whether it is used is crc32c.c's measured choice; the tick counter is the virtual
 * counter (CNTVCT_EL0).
 *
 * Layer: services (storage format library), below crc32c.c; built for aarch64 only.
 */
#include "crc32c.h"

#include <arm_acle.h>

/* An 8-byte load; the builtin, since a freestanding build would call memcpy for it. */
static inline void load64(uint64_t *v, const uint8_t *p) { __builtin_memcpy(v, p, 8); }

static uint32_t crc_hw(uint32_t crc, const uint8_t *p, size_t len)
{
    while (len && ((uintptr_t)p & 7)) {
        crc = __crc32cb(crc, *p++);
        len--;
    }
    for (; len >= 8; p += 8, len -= 8) {
        uint64_t v;
        load64(&v, p);
        crc = __crc32cd(crc, v);
    }
    while (len--)
        crc = __crc32cb(crc, *p++);
    return crc;
}

size_t sfs_crc_arch_impls(struct sfs_crc_impl *out, size_t max)
{
    if (max < 1)
        return 0;
    out[0] = (struct sfs_crc_impl){"armv8-crc", crc_hw};
    return 1;
}

uint64_t sfs_crc_ticks(void)
{
    uint64_t t;
    __asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(t));
    return t;
}
