/*
 * hal-x86_64/fbcon.h - the text console on the GOP framebuffer (fbcon.c).
 *
 * Layer: hal-x86_64.
 */
#ifndef HAL_X86_64_FBCON_H
#define HAL_X86_64_FBCON_H

#include <stddef.h>

void x86_fbcon_init(void);
void x86_fbcon_write(const char *buf, size_t len);
void x86_fbcon_disable(void);
volatile void *x86_fb_map(void); /* the framebuffer, mapped write-combining once */

#endif
