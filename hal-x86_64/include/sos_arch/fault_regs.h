/*
 * sos_arch/fault_regs.h (x86_64) - the x86_64 part of the fault ABI (sos/fault.h):
 * where the named registers sit in struct sos_fault_info's regs[], whose order is that
 * of Linux's user_regs_struct as an ELF core's NT_PRSTATUS note holds it (27
 * registers, r15 first, rip at 16, rsp at 19), and the ELF machine of such a core.
 *
 * The build puts the include folder of its CPU's HAL on the core's and the services'
 * include path (sos_arch_inc in the top meson.build); the simulator runs the x86_64
 * images and so uses this one too.
 *
 * Layer: ABI (per CPU).
 */
#ifndef SOS_ARCH_FAULT_REGS_H
#define SOS_ARCH_FAULT_REGS_H

#define SOS_REG_FP 4            /* rbp */
#define SOS_REG_PC 16           /* rip */
#define SOS_REG_SP 19           /* rsp */
#define SOS_FAULT_NOTE_REGS 27  /* registers in NT_PRSTATUS */
#define SOS_FAULT_MACHINE 62    /* EM_X86_64 */

#endif
