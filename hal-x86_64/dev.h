/*
 * hal-x86_64/dev.h - the device list behind hal_dev_get() and the display (dev.c).
 *
 * Layer: hal-x86_64.
 */
#ifndef HAL_X86_64_DEV_H
#define HAL_X86_64_DEV_H

#include "hal.h"

void x86_dev_add(const struct hal_dev_ops *ops, void *dev);
unsigned x86_irq_line_alloc(void); /* a fresh device line, 0 when none is left */
void x86_display_init(void);

#endif
