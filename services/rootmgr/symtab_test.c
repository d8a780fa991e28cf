/*
 * services/rootmgr/symtab_test.c - symbol tables, frame walks and core files, on the
 * host: lookups in a table built here the way mksym.py builds one, every malformed
 * table and corrupt frame chain giving less and never reading out of bounds (run under
 * ASan in the sanitizer build), and the core's headers and notes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "coredump.h"
#include "symtab.h"

static size_t put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
    return 4;
}

/*
 * Two functions, "alpha" at 0x1000 (0x40 bytes) and "beta" at 0x1040 (0x20), in
 * "a.c"; lines: 0x1000 line 10, 0x1010 line 12, 0x1040 line 30, 0x1060 end.
 */
static size_t make_table(uint8_t *b)
{
    static const char strs[] = "\0alpha\0beta\0a.c"; /* offsets 1, 7, 12 */
    static const uint8_t prog[] = {
        12 << 1 | 1,               /* file a.c */
        0x80, 0x40, 10 << 1,       /* +0x1000 (LEB128 of 0x2000), line +10 */
        0x10 << 1, 2 << 1,         /* +0x10, line +2 */
        0x30 << 1, 18 << 1,        /* +0x30, line +18 */
        1,                         /* file "" */
        0x20 << 1, 59,             /* +0x20, line -30: the end */
    };
    memcpy(b, "SOSSYM1", 8);
    size_t n = 8;
    n += put32(b + n, 2);
    n += put32(b + n, sizeof(prog));
    n += put32(b + n, sizeof(strs));
    n += put32(b + n, 0);
    n += put32(b + n, 0x1000), n += put32(b + n, 0x40), n += put32(b + n, 1);
    n += put32(b + n, 0x1040), n += put32(b + n, 0x20), n += put32(b + n, 7);
    memcpy(b + n, prog, sizeof(prog));
    n += sizeof(prog);
    memcpy(b + n, strs, sizeof(strs));
    return n + sizeof(strs);
}

static void test_lookup(void **state)
{
    (void)state;
    uint8_t b[256];
    size_t len = make_table(b);
    struct symtab t;
    struct sym_loc l;
    assert_int_equal(symtab_open(&t, b, len), 0);
    assert_true(symtab_lookup(&t, 0x1004, &l));
    assert_string_equal(l.func, "alpha");
    assert_int_equal(l.off, 4);
    assert_string_equal(l.file, "a.c");
    assert_int_equal(l.line, 10);
    assert_true(symtab_lookup(&t, 0x103f, &l));
    assert_string_equal(l.func, "alpha");
    assert_int_equal(l.line, 12);
    assert_true(symtab_lookup(&t, 0x1050, &l));
    assert_string_equal(l.func, "beta");
    assert_int_equal(l.off, 0x10);
    assert_int_equal(l.line, 30);
    assert_false(symtab_lookup(&t, 0x1060, &l)); /* past both: nothing */
    assert_null(l.func);
    assert_null(l.file);
    assert_false(symtab_lookup(&t, 0xfff, &l));
    assert_false(symtab_lookup(&t, ~0ull, &l));
}

static void test_malformed_tables(void **state)
{
    (void)state;
    uint8_t b[256], c[256];
    size_t len = make_table(b);
    struct symtab t;
    struct sym_loc l;
    assert_int_equal(symtab_open(&t, b, 10), -1);       /* short */
    assert_int_equal(symtab_open(&t, b, len - 1), -1);  /* sizes do not add up */
    memcpy(c, b, len);
    c[0] = 'X';
    assert_int_equal(symtab_open(&t, c, len), -1);      /* magic */
    memcpy(c, b, len);
    put32(c + 8, 0xffffffffu);
    assert_int_equal(symtab_open(&t, c, len), -1);      /* nfuncs too big */
    memcpy(c, b, len);
    c[len - 1] = 'x';
    assert_int_equal(symtab_open(&t, c, len), -1);      /* strings not terminated */
    memcpy(c, b, len);
    put32(c + 24 + 8, 1000);
    assert_int_equal(symtab_open(&t, c, len), -1);      /* a name past the strings */
    /* a line program that runs off its end or names a file past the strings */
    memcpy(c, b, len);
    c[24 + 24] = 0xff;
    c[24 + 24 + 1] = 0xff;
    assert_int_equal(symtab_open(&t, c, len), 0);
    symtab_lookup(&t, 0x1004, &l);
    memcpy(c, b, len);
    c[24 + 24] = (uint8_t)(100 << 1 | 1) & 0x7f; /* file offset 50: past the 16 bytes */
    assert_int_equal(symtab_open(&t, c, len), 0);
    symtab_lookup(&t, 0x1004, &l);
    assert_null(l.file);
}

