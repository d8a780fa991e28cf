/*
 * services/third_party/ed25519/shim/sys/types.h - what signify-openbsd's sha2.c and
 * crypto_api.c take from <sys/types.h> (sizes, fixed-width types and the byte order),
 * for the freestanding build; compat.h (theirs, -include'd) maps u_int*_t.
 *
 * Layer: services third_party (freestanding shim).
 */
#ifndef SOS_ED25519_SYS_TYPES_H
#define SOS_ED25519_SYS_TYPES_H

#include <stddef.h>
#include <stdint.h>

typedef long long off_t; /* named by sha2.h's file helpers, which are not built */
typedef long ssize_t;

#define LITTLE_ENDIAN __ORDER_LITTLE_ENDIAN__
#define BIG_ENDIAN __ORDER_BIG_ENDIAN__
#define BYTE_ORDER __BYTE_ORDER__

#endif
