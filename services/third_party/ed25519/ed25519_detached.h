/*
 * services/third_party/ed25519/ed25519_detached.h - sos_ed25519_verify: true when sig
 * is pub's Ed25519 signature of msg[0..len) (ed25519_detached.c).
 *
 * Layer: services third_party (our glue).
 */
#ifndef SOS_ED25519_DETACHED_H
#define SOS_ED25519_DETACHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

bool sos_ed25519_verify(const uint8_t pub[32], const uint8_t sig[64], const void *msg,
                        size_t len);

#endif
