/*
 * sos_arch/fault_regs.h (aarch64) - the aarch64 part of the fault ABI (sos/fault.h):
 * where the named registers sit in struct sos_fault_info's regs[], whose order is that
 * of Linux's user_pt_regs as an ELF core's NT_PRSTATUS note holds it (x0..x30, sp, pc,
 * pstate: 34), and the ELF machine of such a core.
 *
 * The build puts the include folder of its CPU's HAL on the core's and the services'
 * include path (sos_arch_inc in the top meson.build).
 *
 * Layer: ABI (per CPU).
 */
#ifndef SOS_ARCH_FAULT_REGS_H
#define SOS_ARCH_FAULT_REGS_H

#define SOS_REG_FP 29           /* x29 */
#define SOS_REG_LR 30           /* x30 */
#define SOS_REG_SP 31
#define SOS_REG_PC 32
#define SOS_REG_PSTATE 33
#define SOS_FAULT_NOTE_REGS 34  /* registers in NT_PRSTATUS */
#define SOS_FAULT_MACHINE 183   /* EM_AARCH64 */

#endif
