/*
 * core/mm/vm_test.c - mappings through vm_map/vm_unmap/vm_protect: placement, fixed
 * addresses, overlap, W^X, rights, whole-mapping unmap and protect, sharing, other
 * processes, and bad pointers.
 */
#include "th.h"

#include "mm/pmm.h"
#include "mm/vmo.h"
#include "proc/process.h"
#include "proc/thread.h"

#define PG 4096u
#define RW (SOS_VM_READ | SOS_VM_WRITE)
#define RX (SOS_VM_READ | SOS_VM_EXEC)

/*
 * User memory for the helpers' arguments and results, mapped once at the start of each
 * test, so that no helper adds a mapping of its own in the middle of a test.
 */
struct scratch {
    struct sos_vm_map m;
    sos_handle_t h;
    char nl;
};
static struct scratch *g_s;

static void fresh(void) { g_s = th_umem(sizeof(*g_s)); }

static sos_handle_t new_vmo(uint64_t size)
{
    assert_int_equal(u_vmo_create(size, 0, &g_s->h), 0);
    return g_s->h;
}

static int64_t map_in(sos_handle_t proc, sos_handle_t vmo, uint64_t off, uint64_t len,
                      uint32_t prot, uint32_t flags, uint64_t addr, uint64_t *out)
{
    g_s->m = (struct sos_vm_map){proc, vmo, off, len, prot, flags, addr};
    int64_t r = u_vm_map(&g_s->m);
    if (out)
        *out = g_s->m.addr;
    return r;
}

static int64_t map(sos_handle_t vmo, uint64_t off, uint64_t len, uint32_t prot, uint64_t *out)
{
    return map_in(th_self(), vmo, off, len, prot, 0, 0, out);
}

static int64_t map_fixed(sos_handle_t vmo, uint64_t len, uint32_t prot, uint64_t at)
{
    return map_in(th_self(), vmo, 0, len, prot, SOS_MAP_FIXED, at, NULL);
}

static uint64_t mapped_bytes(void) { return th_proc_info(th_self()).mapped_bytes; }

/* An address with `pages` free pages (found by mapping and unmapping). */
static uint64_t free_range(uint64_t pages)
{
    sos_handle_t v = new_vmo(pages * PG);
    uint64_t a;
    assert_int_equal(map(v, 0, pages * PG, SOS_VM_READ, &a), 0);
    assert_int_equal(u_vm_unmap(th_self(), a, pages * PG), 0);
    assert_int_equal(u_handle_close(v), 0);
    return a;
}

/* Can the process write a 4-byte value at p (the core's user-pointer check)? */
static bool user_writable(void *p)
{
    return u_event_create(0, p) == 0;
}

/* Can the process read n bytes at p? debug_write checks the range before printing. */
static bool user_readable(const void *p, size_t n)
{
    bool ok = u_debug_write(p, n) == (int64_t)n;
    if (ok) { /* end the probe's line: another process's output would start below it */
        g_s->nl = '\n';
        assert_int_equal(u_debug_write(&g_s->nl, 1), 1);
    }
    th_console();
    return ok;
}

static void test_map_rw_self(void **state)
{
    (void)state;
    fresh();
    sos_handle_t v = new_vmo(2 * PG);
    uint64_t before = mapped_bytes();
    uint64_t a;
    assert_int_equal(map(v, 0, 2 * PG, RW, &a), 0);
    assert_true(a != 0 && a % PG == 0);
    assert_int_equal(mapped_bytes(), before + 2 * PG);
    uint8_t *p = (uint8_t *)(uintptr_t)a;
    p[0] = 1;
    p[2 * PG - 1] = 2;
    uint8_t *out = th_umem(2);
    assert_int_equal(u_vmo_read(v, out, 0, 1), 0);
    assert_int_equal(out[0], 1);
    assert_int_equal(u_vmo_read(v, out, 2 * PG - 1, 1), 0);
    assert_int_equal(out[0], 2);
    out[0] = 0x77;
    assert_int_equal(u_vmo_write(v, out, PG, 1), 0);
    assert_int_equal(p[PG], 0x77);
    assert_true(user_writable(p + PG));
}

