/*
 * hal-x86_64/entry.S - the kernel's other ways in and out: system calls, contexts, user
 * mode, user copies.
 *
 * syscall: the entry swaps %gs, switches to the thread's kernel stack and calls
 * core_syscall(nr, a0..a4) (the user's %r10 carries a2, the C ABI's %rcx).
 * Contexts: hal_context_switch saves the callee-saved registers and the FPU/SSE state
 * on the old stack. hal_user_enter leaves for ring 3 with iretq.
 * hal_copy_*: rep movsb between stac/clac, with a fault fixup (see trap.c).
 * The kernel's first instructions are in start.S, exception and interrupt entry in
 * isr.S. This file is cpu.c's assembly half: cpu.c points LSTAR and new contexts here
 * and sets up the IST stacks below; the code here reads cpu.c's SMAP flag.
 *
 * Layer: hal-x86_64 (with cpu.c).
 */
#define PCPU_KSTACK 8
#define PCPU_USER_RSP 16

/* ---------------------------------------------------------------- syscall */

    .text
    .balign 16
    .globl x86_syscall_entry
x86_syscall_entry:
    swapgs
    mov %rsp, %gs:PCPU_USER_RSP
    mov %gs:PCPU_KSTACK, %rsp
    pushq %gs:PCPU_USER_RSP
    pushq %rcx                  /* user rip */
    pushq %r11                  /* user rflags */
    pushq %rbp
    xor %ebp, %ebp
    mov %r10, %rcx
    call core_syscall
    popq %rbp
    popq %r11
    popq %rcx
    xor %edi, %edi              /* leave nothing of the kernel's in scratch registers */
    xor %esi, %esi
    xor %edx, %edx
    xor %r8d, %r8d
    xor %r9d, %r9d
    xor %r10d, %r10d
    popq %rsp
    swapgs
    sysretq

/* ---------------------------------------------------------------- contexts */

/* void hal_context_switch(struct hal_context *from, struct hal_context *to) */
    .globl hal_context_switch
hal_context_switch:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    sub $520, %rsp
    fxsave64 (%rsp)
    mov %rsp, (%rdi)
    mov (%rsi), %rsp
    fxrstor64 (%rsp)
    mov $0xc0000100, %ecx       /* user %fs: the canary page, whatever the last thread did */
    movabs $0x00007fffffffc000, %rax /* X86_FS_VA (mmu.h) */
    mov %rax, %rdx
    shr $32, %rdx
    wrmsr
    add $520, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret

/* First code of a new context (hal_context_init): fn in %r12, arg in %r13. */
    .globl x86_context_start
x86_context_start:
    mov %r13, %rdi
    xor %ebp, %ebp
    call *%r12
    ud2

/* void hal_user_enter(uintptr_t entry, uintptr_t sp, uintptr_t arg) */
    .globl hal_user_enter
hal_user_enter:
    cli
    pushq $0x23                 /* user SS */
    lea -8(%rsi), %rax          /* rsp % 16 == 8, as at a function's entry */
    pushq %rax
    pushq $0x202                /* IF */
    pushq $0x2b                 /* user CS */
    pushq %rdi
    mov %rdx, %rdi
    xor %eax, %eax
    xor %ebx, %ebx
    xor %ecx, %ecx
    xor %edx, %edx
    xor %esi, %esi
    xor %ebp, %ebp
    xor %r8d, %r8d
    xor %r9d, %r9d
    xor %r10d, %r10d
    xor %r11d, %r11d
    xor %r12d, %r12d
    xor %r13d, %r13d
    xor %r14d, %r14d
    xor %r15d, %r15d
    swapgs
    iretq

/* void hal_cpu_idle(void): wait with interrupts on, return with them off */
    .globl hal_cpu_idle
hal_cpu_idle:
    sti
    hlt
    cli
    ret

/* ---------------------------------------------------------------- user copies */

/* int x86_copy_user(void *dst, const void *src, size_t len): 0 or SOS_ERR_BAD_ADDRESS */
    .globl x86_copy_user, x86_copy_user_insn, x86_copy_user_fixup
x86_copy_user:
    mov %rdx, %rcx
    testb $1, g_x86_smap(%rip)
    jz 1f
    stac
1:
x86_copy_user_insn:
    rep movsb
    testb $1, g_x86_smap(%rip)
    jz 2f
    clac
2:  xor %eax, %eax
    ret
x86_copy_user_fixup:
    testb $1, g_x86_smap(%rip)
    jz 3f
    clac
3:  mov $-11, %eax
    ret

/* ---------------------------------------------------------------- the user stub */

/* One page, mapped read+execute into every address space at X86_STUB_VA: the entry
   libsys calls as int64_t fn(uint64_t nr, uint64_t a0, ..., uint64_t a4). */
    .section .user_stub, "ax"
    .balign 4096
    .globl x86_user_stub
x86_user_stub:
    mov %rcx, %r10
    syscall
    ret
    .balign 4096, 0xcc

/* ---------------------------------------------------------------- stacks */

    .bss
    .globl x86_ist_stacks
    .balign 16
x86_ist_stacks:
    .skip 3 * 8192
