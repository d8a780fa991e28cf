/*
 * core/entropy.c - random bytes for user code, conditioned from the HAL's source.
 *
 * hal_entropy_fill gives the platform's hardware source (a CPU generator, the host's
 * getrandom); without one the raw bytes are timer jitter sampled here: hal_time_now
 * around a short loop whose length depends on the previous sample (a bounded
 * computation, not a wait). Nothing raw reaches user code:
 * every 32-byte output block is SHA-256 over the pool, a block counter, the time and
 * 64 fresh raw bytes, and the pool then becomes a SHA-256 of that output with a
 * different prefix (so an output never reveals the next pool). With a strong source
 * this is a hash of good bytes; with jitter alone it is at least never repeated and
 * accumulates whatever the samples hold. TLS seeds its own DRBG from 32 bytes of it.
 *
 * Layer: core (the core lock serialises callers; the pool is one static block).
 */
#include "entropy.h"

#include "hal.h"
#include "hash/sha256.h"
#include "kernel.h"
#include "lib/kstring.h"

#define RAW_PER_BLOCK 64u

#define JITTER_SAMPLES 32u /* per 8 raw bytes */

static uint8_t g_pool[SHA256_SIZE];
static uint64_t g_blocks;

/* Timer jitter: weak (a few bits per sample at best, none on a virtual clock), which is
 * why it is folded 32 samples to 8 bytes and then hashed with everything else. */
static void jitter_fill(uint8_t *raw, size_t len)
{
    uint64_t acc = 0xcbf29ce484222325ull;
    volatile uint32_t sink = 0;
    for (size_t i = 0; i < len; i++) {
        for (unsigned n = 0; n < JITTER_SAMPLES / 8; n++) {
            int64_t t0 = hal_time_now();
            for (uint32_t k = 0; k < 32 + (acc & 127); k++)
                sink += k;
            acc = (acc ^ (uint64_t)(hal_time_now() - t0)) * 0x100000001b3ull;
            acc ^= acc >> 29;
        }
        raw[i] = (uint8_t)(acc ^ sink);
    }
}

/* One conditioned block into out (SHA256_SIZE bytes). */
static void entropy_block(uint8_t out[SHA256_SIZE])
{
    uint8_t raw[RAW_PER_BLOCK];
    struct sha256 s;
    int64_t now = hal_time_now();
    if (hal_entropy_fill(raw, sizeof(raw)) != 0)
        jitter_fill(raw, sizeof(raw));
    g_blocks++;
    sha256_init(&s);
    sha256_update(&s, "out", 3);
    sha256_update(&s, g_pool, sizeof(g_pool));
    sha256_update(&s, &g_blocks, sizeof(g_blocks));
    sha256_update(&s, &now, sizeof(now));
    sha256_update(&s, raw, sizeof(raw));
    sha256_final(&s, out);
    sha256_init(&s);
    sha256_update(&s, "pool", 4);
    sha256_update(&s, g_pool, sizeof(g_pool));
    sha256_update(&s, out, SHA256_SIZE);
    sha256_final(&s, g_pool);
    memset(raw, 0, sizeof(raw));
}

void entropy_read(void *out, size_t len)
{
    uint8_t block[SHA256_SIZE];
    uint8_t *p = out;
    while (len > 0) {
        entropy_block(block);
        size_t n = len < sizeof(block) ? len : sizeof(block);
        memcpy(p, block, n);
        p += n, len -= n;
    }
    memset(block, 0, sizeof(block));
}