static void test_map_read_only(void **state)
{
    (void)state;
    fresh();
    sos_handle_t v = new_vmo(PG);
    uint8_t *in = th_umem(4);
    memcpy(in, "abcd", 4);
    assert_int_equal(u_vmo_write(v, in, 100, 4), 0);
    uint64_t a;
    assert_int_equal(map(v, 0, PG, SOS_VM_READ, &a), 0);
    uint8_t *p = (uint8_t *)(uintptr_t)a;
    assert_memory_equal(p + 100, "abcd", 4);
    assert_false(user_writable(p));
    assert_true(user_readable(p, PG));
}

static void test_map_fixed(void **state)
{
    (void)state;
    fresh();
    sos_handle_t v = new_vmo(PG);
    uint64_t a = free_range(4);
    uint64_t got;
    assert_int_equal(map_in(th_self(), v, 0, PG, RW, SOS_MAP_FIXED, a + PG, &got), 0);
    assert_int_equal(got, a + PG);
    assert_true(user_writable((void *)(uintptr_t)(a + PG)));
    assert_false(user_writable((void *)(uintptr_t)a));
    /* fixed addresses must be aligned and inside the process's range */
    assert_int_equal(map_fixed(v, PG, RW, a + 2 * PG + 1), SOS_ERR_OUT_OF_RANGE);
    assert_int_equal(map_fixed(v, PG, RW, 0), SOS_ERR_OUT_OF_RANGE);
    assert_int_equal(map_fixed(v, PG, RW, 0x1000), SOS_ERR_OUT_OF_RANGE);
    assert_int_equal(map_fixed(v, PG, RW, UINT64_MAX & ~(uint64_t)(PG - 1)),
                     SOS_ERR_OUT_OF_RANGE);
    assert_int_equal(map_fixed(v, PG, RW, a + (1ull << 33)), SOS_ERR_OUT_OF_RANGE);
    /* a failed map leaves the address argument as it was */
    assert_int_equal(g_s->m.addr, a + (1ull << 33));
}

static void test_map_fixed_overlap_refused(void **state)
{
    (void)state;
    fresh();
    sos_handle_t v = new_vmo(4 * PG);
    uint64_t a = free_range(8);
    assert_int_equal(map_fixed(v, 2 * PG, RW, a + 2 * PG), 0);
    assert_int_equal(map_fixed(v, PG, RW, a + 2 * PG), SOS_ERR_ALREADY_EXISTS);
    assert_int_equal(map_fixed(v, PG, RW, a + 3 * PG), SOS_ERR_ALREADY_EXISTS);
    assert_int_equal(map_fixed(v, 2 * PG, RW, a + PG), SOS_ERR_ALREADY_EXISTS);
    assert_int_equal(map_fixed(v, 4 * PG, RW, a), SOS_ERR_ALREADY_EXISTS); /* covers it */
    assert_int_equal(th_vmo_info(v).map_count, 1);
    /* right next to it on both sides is fine */
    assert_int_equal(map_fixed(v, PG, RW, a + PG), 0);
    assert_int_equal(map_fixed(v, PG, RW, a + 4 * PG), 0);
    assert_int_equal(th_vmo_info(v).map_count, 3);
}

static void test_wx_refused(void **state)
{
    (void)state;
    fresh();
    sos_handle_t v = th_vmo_all_rights(PG);
    uint64_t a;
    assert_int_equal(map(v, 0, PG, RW | SOS_VM_EXEC, &a), SOS_ERR_ACCESS_DENIED);
    assert_int_equal(map(v, 0, PG, SOS_VM_WRITE | SOS_VM_EXEC, &a), SOS_ERR_ACCESS_DENIED);
    assert_int_equal(th_vmo_info(v).map_count, 0);
    assert_int_equal(map(v, 0, PG, RX, &a), 0);
    assert_int_equal(u_vm_protect(th_self(), a, PG, RW | SOS_VM_EXEC), SOS_ERR_ACCESS_DENIED);
    assert_int_equal(u_vm_protect(th_self(), a, PG, SOS_VM_WRITE | SOS_VM_EXEC),
                     SOS_ERR_ACCESS_DENIED);
    /* switching between writable and executable is allowed, one at a time */
    assert_int_equal(u_vm_protect(th_self(), a, PG, RW), 0);
    assert_true(user_writable((void *)(uintptr_t)a));
    assert_int_equal(u_vm_protect(th_self(), a, PG, RX), 0);
    assert_false(user_writable((void *)(uintptr_t)a));
}

