/*
 * services/storage/crc/crc32c_x86_64.c - CRC-32C with the SSE4.2 crc32 instruction.
 *
 * Offered only when CPUID says the CPU has SSE4.2. Whether it is used is crc32c.c's
 * measured choice: under an emulator the instruction can be slower than the tables.
 * The tick counter is the TSC.
 *
 * The crc32 instruction has a latency of 3 cycles and a throughput of 1, so a long
 * buffer goes as three interleaved lanes of CRC_LANE bytes, joined by shifting the
 * first two over the bytes after them: shifting a register over n zero bytes is linear,
 * so a table per byte of the register does it (g_shift, made once from 32 basis bits).
 *
 * Layer: services (storage format library), below crc32c.c; built for x86_64 only.
 */
#include "crc32c.h"

#include <stdbool.h>

#define CRC_LANE 1360u /* 3 lanes cover 4080 bytes of a 4096-byte block */
static uint32_t g_shift[4][256];

/* An 8-byte load; the builtin, since a freestanding build would call memcpy for it. */
static inline void load64(uint64_t *v, const uint8_t *p) { __builtin_memcpy(v, p, 8); }

/* CPUID leaf `leaf` (the instruction itself: no header, the runtime has none). */
static void cpuid(unsigned leaf, unsigned *a, unsigned *b, unsigned *c, unsigned *d)
{
    __asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(0));
}

__attribute__((target("sse4.2"))) static uint32_t crc_hw1(uint32_t crc, const uint8_t *p, size_t len)
{
    uint64_t c = crc;
    while (len && ((uintptr_t)p & 7)) {
        c = __builtin_ia32_crc32qi((uint32_t)c, *p++);
        len--;
    }
    for (; len >= 8; p += 8, len -= 8) {
        uint64_t v;
        load64(&v, p);
        c = __builtin_ia32_crc32di(c, v);
    }
    while (len--)
        c = __builtin_ia32_crc32qi((uint32_t)c, *p++);
    return (uint32_t)c;
}

static uint32_t crc_shift(uint32_t c)
{
    return g_shift[0][c & 0xff] ^ g_shift[1][(c >> 8) & 0xff] ^ g_shift[2][(c >> 16) & 0xff] ^
           g_shift[3][c >> 24];
}

__attribute__((target("sse4.2"))) static uint32_t crc_hw(uint32_t crc, const uint8_t *p, size_t len)
{
    while (len >= 3 * CRC_LANE) {
        uint64_t a = crc, b = 0, c = 0;
        const uint8_t *q = p;
        for (unsigned i = 0; i < CRC_LANE; i += 8, q += 8) {
            uint64_t x, y, z;
            load64(&x, q);
            load64(&y, q + CRC_LANE);
            load64(&z, q + 2 * CRC_LANE);
            a = __builtin_ia32_crc32di(a, x);
            b = __builtin_ia32_crc32di(b, y);
            c = __builtin_ia32_crc32di(c, z);
        }
        crc = crc_shift(crc_shift((uint32_t)a) ^ (uint32_t)b) ^ (uint32_t)c;
        p += 3 * CRC_LANE;
        len -= 3 * CRC_LANE;
    }
    return crc_hw1(crc, p, len);
}

static bool has_sse42(void)
{
    unsigned a, b, c, d;
    cpuid(0, &a, &b, &c, &d);
    if (a < 1)
        return false;
    cpuid(1, &a, &b, &c, &d);
    return c & (1u << 20); /* ECX bit 20: SSE4.2 */
}

static void shift_init(void)
{
    static const uint8_t zero[CRC_LANE];
    uint32_t basis[32];
    for (unsigned i = 0; i < 32; i++)
        basis[i] = crc_hw1(1u << i, zero, CRC_LANE);
    for (unsigned k = 0; k < 4; k++)
        for (unsigned v = 0; v < 256; v++) {
            uint32_t s = 0;
            for (unsigned bit = 0; bit < 8; bit++)
                if (v & (1u << bit))
                    s ^= basis[8 * k + bit];
            g_shift[k][v] = s;
        }
}

size_t sfs_crc_arch_impls(struct sfs_crc_impl *out, size_t max)
{
    if (max < 1 || !has_sse42())
        return 0;
    shift_init();
    out[0] = (struct sfs_crc_impl){"sse4.2", crc_hw};
    return 1;
}

uint64_t sfs_crc_ticks(void)
{
    unsigned lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}
