/*
 * hal-x86_64/entry.S - every way into and out of the kernel.
 *
 * _start: the loader jumps here with %rdi = struct x86_boot (direct-map address) on the
 * loader's page tables; we take our own boot stack and call x86_kernel_main.
 * Exceptions and interrupts: 256 stubs push a vector (and a zero error code where the
 * CPU pushes none) and share isr_common, which saves the registers into a struct
 * trap_frame, swaps %gs when user code was interrupted, and calls x86_trap.
 * syscall: the entry swaps %gs, switches to the thread's kernel stack and calls
 * core_syscall(nr, a0..a4) (the user's %r10 carries a2, the C ABI's %rcx).
 * Contexts: hal_context_switch saves the callee-saved registers and the FPU/SSE state
 * on the old stack. hal_user_enter leaves for ring 3 with iretq.
 * hal_copy_*: rep movsb between stac/clac, with a fault fixup (see trap.c).
 *
 * Layer: hal-x86_64.
 */
#define PCPU_KSTACK 8
#define PCPU_USER_RSP 16

    .section .text.boot, "ax"
    .globl _start
_start:
    cli
    cld
    lea boot_stack_top(%rip), %rsp
    xor %ebp, %ebp
    call x86_kernel_main
1:  hlt
    jmp 1b

/* ---------------------------------------------------------------- traps */

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
    movabs $0x00007fffffffc000, %rax /* X86_FS_VA (x86.h) */
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
    .balign 16
boot_stack:
    .skip 32768
boot_stack_top:
    .globl x86_ist_stacks
    .balign 16
x86_ist_stacks:
    .skip 3 * 8192
