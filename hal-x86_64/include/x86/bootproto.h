/*
 * hal-x86_64/include/x86/bootproto.h - what the UEFI stage hands the kernel.
 *
 * The UEFI stage (hal-x86_64/boot/loader.c, a PE application) loads kernel.elf and the
 * boot files into LoaderData pages, builds the first page tables (the direct map of
 * physical memory, the kernel image at its link address with per-segment permissions,
 * and an identity page for the hand-off code), exits boot services and jumps to the
 * kernel's _start with %rdi = the direct-map address of one struct x86_boot.
 *
 * Everything the kernel must keep (its image, this struct, the memory map copy, the
 * page tables, the boot files) lies in EfiLoaderData pages; the kernel never gives
 * those to the core. Shared by the loader (clang, MS ABI) and the kernel (gcc): only
 * fixed-width fields.
 *
 * Layer: hal-x86_64 boot protocol.
 */
#ifndef X86_BOOTPROTO_H
#define X86_BOOTPROTO_H

#include <stdint.h>

/* The kernel's fixed virtual layout (also in hal-x86_64/kernel.ld). */
#define X86_DIRECT_BASE 0xffff800000000000ull /* physical memory, PML4 slots 256.. */
#define X86_MMIO_BASE 0xffffc00000000000ull   /* device windows, PML4 slot 384 */
#define X86_KERNEL_BASE 0xffffffff80000000ull /* the kernel image, PML4 slot 511 */
#define X86_DIRECT_MAX (64ull << 40)          /* at most 64 TiB are direct-mapped */

#define X86_BOOT_MAGIC 0x544f4f4258534f53ull /* "SOSXBOOT" */
#define X86_BOOT_VERSION 1u

/* UEFI memory types the kernel cares about. */
#define X86_EFI_LOADER_CODE 1u
#define X86_EFI_LOADER_DATA 2u
#define X86_EFI_BOOT_CODE 3u
#define X86_EFI_BOOT_DATA 4u
#define X86_EFI_CONVENTIONAL 7u
#define X86_EFI_ACPI_RECLAIM 9u

#define X86_BOOT_CMDLINE_MAX 256

struct x86_boot_file {
    uint64_t pa;   /* physical address, page aligned, or 0 when absent */
    uint64_t size; /* bytes */
};

struct x86_boot {
    uint64_t magic;
    uint32_t version;
    uint32_t size; /* sizeof(struct x86_boot) */
    /* the UEFI memory map as GetMemoryMap returned it before ExitBootServices */
    uint64_t mmap_pa;
    uint64_t mmap_size;
    uint64_t mmap_desc_size;
    /* the kernel image: [kernel_pa, kernel_pa + kernel_size) holds the span that
       starts at virtual kernel_va */
    uint64_t kernel_pa;
    uint64_t kernel_size;
    uint64_t kernel_va;
    uint64_t pml4_pa;        /* the page tables in use at entry */
    uint64_t direct_size;    /* bytes of physical memory mapped at X86_DIRECT_BASE */
    uint64_t handoff_pa;     /* the identity-mapped hand-off page (unmap it) */
    uint32_t nx;             /* 1 when the tables use the NX bit (EFER.NXE is set) */
    uint32_t reserved;
    struct x86_boot_file bootstore;
    struct x86_boot_file init;
    uint64_t rsdp_pa;        /* ACPI RSDP, or 0 */
    /* the GOP framebuffer (format 1 = XRGB8888), base 0 when there is none */
    uint64_t fb_base;
    uint64_t fb_size;
    uint32_t fb_width, fb_height, fb_stride, fb_format;
    uint64_t tsc_loader;     /* TSC when the loader started */
    uint64_t tsc_exit;       /* TSC just before the jump to the kernel */
    /* "kernel options [-- init arguments]" from cmdline.txt or the load options */
    char cmdline[X86_BOOT_CMDLINE_MAX];
    char init_name[64];      /* the file loaded as init, for messages */
};

#endif