static void test_exec_needs_execute_right(void **state)
{
    (void)state;
    fresh();
    sos_handle_t v = new_vmo(PG); /* vmo_create gives no EXECUTE */
    uint64_t a;
    assert_int_equal(map(v, 0, PG, RX, &a), SOS_ERR_ACCESS_DENIED);
    assert_int_equal(map(v, 0, PG, SOS_VM_EXEC, &a), SOS_ERR_ACCESS_DENIED);
    sos_handle_t all = th_vmo_all_rights(PG);
    sos_handle_t noexec = th_dup(all, SOS_RIGHTS_ALL & ~SOS_RIGHT_EXECUTE);
    assert_int_equal(map(noexec, 0, PG, RX, &a), SOS_ERR_ACCESS_DENIED);
    /* nor can a readable mapping be made executable afterwards */
    assert_int_equal(map(v, 0, PG, SOS_VM_READ, &a), 0);
    assert_int_equal(u_vm_protect(th_self(), a, PG, RX), SOS_ERR_ACCESS_DENIED);
    sos_handle_t x = th_dup(all, SOS_RIGHT_MAP | SOS_RIGHT_EXECUTE);
    assert_int_equal(map(x, 0, PG, SOS_VM_EXEC, &a), 0);
}

static void test_prot_beyond_rights(void **state)
{
    (void)state;
    fresh();
    sos_handle_t v = new_vmo(PG);
    uint64_t a;
    sos_handle_t r = th_dup(v, SOS_RIGHT_READ | SOS_RIGHT_MAP);
    assert_int_equal(map(r, 0, PG, RW, &a), SOS_ERR_ACCESS_DENIED);
    assert_int_equal(map(r, 0, PG, SOS_VM_WRITE, &a), SOS_ERR_ACCESS_DENIED);
    assert_int_equal(map(r, 0, PG, SOS_VM_READ, &a), 0);
    /* the mapping remembers what the handle allowed */
    assert_int_equal(u_vm_protect(th_self(), a, PG, RW), SOS_ERR_ACCESS_DENIED);
    sos_handle_t w = th_dup(v, SOS_RIGHT_WRITE | SOS_RIGHT_MAP);
    assert_int_equal(map(w, 0, PG, SOS_VM_READ, &a), SOS_ERR_ACCESS_DENIED);
    sos_handle_t nomap = th_dup(v, SOS_RIGHT_READ | SOS_RIGHT_WRITE);
    assert_int_equal(map(nomap, 0, PG, SOS_VM_READ, &a), SOS_ERR_ACCESS_DENIED);
    assert_int_equal(th_vmo_info(v).map_count, 1);
}

static void test_map_bad_args(void **state)
{
    (void)state;
    fresh();
    sos_handle_t v = new_vmo(2 * PG);
    uint64_t a;
    assert_int_equal(map(v, 0, PG, 8, &a), SOS_ERR_INVALID_ARGS);
    assert_int_equal(map_in(th_self(), v, 0, PG, RW, 2, 0, &a), SOS_ERR_INVALID_ARGS);
    assert_int_equal(map(v, 0, 0, RW, &a), SOS_ERR_INVALID_ARGS);
    assert_int_equal(map(v, 100, PG, RW, &a), SOS_ERR_INVALID_ARGS);
    assert_int_equal(map(v, PG, 2 * PG, RW, &a), SOS_ERR_OUT_OF_RANGE);
    assert_int_equal(map(v, 3 * PG, PG, RW, &a), SOS_ERR_OUT_OF_RANGE);
    assert_int_equal(map(v, 0, 2 * PG + 1, RW, &a), SOS_ERR_OUT_OF_RANGE);
    assert_int_equal(map(v, 0, UINT64_MAX, RW, &a), SOS_ERR_OUT_OF_RANGE);
    assert_int_equal(map(v, UINT64_MAX & ~(uint64_t)(PG - 1), PG, RW, &a),
                     SOS_ERR_OUT_OF_RANGE);
    assert_int_equal(th_vmo_info(v).map_count, 0);
    /* a length that is not a page multiple is rounded up */
    assert_int_equal(map(v, PG, 10, RW, &a), 0);
    assert_true(user_writable((void *)(uintptr_t)(a + PG - 4)));
}

