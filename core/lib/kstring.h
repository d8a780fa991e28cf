/*
 * core/lib/kstring.h - the memory and string functions the core uses.
 *
 * The compiler may emit calls to memcpy/memset/memmove/memcmp itself, so these keep
 * their standard names. A bare-metal kernel links common/mem.c (the same file the
 * userspace runtime uses); the hosted and test builds get them from the host C library.
 *
 * Layer: core library.
 */
#ifndef CORE_LIB_KSTRING_H
#define CORE_LIB_KSTRING_H

#include <stddef.h>

#include "mem.h" /* memcpy, memmove, memset, memcmp, strlen */

/* Core-only helpers (prefixed so they never clash with a host C library). */
size_t k_strnlen(const char *s, size_t max);
size_t k_strlcpy(char *dst, const char *src, size_t size);
int k_strcmp(const char *a, const char *b);
int k_strncmp(const char *a, const char *b, size_t n);

#endif
