/*
 * sha256.h - SHA-256 (FIPS 180-4), the bootstore's whole-bundle digest.
 *
 * Streaming and one-shot forms; no allocation, no tables outside the constants, so the
 * kernel core can check a bundle before it trusts the index.
 *
 * Layer: common (freestanding; built for the core, userspace and the host tools).
 */
#ifndef SOS_SHA256_H
#define SOS_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_SIZE 32

struct sha256 {
    uint32_t h[8];
    uint64_t total;     /* bytes hashed so far */
    uint8_t block[64];  /* pending partial block */
    uint32_t fill;      /* bytes used in block */
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
/* Writes the digest; s must be initialised again before reuse. */
void sha256_final(struct sha256 *s, uint8_t out[SHA256_SIZE]);
void sha256(const void *data, size_t len, uint8_t out[SHA256_SIZE]);

#endif
