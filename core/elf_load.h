/*
 * core/elf_load.h - the ELF64 loader for static-PIE user images.
 *
 * Accepts ET_DYN images for this platform's machine with PT_LOAD segments (never
 * writable and executable at once, not sharing pages), an optional PT_DYNAMIC whose
 * only relocations are RELATIVE ones in DT_RELA, and nothing that needs a dynamic
 * linker (PT_INTERP, DT_NEEDED, symbol relocations) or thread-local storage. Every
 * offset and size is checked against the image before it is used.
 *
 * Layer: core.
 */
#ifndef CORE_ELF_H
#define CORE_ELF_H

#include "mm/vmo.h"

struct process;

#define ELF_MAX_PHDRS 32u
#define ELF_MAX_SPAN (256u << 20) /* an image spans at most 256 MiB */

struct elf_image {
    uintptr_t base;  /* where it was mapped */
    uintptr_t entry; /* absolute entry point */
    uint64_t span;
};

/*
 * Load `image` into p's address space. On error nothing stays mapped. *why (when `why`
 * is not NULL) is set to a static string: "" on success or when the failure was not the
 * image's fault (out of memory), else what is wrong with the image ("not an ELF file").
 */
int elf_load(struct process *p, struct vmo *image, struct elf_image *out, const char **why);

#endif
