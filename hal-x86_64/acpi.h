/*
 * hal-x86_64/acpi.h - what the HAL takes from the ACPI tables (acpi.c).
 *
 * Layer: hal-x86_64.
 */
#ifndef HAL_X86_64_ACPI_H
#define HAL_X86_64_ACPI_H

#include <stdint.h>

#include "hal.h"

void x86_acpi_init(void);
struct x86_madt_info {
    uint64_t lapic_pa;
    uint64_t ioapic_pa;
    uint32_t ioapic_gsi_base;
    uint32_t cpu_count;
    uint32_t apic_ids[HAL_MAX_CPUS];
    uint32_t isa_gsi[16];     /* ISA IRQ -> GSI */
    uint16_t isa_flags[16];   /* MPS INTI flags for each ISA IRQ */
};
extern struct x86_madt_info g_x86_madt;
uint64_t x86_acpi_mcfg_base(void);
__attribute__((noreturn)) void x86_acpi_power_off(void);
void x86_acpi_reset(void);

#endif