static void test_random_tables_never_crash(void **state)
{
    (void)state;
    uint8_t b[256];
    size_t len = make_table(b);
    uint32_t seed = 12345;
    for (int i = 0; i < 20000; i++) {
        uint8_t *c = malloc(len); /* exactly len: ASan sees any read past it */
        memcpy(c, b, len);
        for (int k = 0; k < 3; k++) {
            seed = seed * 1103515245u + 12345u;
            size_t at = 24 + (seed >> 8) % (len - 24);
            c[at] = (uint8_t)(seed >> 24);
        }
        struct symtab t;
        struct sym_loc l;
        if (symtab_open(&t, c, len) == 0)
            symtab_lookup(&t, 0x1000 + (seed & 0x7f), &l);
        free(c);
    }
}

/* A stack of 64-bit words at user address 0x10000. */
#define SBASE 0x10000ull
static uint64_t g_words[64];

static void frame(unsigned at, uint64_t next_fp, uint64_t ret)
{
    g_words[at] = next_fp;
    g_words[at + 1] = ret;
}

static unsigned walk(uint64_t fp, uint64_t *pcs, unsigned max)
{
    struct bt_stack s = {SBASE, (const uint8_t *)g_words, sizeof(g_words)};
    return bt_walk(&s, 0x5000, fp, pcs, max);
}

static void test_walk_good_chain(void **state)
{
    (void)state;
    memset(g_words, 0, sizeof(g_words));
    frame(4, SBASE + 8 * 10, 0x1111);
    frame(10, SBASE + 8 * 20, 0x2222);
    frame(20, 0, 0x3333); /* the outermost frame: fp 0 ends it */
    uint64_t pcs[8];
    assert_int_equal(walk(SBASE + 8 * 4, pcs, 8), 4);
    assert_int_equal(pcs[0], 0x5000);
    assert_int_equal(pcs[1], 0x1111);
    assert_int_equal(pcs[2], 0x2222);
    assert_int_equal(pcs[3], 0x3333);
    assert_int_equal(walk(SBASE + 8 * 4, pcs, 2), 2); /* max holds */
    assert_int_equal(walk(SBASE + 8 * 4, pcs, 0), 0);
}

static void test_walk_corrupt_chains(void **state)
{
    (void)state;
    uint64_t pcs[8];
    memset(g_words, 0, sizeof(g_words));
    frame(4, SBASE + 8 * 4, 0x1111); /* points at itself */
    assert_int_equal(walk(SBASE + 8 * 4, pcs, 8), 2);
    frame(10, SBASE + 8 * 2, 0x1111); /* points down the stack */
    assert_int_equal(walk(SBASE + 8 * 10, pcs, 8), 2);
    frame(12, SBASE + 8 * 14 + 3, 0x1111); /* misaligned next */
    frame(14, 0, 0x2222);
    assert_int_equal(walk(SBASE + 8 * 12, pcs, 8), 2);
    frame(16, 0, 0); /* zero return address */
    assert_int_equal(walk(SBASE + 8 * 16, pcs, 8), 1);
    /* frames outside the kept bytes: below, the last word only, past, wrapping */
    assert_int_equal(walk(SBASE - 16, pcs, 8), 1);
    assert_int_equal(walk(SBASE + sizeof(g_words) - 8, pcs, 8), 1);
    assert_int_equal(walk(SBASE + sizeof(g_words), pcs, 8), 1);
    assert_int_equal(walk(~0ull - 7, pcs, 8), 1);
    frame(18, ~0ull - 7, 0x1111); /* a next that wraps: one frame, then out */
    assert_int_equal(walk(SBASE + 8 * 18, pcs, 8), 2);
    struct bt_stack empty = {SBASE, NULL, 0};
    assert_int_equal(bt_walk(&empty, 0x5000, SBASE, pcs, 8), 1);
}

