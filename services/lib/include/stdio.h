/*
 * stdio.h - formatted output of the services/lib libc subset.
 *
 * Layer: services/lib (libc subset). snprintf/vsnprintf are common/fmt.c (flags
 * "-+ 0#", width, precision, hh h l ll z t j, conversions d i u x X o c s p %; no
 * floating point). printf/puts/putchar write to the debug console through
 * sos_debug_write, one write per call, so lines from different processes do not mix.
 * There are no FILE streams.
 */
#ifndef SL_STDIO_H
#define SL_STDIO_H

#include <stdarg.h>
#include <stddef.h>

#define EOF (-1)

int snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...)
    __attribute__((format(__printf__, 3, 4)));
int vsnprintf(char *restrict buf, size_t size, const char *restrict fmt, va_list ap)
    __attribute__((format(__printf__, 3, 0)));
int sprintf(char *restrict buf, const char *restrict fmt, ...)
    __attribute__((format(__printf__, 2, 3)));
int vsprintf(char *restrict buf, const char *restrict fmt, va_list ap)
    __attribute__((format(__printf__, 2, 0)));
int printf(const char *restrict fmt, ...) __attribute__((format(__printf__, 1, 2)));
int vprintf(const char *restrict fmt, va_list ap)
    __attribute__((format(__printf__, 1, 0)));
int puts(const char *s);
int putchar(int c);

#endif
