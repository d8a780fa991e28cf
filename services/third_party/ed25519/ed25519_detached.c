/*
 * services/third_party/ed25519/ed25519_detached.c - a detached-signature check over
 * signify-openbsd's crypto_sign_ed25519_open, which wants the signature and the
 * message in one buffer (NaCl's "signed message"). Built into both Ed25519 libraries;
 * matches common/pkg's meta_verify_fn.
 *
 * Layer: services third_party (our glue; freestanding: malloc and free from the runtime).
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "crypto_api.h"
#include "ed25519_detached.h"

bool sos_ed25519_verify(const uint8_t pub[32], const uint8_t sig[64], const void *msg,
                        size_t len)
{
    unsigned char *sm = malloc(64 + len), *m = malloc(64 + len);
    unsigned long long mlen;
    bool ok = false;
    if (sm && m) {
        memcpy(sm, sig, 64);
        memcpy(sm + 64, msg, len);
        ok = crypto_sign_ed25519_open(m, &mlen, sm, 64 + len, pub) == 0;
    }
    free(sm);
    free(m);
    return ok;
}
