/*
 * common/mem.c - memcpy, memmove, memset, memcmp and strlen for every freestanding
 * target: the bare-metal kernels (core_baremetal_sources) and the userspace runtime
 * (services/lib). Inside serviceos-sim and the host tests the host C library provides
 * them for the core instead.
 *
 * The compiler may emit calls to these itself, so they keep their standard names; every
 * build that compiles this file passes -fno-tree-loop-distribute-patterns so the loops
 * below are not turned back into calls to themselves. Bulk work goes a word at a time
 * when the pointers allow it; word_t may alias anything, so the word loops are defined
 * behaviour whatever the caller's buffers hold.
 *
 * Layer: common (freestanding; names no platform).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mem.h"

typedef uint64_t __attribute__((may_alias)) word_t;
#define WSIZE sizeof(word_t)

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    if ((((uintptr_t)d | (uintptr_t)s) & (WSIZE - 1)) == 0) {
        for (; n >= WSIZE; n -= WSIZE, d += WSIZE, s += WSIZE)
            *(word_t *)d = *(const word_t *)s;
    }
    while (n--)
        *d++ = *s++;
    return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    if (d == s || n == 0)
        return dst;
    if (d >= s + n || s >= d + n)
        return memcpy(dst, src, n); /* no overlap */
    bool words = (((uintptr_t)d | (uintptr_t)s) & (WSIZE - 1)) == 0;
    if (d < s) { /* overlap with d below s: copy forwards */
        if (words)
            for (; n >= WSIZE; n -= WSIZE, d += WSIZE, s += WSIZE)
                *(word_t *)d = *(const word_t *)s;
        while (n--)
            *d++ = *s++;
        return dst;
    }
    /* overlap with d above s: copy backwards */
    d += n;
    s += n;
    if (words) {
        for (; n >= WSIZE; n -= WSIZE) {
            d -= WSIZE;
            s -= WSIZE;
            *(word_t *)d = *(const word_t *)s;
        }
    }
    while (n--)
        *--d = *--s;
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
    unsigned char *d = dst;
    unsigned char b = (unsigned char)c;
    while (n && ((uintptr_t)d & (WSIZE - 1))) {
        *d++ = b;
        n--;
    }
    word_t w = b * (word_t)0x0101010101010101ull;
    for (; n >= WSIZE; n -= WSIZE, d += WSIZE)
        *(word_t *)d = w;
    while (n--)
        *d++ = b;
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;
    for (; n; n--, x++, y++)
        if (*x != *y)
            return *x < *y ? -1 : 1;
    return 0;
}

size_t strlen(const char *s)
{
    const char *p = s;
    while (*p)
        p++;
    return (size_t)(p - s);
}
