/*
 * services/storage/crc/crc32c.c - sfs_crc32c: the fastest CRC-32C this CPU has.
 *
 * The first call lists the implementations (the tables, and whatever the architecture
 * file offers), times each on one block a few times, interleaved, and keeps the one
 * with the smallest best time. The choice only ever affects speed: every
 * implementation gives the same result (sfs_test.c checks them against each other).
 *
 * Layer: services (storage format library), below everything that checks a block.
 */
#include "crc32c.h"

#include "../fs/sfs.h"

#define CRC_MAX_IMPLS 4
#define CRC_ROUNDS 3
#define CRC_PROBE 4096

static sfs_crc_fn *g_update;

size_t sfs_crc32c_impls(struct sfs_crc_impl *out, size_t max)
{
    if (max < 1)
        return 0;
    out[0] = (struct sfs_crc_impl){"table", sfs_crc32c_table};
    return 1 + sfs_crc_arch_impls(out + 1, max - 1);
}

static uint64_t time_once(sfs_crc_fn *f, const uint8_t *buf)
{
    uint64_t t0 = sfs_crc_ticks();
    volatile uint32_t sink = f(0, buf, CRC_PROBE);
    (void)sink;
    return sfs_crc_ticks() - t0;
}

static sfs_crc_fn *choose(void)
{
    static uint8_t probe[CRC_PROBE];
    struct sfs_crc_impl impls[CRC_MAX_IMPLS];
    size_t n = sfs_crc32c_impls(impls, CRC_MAX_IMPLS);
    if (n == 1)
        return impls[0].update;
    for (size_t i = 0; i < CRC_PROBE; i++)
        probe[i] = (uint8_t)(i * 131u + 7u);
    uint64_t best[CRC_MAX_IMPLS];
    for (size_t k = 0; k < n; k++)
        best[k] = UINT64_MAX;
    for (int r = 0; r < CRC_ROUNDS; r++)
        for (size_t k = 0; k < n; k++) {
            uint64_t t = time_once(impls[k].update, probe);
            if (t < best[k])
                best[k] = t;
        }
    size_t pick = 0;
    for (size_t k = 1; k < n; k++)
        if (best[k] < best[pick])
            pick = k;
    return impls[pick].update;
}

uint32_t sfs_crc32c(uint32_t crc, const void *buf, size_t len)
{
    if (!g_update)
        g_update = choose();
    return ~g_update(~crc, buf, len);
}

uint32_t sfs_crc32c_sw(uint32_t crc, const void *buf, size_t len)
{
    return ~sfs_crc32c_table(~crc, buf, len);
}
