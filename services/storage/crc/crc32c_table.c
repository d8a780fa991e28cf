/*
 * services/storage/crc/crc32c_table.c - CRC-32C in software, slicing by 8.
 *
 * Eight tables of 256 entries, made on first use: the update takes 8 bytes per step
 * with one table lookup per byte. It runs on every CPU and is the reference the other
 * implementations are tested against (sfs_test.c).
 *
 * Layer: services (storage format library), below crc32c.c.
 */
#include "crc32c.h"

#include <stdbool.h>

static uint32_t g_crc_tab[8][256];
static bool g_crc_ready;

static void crc_init(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0x82f63b78u & (0u - (c & 1)));
        g_crc_tab[0][i] = c;
    }
    for (uint32_t i = 0; i < 256; i++)
        for (int t = 1; t < 8; t++)
            g_crc_tab[t][i] = (g_crc_tab[t - 1][i] >> 8) ^ g_crc_tab[0][g_crc_tab[t - 1][i] & 0xff];
    g_crc_ready = true;
}

/* An 8-byte load; the builtin, since a freestanding build would call memcpy for it. */
static inline void load64(uint64_t *v, const uint8_t *p) { __builtin_memcpy(v, p, 8); }

uint32_t sfs_crc32c_table(uint32_t crc, const uint8_t *p, size_t len)
{
    if (!g_crc_ready)
        crc_init();
    while (len && ((uintptr_t)p & 7)) {
        crc = (crc >> 8) ^ g_crc_tab[0][(crc ^ *p++) & 0xff];
        len--;
    }
    while (len >= 8) {
        uint64_t v;
        load64(&v, p);
        v ^= crc;
        crc = g_crc_tab[7][v & 0xff] ^ g_crc_tab[6][(v >> 8) & 0xff] ^
              g_crc_tab[5][(v >> 16) & 0xff] ^ g_crc_tab[4][(v >> 24) & 0xff] ^
              g_crc_tab[3][(v >> 32) & 0xff] ^ g_crc_tab[2][(v >> 40) & 0xff] ^
              g_crc_tab[1][(v >> 48) & 0xff] ^ g_crc_tab[0][v >> 56];
        p += 8;
        len -= 8;
    }
    while (len--)
        crc = (crc >> 8) ^ g_crc_tab[0][(crc ^ *p++) & 0xff];
    return crc;
}
