/*
 * common/mem.c - memcpy, memmove, memset, memcmp and strlen for every freestanding
 * target: the bare-metal kernels (core_baremetal_sources) and the userspace runtime
 * (services/lib). Inside serviceos-sim and the host tests the host C library provides
 * them for the core instead.
 *
 * The compiler may emit calls to these itself, so they keep their standard names; every
 * build that compiles this file passes -fno-tree-loop-distribute-patterns so the loops
 * below are not turned back into calls to themselves. Bulk work goes a word at a time
 * when both pointers sit at the same offset in a word: bytes up to a word boundary,
 * then words, so every word access is aligned (word_t is not a 1-aligned type: a
 * misaligned one is undefined behaviour, which UBSan reports); word_t may alias
 * anything, so the word loops are defined whatever the caller's buffers hold.
 *
 * Layer: common (freestanding; names no platform).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mem.h"

typedef uint64_t __attribute__((may_alias)) word_t;
#define WSIZE sizeof(word_t)

/* Whether d and s can reach word alignment together (the same offset in a word). */
static bool co_aligned(const unsigned char *d, const unsigned char *s)
{
    return (((uintptr_t)d ^ (uintptr_t)s) & (WSIZE - 1)) == 0;
}

static bool aligned(const unsigned char *p) { return ((uintptr_t)p & (WSIZE - 1)) == 0; }

/* Forwards; when d and s share their offset in a word, bytes up to the first word
 * boundary, then whole aligned words, then the tail. Every word access is aligned. The
 * body is shared by memcpy (restrict: the compiler may widen the word loop) and by
 * memmove's forward case (no restrict: the buffers may overlap). */
#define COPY_UP(d, s, n)                                                                   \
    do {                                                                                   \
        if (co_aligned(d, s)) {                                                            \
            for (; n && !aligned(d); n--)                                                  \
                *d++ = *s++;                                                               \
            for (; n >= WSIZE; n -= WSIZE, d += WSIZE, s += WSIZE)                         \
                *(word_t *)d = *(const word_t *)s;                                         \
        }                                                                                  \
        while (n--)                                                                        \
            *d++ = *s++;                                                                   \
    } while (0)

static void copy_up(unsigned char *d, const unsigned char *s, size_t n) { COPY_UP(d, s, n); }

/* Backwards from d + n and s + n, the same way round. */
static void copy_down(unsigned char *d, const unsigned char *s, size_t n)
{
    d += n;
    s += n;
    if (co_aligned(d, s)) {
        for (; n && !aligned(d); n--)
            *--d = *--s;
        for (; n >= WSIZE; n -= WSIZE) {
            d -= WSIZE;
            s -= WSIZE;
            *(word_t *)d = *(const word_t *)s;
        }
    }
    while (n--)
        *--d = *--s;
}

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
    unsigned char *restrict d = dst;
    const unsigned char *restrict s = src;
    COPY_UP(d, s, n);
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
    if (d < s) /* overlap with d below s: forwards */
        copy_up(d, s, n);
    else /* overlap with d above s: backwards */
        copy_down(d, s, n);
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
