/*
 * services/lib/src/stdlib.c - number conversions, sorting, searching, abs, rand.
 *
 * strto* follow C11: leading white space, an optional sign, an optional 0x/0X prefix
 * for base 16 or 0, base 0 picks 8/10/16 from the prefix; on overflow the result is
 * clamped and errno is ERANGE; *end points after the last digit used, or at the start
 * when there was no number. qsort is a median-of-three quicksort that recurses into the
 * smaller side (O(log n) stack) and finishes small ranges with insertion sort.
 *
 * Layer: services/lib (libc subset).
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int digit_of(int c)
{
    if (isdigit(c))
        return c - '0';
    if (islower(c))
        return c - 'a' + 10;
    if (isupper(c))
        return c - 'A' + 10;
    return 99;
}

/*
 * Parse the magnitude, clamped to lim_pos or lim_neg by the sign (*over when it did not
 * fit); *neg for a '-' sign; *end as C says. With a bad base nothing is parsed.
 */
static unsigned long long parse(const char *s, char **end, int base, unsigned long long lim_pos,
                                unsigned long long lim_neg, bool *neg, bool *over)
{
    const char *p = s;
    *neg = false;
    *over = false;
    if (end)
        *end = (char *)s;
    if (base < 0 || base == 1 || base > 36) {
        errno = EINVAL;
        return 0;
    }
    while (isspace((unsigned char)*p))
        p++;
    if (*p == '+' || *p == '-')
        *neg = *p++ == '-';
    if ((base == 0 || base == 16) && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
        digit_of((unsigned char)p[2]) < 16) {
        p += 2;
        base = 16;
    } else if (base == 0) {
        base = p[0] == '0' ? 8 : 10;
    }
    unsigned long long limit = *neg ? lim_neg : lim_pos, v = 0;
    const char *first = p;
    for (int d; (d = digit_of((unsigned char)*p)) < base; p++) {
        if (*over || v > (limit - (unsigned)d) / (unsigned)base)
            *over = true;
        else
            v = v * (unsigned)base + (unsigned)d;
    }
    if (p == first)
        return 0; /* no digits: *end stays at s */
    if (end)
        *end = (char *)p;
    if (*over)
        errno = ERANGE;
    return *over ? limit : v;
}

static long long to_signed(const char *s, char **end, int base, long long min, long long max)
{
    bool neg, over;
    unsigned long long v = parse(s, end, base, (unsigned long long)max,
                                 (unsigned long long)max + 1, &neg, &over);
    if (over)
        return neg ? min : max;
    return neg ? (long long)(0 - v) : (long long)v;
}

static unsigned long long to_unsigned(const char *s, char **end, int base,
                                      unsigned long long max)
{
    bool neg, over;
    unsigned long long v = parse(s, end, base, max, max, &neg, &over);
    if (over)
        return max;
    return neg ? (0 - v) & max : v;
}

long strtol(const char *restrict s, char **restrict end, int base)
{
    return (long)to_signed(s, end, base, LONG_MIN, LONG_MAX);
}

long long strtoll(const char *restrict s, char **restrict end, int base)
{
    return to_signed(s, end, base, LLONG_MIN, LLONG_MAX);
}

unsigned long strtoul(const char *restrict s, char **restrict end, int base)
{
    return (unsigned long)to_unsigned(s, end, base, ULONG_MAX);
}

unsigned long long strtoull(const char *restrict s, char **restrict end, int base)
{
    return to_unsigned(s, end, base, ULLONG_MAX);
}

int atoi(const char *s) { return (int)strtol(s, NULL, 10); }
long atol(const char *s) { return strtol(s, NULL, 10); }
long long atoll(const char *s) { return strtoll(s, NULL, 10); }

int abs(int v) { return v < 0 ? -v : v; }
long labs(long v) { return v < 0 ? -v : v; }
long long llabs(long long v) { return v < 0 ? -v : v; }

/* ---- sorting and searching */

static void swap_bytes(unsigned char *a, unsigned char *b, size_t size)
{
    if (a == b)
        return;
    while (size--) {
        unsigned char t = *a;
        *a++ = *b;
        *b++ = t;
    }
}

typedef int (*cmp_fn)(const void *, const void *);

static void insertion_sort(unsigned char *base, size_t n, size_t size, cmp_fn cmp)
{
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && cmp(base + (j - 1) * size, base + j * size) > 0; j--)
            swap_bytes(base + (j - 1) * size, base + j * size, size);
}

/* Put the median of first, middle and last at the front (the pivot). */
static void median_to_front(unsigned char *base, size_t n, size_t size, cmp_fn cmp)
{
    unsigned char *a = base, *b = base + (n / 2) * size, *c = base + (n - 1) * size;
    if (cmp(a, b) > 0)
        swap_bytes(a, b, size);
    if (cmp(b, c) > 0)
        swap_bytes(b, c, size);
    if (cmp(a, b) > 0)
        swap_bytes(a, b, size);
    swap_bytes(base, b, size); /* a <= b <= c: b is the median */
}

/* Hoare partition around base[0]; returns the pivot's final index. */
static size_t partition(unsigned char *base, size_t n, size_t size, cmp_fn cmp)
{
    size_t i = 0, j = n;
    for (;;) {
        do
            i++;
        while (i < n && cmp(base + i * size, base) < 0);
        do
            j--;
        while (cmp(base + j * size, base) > 0);
        if (i >= j)
            break;
        swap_bytes(base + i * size, base + j * size, size);
    }
    swap_bytes(base, base + j * size, size);
    return j;
}

void qsort(void *b, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
    unsigned char *base = b;
    while (n > 12) {
        median_to_front(base, n, size, cmp);
        size_t p = partition(base, n, size, cmp);
        size_t left = p, right = n - p - 1;
        if (left < right) { /* recurse into the smaller side, loop on the larger */
            qsort(base, left, size, cmp);
            base += (p + 1) * size;
            n = right;
        } else {
            qsort(base + (p + 1) * size, right, size, cmp);
            n = left;
        }
    }
    insertion_sort(base, n, size, cmp);
}

void *bsearch(const void *key, const void *base, size_t n, size_t size,
              int (*cmp)(const void *, const void *))
{
    const unsigned char *lo = base;
    while (n > 0) {
        const unsigned char *mid = lo + (n / 2) * size;
        int c = cmp(key, mid);
        if (c == 0)
            return (void *)mid;
        if (c > 0) {
            lo = mid + size;
            n -= n / 2 + 1;
        } else {
            n /= 2;
        }
    }
    return NULL;
}

/* ---- rand: a 64-bit LCG, the top bits out */

static uint64_t g_rand_state = 1;

int rand(void)
{
    g_rand_state = g_rand_state * 6364136223846793005ull + 1442695040888963407ull;
    return (int)(g_rand_state >> 33);
}

void srand(unsigned seed) { g_rand_state = seed; }
