/*
 * core/elf_test.c - the static-PIE loader: every header and program-header check one
 * by one, dynamic tags, relocations (applied, refused), where things land and with what
 * protection, and that a refused image leaves nothing mapped.
 *
 * Most cases call elf_load() directly on a fresh process, so each refusal is seen with
 * its exact error and reason; one case spawns the image and reads the relocated words
 * from inside the child (th_user_main).
 */
#include "th.h"

#include "elf_load.h"
#include "lib/kstring.h"
#include "mm/vm.h"
#include "proc/process.h"

extern void (*th_user_main)(uintptr_t startup); /* the test HAL's user-mode hook */

#define PG 4096u

/* ELF64 as th_elf_build lays it out: header, 3 program headers, code at 0x800 of page
 * 0; dynamic section at page 1, RELA entries at +0x100, relocated slots at +0x800. */
struct t_ehdr {
    uint8_t ident[16];
    uint16_t type, machine;
    uint32_t version;
    uint64_t entry, phoff, shoff;
    uint32_t flags;
    uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};
struct t_phdr {
    uint32_t type, flags;
    uint64_t offset, vaddr, paddr, filesz, memsz, align;
};
struct t_dyn {
    int64_t tag;
    uint64_t val;
};
struct t_rela {
    uint64_t offset, info;
    int64_t addend;
};

#define PT_LOAD 1
#define PT_DYNAMIC 2
#define PT_INTERP 3
#define PT_NOTE 4
#define PT_TLS 7
#define PF_X 1
#define PF_W 2
#define PF_R 4

#define EH(b) ((struct t_ehdr *)(void *)(b))
#define PH(b) ((struct t_phdr *)(void *)((b) + 64))
#define DYN(b) ((struct t_dyn *)(void *)((b) + PG))
#define RELA(b) ((struct t_rela *)(void *)((b) + PG + 0x100))
#define SLOT(b, i) ((uint64_t *)(void *)((b) + PG + 0x800 + 8 * (i)))

static uint8_t g_img[2 * PG];

/* What a load left behind, captured under the lock. */
static struct {
    int err;
    const char *why;
    uint32_t nmaps;
    struct elf_image img;
    uint32_t text_prot, data_prot, bss_prot;
    uint64_t slots[8];
    uint64_t text_word; /* the 8 bytes at text 0x900 */
    bool bss_zero;
} g_r;

/* Load g_img[0..len) into a fresh process with elf_load and record what happened. */
static int load(size_t len)
{
    memset(&g_r, 0, sizeof(g_r));
    klock_acquire();
    int err;
    struct vmo *v = vmo_new(len, 0, &err);
    if (v && len)
        err = vmo_write(v, g_img, 0, len);
    struct process *p = v ? process_new("elf-test", &err) : NULL;
    if (p) {
        g_r.err = elf_load(p, v, &g_r.img, &g_r.why);
        g_r.nmaps = p->vm->nmaps;
        if (!g_r.err) {
            uintptr_t b = g_r.img.base;
            struct vm_mapping *m;
            g_r.text_prot = (m = vm_lookup(p->vm, b)) ? m->prot : 99;
            g_r.data_prot = (m = vm_lookup(p->vm, b + PG)) ? m->prot : 99;
            g_r.bss_prot = (m = vm_lookup(p->vm, b + 3 * PG - 1)) ? m->prot : 99;
            memcpy(g_r.slots, (const void *)(b + PG + 0x800), sizeof(g_r.slots));
            memcpy(&g_r.text_word, (const void *)(b + 0x900), 8);
            g_r.bss_zero = true;
            for (size_t i = 0; i < PG / 8; i++)
                g_r.bss_zero &= ((const uint64_t *)(b + 2 * PG))[i] == 0;
        }
        obj_unref(&p->obj);
    }
    if (v)
        obj_unref(&v->obj);
    klock_release();
    assert_non_null(v);
    assert_non_null(p);
    if (g_r.err)
        assert_int_equal(g_r.nmaps, 0); /* a refused image leaves nothing mapped */
    return g_r.err;
}

static void build(const struct th_elf_opts *o)
{
    assert_int_equal(th_elf_build(g_img, sizeof(g_img), o), 2 * PG);
}

