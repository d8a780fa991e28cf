/*
 * hal-x86_64/start.S - the kernel's first instructions.
 *
 * _start: the loader jumps here with %rdi = struct x86_boot (direct-map address) on the
 * loader's page tables; we take our own boot stack and call x86_kernel_main (boot.c),
 * which never returns.
 *
 * Layer: hal-x86_64 (the top: nothing calls in here but the loader).
 */
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

    .bss
    .balign 16
boot_stack:
    .skip 32768
boot_stack_top:
