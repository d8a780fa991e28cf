/*
 * hal-hosted/host/ctx_x86_64.S - kernel context switch for x86_64 hosts.
 *
 * The same contract as the bare-metal switch: push the callee-saved registers on the
 * current stack, save the stack pointer, load the other one, pop, return into it.
 * A new context starts in host_ctx_start, which calls fn(arg) from r12/r13.
 *
 * Layer: hal-hosted, host world.
 */
    .text
    .globl host_ctx_switch
    .type host_ctx_switch, @function
/* void host_ctx_switch(uintptr_t *from_sp, uintptr_t to_sp) */
host_ctx_switch:
    .cfi_startproc
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .cfi_endproc
    .size host_ctx_switch, .-host_ctx_switch

    .globl host_ctx_start
    .type host_ctx_start, @function
host_ctx_start:
    .cfi_startproc
    .cfi_undefined rip
    xorl %ebp, %ebp
    movq %r13, %rdi
    callq *%r12
    ud2
    .cfi_endproc
    .size host_ctx_start, .-host_ctx_start

    .section .note.GNU-stack,"",@progbits
