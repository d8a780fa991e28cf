/*
 * sos/fault.h - what the kernel keeps of a thread that faulted, for debuggers and crash
 * reports: its registers and the top of its stack (process_fault_read).
 *
 * The register array is in the order of the CPU's ELF core-file note (NT_PRSTATUS), so
 * a core writer copies it as is. Which index holds the pc, the stack pointer or the
 * frame pointer, and how many registers the note has, depends on the CPU:
 * <sos_arch/fault_regs.h> says it (SOS_REG_PC, SOS_REG_SP, SOS_REG_FP,
 * SOS_FAULT_NOTE_REGS), from the include folder the build chooses for its CPU.
 *
 * Layer: ABI.
 */
#ifndef SOS_FAULT_H
#define SOS_FAULT_H

#include <sos/object.h>

/* Room for the largest register note of the CPUs we run on (SOS_FAULT_NOTE_REGS). */
#define SOS_FAULT_NREGS 34

/* The most stack kept: from just below the stack pointer up (a deeper stack is cut). */
#define SOS_FAULT_STACK_MAX (32u * 1024u)

/* process_fault_read `what` */
#define SOS_FAULT_READ_INFO 0  /* struct sos_fault_info; offset must be 0 */
#define SOS_FAULT_READ_STACK 1 /* the kept stack bytes from `offset` */

struct sos_fault_info {
    struct sos_fault_record record;
    uint64_t regs[SOS_FAULT_NREGS]; /* 0 where the platform could not say */
    uint64_t image_base;  /* where the process's image was loaded */
    uint64_t image_size;  /* its span in bytes */
    uint64_t image_entry; /* its entry point (base + the ELF's e_entry - its lowest vaddr) */
    uint64_t stack_addr;  /* user address of the first kept stack byte */
    uint32_t stack_len;   /* bytes kept from stack_addr up (<= SOS_FAULT_STACK_MAX) */
    uint32_t has_regs;    /* 1 when regs are the faulting thread's */
    char name[SOS_NAME_MAX];
};

#endif
