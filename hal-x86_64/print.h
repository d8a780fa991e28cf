/*
 * hal-x86_64/print.h - the kernel console (print.c).
 *
 * Layer: hal-x86_64.
 */
#ifndef HAL_X86_64_PRINT_H
#define HAL_X86_64_PRINT_H

#include <stddef.h>

/* A console output: the serial port, the screen console. */
typedef void (*x86_console_fn)(const char *buf, size_t len);
/* Add an output; hal_console_write goes to each in the order they were added. */
void x86_console_add(x86_console_fn write);
void x86_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
