/*
 * core/elf.c - validate, map and relocate a static-PIE ELF64 image.
 *
 * Steps: read and check the header and program headers; copy every PT_LOAD segment
 * into one VMO laid out as the image's virtual span; apply RELATIVE relocations inside
 * that VMO; map each segment's pages with its own protection at a free place.
 *
 * Layer: core.
 */
#include "elf_load.h"

#include "mm/heap.h"
#include "proc/process.h"

#define EI_NIDENT 16
#define ET_DYN 3
#define PT_LOAD 1
#define PT_DYNAMIC 2
#define PT_INTERP 3
#define PT_TLS 7
#define PF_X 1
#define PF_W 2
#define PF_R 4
#define DT_NULL 0
#define DT_NEEDED 1
#define DT_PLTRELSZ 2
#define DT_RELA 7
#define DT_RELASZ 8
#define DT_RELAENT 9
#define DT_REL 17
#define DT_RELSZ 18
#define DT_TEXTREL 22
#define DT_JMPREL 23
#define DT_RELRSZ 35
#define R_X86_64_RELATIVE 8
#define R_AARCH64_RELATIVE 1027

struct elf64_ehdr {
    uint8_t ident[EI_NIDENT];
    uint16_t type, machine;
    uint32_t version;
    uint64_t entry, phoff, shoff;
    uint32_t flags;
    uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf64_phdr {
    uint32_t type, flags;
    uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

struct elf64_dyn {
    int64_t tag;
    uint64_t val;
};

struct elf64_rela {
    uint64_t offset, info;
    int64_t addend;
};

/* Say why in *why (the caller's, never a global: two CPUs may load at once). */
static int fail(const char **why, const char *reason, int err)
{
    *why = reason;
    return err;
}

static int check_header(const struct elf64_ehdr *h, uint64_t size, const char **why)
{
    if (h->ident[0] != 0x7f || h->ident[1] != 'E' || h->ident[2] != 'L' || h->ident[3] != 'F')
        return fail(why, "not an ELF file", SOS_ERR_BAD_FORMAT);
    if (h->ident[4] != 2 || h->ident[5] != 1 || h->ident[6] != 1)
        return fail(why, "not a little-endian ELF64 version 1 file", SOS_ERR_BAD_FORMAT);
    if (h->type != ET_DYN)
        return fail(why, "not a position-independent (ET_DYN) image", SOS_ERR_NOT_SUPPORTED);
    if (h->machine != hal_elf_machine())
        return fail(why, "built for another CPU architecture", SOS_ERR_NOT_SUPPORTED);
    if (h->phentsize != sizeof(struct elf64_phdr) || h->phnum == 0 || h->phnum > ELF_MAX_PHDRS)
        return fail(why, "bad program header table size", SOS_ERR_BAD_FORMAT);
    if (h->phoff > size || (uint64_t)h->phnum * sizeof(struct elf64_phdr) > size - h->phoff)
        return fail(why, "program headers lie outside the file", SOS_ERR_BAD_FORMAT);
    return 0;
}

struct layout {
    uint64_t lo, hi; /* page-aligned virtual span */
    const struct elf64_phdr *dyn;
};

static int check_load(const struct elf64_phdr *ph, uint64_t size, uint64_t *prev_end,
                      const char **why)
{
    if (ph->memsz == 0 && ph->filesz == 0)
        return 0; /* empty; one with file bytes but no memory is refused below */
    if ((ph->flags & PF_W) && (ph->flags & PF_X))
        return fail(why, "a segment is writable and executable", SOS_ERR_ACCESS_DENIED);
    if (ph->filesz > ph->memsz || ph->offset > size || ph->filesz > size - ph->offset)
        return fail(why, "a segment lies outside the file", SOS_ERR_BAD_FORMAT);
    if (ph->vaddr % PAGE_SIZE != ph->offset % PAGE_SIZE)
        return fail(why, "a segment is misaligned", SOS_ERR_BAD_FORMAT);
    if (ph->vaddr + ph->memsz < ph->vaddr || ph->vaddr + ph->memsz > ELF_MAX_SPAN)
        return fail(why, "a segment is too large", SOS_ERR_BAD_FORMAT);
    if (ALIGN_DOWN(ph->vaddr, PAGE_SIZE) < *prev_end)
        return fail(why, "segments overlap or share a page", SOS_ERR_BAD_FORMAT);
    *prev_end = ALIGN_UP(ph->vaddr + ph->memsz, PAGE_SIZE);
    return 0;
}

static int check_phdrs(const struct elf64_phdr *ph, unsigned n, uint64_t size,
                       struct layout *l, const char **why)
{
    uint64_t prev_end = 0;
    l->lo = UINT64_MAX;
    l->hi = 0;
    l->dyn = NULL;
    for (unsigned i = 0; i < n; i++) {
        if (ph[i].type == PT_INTERP)
            return fail(why, "needs a dynamic linker (PT_INTERP)", SOS_ERR_NOT_SUPPORTED);
        if (ph[i].type == PT_TLS)
            return fail(why, "uses thread-local storage", SOS_ERR_NOT_SUPPORTED);
        if (ph[i].type == PT_DYNAMIC)
            l->dyn = &ph[i];
        if (ph[i].type != PT_LOAD)
            continue;
        int err = check_load(&ph[i], size, &prev_end, why);
        if (err)
            return err;
        if (ph[i].memsz) {
            l->lo = MIN(l->lo, ALIGN_DOWN(ph[i].vaddr, PAGE_SIZE));
            l->hi = MAX(l->hi, ALIGN_UP(ph[i].vaddr + ph[i].memsz, PAGE_SIZE));
        }
    }
    if (l->hi <= l->lo)
        return fail(why, "no loadable segment", SOS_ERR_BAD_FORMAT);
    return 0;
}

/* Copy segment file bytes from the image into the span VMO, a page at a time. */
static int copy_segments(struct vmo *img, struct vmo *span, const struct elf64_phdr *ph,
                         unsigned n, uint64_t lo)
{
    uint8_t *buf = kmalloc(PAGE_SIZE);
    if (!buf)
        return SOS_ERR_NO_MEMORY;
    int err = 0;
    for (unsigned i = 0; i < n && !err; i++) {
        if (ph[i].type != PT_LOAD)
            continue;
        for (uint64_t done = 0; done < ph[i].filesz && !err; done += PAGE_SIZE) {
            size_t c = MIN(PAGE_SIZE, ph[i].filesz - done);
            err = vmo_read(img, buf, ph[i].offset + done, c);
            if (!err)
                err = vmo_write(span, buf, ph[i].vaddr - lo + done, c);
        }
    }
    kfree(buf);
    return err;
}

static int read_span(struct vmo *span, uint64_t lo, uint64_t vaddr, void *dst, size_t len,
                     const char **why)
{
    if (vaddr < lo || vaddr - lo > span->size || len > span->size - (vaddr - lo))
        return fail(why, "dynamic data lies outside the image", SOS_ERR_BAD_FORMAT);
    return vmo_read(span, dst, vaddr - lo, len);
}

struct relocs {
    uint64_t rela, relasz, relaent;
};

static int read_dynamic(struct vmo *span, const struct layout *l, struct relocs *r,
                        const char **why)
{
    *r = (struct relocs){0, 0, sizeof(struct elf64_rela)};
    if (!l->dyn)
        return 0;
    uint64_t count = l->dyn->filesz / sizeof(struct elf64_dyn);
    for (uint64_t i = 0; i < count && i < 512; i++) {
        struct elf64_dyn d;
        int err = read_span(span, l->lo, l->dyn->vaddr + i * sizeof(d), &d, sizeof(d), why);
        if (err)
            return err;
        if (d.tag == DT_NULL)
            break;
        switch (d.tag) {
        case DT_NEEDED:
            return fail(why, "needs shared libraries (DT_NEEDED)", SOS_ERR_NOT_SUPPORTED);
        case DT_REL:
        case DT_RELSZ:
        case DT_RELRSZ:
            if (d.val)
                return fail(why, "has REL or RELR relocations (only RELA is supported)",
                            SOS_ERR_NOT_SUPPORTED);
            break;
        case DT_PLTRELSZ:
        case DT_JMPREL:
            if (d.val)
                return fail(why, "has PLT relocations (it is not static)", SOS_ERR_NOT_SUPPORTED);
            break;
        case DT_RELA: r->rela = d.val; break;
        case DT_RELASZ: r->relasz = d.val; break;
        case DT_RELAENT: r->relaent = d.val; break;
        default: break;
        }
    }
    if (r->relaent != sizeof(struct elf64_rela))
        return fail(why, "bad DT_RELAENT", SOS_ERR_BAD_FORMAT);
    return 0;
}

static int apply_relocs(struct vmo *span, const struct layout *l, const struct relocs *r,
                        uint64_t base, const char **why)
{
    uint32_t want = hal_elf_machine() == 62 ? R_X86_64_RELATIVE : R_AARCH64_RELATIVE;
    uint64_t span_size = l->hi - l->lo;
    for (uint64_t off = 0; off + sizeof(struct elf64_rela) <= r->relasz; off += sizeof(struct elf64_rela)) {
        struct elf64_rela rel;
        int err = read_span(span, l->lo, r->rela + off, &rel, sizeof(rel), why);
        if (err)
            return err;
        if ((uint32_t)rel.info != want || (rel.info >> 32) != 0)
            return fail(why, "has a relocation other than RELATIVE", SOS_ERR_NOT_SUPPORTED);
        if (rel.offset < l->lo || rel.offset - l->lo > span_size - 8)
            return fail(why, "a relocation points outside the image", SOS_ERR_BAD_FORMAT);
        uint64_t v = base - l->lo + (uint64_t)rel.addend;
        err = vmo_write(span, &v, rel.offset - l->lo, sizeof(v));
        if (err)
            return err;
    }
    return 0;
}

static uint32_t seg_prot(uint32_t flags)
{
    return ((flags & PF_R) ? SOS_VM_READ : 0) | ((flags & PF_W) ? SOS_VM_WRITE : 0) |
           ((flags & PF_X) ? SOS_VM_EXEC | SOS_VM_READ : 0);
}

static int map_segments(struct process *p, struct vmo *span, const struct elf64_phdr *ph,
                        unsigned n, const struct layout *l, uint64_t base)
{
    for (unsigned i = 0; i < n; i++) {
        if (ph[i].type != PT_LOAD || ph[i].memsz == 0)
            continue;
        uint64_t s = ALIGN_DOWN(ph[i].vaddr, PAGE_SIZE);
        uint64_t e = ALIGN_UP(ph[i].vaddr + ph[i].memsz, PAGE_SIZE);
        uintptr_t va = base + (s - l->lo);
        int err = vm_map(p->vm, span, s - l->lo, e - s, seg_prot(ph[i].flags),
                         SOS_VM_PROT_MASK, true, &va);
        if (err) {
            for (unsigned j = 0; j < i; j++) /* undo the ones mapped so far */
                if (ph[j].type == PT_LOAD && ph[j].memsz)
                    vm_unmap(p->vm, base + ALIGN_DOWN(ph[j].vaddr, PAGE_SIZE) - l->lo,
                             ALIGN_UP(ph[j].vaddr + ph[j].memsz, PAGE_SIZE) -
                                 ALIGN_DOWN(ph[j].vaddr, PAGE_SIZE));
            return err;
        }
    }
    return 0;
}

static bool entry_ok(const struct elf64_ehdr *h, const struct elf64_phdr *ph, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        if (ph[i].type == PT_LOAD && (ph[i].flags & PF_X) && h->entry >= ph[i].vaddr &&
            h->entry < ph[i].vaddr + ph[i].memsz)
            return true;
    return false;
}

static int load_span(struct process *p, struct vmo *image, const struct elf64_ehdr *h,
                     const struct elf64_phdr *ph, struct elf_image *out, const char **why)
{
    struct layout l;
    int err = check_phdrs(ph, h->phnum, image->size, &l, why);
    if (err)
        return err;
    if (!entry_ok(h, ph, h->phnum))
        return fail(why, "the entry point is not in an executable segment", SOS_ERR_BAD_FORMAT);
    struct vmo *span = vmo_new(l.hi - l.lo, 0, &err);
    if (!span)
        return err;
    struct relocs r;
    uintptr_t base = vm_find_gap(p->vm, l.hi - l.lo);
    err = base ? 0 : SOS_ERR_NO_RESOURCES;
    if (!err)
        err = copy_segments(image, span, ph, h->phnum, l.lo);
    if (!err)
        err = read_dynamic(span, &l, &r, why);
    if (!err)
        err = apply_relocs(span, &l, &r, base, why);
    if (!err)
        err = map_segments(p, span, ph, h->phnum, &l, base);
    obj_unref(&span->obj); /* the mappings hold it now */
    if (!err)
        *out = (struct elf_image){base, base + (h->entry - l.lo), l.hi - l.lo};
    return err;
}

int elf_load(struct process *p, struct vmo *image, struct elf_image *out, const char **why)
{
    const char *unused;
    if (!why)
        why = &unused;
    *why = "";
    struct elf64_ehdr h;
    if (image->size < sizeof(h))
        return fail(why, "too small to be an ELF file", SOS_ERR_BAD_FORMAT);
    int err = vmo_read(image, &h, 0, sizeof(h));
    if (err)
        return err;
    err = check_header(&h, image->size, why);
    if (err)
        return err;
    struct elf64_phdr *ph = kmalloc(h.phnum * sizeof(*ph));
    if (!ph)
        return SOS_ERR_NO_MEMORY;
    err = vmo_read(image, ph, h.phoff, h.phnum * sizeof(*ph));
    if (!err)
        err = load_span(p, image, &h, ph, out, why);
    kfree(ph);
    return err;
}
