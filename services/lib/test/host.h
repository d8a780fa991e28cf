/*
 * services/lib/test/host.h - the host headers the libc tests need (glibc as the
 * reference, CMocka). The only place under services/ that includes host headers: these
 * tests run on the build machine and are never part of an image.
 *
 * Layer: services/lib host tests.
 */
#ifndef SL_TEST_HOST_H
#define SL_TEST_HOST_H

#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sl_api.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* A reproducible pseudo-random sequence for the randomized tests. */
static inline uint64_t test_rand(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

#endif