static void test_unmap_whole_mappings_only(void **state)
{
    (void)state;
    fresh();
    sos_handle_t v = new_vmo(3 * PG);
    uint64_t a;
    assert_int_equal(map(v, 0, 3 * PG, RW, &a), 0);
    assert_int_equal(u_vm_unmap(th_self(), a, PG), SOS_ERR_INVALID_ARGS);
    assert_int_equal(u_vm_unmap(th_self(), a + PG, PG), SOS_ERR_INVALID_ARGS);
    assert_int_equal(u_vm_unmap(th_self(), a + 2 * PG, 2 * PG), SOS_ERR_INVALID_ARGS);
    assert_int_equal(u_vm_unmap(th_self(), a - PG, 2 * PG), SOS_ERR_INVALID_ARGS);
    assert_true(user_writable((void *)(uintptr_t)a)); /* all still there */
    assert_int_equal(th_vmo_info(v).map_count, 1);
    assert_int_equal(u_vm_unmap(th_self(), a, 3 * PG), 0);
    assert_int_equal(u_vm_unmap(th_self(), a, 3 * PG), SOS_ERR_NOT_FOUND);
    assert_int_equal(th_vmo_info(v).map_count, 0);
}

static void test_unmap_several_and_bad_args(void **state)
{
    (void)state;
    fresh();
    sos_handle_t v = new_vmo(2 * PG);
    uint64_t a = free_range(8);
    assert_int_equal(map_fixed(v, PG, RW, a), 0);
    assert_int_equal(map_fixed(v, 2 * PG, RW, a + PG), 0);
    assert_int_equal(map_fixed(v, 2 * PG, RW, a + 5 * PG), 0);
    /* a range that would cut the third mapping is refused as a whole */
    assert_int_equal(u_vm_unmap(th_self(), a, 6 * PG), SOS_ERR_INVALID_ARGS);
    assert_int_equal(th_vmo_info(v).map_count, 3);
    /* one call removes every mapping wholly inside the range; gaps do not matter */
    assert_int_equal(u_vm_unmap(th_self(), a, 4 * PG), 0);
    assert_int_equal(th_vmo_info(v).map_count, 1);
    assert_int_equal(u_vm_unmap(th_self(), a + 5 * PG + 1, PG), SOS_ERR_INVALID_ARGS);
    assert_int_equal(u_vm_unmap(th_self(), a + 5 * PG, 0), SOS_ERR_INVALID_ARGS);
    assert_int_equal(u_vm_unmap(th_self(), a + 5 * PG, UINT64_MAX - PG), SOS_ERR_INVALID_ARGS);
    assert_int_equal(u_vm_unmap(th_self(), a, 4 * PG), SOS_ERR_NOT_FOUND);
    assert_int_equal(u_vm_unmap(th_self(), 0x10000, PG), SOS_ERR_NOT_FOUND);
    /* a length that is not a page multiple is rounded up */
    assert_int_equal(u_vm_unmap(th_self(), a + 5 * PG, PG + 1), 0);
    assert_int_equal(th_vmo_info(v).map_count, 0);
}

static void test_unmapped_memory_is_gone(void **state)
{
    (void)state;
    fresh();
    sos_handle_t v = new_vmo(2 * PG);
    uint8_t *buf = th_umem(8);
    uint64_t a;
    assert_int_equal(map(v, 0, 2 * PG, RW, &a), 0);
    uint64_t before = mapped_bytes();
    assert_true(user_writable((void *)(uintptr_t)a));
    assert_int_equal(u_vm_unmap(th_self(), a, 2 * PG), 0);
    assert_int_equal(mapped_bytes(), before - 2 * PG);
    assert_false(user_writable((void *)(uintptr_t)a));
    assert_false(user_readable((void *)(uintptr_t)(a + PG), 1));
    assert_int_equal(u_vmo_write(v, (void *)(uintptr_t)a, 0, 8), SOS_ERR_BAD_ADDRESS);
    assert_int_equal(u_vmo_read(v, buf, 0, 8), 0); /* the VMO itself lives on */
}

