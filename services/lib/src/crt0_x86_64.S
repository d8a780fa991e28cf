/*
 * crt0_x86_64.S - process and thread entry points for x86_64 images.
 *
 * The kernel enters _start with the startup block's address in %rdi and %rsp at the
 * top of the stack, with no return address pushed. We align the stack to 16 bytes and
 * call into C, so the callee sees the System V layout (%rsp + 8 aligned after the call).
 * __sl_thread_entry is the same for threads made by sl_thread_start (%rdi: start record).
 *
 * Layer: services/lib (crt0).
 */
    .text
    .globl _start
    .type _start, @function
_start:
    .cfi_startproc
    .cfi_undefined rip
    endbr64
    xorl %ebp, %ebp
    andq $-16, %rsp
    call __sl_start
    ud2
    .cfi_endproc
    .size _start, . - _start

    .globl __sl_thread_entry
    .type __sl_thread_entry, @function
__sl_thread_entry:
    .cfi_startproc
    .cfi_undefined rip
    endbr64
    xorl %ebp, %ebp
    andq $-16, %rsp
    call __sl_thread_main
    ud2
    .cfi_endproc
    .size __sl_thread_entry, . - __sl_thread_entry

    .section .note.GNU-stack, "", @progbits