static uint64_t rd(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

/* Find note `type` in the core's PT_NOTE; returns its desc and size. */
static const uint8_t *find_note(const uint8_t *core, uint32_t type, uint32_t *size)
{
    const uint8_t *ph = core + 64;
    const uint8_t *p = core + rd(ph + 8, 8), *end = p + rd(ph + 32, 8);
    while (p < end) {
        uint32_t nsz = (uint32_t)rd(p, 4), dsz = (uint32_t)rd(p + 4, 4);
        const uint8_t *desc = p + 12 + ((nsz + 3) & ~3u);
        if (rd(p + 8, 4) == type) {
            *size = dsz;
            return desc;
        }
        p = desc + ((dsz + 3) & ~3u);
    }
    return NULL;
}

static void check_core(uint16_t machine, uint32_t prstatus, unsigned pc_index)
{
    static uint8_t stack[300];
    struct sos_fault_info fi = {.stack_addr = 0x7000, .stack_len = sizeof(stack),
                                .image_entry = 0x401000, .name = "crashme"};
    fi.record.fault_class = 1;
    for (unsigned i = 0; i < SOS_FAULT_NREGS; i++)
        fi.regs[i] = 0x100 + i;
    for (unsigned i = 0; i < sizeof(stack); i++)
        stack[i] = (uint8_t)i;
    size_t cap = core_size(&fi);
    uint8_t *core = malloc(cap);
    assert_int_equal(core_build(&fi, stack, machine, core, 100), 0); /* too small */
    size_t n = core_build(&fi, stack, machine, core, cap);
    assert_true(n > sizeof(stack) && n <= cap);
    assert_memory_equal(core, "\177ELF\2\1\1", 7);
    assert_int_equal(rd(core + 16, 2), 4);
    assert_int_equal(rd(core + 18, 2), machine);
    assert_int_equal(rd(core + 56, 2), 2);
    const uint8_t *load = core + 64 + 56;
    assert_int_equal(rd(load, 4), 1);
    assert_int_equal(rd(load + 16, 8), 0x7000);
    assert_int_equal(rd(load + 32, 8), sizeof(stack));
    assert_memory_equal(core + rd(load + 8, 8), stack, sizeof(stack));
    uint32_t size = 0;
    const uint8_t *st = find_note(core, 1, &size);
    assert_non_null(st);
    assert_int_equal(size, prstatus);
    assert_int_equal(rd(st, 4), 11); /* SIGSEGV for a null dereference */
    assert_int_equal(rd(st + 12, 2), 11);
    assert_int_equal(rd(st + 112 + 8 * pc_index, 8), 0x100 + pc_index);
    const uint8_t *aux = find_note(core, 6, &size);
    assert_non_null(aux);
    assert_int_equal(rd(aux + 16, 8), 9);
    assert_int_equal(rd(aux + 24, 8), 0x401000);
    const uint8_t *ps = find_note(core, 3, &size);
    assert_non_null(ps);
    assert_string_equal((const char *)ps + 40, "crashme");
    free(core);
}

static void test_core_files(void **state)
{
    (void)state;
    check_core(62, 336, 16);
    check_core(183, 392, 32);
    /* an arithmetic fault is SIGFPE; a class from the future is SIGSEGV, not a read past
     * the table */
    static uint8_t core[4096];
    struct sos_fault_info fi = {.record = {.fault_class = 6}};
    assert_true(core_build(&fi, NULL, 62, core, sizeof(core)) > 0);
    uint32_t size;
    assert_int_equal(rd(find_note(core, 1, &size), 4), 8);
    fi.record.fault_class = 1000;
    assert_true(core_build(&fi, NULL, 62, core, sizeof(core)) > 0);
    assert_int_equal(rd(find_note(core, 1, &size), 4), 11);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lookup),
        cmocka_unit_test(test_malformed_tables),
        cmocka_unit_test(test_random_tables_never_crash),
        cmocka_unit_test(test_walk_good_chain),
        cmocka_unit_test(test_walk_corrupt_chains),
        cmocka_unit_test(test_core_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
