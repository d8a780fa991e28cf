/*
 * services/lib/src/stdio.c - formatted output: snprintf and friends over the core's
 * formatter (common/fmt.c, compiled into this library), printf/puts/putchar over the
 * debug console.
 *
 * printf formats into a stack buffer (or, for long output, a heap buffer) and writes it
 * with as few sos_debug_write calls as the kernel's per-call limit allows, so one call
 * is one piece of console output.
 *
 * Layer: services/lib (libc subset).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "internal.h"


int vsnprintf(char *restrict buf, size_t size, const char *restrict fmt, va_list ap)
{
    return k_vsnprintf(buf, size, fmt, ap);
}

int snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = k_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

int vsprintf(char *restrict buf, const char *restrict fmt, va_list ap)
{
    return k_vsnprintf(buf, INT_MAX, fmt, ap);
}

int sprintf(char *restrict buf, const char *restrict fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = k_vsnprintf(buf, INT_MAX, fmt, ap);
    va_end(ap);
    return n;
}

int vprintf(const char *restrict fmt, va_list ap)
{
    char small[512];
    va_list aq;
    va_copy(aq, ap);
    int n = k_vsnprintf(small, sizeof(small), fmt, ap);
    if (n < (int)sizeof(small)) {
        __sl_console_write(small, (size_t)n);
    } else {
        char *big = malloc((size_t)n + 1);
        if (big) {
            k_vsnprintf(big, (size_t)n + 1, fmt, aq);
            __sl_console_write(big, (size_t)n);
            free(big);
        } else {
            __sl_console_write(small, sizeof(small) - 1); /* the start, at least */
        }
    }
    va_end(aq);
    return n;
}

int printf(const char *restrict fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vprintf(fmt, ap);
    va_end(ap);
    return n;
}

int puts(const char *s)
{
    char line[256];
    size_t n = strlen(s);
    if (n < sizeof(line)) {
        memcpy(line, s, n);
        line[n] = '\n';
        __sl_console_write(line, n + 1);
    } else {
        __sl_console_write(s, n);
        __sl_console_write("\n", 1);
    }
    return (int)n + 1;
}

int putchar(int c)
{
    char ch = (char)c;
    __sl_console_write(&ch, 1);
    return (unsigned char)c;
}