/* vm_check remembers the mappings it hit last: unmap, remap and protect must show. */
static void test_check_cache_follows_changes(void **state)
{
    (void)state;
    fresh();
    sos_handle_t va = new_vmo(2 * PG), vb = new_vmo(PG), vc = new_vmo(PG);
    uint64_t a, b;
    assert_int_equal(map(va, 0, 2 * PG, RW, &a), 0);
    assert_int_equal(map(vb, 0, PG, RW, &b), 0);
    uint8_t *pa = (uint8_t *)(uintptr_t)a, *pb = (uint8_t *)(uintptr_t)b;
    assert_true(user_writable(pa + PG)); /* both are now remembered */
    assert_true(user_writable(pb));
    assert_true(user_readable(pa + PG - 4, 8)); /* across the two pages of one mapping */
    assert_false(user_readable(pa + PG, PG + 1)); /* runs into the guard page */
    assert_int_equal(u_vm_unmap(th_self(), a, 2 * PG), 0);
    assert_false(user_readable(pa + PG, 8));
    assert_false(user_writable(pa));
    assert_int_equal(map_fixed(vc, PG, SOS_VM_READ, a), 0); /* a new mapping, read-only */
    assert_true(user_readable(pa, PG));
    assert_false(user_writable(pa));
    assert_false(user_readable(pa + PG, 8)); /* the old second page is gone */
    assert_true(user_writable(pb));
    assert_int_equal(u_vm_protect(th_self(), b, PG, SOS_VM_READ), 0);
    assert_false(user_writable(pb));
    assert_true(user_readable(pb, PG));
}

static void test_protect(void **state)
{
    (void)state;
    fresh();
    sos_handle_t v = new_vmo(2 * PG);
    uint64_t a;
    assert_int_equal(map(v, 0, 2 * PG, RW, &a), 0);
    void *p = (void *)(uintptr_t)(a + PG);
    assert_int_equal(u_vm_protect(th_self(), a, 2 * PG, SOS_VM_READ), 0);
    assert_false(user_writable(p));
    assert_true(user_readable(p, 8));
    assert_int_equal(u_vm_protect(th_self(), a, 2 * PG, 0), 0); /* no access at all */
    assert_false(user_readable(p, 8));
    assert_int_equal(u_vm_protect(th_self(), a, 2 * PG, RW), 0);
    assert_true(user_writable(p));
    /* whole mappings only, existing ones only, known bits only */
    assert_int_equal(u_vm_protect(th_self(), a, PG, SOS_VM_READ), SOS_ERR_INVALID_ARGS);
    assert_int_equal(u_vm_protect(th_self(), a + 4 * PG, PG, SOS_VM_READ), SOS_ERR_NOT_FOUND);
    assert_int_equal(u_vm_protect(th_self(), a, 2 * PG, 8), SOS_ERR_INVALID_ARGS);
    assert_int_equal(u_vm_protect(th_self(), a + 1, PG, SOS_VM_READ), SOS_ERR_INVALID_ARGS);
    assert_int_equal(u_vm_protect(th_self(), a, 0, SOS_VM_READ), SOS_ERR_INVALID_ARGS);
    assert_true(user_writable(p)); /* the refusals changed nothing */
}

static void test_protect_checks_every_mapping_first(void **state)
{
    (void)state;
    fresh();
    sos_handle_t v = new_vmo(PG);
    sos_handle_t r = th_dup(v, SOS_RIGHT_READ | SOS_RIGHT_MAP);
    uint64_t a = free_range(2);
    assert_int_equal(map_fixed(v, PG, RW, a), 0);
    assert_int_equal(map_in(th_self(), r, 0, PG, SOS_VM_READ, SOS_MAP_FIXED, a + PG, NULL), 0);
    /* the second mapping may not become writable: neither does the first */
    assert_int_equal(u_vm_protect(th_self(), a, 2 * PG, SOS_VM_READ | SOS_VM_WRITE),
                     SOS_ERR_ACCESS_DENIED);
    assert_int_equal(u_vm_protect(th_self(), a, 2 * PG, SOS_VM_READ), 0);
    assert_false(user_writable((void *)(uintptr_t)a));
    assert_int_equal(u_vm_protect(th_self(), a, 2 * PG, RW), SOS_ERR_ACCESS_DENIED);
    assert_false(user_writable((void *)(uintptr_t)a));
    assert_int_equal(u_vm_protect(th_self(), a, PG, RW), 0);
    assert_true(user_writable((void *)(uintptr_t)a));
}

