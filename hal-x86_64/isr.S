/*
 * hal-x86_64/isr.S - the entry of every exception and interrupt.
 *
 * 256 stubs push a vector (and a zero error code where the CPU pushes none) and share
 * isr_common, which saves the registers into a struct trap_frame (trap.h), swaps %gs
 * when user code was interrupted, and calls x86_trap. x86_isr_table lists the stubs for
 * the IDT (trap.c): the two files are one part in two languages.
 *
 * Layer: hal-x86_64 (with trap.c; reads cpu.c's g_x86_smap).
 */
    .text
    .macro ISR_NOERR n
    .balign 16
isr_\n:
    pushq $0
    pushq $\n
    jmp isr_common
    .endm

    .macro ISR_ERR n
    .balign 16
isr_\n:
    pushq $\n
    jmp isr_common
    .endm

    .balign 16
isr_common:
    testb $3, 24(%rsp)          /* the interrupted CS */
    jz 1f
    swapgs
1:  pushq %rax
    pushq %rbx
    pushq %rcx
    pushq %rdx
    pushq %rsi
    pushq %rdi
    pushq %rbp
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    cld
    testb $1, g_x86_smap(%rip)  /* user code may have set AC: SMAP must hold here */
    jz 2f
    clac
2:  mov %rsp, %rdi
    testb $3, 8*18(%rsp)
    jz 3f
    xor %ebp, %ebp              /* backtraces stop at the user boundary */
3:  call x86_trap
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rbp
    popq %rdi
    popq %rsi
    popq %rdx
    popq %rcx
    popq %rbx
    popq %rax
    add $16, %rsp               /* vector and error code */
    testb $3, 8(%rsp)
    jz 4f
    swapgs
4:  iretq

/* the vectors where the CPU pushes an error code */
    .irp n, 0,1,2,3,4,5,6,7
    ISR_NOERR \n
    .endr
    ISR_ERR 8
    ISR_NOERR 9
    .irp n, 10,11,12,13,14
    ISR_ERR \n
    .endr
    ISR_NOERR 15
    ISR_NOERR 16
    ISR_ERR 17
    .irp n, 18,19,20
    ISR_NOERR \n
    .endr
    ISR_ERR 21
    .irp n, 22,23,24,25,26,27,28
    ISR_NOERR \n
    .endr
    ISR_ERR 29
    ISR_ERR 30
    ISR_NOERR 31
    .altmacro
    .set i, 32
    .rept 224
    ISR_NOERR %i
    .set i, i + 1
    .endr
    .noaltmacro

    .section .rodata
    .balign 8
    .globl x86_isr_table
x86_isr_table:
    .macro ISR_PTR n
    .quad isr_\n
    .endm
    .altmacro
    .set i, 0
    .rept 256
    ISR_PTR %i
    .set i, i + 1
    .endr
    .noaltmacro
