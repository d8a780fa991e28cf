/*
 * sos/fault.h - what the kernel keeps of a thread that faulted, for debuggers and crash
 * reports: its registers and the top of its stack (process_fault_read).
 *
 * The register array is in the order of the CPU's ELF core-file note (NT_PRSTATUS), so
 * a core writer copies it as is: x86_64 is Linux's user_regs_struct (27 registers,
 * r15 first, rip at 16, rsp at 19), aarch64 is x0..x30, sp, pc, pstate (34).
 *
 * Layer: ABI.
 */
#ifndef SOS_FAULT_H
#define SOS_FAULT_H

#include <sos/object.h>

#define SOS_FAULT_NREGS 34
#if defined(__aarch64__)
#define SOS_REG_FP 29
#define SOS_REG_LR 30
#define SOS_REG_SP 31
#define SOS_REG_PC 32
#define SOS_FAULT_NOTE_REGS 34 /* registers in NT_PRSTATUS */
#else
#define SOS_REG_FP 4  /* rbp */
#define SOS_REG_SP 19 /* rsp */
#define SOS_REG_PC 16 /* rip */
#define SOS_FAULT_NOTE_REGS 27
#endif

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
