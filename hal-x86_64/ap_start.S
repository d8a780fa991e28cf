/*
 * hal-x86_64/ap_start.S - the start of a secondary CPU, copied below 1 MiB (smp.c).
 *
 * A started CPU runs this page in real mode at base:0 (the SIPI vector is base >> 12).
 * It loads a small GDT, enters protected mode, turns on PAE paging with the boot page
 * tables (below 4 GiB: the kernel half plus an identity map of the first 2 MiB), enters
 * long mode and jumps to x86_ap_entry(cpu) on its own stack. %ebx holds the page's
 * physical base throughout; smp.c patches the absolute addresses into the data block.
 *
 * Layer: hal-x86_64.
 */
    .section .rodata
    .globl x86_ap_tramp, x86_ap_tramp_end
    .globl x86_ap_gdtr, x86_ap_far32, x86_ap_far64, x86_ap_gdt
    .globl x86_ap_cr3, x86_ap_efer, x86_ap_stack, x86_ap_cpu, x86_ap_entry_ptr
    .balign 16
    .code16
x86_ap_tramp:
    cli
    cld
    mov %cs, %ax
    mov %ax, %ds
    xor %ebx, %ebx
    mov %cs, %bx
    shl $4, %ebx
    lgdtl x86_ap_gdtr - x86_ap_tramp
    mov %cr0, %eax
    or $1, %eax
    mov %eax, %cr0
    ljmpl *(x86_ap_far32 - x86_ap_tramp)

    .code32
ap_pm32:
    mov $0x10, %eax
    mov %eax, %ds
    mov %eax, %es
    mov %eax, %ss
    mov %cr4, %eax
    or $0xa0, %eax                  /* PAE, PGE */
    mov %eax, %cr4
    mov (x86_ap_cr3 - x86_ap_tramp)(%ebx), %eax
    mov %eax, %cr3
    mov $0xc0000080, %ecx
    rdmsr
    or (x86_ap_efer - x86_ap_tramp)(%ebx), %eax /* LME, and NXE when used */
    wrmsr
    mov %cr0, %eax
    or $0x80010001, %eax            /* PG, WP, PE */
    mov %eax, %cr0
    ljmpl *(x86_ap_far64 - x86_ap_tramp)(%ebx)

    .code64
ap_lm64:
    mov (x86_ap_stack - x86_ap_tramp)(%rbx), %rsp
    pushq $0                        /* a null return address: C entry alignment */
    mov (x86_ap_cpu - x86_ap_tramp)(%rbx), %rdi
    mov (x86_ap_entry_ptr - x86_ap_tramp)(%rbx), %rax
    xor %ebp, %ebp
    jmp *%rax

    .balign 8
x86_ap_gdt:
    .quad 0
    .quad 0x00cf9a000000ffff        /* 0x08: 32-bit code */
    .quad 0x00cf92000000ffff        /* 0x10: data */
    .quad 0x00af9a000000ffff        /* 0x18: 64-bit code */
x86_ap_gdtr:
    .word 31
    .long 0                         /* patched: base + (gdt - tramp) */
    .balign 8
x86_ap_far32:
    .long ap_pm32 - x86_ap_tramp    /* patched: + base */
    .word 0x08
    .balign 8
x86_ap_far64:
    .long ap_lm64 - x86_ap_tramp    /* patched: + base */
    .word 0x18
    .balign 8
x86_ap_cr3: .quad 0
x86_ap_efer: .quad 0
x86_ap_stack: .quad 0
x86_ap_cpu: .quad 0
x86_ap_entry_ptr: .quad 0
x86_ap_tramp_end:
    .code64
