/*
 * hal-x86_64/entropy.c - hal_entropy_fill: RDSEED when the CPU has it, else RDRAND.
 *
 * RDSEED gives the conditioned output of the CPU's noise source (CPUID.7:EBX[18]),
 * RDRAND a DRBG seeded from it (CPUID.1:ECX[30]); both may fail transiently (CF=0),
 * so each 8-byte word gets a few tries before the next source is asked. QEMU's TCG
 * `-cpu max` and KVM `-cpu host` on current hosts offer both. Without them (or when
 * both keep failing) it says SOS_ERR_NOT_SUPPORTED and the core samples timer jitter
 * instead (core/entropy.c), which is weak.
 *
 * Layer: HAL (x86_64).
 */
#include "cpu.h"

#include <sos/errors.h>

#include "hal.h"
#include "lib/kstring.h"

#define HW_TRIES 10

static int g_probed; /* 0 not yet, 1 done */
static bool g_rdseed, g_rdrand;

static void probe(void)
{
    uint32_t r[4];
    cpuid(0, 0, r);
    uint32_t max = r[0];
    cpuid(1, 0, r);
    g_rdrand = r[2] & (1u << 30);
    if (max >= 7) {
        cpuid(7, 0, r);
        g_rdseed = r[1] & (1u << 18);
    }
    g_probed = 1;
}

static bool rdseed64(uint64_t *v)
{
    for (int i = 0; i < HW_TRIES; i++) {
        unsigned char ok;
        __asm__ volatile("rdseed %0; setc %1" : "=r"(*v), "=qm"(ok));
        if (ok)
            return true;
    }
    return false;
}

static bool rdrand64(uint64_t *v)
{
    for (int i = 0; i < HW_TRIES; i++) {
        unsigned char ok;
        __asm__ volatile("rdrand %0; setc %1" : "=r"(*v), "=qm"(ok));
        if (ok)
            return true;
    }
    return false;
}

int hal_entropy_fill(void *buf, size_t len)
{
    uint8_t *p = buf;
    if (!g_probed)
        probe();
    while (len > 0) {
        uint64_t v;
        if (!(g_rdseed && rdseed64(&v)) && !(g_rdrand && rdrand64(&v)))
            return SOS_ERR_NOT_SUPPORTED; /* the core falls back to jitter */
        size_t n = len < sizeof(v) ? len : sizeof(v);
        memcpy(p, &v, n);
        p += n, len -= n;
    }
    return 0;
}