static void test_shared_vmo_mapped_twice(void **state)
{
    (void)state;
    fresh();
    sos_handle_t v = new_vmo(2 * PG);
    uint64_t a, b;
    assert_int_equal(map(v, 0, 2 * PG, RW, &a), 0);
    assert_int_equal(map(v, 0, 2 * PG, RW, &b), 0);
    assert_true(a != b);
    uint8_t *pa = (uint8_t *)(uintptr_t)a, *pb = (uint8_t *)(uintptr_t)b;
    pa[PG + 3] = 0xab;
    assert_int_equal(pb[PG + 3], 0xab);
    pb[5] = 0xcd;
    assert_int_equal(pa[5], 0xcd);
    uint8_t *out = th_umem(2);
    assert_int_equal(u_vmo_read(v, out, PG + 3, 1), 0);
    assert_int_equal(out[0], 0xab);
    out[0] = 0xef;
    assert_int_equal(u_vmo_write(v, out, 5, 1), 0);
    assert_int_equal(pa[5], 0xef);
    assert_int_equal(pb[5], 0xef);
    struct sos_info_vmo i = th_vmo_info(v);
    assert_int_equal(i.map_count, 2);
    assert_int_equal(i.committed_bytes, 2 * PG); /* one set of pages */
}

static void test_map_at_offset(void **state)
{
    (void)state;
    fresh();
    sos_handle_t v = new_vmo(3 * PG);
    uint8_t *in = th_umem(3);
    memcpy(in, "xyz", 3);
    assert_int_equal(u_vmo_write(v, in, 2 * PG, 3), 0);
    uint64_t a;
    assert_int_equal(map(v, 2 * PG, PG, SOS_VM_READ, &a), 0);
    assert_memory_equal((void *)(uintptr_t)a, "xyz", 3);
    assert_int_equal(th_vmo_info(v).committed_bytes, PG); /* only the mapped page */
}

static void test_mapping_outlives_handle(void **state)
{
    (void)state;
    fresh();
    sos_handle_t v = new_vmo(PG);
    uint64_t a;
    assert_int_equal(map(v, 0, PG, RW, &a), 0);
    struct th_counts c0;
    th_counts(&c0);
    assert_int_equal(u_handle_close(v), 0);
    struct th_counts c1;
    th_counts(&c1);
    assert_int_equal(c1.objects[SOS_OBJ_VMO], c0.objects[SOS_OBJ_VMO]); /* still mapped */
    uint8_t *p = (uint8_t *)(uintptr_t)a;
    p[1] = 9;
    assert_int_equal(p[1], 9);
    assert_int_equal(u_vm_unmap(th_self(), a, PG), 0);
    th_counts(&c1);
    assert_int_equal(c1.objects[SOS_OBJ_VMO], c0.objects[SOS_OBJ_VMO] - 1);
}

static void test_placement_leaves_guard_pages(void **state)
{
    (void)state;
    fresh();
    sos_handle_t v = new_vmo(2 * PG);
    uint64_t a, b, c;
    assert_int_equal(map(v, 0, 2 * PG, RW, &a), 0);
    assert_int_equal(map(v, 0, PG, RW, &b), 0);
    assert_int_equal(map(v, 0, 2 * PG, RW, &c), 0);
    uint64_t s[3][2] = {{a, 2 * PG}, {b, PG}, {c, 2 * PG}};
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            if (i != j && s[i][0] < s[j][0])
                assert_true(s[i][0] + s[i][1] + PG <= s[j][0]);
    /* the page after each mapping is not mapped */
    assert_false(user_writable((void *)(uintptr_t)(a + 2 * PG)));
    assert_false(user_writable((void *)(uintptr_t)(b + PG)));
}

