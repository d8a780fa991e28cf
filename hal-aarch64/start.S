/*
 * hal-aarch64/start.S - the arm64 Image header and the first instructions.
 *
 * The Pi firmware and QEMU's -kernel both load kernel8.img as a Linux arm64 Image:
 * a 64-byte header (code0/code1, text_offset, image_size, flags, magic "ARM\x64"),
 * MMU and D-cache off, x0 = the DTB's physical address, at EL2 or EL1. We:
 *   1. drop from EL2 to EL1 (HCR_EL2.RW, the counters for EL1, FP not trapped),
 *   2. clear .bss and call boot_early() in C at the physical load address (it parses
 *      the DTB and builds the page tables: see boot.c),
 *   3. turn the MMU on with an identity map of the image still in TTBR0, jump to the
 *      kernel's link address in TTBR1, and call hal_main().
 * The code is position independent until the jump, so the image runs wherever it is
 * loaded (only 4 KiB alignment is needed).
 *
 * Layer: hal-aarch64.
 */
#define SCTLR_EL1_OFF 0x30d00800      /* RES1 bits only: MMU, caches off, little endian */
#define SCTLR_EL1_ON 0x30ddd81d       /* M C SA SA0 I DZE UCT nTWI nTWE WXN */
#define TCR_EL1_VALUE 0xb5103510      /* 48-bit TTBR0/TTBR1, 4K granule, WB inner shareable */
#define MAIR_EL1_VALUE 0x04ff00

    .section .text.head, "ax"
    .globl _start
_start:
    b       primary_entry             /* code0 */
    .long   0                         /* code1 */
    .quad   0                         /* text_offset: load at a 2 MiB aligned base */
    .quad   _kernel_size              /* image_size, .bss included */
    .quad   0xa                       /* flags: little endian, 4K pages, anywhere in RAM */
    .quad   0, 0, 0                   /* reserved */
    .ascii  "ARM\x64"                 /* magic */
    .long   0                         /* reserved (PE header offset) */

primary_entry:
    msr     daifset, #0xf
    mov     x19, x0                   /* the DTB */
    isb
    mrs     x23, cntpct_el0           /* for the boot-time figures */
    adr     x20, _start               /* where we were loaded */
    mrs     x1, CurrentEL
    lsr     x1, x1, #2
    mov     x24, x1                   /* the exception level we were entered at */
    cmp     x1, #2
    b.eq    1f
    cmp     x1, #1
    b.eq    2f
0:  wfe                               /* EL3 is not supported */
    b       0b
1:  bl      el2_to_el1
2:  ldr     x1, =SCTLR_EL1_OFF
    msr     sctlr_el1, x1
    isb
    mov     x1, #(3 << 20)            /* CPACR_EL1.FPEN: FP/SIMD not trapped */
    msr     cpacr_el1, x1
    adrp    x1, boot_stack_top
    add     x1, x1, :lo12:boot_stack_top
    mov     sp, x1
    adrp    x1, _bss_start
    add     x1, x1, :lo12:_bss_start
    adrp    x2, _bss_end
    add     x2, x2, :lo12:_bss_end
3:  cmp     x1, x2
    b.hs    4f
    str     xzr, [x1], #8
    b       3b
4:  mov     x0, x19
    mov     x1, x20
    bl      boot_early                /* x0 = TTBR1 root */
    mov     x21, x0
    bl      boot_ttbr0
    mov     x22, x0

    /* Discard any stale cache lines over the image: it was written with caches off. */
    adrp    x1, _kernel_start
    add     x1, x1, :lo12:_kernel_start
    adrp    x2, _kernel_end
    add     x2, x2, :lo12:_kernel_end
    bic     x1, x1, #63
5:  dc      ivac, x1
    add     x1, x1, #64
    cmp     x1, x2
    b.lo    5b
    dsb     sy

    ldr     x1, =MAIR_EL1_VALUE
    msr     mair_el1, x1
    ldr     x1, =TCR_EL1_VALUE
    mrs     x2, id_aa64mmfr0_el1
    and     x2, x2, #7                /* PARange -> TCR.IPS */
    cmp     x2, #5
    mov     x3, #5
    csel    x2, x2, x3, ls            /* 48 bits at most with a 4K granule */
    bfi     x1, x2, #32, #3
    msr     tcr_el1, x1
    msr     ttbr0_el1, x22
    msr     ttbr1_el1, x21
    isb
    tlbi    vmalle1
    dsb     nsh
    isb
    ldr     x1, =SCTLR_EL1_ON
    msr     sctlr_el1, x1
    isb
    ic      iallu
    dsb     nsh
    isb
    ldr     x1, =high_entry
    br      x1

high_entry:
    ldr     x1, =boot_stack_top
    mov     sp, x1
    ldr     x1, =vector_table
    msr     vbar_el1, x1
    isb
    mov     x29, xzr
    mov     x30, xzr
    mov     x0, x19
    mov     x1, x20
    mov     x2, x23
    mov     x3, x24
    bl      hal_main
6:  wfe
    b       6b

/* Leave EL2 for EL1 with EL1 owning the timers, FP and its own translation. */
el2_to_el1:
    mov     x1, #(1 << 31)            /* HCR_EL2.RW: EL1 is AArch64; nothing trapped */
    msr     hcr_el2, x1
    mrs     x1, cnthctl_el2
    orr     x1, x1, #3                /* EL1PCTEN, EL1PCEN */
    msr     cnthctl_el2, x1
    msr     cntvoff_el2, xzr
    mov     x1, #0x33ff               /* CPTR_EL2: RES1 bits, TFP clear */
    msr     cptr_el2, x1
    msr     hstr_el2, xzr
    mrs     x1, midr_el1
    msr     vpidr_el2, x1
    mrs     x1, mpidr_el1
    msr     vmpidr_el2, x1
    mrs     x1, id_aa64pfr0_el1
    ubfx    x1, x1, #24, #4           /* GIC system registers implemented? */
    cbz     x1, 1f
    mrs     x1, s3_4_c12_c9_5         /* ICC_SRE_EL2: let EL1 use them */
    orr     x1, x1, #0xf
    msr     s3_4_c12_c9_5, x1
    isb
1:  ldr     x1, =SCTLR_EL1_OFF
    msr     sctlr_el1, x1
    mov     x1, #0x3c5                /* EL1h, DAIF masked */
    msr     spsr_el2, x1
    adr     x1, 2f
    msr     elr_el2, x1
    eret
2:  ret

    .ltorg

    .section .bss.stack, "aw", %nobits
    .balign 16
boot_stack:
    .space  16384
    .globl  boot_stack_top
boot_stack_top:
