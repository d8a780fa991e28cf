/*
 * hal-x86_64/kbdcon.h - the screen's keyboard as console input (kbdcon.c).
 *
 * Layer: hal-x86_64.
 */
#ifndef HAL_X86_64_KBDCON_H
#define HAL_X86_64_KBDCON_H

#include <stdbool.h>

void x86_kbdcon_init(void);
/* true: the keyboard console took the line's interrupt (until a client reads the keyboard) */
bool x86_kbdcon_irq(unsigned line, bool from_user);

#endif