static void test_map_commits_pages(void **state)
{
    (void)state;
    fresh();
    sos_handle_t v = new_vmo(8 * PG);
    assert_int_equal(th_vmo_info(v).committed_bytes, 0);
    uint64_t free0 = pmm_free_frames();
    uint64_t a;
    assert_int_equal(map(v, 2 * PG, 4 * PG, SOS_VM_READ, &a), 0);
    assert_true(pmm_free_frames() <= free0 - 4);
    assert_int_equal(th_vmo_info(v).committed_bytes, 4 * PG);
    uint8_t *p = (uint8_t *)(uintptr_t)a;
    for (unsigned i = 0; i < 4 * PG; i += 512)
        assert_int_equal(p[i], 0);
}

static void test_self_needs_no_manage(void **state)
{
    (void)state;
    fresh();
    sos_handle_t v = new_vmo(PG);
    sos_handle_t self_ro = th_dup(th_self(), SOS_RIGHT_READ);
    uint64_t a;
    assert_int_equal(map_in(self_ro, v, 0, PG, RW, 0, 0, &a), 0);
    assert_int_equal(u_vm_protect(self_ro, a, PG, SOS_VM_READ), 0);
    assert_int_equal(u_vm_unmap(self_ro, a, PG), 0);
}

static void test_map_handle_errors(void **state)
{
    (void)state;
    fresh();
    sos_handle_t v = new_vmo(PG);
    sos_handle_t *e = th_umem(sizeof(*e));
    assert_int_equal(u_event_create(0, e), 0);
    uint64_t a;
    assert_int_equal(map_in(*e, v, 0, PG, RW, 0, 0, &a), SOS_ERR_WRONG_TYPE);
    assert_int_equal(map_in(0x7777, v, 0, PG, RW, 0, 0, &a), SOS_ERR_BAD_HANDLE);
    assert_int_equal(map_in(th_self(), *e, 0, PG, RW, 0, 0, &a), SOS_ERR_WRONG_TYPE);
    assert_int_equal(map_in(th_self(), 0, 0, PG, RW, 0, 0, &a), SOS_ERR_BAD_HANDLE);
    assert_int_equal(u_vm_unmap(*e, 0x10000, PG), SOS_ERR_WRONG_TYPE);
    assert_int_equal(u_vm_unmap(0x7777, 0x10000, PG), SOS_ERR_BAD_HANDLE);
    assert_int_equal(u_vm_protect(*e, 0x10000, PG, 0), SOS_ERR_WRONG_TYPE);
    assert_int_equal(u_vm_protect(0x7777, 0x10000, PG, 0), SOS_ERR_BAD_HANDLE);
}

static void test_map_bad_pointers(void **state)
{
    (void)state;
    fresh();
    sos_handle_t v = new_vmo(PG);
    struct sos_vm_map local = {th_self(), v, 0, PG, RW, 0, 0};
    assert_int_equal(u_vm_map(NULL), SOS_ERR_BAD_ADDRESS);
    assert_int_equal(u_vm_map(&local), SOS_ERR_BAD_ADDRESS);
    /* the struct straddling the end of its mapping */
    uint8_t *edge = th_umem(PG);
    struct sos_vm_map *s = (struct sos_vm_map *)(void *)(edge + PG - 16);
    memcpy(s, &local, 16);
    assert_int_equal(u_vm_map(s), SOS_ERR_BAD_ADDRESS);
    /* readable but not writable: the address could not be returned */
    struct sos_vm_map *w = th_umem(sizeof(*w));
    *w = local;
    sos_handle_t sv = new_vmo(PG);
    assert_int_equal(u_vmo_write(sv, w, 0, sizeof(*w)), 0);
    uint64_t ro;
    assert_int_equal(map(sv, 0, PG, SOS_VM_READ, &ro), 0);
    assert_int_equal(u_vm_map((struct sos_vm_map *)(uintptr_t)ro), SOS_ERR_BAD_ADDRESS);
    assert_int_equal(th_vmo_info(v).map_count, 0); /* none of them mapped anything */
}

/* ---- another process */

struct child_probe {
    uint64_t addr;
    size_t len;
    int64_t result;
    bool ran;
};
static struct child_probe g_probe;

