/*
 * tests/hal/th_elf.c - build small static-PIE ELF64 images for loader and spawn tests.
 *
 * Layout (vaddr == file offset): page 0 holds the ELF header, three program headers
 * and the "code"; page 1 holds the data: the dynamic section, RELA entries and the
 * 8-byte slots they relocate.
 */
#include <elf.h>
#include <string.h>

#include "th.h"

#define PG 4096u

size_t th_elf_build(uint8_t *buf, size_t cap, const struct th_elf_opts *o)
{
    if (cap < 2 * PG)
        return 0;
    memset(buf, 0, 2 * PG);
    Elf64_Ehdr *eh = (Elf64_Ehdr *)buf;
    memcpy(eh->e_ident, ELFMAG, SELFMAG);
    eh->e_ident[EI_CLASS] = ELFCLASS64;
    eh->e_ident[EI_DATA] = ELFDATA2LSB;
    eh->e_ident[EI_VERSION] = EV_CURRENT;
    eh->e_type = o->type ? o->type : ET_DYN;
#if defined(__x86_64__)
    eh->e_machine = o->machine ? o->machine : EM_X86_64;
#else
    eh->e_machine = o->machine ? o->machine : EM_AARCH64;
#endif
    eh->e_version = EV_CURRENT;
    eh->e_entry = 0x800 + o->entry_off;
    eh->e_phoff = sizeof(Elf64_Ehdr);
    eh->e_ehsize = sizeof(Elf64_Ehdr);
    eh->e_phentsize = sizeof(Elf64_Phdr);
    eh->e_phnum = 3;
    Elf64_Phdr *ph = (Elf64_Phdr *)(buf + eh->e_phoff);
    ph[0] = (Elf64_Phdr){PT_LOAD, o->text_flags ? o->text_flags : PF_R | PF_X, 0, 0, 0, PG, PG, PG};
    ph[1] = (Elf64_Phdr){PT_LOAD, PF_R | PF_W, PG, PG, PG, PG, PG + PG, PG};
    Elf64_Dyn *dyn = (Elf64_Dyn *)(buf + PG);
    Elf64_Rela *rela = (Elf64_Rela *)(buf + PG + 0x100);
    int n = o->nrelocs;
#if defined(__x86_64__)
    uint32_t rel_type = R_X86_64_RELATIVE;
#else
    uint32_t rel_type = R_AARCH64_RELATIVE;
#endif
    for (int i = 0; i < n; i++) {
        uint32_t t = (i == 0 && o->bad_reloc_type) ? o->bad_reloc_type : rel_type;
        rela[i] = (Elf64_Rela){PG + 0x800 + 8 * i, ELF64_R_INFO(0, t), 0x800 + i};
    }
    dyn[0] = (Elf64_Dyn){DT_RELA, {PG + 0x100}};
    dyn[1] = (Elf64_Dyn){DT_RELASZ, {n * sizeof(Elf64_Rela)}};
    dyn[2] = (Elf64_Dyn){DT_RELAENT, {sizeof(Elf64_Rela)}};
    dyn[3] = (Elf64_Dyn){DT_NULL, {0}};
    ph[2] = (Elf64_Phdr){PT_DYNAMIC, PF_R | PF_W, PG, PG, PG, 4 * sizeof(Elf64_Dyn),
                         4 * sizeof(Elf64_Dyn), 8};
    buf[0x800] = 0xc3; /* ret */
    return 2 * PG;
}

sos_handle_t th_elf_vmo(const struct th_elf_opts *o, size_t *len)
{
    uint8_t *buf = th_umem(2 * PG);
    size_t n = th_elf_build(buf, 2 * PG, o);
    sos_handle_t *h = th_umem(sizeof(*h));
    if (u_vmo_create(n, 0, h) != 0 || u_vmo_write(*h, buf, 0, n) != 0)
        return 0;
    if (len)
        *len = n;
    return *h;
}