/* Append a dynamic tag before DT_NULL. */
static void add_dyn(uint8_t *b, int64_t tag, uint64_t val)
{
    struct t_dyn *d = DYN(b);
    unsigned n = 0;
    while (d[n].tag != 0)
        n++;
    d[n] = (struct t_dyn){tag, val};
    d[n + 1] = (struct t_dyn){0, 0};
    PH(b)[2].filesz += sizeof(struct t_dyn);
    PH(b)[2].memsz += sizeof(struct t_dyn);
}

/* ---- one refusal per row: a patch to the default image and the exact error */

struct row {
    const char *name;
    void (*patch)(uint8_t *b);
    int nrelocs;
    int err;
    const char *why; /* a part of the reason elf_load gives */
};

static void p_magic0(uint8_t *b) { b[0] = 0x7e; }
static void p_magic1(uint8_t *b) { b[1] = 'e'; }
static void p_magic2(uint8_t *b) { b[2] = 'l'; }
static void p_magic3(uint8_t *b) { b[3] = 'G'; }
static void p_class32(uint8_t *b) { b[4] = 1; }
static void p_big_endian(uint8_t *b) { b[5] = 2; }
static void p_ident_version(uint8_t *b) { b[6] = 0; }
static void p_type_exec(uint8_t *b) { EH(b)->type = 2; }
static void p_type_rel(uint8_t *b) { EH(b)->type = 1; }
static void p_type_core(uint8_t *b) { EH(b)->type = 4; }
static void p_type_none(uint8_t *b) { EH(b)->type = 0; }
static void p_machine_none(uint8_t *b) { EH(b)->machine = 0; }
static void p_machine_386(uint8_t *b) { EH(b)->machine = 3; }
static void p_machine_other(uint8_t *b) { EH(b)->machine = hal_elf_machine() == 62 ? 183 : 62; }
static void p_phentsize_0(uint8_t *b) { EH(b)->phentsize = 0; }
static void p_phentsize_55(uint8_t *b) { EH(b)->phentsize = 55; }
static void p_phentsize_64(uint8_t *b) { EH(b)->phentsize = 64; }
static void p_phnum_0(uint8_t *b) { EH(b)->phnum = 0; }
static void p_phnum_33(uint8_t *b) { EH(b)->phnum = 33; }
static void p_phnum_huge(uint8_t *b) { EH(b)->phnum = 0xffff; }
static void p_phoff_past_end(uint8_t *b) { EH(b)->phoff = 2 * PG; }
static void p_phoff_crosses_end(uint8_t *b) { EH(b)->phoff = 2 * PG - 100; }
static void p_phoff_huge(uint8_t *b) { EH(b)->phoff = UINT64_MAX - 10; }
static void p_interp(uint8_t *b) { PH(b)[2].type = PT_INTERP; }
static void p_tls(uint8_t *b) { PH(b)[2].type = PT_TLS; }
static void p_text_wx(uint8_t *b) { PH(b)[0].flags = PF_R | PF_W | PF_X; }
static void p_data_wx(uint8_t *b) { PH(b)[1].flags = PF_W | PF_X; }
static void p_filesz_gt_memsz(uint8_t *b) { PH(b)[0].filesz = PG + 1; }
static void p_offset_past_end(uint8_t *b) { PH(b)[1].offset = 3 * PG; PH(b)[1].vaddr = 3 * PG; }
static void p_filesz_past_end(uint8_t *b) { PH(b)[1].filesz = PG + 8; }
static void p_offset_huge(uint8_t *b) { PH(b)[1].offset = UINT64_MAX - PG + 1; }
static void p_misaligned(uint8_t *b) { PH(b)[1].vaddr = PG + 8; }
static void p_vaddr_wraps(uint8_t *b)
{
    PH(b)[1].vaddr = UINT64_MAX - PG + 1; /* congruent with offset PG */
}
static void p_span_too_big(uint8_t *b) { PH(b)[1].memsz = 256u << 20; }
static void p_overlap(uint8_t *b) { PH(b)[0].memsz = 2 * PG; }
static void p_share_page(uint8_t *b) { PH(b)[0].memsz = PG + 1; }
static void p_out_of_order(uint8_t *b)
{
    struct t_phdr t = PH(b)[0];
    PH(b)[0] = PH(b)[1];
    PH(b)[1] = t;
}
static void p_no_load(uint8_t *b) { PH(b)[0].type = PT_NOTE; PH(b)[1].type = PT_NOTE; }
static void p_all_empty(uint8_t *b)
{
    for (int i = 0; i < 2; i++)
        PH(b)[i].filesz = PH(b)[i].memsz = 0;
}
/* a PT_LOAD of no memory that still names file bytes (here: over the entry code) */
static void p_empty_segment_with_file_bytes(uint8_t *b)
{
    EH(b)->phnum = 4;
    PH(b)[3] = (struct t_phdr){PT_LOAD, PF_R, 0, 0x800, 0x800, 16, 0, PG};
}
static void p_entry_in_data(uint8_t *b) { EH(b)->entry = PG + 0x10; }
static void p_entry_at_text_end(uint8_t *b) { EH(b)->entry = PG; }
static void p_entry_in_bss(uint8_t *b) { EH(b)->entry = 3 * PG - 8; }
static void p_entry_huge(uint8_t *b) { EH(b)->entry = UINT64_MAX; }
static void p_dt_needed(uint8_t *b) { add_dyn(b, 1, 5); }
static void p_dt_rel(uint8_t *b) { add_dyn(b, 17, PG + 0x200); }
static void p_dt_relsz(uint8_t *b) { add_dyn(b, 18, 16); }
static void p_dt_relrsz(uint8_t *b) { add_dyn(b, 35, 8); }
static void p_dt_pltrelsz(uint8_t *b) { add_dyn(b, 2, 24); }
static void p_dt_jmprel(uint8_t *b) { add_dyn(b, 23, PG + 0x300); }
static void p_dt_relaent(uint8_t *b) { DYN(b)[2].val = 16; }
static void p_dynamic_outside(uint8_t *b) { PH(b)[2].vaddr = 100 * PG; }
static void p_rela_outside(uint8_t *b) { DYN(b)[0].val = 50 * PG; }
static void p_rela_wraps(uint8_t *b) { DYN(b)[0].val = UINT64_MAX - 8; }
static void p_reloc_symbol(uint8_t *b) { RELA(b)[1].info |= 1ull << 32; }
static void p_reloc_type_64(uint8_t *b) { RELA(b)[0].info = 1; }
static void p_reloc_none(uint8_t *b) { RELA(b)[1].info = 0; }
static void p_reloc_outside(uint8_t *b) { RELA(b)[1].offset = 3 * PG; } /* = span end */
static void p_reloc_crosses_end(uint8_t *b) { RELA(b)[1].offset = 3 * PG - 4; }
static void p_reloc_huge(uint8_t *b) { RELA(b)[1].offset = UINT64_MAX - 3; }

