/*
 * common/fmt.h - printf-style formatting into a buffer.
 *
 * One implementation serves the core (kprintf) and userspace (services/lib compiles
 * this file too and wraps it as snprintf/vsnprintf). Supports flags "-+ 0#", width and
 * precision (also '*'), length modifiers hh h l ll z t j, and conversions
 * d i u x X o c s p %. No floating point.
 *
 * Layer: common (freestanding; compiled into the core, services/lib and host tools).
 */
#ifndef COMMON_FMT_H
#define COMMON_FMT_H

#include <stdarg.h>
#include <stddef.h>

/* Like vsnprintf: returns the length the full output would have; always terminates. */
int k_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int k_snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(__printf__, 3, 4)));

#endif
