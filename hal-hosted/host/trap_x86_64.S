/*
 * hal-hosted/host/trap_x86_64.S - the ways between user code and the core in the sim.
 *
 * host_syscall_entry: what user code calls (through its startup block) for a syscall,
 *   with the C calling convention. Leaves user mode, switches to the thread's kernel
 *   stack, calls hosted_syscall (core side), comes back, re-enters user mode, and
 *   delivers interrupts that became pending meanwhile.
 * host_irq_tramp: where the async signal handler sends interrupted user code: the
 *   interrupted pc is on the user stack with 128 bytes of red zone above it. Saves
 *   every register and the FPU/SSE state, enters the core on the kernel stack through
 *   hosted_irq_entry (which may switch threads), restores, returns.
 * host_fault_tramp: where the fault handler sends faulting user code, already on the
 *   kernel stack: calls host_user_fault_dispatch, which never returns.
 * host_enter_user: the first entry of a thread into user code.
 *
 * in_user is cleared before the stack switch on the way in and set after the switch
 * back on the way out, so an async signal that redirects user code always finds the
 * kernel stack free. From host_syscall_entry to host_syscall_entered and from
 * host_irq_tramp to host_irq_entered a register holds this vCPU's address while
 * in_user is still set: the signal handler does not redirect code there (vcpu.c).
 *
 * Layer: hal-hosted, host world.
 */
    .set VCPU_IN_USER, 0
    .set VCPU_PENDING, 4
    .set VCPU_KSTACK, 8

    .macro LOAD_VCPU reg
    movq host_tl_vcpu@gottpoff(%rip), \reg
    movq %fs:(\reg), \reg
    .endm

    .text

    .globl host_syscall_entry
    .type host_syscall_entry, @function
host_syscall_entry:
    LOAD_VCPU %rax
    movl $0, VCPU_IN_USER(%rax)
    .globl host_syscall_entered
host_syscall_entered:
    movq %rsp, %r10
    movq VCPU_KSTACK(%rax), %rsp
    pushq %r10
    subq $8, %rsp
    call hosted_syscall
    addq $8, %rsp
    popq %rsp
    LOAD_VCPU %rcx
    movl $1, VCPU_IN_USER(%rcx)
    cmpl $0, VCPU_PENDING(%rcx)
    jne 1f
    ret
1:  subq $128, %rsp
    leaq 2f(%rip), %rcx
    pushq %rcx
    jmp host_irq_tramp
2:  ret
    .size host_syscall_entry, .-host_syscall_entry

    .globl host_irq_tramp
    .type host_irq_tramp, @function
host_irq_tramp:
    pushfq
    pushq %rax
    pushq %rcx
    pushq %rdx
    pushq %rbx
    pushq %rbp
    pushq %rsi
    pushq %rdi
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, %rbx            /* the saved user frame */
1:  subq $512, %rsp
    andq $-16, %rsp
    fxsave64 (%rsp)
    movq %rsp, %r12
    LOAD_VCPU %r13
    movl $0, VCPU_IN_USER(%r13)
    .globl host_irq_entered
host_irq_entered:
    movq VCPU_KSTACK(%r13), %rsp
    call hosted_irq_entry
    movq %r12, %rsp
    fxrstor64 (%rsp)
    LOAD_VCPU %r13             /* the thread may now run on another vCPU */
    movl $1, VCPU_IN_USER(%r13)
    cmpl $0, VCPU_PENDING(%r13)
    je 2f
    movq %rbx, %rsp
    jmp 1b
2:  movq %rbx, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rdi
    popq %rsi
    popq %rbp
    popq %rbx
    popq %rdx
    popq %rcx
    popq %rax
    popfq
    ret $128
    .size host_irq_tramp, .-host_irq_tramp

    .globl host_fault_tramp
    .type host_fault_tramp, @function
host_fault_tramp:
    /* rdi sig, rsi code, rdx addr, rcx pc, r8 err; rsp = kernel stack top - 8 */
    call host_user_fault_dispatch
    ud2
    .size host_fault_tramp, .-host_fault_tramp

    .globl host_enter_user
    .type host_enter_user, @function
/* void host_enter_user(uintptr_t entry, uintptr_t sp, uintptr_t arg) */
host_enter_user:
    movq %rdi, %r11
    movq %rsi, %rsp
    pushq $0                    /* a return address: _start sees rsp % 16 == 8 */
    LOAD_VCPU %rax
    movl $1, VCPU_IN_USER(%rax)
    cmpl $0, VCPU_PENDING(%rax)
    je 2f
    subq $128, %rsp
    leaq 2f(%rip), %rax
    pushq %rax
    jmp host_irq_tramp
2:  movq %rdx, %rdi
    xorl %eax, %eax
    xorl %ecx, %ecx
    xorl %esi, %esi
    xorl %edx, %edx
    xorl %r8d, %r8d
    xorl %r9d, %r9d
    xorl %r10d, %r10d
    xorl %ebp, %ebp
    jmp *%r11
    .size host_enter_user, .-host_enter_user

    .section .note.GNU-stack,"",@progbits
