/*
 * hal-aarch64/vectors.S - exception vectors, the trap frame, kernel context switch,
 * the way into EL0, and the user-copy routine with its fault fixup.
 *
 * Every exception saves a struct trap_frame (arch.h) on the current kernel stack:
 * x0-x30, sp_el0, elr, spsr, esr, far; from EL0 it also saves q0-q31, fpsr and fpcr
 * (the kernel itself never touches FP/SIMD: -mgeneral-regs-only), so a thread switch
 * inside the core carries each thread's FP state on its own stack. A thread in user
 * mode has an empty kernel stack, so SP_EL1 at the next exception from EL0 is the
 * top of its kernel stack again (arch_user_return sets it the first time).
 *
 * Layer: hal-aarch64.
 */
    .arch armv8-a+fp+simd

#define FRAME_GP 288            /* 36 x 8: x0-x30, sp_el0, elr, spsr, esr, far */
#define FRAME_FP 528            /* q0-q31, fpsr, fpcr */
#define FRAME_SIZE (FRAME_GP + FRAME_FP)

.macro SAVE_GP
    sub     sp, sp, #FRAME_SIZE
    stp     x0, x1, [sp, #16 * 0]
    stp     x2, x3, [sp, #16 * 1]
    stp     x4, x5, [sp, #16 * 2]
    stp     x6, x7, [sp, #16 * 3]
    stp     x8, x9, [sp, #16 * 4]
    stp     x10, x11, [sp, #16 * 5]
    stp     x12, x13, [sp, #16 * 6]
    stp     x14, x15, [sp, #16 * 7]
    stp     x16, x17, [sp, #16 * 8]
    stp     x18, x19, [sp, #16 * 9]
    stp     x20, x21, [sp, #16 * 10]
    stp     x22, x23, [sp, #16 * 11]
    stp     x24, x25, [sp, #16 * 12]
    stp     x26, x27, [sp, #16 * 13]
    stp     x28, x29, [sp, #16 * 14]
    mrs     x21, sp_el0
    stp     x30, x21, [sp, #16 * 15]
    mrs     x22, elr_el1
    mrs     x23, spsr_el1
    stp     x22, x23, [sp, #16 * 16]
    mrs     x24, esr_el1
    mrs     x25, far_el1
    stp     x24, x25, [sp, #16 * 17]
.endm

.macro SAVE_FP
    add     x9, sp, #FRAME_GP
    stp     q0, q1, [x9, #32 * 0]
    stp     q2, q3, [x9, #32 * 1]
    stp     q4, q5, [x9, #32 * 2]
    stp     q6, q7, [x9, #32 * 3]
    stp     q8, q9, [x9, #32 * 4]
    stp     q10, q11, [x9, #32 * 5]
    stp     q12, q13, [x9, #32 * 6]
    stp     q14, q15, [x9, #32 * 7]
    stp     q16, q17, [x9, #32 * 8]
    stp     q18, q19, [x9, #32 * 9]
    stp     q20, q21, [x9, #32 * 10]
    stp     q22, q23, [x9, #32 * 11]
    stp     q24, q25, [x9, #32 * 12]
    stp     q26, q27, [x9, #32 * 13]
    stp     q28, q29, [x9, #32 * 14]
    stp     q30, q31, [x9, #32 * 15]
    mrs     x10, fpsr
    mrs     x11, fpcr
    str     x10, [x9, #512]
    str     x11, [x9, #520]
.endm

.macro RESTORE_FP
    add     x9, sp, #FRAME_GP
    ldp     q0, q1, [x9, #32 * 0]
    ldp     q2, q3, [x9, #32 * 1]
    ldp     q4, q5, [x9, #32 * 2]
    ldp     q6, q7, [x9, #32 * 3]
    ldp     q8, q9, [x9, #32 * 4]
    ldp     q10, q11, [x9, #32 * 5]
    ldp     q12, q13, [x9, #32 * 6]
    ldp     q14, q15, [x9, #32 * 7]
    ldp     q16, q17, [x9, #32 * 8]
    ldp     q18, q19, [x9, #32 * 9]
    ldp     q20, q21, [x9, #32 * 10]
    ldp     q22, q23, [x9, #32 * 11]
    ldp     q24, q25, [x9, #32 * 12]
    ldp     q26, q27, [x9, #32 * 13]
    ldp     q28, q29, [x9, #32 * 14]
    ldp     q30, q31, [x9, #32 * 15]
    ldr     x10, [x9, #512]
    ldr     x11, [x9, #520]
    msr     fpsr, x10
    msr     fpcr, x11
.endm

.macro RESTORE_GP_ERET
    ldp     x30, x21, [sp, #16 * 15]
    msr     sp_el0, x21
    ldp     x22, x23, [sp, #16 * 16]
    msr     elr_el1, x22
    msr     spsr_el1, x23
    ldp     x0, x1, [sp, #16 * 0]
    ldp     x2, x3, [sp, #16 * 1]
    ldp     x4, x5, [sp, #16 * 2]
    ldp     x6, x7, [sp, #16 * 3]
    ldp     x8, x9, [sp, #16 * 4]
    ldp     x10, x11, [sp, #16 * 5]
    ldp     x12, x13, [sp, #16 * 6]
    ldp     x14, x15, [sp, #16 * 7]
    ldp     x16, x17, [sp, #16 * 8]
    ldp     x18, x19, [sp, #16 * 9]
    ldp     x20, x21, [sp, #16 * 10]
    ldp     x22, x23, [sp, #16 * 11]
    ldp     x24, x25, [sp, #16 * 12]
    ldp     x26, x27, [sp, #16 * 13]
    ldp     x28, x29, [sp, #16 * 14]
    add     sp, sp, #FRAME_SIZE
    eret
.endm

.macro VENTRY label
    .balign 0x80
    b       \label
.endm

    .text
    .balign 2048
    .globl  vector_table
vector_table:
    VENTRY  el1_bad             /* current EL, SP_EL0 */
    VENTRY  el1_bad
    VENTRY  el1_bad
    VENTRY  el1_bad
    VENTRY  el1_sync            /* current EL, SP_EL1 */
    VENTRY  el1_irq
    VENTRY  el1_bad
    VENTRY  el1_bad
    VENTRY  el0_sync            /* lower EL, AArch64 */
    VENTRY  el0_irq
    VENTRY  el0_bad
    VENTRY  el0_bad
    VENTRY  el0_bad             /* lower EL, AArch32 */
    VENTRY  el0_bad
    VENTRY  el0_bad
    VENTRY  el0_bad

el1_sync:
    SAVE_GP
    mov     x0, sp
    mov     x1, #0
    bl      hal_sync_entry
    RESTORE_GP_ERET

el1_irq:
    SAVE_GP
    mov     x0, sp
    mov     x1, #0
    bl      hal_irq_entry
    RESTORE_GP_ERET

el1_bad:
    SAVE_GP
    mov     x0, sp
    mov     x1, #0
    bl      hal_bad_entry
    b       .

el0_sync:
    SAVE_GP
    SAVE_FP
    mov     x0, sp
    mov     x1, #1
    bl      hal_sync_entry
    b       ret_to_user

el0_irq:
    SAVE_GP
    SAVE_FP
    mov     x0, sp
    mov     x1, #1
    bl      hal_irq_entry
    b       ret_to_user

el0_bad:
    SAVE_GP
    SAVE_FP
    mov     x0, sp
    mov     x1, #1
    bl      hal_bad_entry
    b       ret_to_user

ret_to_user:
    RESTORE_FP
    RESTORE_GP_ERET

/*
 * arch_user_return(entry, sp, arg, kstack_top): the first entry of a thread into EL0.
 * Registers and FP/SIMD state are cleared so nothing of the kernel or of another
 * process leaks; interrupts are enabled in EL0 (SPSR = EL0t, DAIF clear).
 */
    .globl  arch_user_return
arch_user_return:
    mov     sp, x3
    msr     sp_el0, x1
    msr     elr_el1, x0
    msr     spsr_el1, xzr
    mov     x0, x2
    .irp r, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    movi    v\r\().2d, #0
    .endr
    msr     fpsr, xzr
    msr     fpcr, xzr
    .irp r, 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30
    mov     x\r, xzr
    .endr
    eret

/*
 * hal_context_switch(from, to): save the callee-saved registers on this stack, store
 * sp in from->sp, load to->sp, restore and return into the other context.
 */
    .globl  hal_context_switch
hal_context_switch:
    sub     sp, sp, #96
    stp     x19, x20, [sp, #0]
    stp     x21, x22, [sp, #16]
    stp     x23, x24, [sp, #32]
    stp     x25, x26, [sp, #48]
    stp     x27, x28, [sp, #64]
    stp     x29, x30, [sp, #80]
    mov     x9, sp
    str     x9, [x0]
    ldr     x9, [x1]
    mov     sp, x9
    ldp     x19, x20, [sp, #0]
    ldp     x21, x22, [sp, #16]
    ldp     x23, x24, [sp, #32]
    ldp     x25, x26, [sp, #48]
    ldp     x27, x28, [sp, #64]
    ldp     x29, x30, [sp, #80]
    add     sp, sp, #96
    ret

/* The first switch to a new context lands here with fn in x19 and arg in x20. */
    .globl  arch_context_start
arch_context_start:
    mov     x0, x20
    mov     x29, xzr
    blr     x19
    b       .

/*
 * arch_copy_user(dst, src, len): 0, or -1 when a user page faulted. PAN is lifted for
 * the copy only; hal_sync_entry sends a data abort inside [arch_copy_user,
 * arch_copy_user_end) to arch_copy_fault.
 */
    .globl  arch_copy_user, arch_copy_user_end, arch_copy_fault
arch_copy_user:
    adrp    x9, g_has_pan
    ldrb    w9, [x9, :lo12:g_has_pan]
    cbz     w9, 1f
    .inst   0xd500409f          /* msr pan, #0 */
1:  orr     x10, x0, x1
    tst     x10, #7
    b.ne    3f
2:  cmp     x2, #8
    b.lo    3f
    ldr     x10, [x1], #8
    str     x10, [x0], #8
    sub     x2, x2, #8
    b       2b
3:  cbz     x2, 4f
    ldrb    w10, [x1], #1
    strb    w10, [x0], #1
    sub     x2, x2, #1
    b       3b
4:  mov     x0, #0
    b       5f
arch_copy_user_end:
arch_copy_fault:
    mov     x0, #-1
5:  cbz     w9, 6f
    .inst   0xd500419f          /* msr pan, #1 */
6:  ret

/* The syscall stub, mapped into every process at USER_STUB_VA. */
    .section .user_stub, "ax"
    .globl  user_stub
user_stub:
    svc     #0
    ret
