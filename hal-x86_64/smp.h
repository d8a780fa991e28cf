/*
 * hal-x86_64/smp.h - the other CPUs (smp.c).
 *
 * Layer: hal-x86_64.
 */
#ifndef HAL_X86_64_SMP_H
#define HAL_X86_64_SMP_H



unsigned x86_smp_prepare(void); /* CPUs to tell the core about */
__attribute__((noreturn)) void x86_ap_entry(unsigned cpu);

#endif
