/*
 * hal-x86_64/trap.h - the IDT, the trap frame and interrupt dispatch (trap.c).
 *
 * Layer: hal-x86_64.
 */
#ifndef HAL_X86_64_TRAP_H
#define HAL_X86_64_TRAP_H

#include <stdbool.h>
#include <stdint.h>

/* ---- the frame isr.S builds for every exception and interrupt */
struct trap_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error;
    uint64_t rip, cs, rflags, rsp, ss;
};

void x86_trap(struct trap_frame *tf); /* isr.S calls it */
void x86_idt_init(void);
void x86_idt_load(void);
bool x86_line_enabled(unsigned line);
extern void (*x86_irq_probe)(unsigned line); /* set: device lines go here, not to the core */

#endif
