/*
 * hal-x86_64/pt_test.c - the page-table walker on the host (suite unit).
 *
 * Table pages come from aligned host memory; "physical" addresses are their host
 * addresses, so pt.c runs unchanged. Checks mapping and lookup with the right bits,
 * protection changes, unmapping with table pruning (no page leaks), allocation failure
 * in the middle of a map (nothing stays mapped, nothing leaks), and freeing a whole
 * lower half.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pt.h"

#define P 1ull
#define W 2ull
#define U 4ull
#define NX (1ull << 63)

static int g_live, g_budget;

static uint64_t t_alloc(void *env)
{
    (void)env;
    if (g_budget == 0)
        return 0;
    if (g_budget > 0)
        g_budget--;
    void *p = aligned_alloc(4096, 4096);
    memset(p, 0, 4096);
    g_live++;
    return (uint64_t)(uintptr_t)p;
}

static void t_free(void *env, uint64_t pa)
{
    (void)env;
    free((void *)(uintptr_t)pa);
    g_live--;
}

static void *t_phys(void *env, uint64_t pa)
{
    (void)env;
    return (void *)(uintptr_t)pa;
}

static const struct pt_ctx C = {t_alloc, t_free, t_phys, NULL};

static uint64_t new_root(void)
{
    g_budget = -1;
    g_live = 0;
    uint64_t r = t_alloc(NULL);
    g_live = 0; /* count table pages below the root only */
    return r;
}

static void test_map_lookup(void **state)
{
    (void)state;
    uint64_t root = new_root();
    assert_int_equal(pt_map(&C, root, 0x400000, 0x10000000, 3, P | U | NX), 0);
    assert_int_equal(g_live, 3); /* PDPT, PD, PT */
    uint64_t e = pt_lookup(&C, root, 0x401000);
    assert_int_equal(e & 0x000ffffffffff000ull, 0x10001000);
    assert_true(e & P);
    assert_true(e & U);
    assert_true(e & NX);
    assert_false(e & W);
    assert_int_equal(pt_lookup(&C, root, 0x403000), 0);
    assert_int_equal(pt_lookup(&C, root, 0x7fff00000000ull), 0);
    pt_free_tables(&C, root, 0, 255);
    assert_int_equal(g_live, 0);
    free((void *)(uintptr_t)root);
}

static void test_protect(void **state)
{
    (void)state;
    uint64_t root = new_root();
    assert_int_equal(pt_map(&C, root, 0x10000, 0x200000, 4, P | U | NX), 0);
    assert_int_equal(pt_protect(&C, root, 0x11000, 2, P | U | W | NX), 2);
    assert_false(pt_lookup(&C, root, 0x10000) & W);
    assert_true(pt_lookup(&C, root, 0x11000) & W);
    assert_true(pt_lookup(&C, root, 0x12000) & W);
    assert_false(pt_lookup(&C, root, 0x13000) & W);
    assert_int_equal(pt_lookup(&C, root, 0x12000) & 0x000ffffffffff000ull, 0x202000);
    assert_int_equal(pt_protect(&C, root, 0x20000, 2, P | U), 0); /* nothing there */
    pt_free_tables(&C, root, 0, 255);
    assert_int_equal(g_live, 0);
    free((void *)(uintptr_t)root);
}

static void test_no_access(void **state)
{
    (void)state;
    uint64_t root = new_root();
    assert_int_equal(pt_map(&C, root, 0x30000, 0x700000, 2, P | U | NX), 0);
    assert_int_equal(pt_protect(&C, root, 0x30000, 1, PT_NOACCESS), 1);
    uint64_t e = pt_lookup(&C, root, 0x30000);
    assert_false(e & P);
    assert_true(e & PT_NOACCESS);
    assert_int_equal(e & 0x000ffffffffff000ull, 0x700000); /* the page is kept */
    assert_int_equal(pt_protect(&C, root, 0x30000, 1, P | U | W | NX), 1);
    assert_int_equal(pt_lookup(&C, root, 0x30000), 0x700000 | P | U | W | NX);
    assert_int_equal(pt_protect(&C, root, 0x30000, 2, PT_NOACCESS), 2);
    assert_int_equal(pt_unmap(&C, root, 0x30000, 2), 2); /* no-access pages unmap too */
    assert_int_equal(g_live, 0);
    free((void *)(uintptr_t)root);
}

static void test_unmap_prunes(void **state)
{
    (void)state;
    uint64_t root = new_root();
    /* a range across a 2 MiB boundary: two page tables */
    assert_int_equal(pt_map(&C, root, 0x1ff000, 0x5000000, 2, P | U), 0);
    assert_int_equal(g_live, 4);
    assert_int_equal(pt_unmap(&C, root, 0x1ff000, 1), 1);
    assert_int_equal(g_live, 3); /* the first page table went */
    assert_int_equal(pt_lookup(&C, root, 0x200000) & 0x000ffffffffff000ull, 0x5001000);
    assert_int_equal(pt_unmap(&C, root, 0x1ff000, 2), 1); /* one was already gone */
    assert_int_equal(g_live, 0);
    free((void *)(uintptr_t)root);
}

static void test_map_failure_leaves_nothing(void **state)
{
    (void)state;
    uint64_t root = new_root();
    assert_int_equal(pt_map(&C, root, 0x600000, 0x9000000, 1, P | U), 0);
    int before = g_live;
    g_budget = 1; /* the second new page table cannot be had */
    assert_int_equal(pt_map(&C, root, 0x10000000, 0x100000, 1024, P | U), -1);
    assert_int_equal(g_live, before);
    assert_int_equal(pt_lookup(&C, root, 0x10000000), 0);
    assert_int_equal(pt_lookup(&C, root, 0x101ff000), 0);
    assert_int_not_equal(pt_lookup(&C, root, 0x600000), 0); /* the old one stays */
    g_budget = -1;
    pt_free_tables(&C, root, 0, 255);
    assert_int_equal(g_live, 0);
    free((void *)(uintptr_t)root);
}

static void test_upper_half_untouched(void **state)
{
    (void)state;
    uint64_t root = new_root();
    uint64_t *pml4 = (uint64_t *)(uintptr_t)root;
    pml4[511] = 0xabc000 | P; /* a kernel entry shared with other spaces */
    assert_int_equal(pt_map(&C, root, 0x7ffffffe000ull, 0x1000, 1, P | U), 0);
    pt_free_tables(&C, root, 0, 255);
    assert_int_equal(pml4[511], 0xabc000 | P);
    assert_int_equal(g_live, 0);
    free((void *)(uintptr_t)root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_map_lookup),
        cmocka_unit_test(test_protect),
        cmocka_unit_test(test_no_access),
        cmocka_unit_test(test_unmap_prunes),
        cmocka_unit_test(test_map_failure_leaves_nothing),
        cmocka_unit_test(test_upper_half_untouched),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