#define BADF SOS_ERR_BAD_FORMAT
#define NSUP SOS_ERR_NOT_SUPPORTED
static const struct row g_rows[] = {
    {"magic byte 0", p_magic0, 0, BADF, "not an ELF"},
    {"magic byte 1", p_magic1, 0, BADF, "not an ELF"},
    {"magic byte 2", p_magic2, 0, BADF, "not an ELF"},
    {"magic byte 3", p_magic3, 0, BADF, "not an ELF"},
    {"ELFCLASS32", p_class32, 0, BADF, "ELF64"},
    {"big endian", p_big_endian, 0, BADF, "little-endian"},
    {"ident version 0", p_ident_version, 0, BADF, "version 1"},
    {"type ET_EXEC", p_type_exec, 0, NSUP, "ET_DYN"},
    {"type ET_REL", p_type_rel, 0, NSUP, "ET_DYN"},
    {"type ET_CORE", p_type_core, 0, NSUP, "ET_DYN"},
    {"type ET_NONE", p_type_none, 0, NSUP, "ET_DYN"},
    {"machine EM_NONE", p_machine_none, 0, NSUP, "architecture"},
    {"machine EM_386", p_machine_386, 0, NSUP, "architecture"},
    {"machine of the other 64-bit port", p_machine_other, 0, NSUP, "architecture"},
    {"phentsize 0", p_phentsize_0, 0, BADF, "table size"},
    {"phentsize 55", p_phentsize_55, 0, BADF, "table size"},
    {"phentsize 64", p_phentsize_64, 0, BADF, "table size"},
    {"phnum 0", p_phnum_0, 0, BADF, "table size"},
    {"phnum 33", p_phnum_33, 0, BADF, "table size"},
    {"phnum 65535", p_phnum_huge, 0, BADF, "table size"},
    {"phoff past the end", p_phoff_past_end, 0, BADF, "outside the file"},
    {"phdr table crosses the end", p_phoff_crosses_end, 0, BADF, "outside the file"},
    {"phoff near 2^64", p_phoff_huge, 0, BADF, "outside the file"},
    {"PT_INTERP", p_interp, 0, NSUP, "PT_INTERP"},
    {"PT_TLS", p_tls, 0, NSUP, "thread-local"},
    {"text W+X", p_text_wx, 0, SOS_ERR_ACCESS_DENIED, "writable and executable"},
    {"data W+X", p_data_wx, 0, SOS_ERR_ACCESS_DENIED, "writable and executable"},
    {"filesz > memsz", p_filesz_gt_memsz, 0, BADF, "outside the file"},
    {"segment offset past the end", p_offset_past_end, 0, BADF, "outside the file"},
    {"segment bytes past the end", p_filesz_past_end, 0, BADF, "outside the file"},
    {"segment offset near 2^64", p_offset_huge, 0, BADF, "outside the file"},
    {"vaddr and offset disagree mod page", p_misaligned, 0, BADF, "misaligned"},
    {"segment wraps the address space", p_vaddr_wraps, 0, BADF, "too large"},
    {"span of 256 MiB and more", p_span_too_big, 0, BADF, "too large"},
    {"segments overlap", p_overlap, 0, BADF, "overlap"},
    {"segments share a page", p_share_page, 0, BADF, "share a page"},
    {"segments out of order", p_out_of_order, 0, BADF, "overlap"},
    {"no PT_LOAD", p_no_load, 0, BADF, "no loadable"},
    {"only empty PT_LOADs", p_all_empty, 0, BADF, "no loadable"},
    {"empty PT_LOAD with file bytes", p_empty_segment_with_file_bytes, 0, BADF, "outside the file"},
    {"entry in the data segment", p_entry_in_data, 0, BADF, "entry point"},
    {"entry just past the text", p_entry_at_text_end, 0, BADF, "entry point"},
    {"entry in the bss", p_entry_in_bss, 0, BADF, "entry point"},
    {"entry at 2^64-1", p_entry_huge, 0, BADF, "entry point"},
    {"DT_NEEDED", p_dt_needed, 0, NSUP, "DT_NEEDED"},
    {"DT_REL", p_dt_rel, 0, NSUP, "only RELA"},
    {"DT_RELSZ", p_dt_relsz, 0, NSUP, "only RELA"},
    {"DT_RELRSZ", p_dt_relrsz, 0, NSUP, "only RELA"},
    {"DT_PLTRELSZ", p_dt_pltrelsz, 0, NSUP, "PLT"},
    {"DT_JMPREL", p_dt_jmprel, 0, NSUP, "PLT"},
    {"DT_RELAENT 16", p_dt_relaent, 0, BADF, "RELAENT"},
    {"PT_DYNAMIC outside the image", p_dynamic_outside, 0, BADF, "outside the image"},
    {"DT_RELA outside the image", p_rela_outside, 2, BADF, "outside the image"},
    {"DT_RELA near 2^64", p_rela_wraps, 2, BADF, "outside the image"},
    {"relocation with a symbol", p_reloc_symbol, 2, NSUP, "other than RELATIVE"},
    {"relocation R_*_64", p_reloc_type_64, 2, NSUP, "other than RELATIVE"},
    {"relocation R_*_NONE", p_reloc_none, 2, NSUP, "other than RELATIVE"},
    {"relocation outside the image", p_reloc_outside, 2, BADF, "outside the image"},
    {"relocation crossing the end", p_reloc_crosses_end, 2, BADF, "outside the image"},
    {"relocation near 2^64", p_reloc_huge, 2, BADF, "outside the image"},
};

