/*
 * hal-hosted/stub/stub_x86_64.S - the stub process's hand-written parts (--isolate).
 *
 * _start: onto the stub's own stack (the kernel's initial stack may be mapped over by
 *   a window later), then stub_main (stub.c).
 * stub_syscall_entry: what user code calls for a ServiceOS syscall (the address in its
 *   startup block): the C arguments stay in registers, a `syscall` with STUB_NR_CALL
 *   is trapped by the seccomp filter (SIGSYS) and the handler hands the context to the
 *   core; the core's answer comes back in rax.
 * stub_mapper: the mapper thread. It never reads memory it could be tricked through:
 *   nothing from its stack, no calls, no returns; requests come only from the read-only
 *   request page and answers are a byte from .rodata. User code (on the runners, same
 *   address space) can neither call mmap (its filter traps it) nor steer this thread.
 * stub_clone: a thread on a stack of its own (the mapper; the runners, stub.c).
 * stub_restorer: the signal restorer (rt_sigreturn).
 *
 * Layer: the stub (freestanding, no libc).
 */
#include "stub.h"

    .set SYS_write, 1
    .set SYS_mmap, 9
    .set SYS_mprotect, 10
    .set SYS_rt_sigreturn, 15
    .set SYS_clone, 56
    .set SYS_exit_group, 231
    .set SYS_futex, 202
    .set SYS_seccomp, 317

    .text
    .globl _start
_start:
    leaq stub_stack_top(%rip), %rsp
    call stub_main
    ud2

    .globl stub_syscall_entry
    .type stub_syscall_entry, @function
stub_syscall_entry:
    movq %rcx, %r10
    movl $STUB_NR_CALL, %eax
    syscall
    ret
    .size stub_syscall_entry, .-stub_syscall_entry

    .globl stub_ready
    .type stub_ready, @function
stub_ready:
    movl $STUB_NR_READY, %eax
    syscall
    ud2
    .size stub_ready, .-stub_ready

    .globl stub_restorer
    .type stub_restorer, @function
stub_restorer:
    movl $SYS_rt_sigreturn, %eax
    syscall
    ud2
    .size stub_restorer, .-stub_restorer

/* long stub_syscall6(long nr, long a, long b, long c, long d, long e, long f) */
    .globl stub_syscall6
    .type stub_syscall6, @function
stub_syscall6:
    movq %rdi, %rax
    movq %rsi, %rdi
    movq %rdx, %rsi
    movq %rcx, %rdx
    movq %r8, %r10
    movq %r9, %r8
    movq 8(%rsp), %r9
    syscall
    ret
    .size stub_syscall6, .-stub_syscall6

/* long stub_clone(unsigned long flags, void *stack, void (*fn)(unsigned long),
 *                 unsigned long arg): a thread that runs fn(arg) on stack, never returning */
    .globl stub_clone
    .type stub_clone, @function
stub_clone:
    subq $16, %rsi
    movq %rdx, 8(%rsi)            /* for the child, on its own stack */
    movq %rcx, (%rsi)
    movl $SYS_clone, %eax
    xorl %edx, %edx
    xorl %r10d, %r10d
    xorl %r8d, %r8d
    syscall
    testq %rax, %rax
    jz 1f
    ret
1:  popq %rdi
    popq %rax
    call *%rax
    ud2
    .size stub_clone, .-stub_clone

    .globl stub_mapper
    .type stub_mapper, @function
stub_mapper:
    movl $SYS_seccomp, %eax
    movl $1, %edi                 /* SECCOMP_SET_MODE_FILTER */
    xorl %esi, %esi
    leaq stub_mapper_prog(%rip), %rdx
    syscall
    testq %rax, %rax
    jnz 9f
    xorl %r12d, %r12d             /* the last request done */
1:  movl STUB_REQ_SEQ, %eax
    cmpl %eax, %r12d
    jne 2f
    movl $SYS_futex, %eax
    movl $STUB_REQ_SEQ, %edi
    xorl %esi, %esi               /* FUTEX_WAIT, shared: the core wakes it */
    movl %r12d, %edx
    xorl %r10d, %r10d
    syscall
    jmp 1b
2:  movl %eax, %r12d
    movq STUB_REQ_VA, %rdi
    movq STUB_REQ_LEN, %rsi
    movq STUB_REQ_PROT, %rdx
    movl STUB_REQ_OP, %eax
    cmpl $STUB_OP_PROTECT, %eax
    je 4f
    cmpl $STUB_OP_RESERVE, %eax
    je 3f
    movl $0x11, %r10d             /* MAP_SHARED | MAP_FIXED */
    movl $STUB_FD_ARENA, %r8d
    movq STUB_REQ_OFF, %r9
    movl $SYS_mmap, %eax
    syscall
    jmp 5f
3:  xorl %edx, %edx               /* PROT_NONE */
    movl $0x4032, %r10d           /* MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE */
    movq $-1, %r8
    xorl %r9d, %r9d
    movl $SYS_mmap, %eax
    syscall
    jmp 5f
4:  movl $SYS_mprotect, %eax
    syscall
5:  leaq stub_answers(%rip), %rsi /* "01": '0' done, '1' failed */
    cmpq $-4096, %rax
    jbe 6f
    incq %rsi
6:  movl $SYS_write, %eax
    movl $STUB_FD_DONE, %edi
    movl $1, %edx
    syscall
    jmp 1b
9:  movl $SYS_exit_group, %eax
    movl $1, %edi
    syscall
    ud2

    .section .rodata
stub_answers:
    .ascii "01"

    .bss
    .balign 16
    .space 65536
stub_stack_top:

    .section .note.GNU-stack,"",@progbits
