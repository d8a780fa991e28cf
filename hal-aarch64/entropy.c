/*
 * hal-aarch64/entropy.c - hal_entropy_fill: RNDR when the CPU has it.
 *
 * FEAT_RNG (ID_AA64ISAR0_EL1.RNDR, bits 63:60, nonzero; Armv8.5) gives RNDR, a DRBG
 * reseeded from the CPU's noise source, which may fail transiently (it sets Z): each
 * 8-byte word gets a few tries. Neither of our machines has it: the tests' QEMU runs
 * `-cpu cortex-a76` and the Raspberry Pi 5's Cortex-A76 is Armv8.2, so there this
 * says SOS_ERR_NOT_SUPPORTED and the core samples the jitter of the generic counter
 * (54 MHz on the Pi, 62.5 MHz on QEMU) instead (core/entropy.c): weak. A virtio-rng
 * driver or the Pi's RNG200 would be the next step (docs/network.md, "HTTP and TLS").
 *
 * Layer: HAL (aarch64).
 */
#include "arch.h"

#include <sos/errors.h>

#include "hal.h"
#include "lib/kstring.h"

#define HW_TRIES 10

static int g_probed; /* 0 not yet, 1 done */
static bool g_rndr;

static bool rndr64(uint64_t *v)
{
    for (int i = 0; i < HW_TRIES; i++) {
        uint64_t ok;
        __asm__ volatile("mrs %0, s3_3_c2_c4_0\n cset %1, ne" : "=r"(*v), "=r"(ok) : : "cc");
        if (ok)
            return true;
    }
    return false;
}

int hal_entropy_fill(void *buf, size_t len)
{
    uint8_t *p = buf;
    if (!g_probed) {
        g_rndr = (read_sysreg(id_aa64isar0_el1) >> 60) & 0xf;
        g_probed = 1;
    }
    while (len > 0) {
        uint64_t v;
        if (!g_rndr || !rndr64(&v))
            return SOS_ERR_NOT_SUPPORTED; /* the core falls back to jitter */
        size_t n = len < sizeof(v) ? len : sizeof(v);
        memcpy(p, &v, n);
        p += n, len -= n;
    }
    return 0;
}
