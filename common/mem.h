/*
 * common/mem.h - the memory functions of common/mem.c, with their standard names (the
 * compiler may call them on its own). Core code reaches them through core/lib/kstring.h,
 * userspace through <string.h>; this header is for the file itself and for builds that
 * want exactly these five.
 *
 * Layer: common (freestanding).
 */
#ifndef COMMON_MEM_H
#define COMMON_MEM_H

#include <stddef.h>

void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

#endif
