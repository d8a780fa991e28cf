/*
 * services/network/port/arch/cc.h - lwIP's compiler and platform glue for
 * ServiceOS userspace.
 *
 * lwIP is compiled freestanding against services/lib (the services' libc subset): the
 * C headers it includes (stddef, stdint, limits, ctype, string, stdio, stdlib) are ours
 * or the compiler's. Diagnostics and failed assertions go to the debug console through
 * the runtime's printf; an assertion then aborts the service (the root manager restarts
 * it). Both CPUs we build for (x86_64, aarch64) are little-endian.
 *
 * Layer: services (network), lwIP's port (the lwIP sources come from Debian, never from git).
 */
#ifndef SOS_LWIP_ARCH_CC_H
#define SOS_LWIP_ARCH_CC_H

#include <stdio.h>
#include <stdlib.h>

/* (a host libc's <endian.h> says the same when the host tests compile lwIP natively) */
#ifndef BYTE_ORDER
#define BYTE_ORDER LITTLE_ENDIAN
#endif

/* no <inttypes.h> in services/lib: lwIP's own printf formats for its types */
#define LWIP_NO_INTTYPES_H 1
#define X8_F "02x"
#define U16_F "u"
#define S16_F "d"
#define X16_F "x"
#define U32_F "u"
#define S32_F "d"
#define X32_F "x"
#define SZT_F "zu"

/* no <unistd.h> either; lwIP only wants ssize_t from it (our <limits.h> has SSIZE_MAX) */
#define LWIP_NO_UNISTD_H 1
typedef long ssize_t;

#define LWIP_PLATFORM_DIAG(x) \
    do {                      \
        printf x;             \
    } while (0)
#define LWIP_PLATFORM_ASSERT(x)                                               \
    do {                                                                      \
        printf("lwip: assertion \"%s\" failed at %s:%d\n", x, __FILE__, __LINE__); \
        abort();                                                              \
    } while (0)

/* random numbers for DNS ids, TCP initial sequence numbers and IPv6 */
#define LWIP_RAND() ((u32_t)rand())

#endif