static void test_refused(void **state)
{
    const struct row *r = *state;
    struct th_elf_opts o = {.nrelocs = r->nrelocs};
    build(&o);
    r->patch(g_img);
    assert_int_equal(load(2 * PG), r->err);
    if (!th_contains(g_r.why, r->why))
        fail_msg("reason \"%s\" does not mention \"%s\"", g_r.why, r->why);
}

/* ---- whole-image cases */

static void test_empty_image(void **state)
{
    (void)state;
    assert_int_equal(load(0), SOS_ERR_BAD_FORMAT);
    assert_string_equal(g_r.why, "too small to be an ELF file");
}

static void test_truncated_header(void **state)
{
    (void)state;
    struct th_elf_opts o = {0};
    build(&o);
    assert_int_equal(load(63), SOS_ERR_BAD_FORMAT); /* the VMO pads with zeros */
}

static void test_loads_and_lays_out(void **state)
{
    (void)state;
    struct th_elf_opts o = {.entry_off = 0x10};
    build(&o);
    assert_int_equal(load(2 * PG), 0);
    assert_string_equal(g_r.why, "");
    assert_true(g_r.img.base != 0 && g_r.img.base % PG == 0);
    assert_int_equal(g_r.img.entry, g_r.img.base + 0x810);
    assert_int_equal(g_r.img.span, 3 * PG); /* text, data, bss */
    assert_int_equal(g_r.nmaps, 2); /* one mapping per PT_LOAD */
    assert_int_equal(g_r.text_prot, SOS_VM_READ | SOS_VM_EXEC);
    assert_int_equal(g_r.data_prot, SOS_VM_READ | SOS_VM_WRITE);
    assert_int_equal(g_r.bss_prot, SOS_VM_READ | SOS_VM_WRITE);
    assert_true(g_r.bss_zero);
}

