/*
 * hal-x86_64/apic.h - interrupt controllers and time (apic.c).
 *
 * Layer: hal-x86_64.
 */
#ifndef HAL_X86_64_APIC_H
#define HAL_X86_64_APIC_H

#include <stdbool.h>
#include <stdint.h>

void x86_apic_init(void);
void x86_apic_init_ap(void);
void x86_apic_start_cpu(uint32_t apic_id, unsigned start_page);
void x86_apic_eoi(void);
void x86_ioapic_route(unsigned isa_irq, unsigned vector);
void x86_timer_irq(bool from_user);
void x86_apic_send_self(unsigned vector);
void x86_apic_send_ipi(uint32_t apic_id, unsigned vector);
uint32_t x86_apic_id(void);
extern uint64_t g_x86_tsc_hz;

#endif