static void child_reads_mapping(void *arg)
{
    struct child_probe *c = arg;
    sos_signals_t *obs = th_umem(sizeof(*obs));
    if (u_object_wait_one(th_child_handle(0), SOS_SIG_SIGNALED, SOS_TIME_INFINITE, obs) != 0)
        return;
    c->result = u_debug_write((const char *)(uintptr_t)c->addr, c->len);
    c->ran = true;
}

static void test_map_into_other_process(void **state)
{
    (void)state;
    fresh();
    sos_handle_t *e = th_umem(2 * sizeof(*e));
    assert_int_equal(u_event_create(0, &e[0]), 0);
    assert_int_equal(u_handle_duplicate(e[0], SOS_RIGHT_SAME_RIGHTS, &e[1]), 0);
    g_probe = (struct child_probe){0};
    sos_handle_t child = th_spawn("mapped", child_reads_mapping, &g_probe, &e[1], 1);
    sos_handle_t v = new_vmo(PG);
    uint8_t *in = th_umem(6);
    memcpy(in, "child!", 6);
    assert_int_equal(u_vmo_write(v, in, 0, 6), 0);
    /* without MANAGE on the process handle, its address space is out of reach */
    sos_handle_t weak = th_dup(child, SOS_RIGHTS_ALL & ~(SOS_RIGHT_MANAGE | SOS_RIGHT_EXECUTE));
    uint64_t a;
    assert_int_equal(map_in(weak, v, 0, PG, SOS_VM_READ, 0, 0, &a), SOS_ERR_ACCESS_DENIED);
    assert_int_equal(map_in(child, v, 0, PG, SOS_VM_READ, 0, 0, &a), 0);
    assert_int_equal(u_vm_protect(weak, a, PG, SOS_VM_READ), SOS_ERR_ACCESS_DENIED);
    assert_int_equal(u_vm_unmap(weak, a, PG), SOS_ERR_ACCESS_DENIED);
    /* the mapping is the child's, not ours */
    assert_false(user_readable((void *)(uintptr_t)a, 6));
    g_probe.addr = a;
    g_probe.len = 6;
    th_console();
    assert_int_equal(u_object_signal(e[0], 0, SOS_SIG_SIGNALED), 0);
    sos_signals_t *obs = th_umem(sizeof(*obs));
    assert_int_equal(u_object_wait_one(child, SOS_SIG_TERMINATED, SOS_TIME_INFINITE, obs), 0);
    assert_true(g_probe.ran);
    assert_int_equal(g_probe.result, 6);
    assert_string_equal(th_console(), "child!");
    /* a process that has ended has no address space to map into */
    assert_int_equal(map_in(child, v, 0, PG, SOS_VM_READ, 0, 0, &a), SOS_ERR_BAD_STATE);
    assert_int_equal(u_vm_unmap(child, a, PG), SOS_ERR_BAD_STATE);
    assert_int_equal(u_vm_protect(child, a, PG, 0), SOS_ERR_BAD_STATE);
    assert_int_equal(th_vmo_info(v).map_count, 0); /* its mappings went with it */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        TH_TEST(test_map_rw_self),
        TH_TEST(test_map_read_only),
        TH_TEST(test_map_fixed),
        TH_TEST(test_map_fixed_overlap_refused),
        TH_TEST(test_wx_refused),
        TH_TEST(test_exec_needs_execute_right),
        TH_TEST(test_prot_beyond_rights),
        TH_TEST(test_map_bad_args),
        TH_TEST(test_unmap_whole_mappings_only),
        TH_TEST(test_unmap_several_and_bad_args),
        TH_TEST(test_unmapped_memory_is_gone),
        TH_TEST(test_check_cache_follows_changes),
        TH_TEST(test_protect),
        TH_TEST(test_protect_checks_every_mapping_first),
        TH_TEST(test_shared_vmo_mapped_twice),
        TH_TEST(test_map_at_offset),
        TH_TEST(test_mapping_outlives_handle),
        TH_TEST(test_placement_leaves_guard_pages),
        TH_TEST(test_map_commits_pages),
        TH_TEST(test_self_needs_no_manage),
        TH_TEST(test_map_handle_errors),
        TH_TEST(test_map_bad_pointers),
        TH_TEST(test_map_into_other_process),
    };
    return TH_RUN(tests);
}