static void test_entry_at_text_start(void **state)
{
    (void)state;
    struct th_elf_opts o = {.entry_off = (uint64_t)-0x800};
    build(&o);
    assert_int_equal(load(2 * PG), 0);
    assert_int_equal(g_r.img.entry, g_r.img.base);
}

static void test_relocations_applied(void **state)
{
    (void)state;
    struct th_elf_opts o = {.nrelocs = 6};
    build(&o);
    assert_int_equal(load(2 * PG), 0);
    for (int i = 0; i < 6; i++)
        assert_int_equal(g_r.slots[i], g_r.img.base + 0x800 + (uint64_t)i);
    assert_int_equal(g_r.slots[6], 0); /* only those named */
}

static void reloc_into_text(uint8_t *b)
{
    RELA(b)[1].offset = 0x900;
    RELA(b)[1].addend = 0x1234;
}

static void test_relocation_into_text(void **state)
{
    (void)state;
    struct th_elf_opts o = {.nrelocs = 2};
    build(&o);
    reloc_into_text(g_img);
    assert_int_equal(load(2 * PG), 0);
    assert_int_equal(g_r.text_word, g_r.img.base + 0x1234);
    assert_int_equal(g_r.text_prot, SOS_VM_READ | SOS_VM_EXEC); /* and it stays read-only */
}

static void test_relocation_at_last_word(void **state)
{
    (void)state;
    struct th_elf_opts o = {.nrelocs = 2};
    build(&o);
    RELA(g_img)[1].offset = 3 * PG - 8; /* the last word of the bss */
    assert_int_equal(load(2 * PG), 0);
}

/* Every address in the image moved up by 64 KiB: lo is no longer 0. */
static void test_link_address_above_zero(void **state)
{
    (void)state;
    const uint64_t up = 0x10000;
    struct th_elf_opts o = {.nrelocs = 3};
    build(&o);
    EH(g_img)->entry += up;
    for (int i = 0; i < 3; i++)
        PH(g_img)[i].vaddr += up;
    DYN(g_img)[0].val += up;
    for (int i = 0; i < 3; i++) {
        RELA(g_img)[i].offset += up;
        RELA(g_img)[i].addend += (int64_t)up;
    }
    assert_int_equal(load(2 * PG), 0);
    assert_int_equal(g_r.img.entry, g_r.img.base + 0x800);
    assert_int_equal(g_r.img.span, 3 * PG); /* text, data, bss */
    for (int i = 0; i < 3; i++)
        assert_int_equal(g_r.slots[i], g_r.img.base + 0x800 + (uint64_t)i);
}

