/*
 * crt0_aarch64.S - process and thread entry points for aarch64 images.
 *
 * The kernel enters _start with the startup block's address in x0 and sp at the top of
 * the stack. We clear the frame pointer and link register (the end of the frame chain),
 * align sp to 16 bytes (AAPCS64) and call into C. __sl_thread_entry is the same for
 * threads made by sl_thread_start (x0: start record).
 *
 * Layer: services/lib (crt0).
 */
    .text
    .globl _start
    .type _start, %function
_start:
    .cfi_startproc
    .cfi_undefined x30
    mov x29, #0
    mov x30, #0
    mov x9, sp
    and x9, x9, #~15
    mov sp, x9
    bl __sl_start
    brk #1
    .cfi_endproc
    .size _start, . - _start

    .globl __sl_thread_entry
    .type __sl_thread_entry, %function
__sl_thread_entry:
    .cfi_startproc
    .cfi_undefined x30
    mov x29, #0
    mov x30, #0
    mov x9, sp
    and x9, x9, #~15
    mov sp, x9
    bl __sl_thread_main
    brk #1
    .cfi_endproc
    .size __sl_thread_entry, . - __sl_thread_entry

    .section .note.GNU-stack, "", %progbits
