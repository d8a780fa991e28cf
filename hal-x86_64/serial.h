/*
 * hal-x86_64/serial.h - the 16550 UART on COM1 (serial.c).
 *
 * Layer: hal-x86_64.
 */
#ifndef HAL_X86_64_SERIAL_H
#define HAL_X86_64_SERIAL_H

#include <stdbool.h>
#include <stddef.h>

void x86_serial_init(void);
void x86_serial_write(const char *buf, size_t len);
void x86_serial_irq(bool from_user);
void x86_serial_enable_irq(void);

#endif