static void test_ignored_tags(void **state)
{
    (void)state;
    struct th_elf_opts o = {.nrelocs = 1};
    build(&o);
    add_dyn(g_img, 17, 0);  /* DT_REL of 0: nothing to do */
    add_dyn(g_img, 22, 0);  /* DT_TEXTREL */
    add_dyn(g_img, 21, 0);  /* DT_DEBUG */
    add_dyn(g_img, 30, 8);  /* DT_FLAGS */
    add_dyn(g_img, 0x6ffffffb, 0x08000000); /* DT_FLAGS_1: PIE */
    assert_int_equal(load(2 * PG), 0);
    assert_int_equal(g_r.slots[0], g_r.img.base + 0x800);
}

static void no_dynamic(uint8_t *b) { PH(b)[2].type = PT_NOTE; }

static void test_no_dynamic_section(void **state)
{
    (void)state;
    struct th_elf_opts o = {.nrelocs = 2};
    build(&o);
    no_dynamic(g_img);
    assert_int_equal(load(2 * PG), 0);
    assert_int_equal(g_r.slots[0], 0); /* no DT_RELA: nothing relocated */
}

static void test_full_phdr_table(void **state)
{
    (void)state;
    struct th_elf_opts o = {0};
    build(&o);
    EH(g_img)->phnum = 32; /* the rest are PT_NULL */
    assert_int_equal(load(2 * PG), 0);
}

/* ---- through spawn: the child reads its own relocated words */

static uint64_t g_child_slots[4], g_child_base;
static bool g_child_ran;

static void read_own_slots(uintptr_t startup)
{
    const struct sos_startup *sb = (const struct sos_startup *)startup;
    g_child_base = sb->image_base;
    memcpy(g_child_slots, (const void *)(uintptr_t)(sb->image_base + PG + 0x800),
           sizeof(g_child_slots));
    g_child_ran = true;
}

static void test_relocations_seen_by_child(void **state)
{
    (void)state;
    g_child_ran = false;
    th_user_main = read_own_slots;
    struct th_elf_opts o = {.nrelocs = 4};
    struct sos_spawn_args *a = th_umem(sizeof(*a) + 8);
    char *name = (char *)(a + 1);
    memcpy(name, "rel", 4);
    *a = (struct sos_spawn_args){.image = th_elf_vmo(&o, NULL), .name = name};
    sos_handle_t *out = th_umem(sizeof(*out));
    assert_int_equal(u_process_spawn(a, out), 0);
    assert_int_equal(u_object_wait_one(*out, SOS_SIG_TERMINATED, SOS_TIME_INFINITE, NULL), 0);
    assert_true(g_child_ran);
    assert_true(g_child_base != 0);
    for (int i = 0; i < 4; i++)
        assert_int_equal(g_child_slots[i], g_child_base + 0x800 + (uint64_t)i);
}

int main(void)
{
    enum { NROWS = sizeof(g_rows) / sizeof(g_rows[0]) };
    static struct CMUnitTest tests[NROWS + 16];
    static char names[NROWS][96];
    size_t n = 0;
    for (size_t i = 0; i < NROWS; i++) {
        k_strlcpy(names[i], "refused: ", sizeof(names[i]));
        k_strlcpy(names[i] + 9, g_rows[i].name, sizeof(names[i]) - 9);
        tests[n++] = (struct CMUnitTest){names[i], test_refused, th_setup, th_teardown,
                                         (void *)&g_rows[i]};
    }
    const struct CMUnitTest more[] = {
        TH_TEST(test_empty_image),
        TH_TEST(test_truncated_header),
        TH_TEST(test_loads_and_lays_out),
        TH_TEST(test_entry_at_text_start),
        TH_TEST(test_relocations_applied),
        TH_TEST(test_relocation_into_text),
        TH_TEST(test_relocation_at_last_word),
        TH_TEST(test_link_address_above_zero),
        TH_TEST(test_ignored_tags),
        TH_TEST(test_no_dynamic_section),
        TH_TEST(test_full_phdr_table),
        TH_TEST(test_relocations_seen_by_child),
    };
    for (size_t i = 0; i < sizeof(more) / sizeof(more[0]); i++)
        tests[n++] = more[i];
    return _cmocka_run_group_tests("elf", tests, n, th_group_setup, th_group_teardown);
}
