/*
 * core/mm/vmo_test.c - memory objects through their syscalls: create, read/write,
 * zero fill, ranges, rights, get/set size, SOS_INFO_VMO; and a physical VMO directly.
 */
#include "th.h"

#include "mm/pmm.h"
#include "mm/vmo.h"

#define PG 4096u

static sos_handle_t new_vmo(uint64_t size, uint32_t opts)
{
    sos_handle_t *h = th_umem(sizeof(*h));
    assert_int_equal(u_vmo_create(size, opts, h), 0);
    return *h;
}

static uint64_t vmo_size(sos_handle_t v)
{
    uint64_t *s = th_umem(sizeof(*s));
    assert_int_equal(u_vmo_get_size(v, s), 0);
    return *s;
}

/* `len` bytes of user memory the process may read but not write. */
static void *ro_mem(size_t len)
{
    sos_handle_t v = new_vmo(len, 0);
    struct sos_vm_map *m = th_umem(sizeof(*m));
    *m = (struct sos_vm_map){.process = th_self(), .vmo = v, .len = len, .prot = SOS_VM_READ};
    assert_int_equal(u_vm_map(m), 0);
    assert_int_equal(u_handle_close(v), 0);
    return (void *)(uintptr_t)m->addr;
}

static void test_create_sizes_round_up(void **state)
{
    (void)state;
    static const uint64_t t[][2] = {{1, PG}, {PG, PG}, {PG + 1, 2 * PG}, {3 * PG - 1, 3 * PG},
                                    {100 * PG, 100 * PG}};
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        sos_handle_t v = new_vmo(t[i][0], 0);
        assert_int_equal(vmo_size(v), t[i][1]);
        assert_int_equal(u_handle_close(v), 0);
    }
}

static void test_create_default_rights(void **state)
{
    (void)state;
    sos_handle_t v = new_vmo(PG, 0);
    struct sos_info_handle *i = th_umem(sizeof(*i));
    assert_int_equal(u_object_get_info(v, SOS_INFO_HANDLE, i, sizeof(*i)), (int64_t)sizeof(*i));
    assert_int_equal(i->kind, SOS_OBJ_VMO);
    /* no EXECUTE: nobody gets executable memory from a plain vmo_create */
    assert_int_equal(i->rights, SOS_RIGHT_DUPLICATE | SOS_RIGHT_TRANSFER | SOS_RIGHT_WAIT |
                                    SOS_RIGHT_READ | SOS_RIGHT_WRITE | SOS_RIGHT_MAP);
}

static void test_create_zero_size(void **state)
{
    (void)state;
    sos_handle_t v = new_vmo(0, 0);
    uint8_t *buf = th_umem(16);
    assert_int_equal(vmo_size(v), 0);
    assert_int_equal(u_vmo_read(v, buf, 0, 0), 0);
    assert_int_equal(u_vmo_read(v, buf, 0, 1), SOS_ERR_OUT_OF_RANGE);
    assert_int_equal(u_vmo_write(v, buf, 0, 1), SOS_ERR_OUT_OF_RANGE);
    assert_int_equal(th_vmo_info(v).committed_bytes, 0);
}

static void test_create_too_large(void **state)
{
    (void)state;
    sos_handle_t *h = th_umem(sizeof(*h));
    struct th_counts before;
    th_counts(&before);
    *h = 0x1234;
    assert_int_equal(u_vmo_create(SOS_VMO_MAX_SIZE + 1, 0, h), SOS_ERR_OUT_OF_RANGE);
    assert_int_equal(u_vmo_create(UINT64_MAX, 0, h), SOS_ERR_OUT_OF_RANGE);
    assert_int_equal(u_vmo_create(UINT64_MAX - PG + 2, 0, h), SOS_ERR_OUT_OF_RANGE);
    /* the limit itself is allowed, but this machine could never commit 4 GiB */
    assert_int_equal(u_vmo_create(SOS_VMO_MAX_SIZE, 0, h), SOS_ERR_NO_MEMORY);
    assert_int_equal(*h, 0x1234); /* nothing was written out */
    th_assert_counts(&before);
}

static void test_create_bad_options(void **state)
{
    (void)state;
    sos_handle_t *h = th_umem(sizeof(*h));
    struct th_counts before;
    th_counts(&before);
    assert_int_equal(u_vmo_create(PG, 2, h), SOS_ERR_INVALID_ARGS);
    assert_int_equal(u_vmo_create(PG, 1u << 8, h), SOS_ERR_INVALID_ARGS); /* "physical" */
    assert_int_equal(u_vmo_create(PG, 0xffffffffu, h), SOS_ERR_INVALID_ARGS);
    th_assert_counts(&before);
    assert_int_equal(u_vmo_create(PG, SOS_VMO_RESIZABLE, h), 0);
}

static void test_create_bad_out(void **state)
{
    (void)state;
    sos_handle_t local;
    uint8_t *edge = th_umem(PG);
    void *ro = ro_mem(PG);
    struct th_counts before;
    th_counts(&before);
    assert_int_equal(u_vmo_create(PG, 0, NULL), SOS_ERR_BAD_ADDRESS);
    assert_int_equal(u_vmo_create(PG, 0, &local), SOS_ERR_BAD_ADDRESS); /* not user memory */
    assert_int_equal(u_vmo_create(PG, 0, ro), SOS_ERR_BAD_ADDRESS);
    assert_int_equal(u_vmo_create(PG, 0, (sos_handle_t *)(void *)(edge + PG - 2)),
                     SOS_ERR_BAD_ADDRESS); /* straddles */
    assert_int_equal(u_vmo_create(PG, 0, (void *)(uintptr_t)0x1000), SOS_ERR_BAD_ADDRESS);
    th_assert_counts(&before); /* no vmo and no handle were left behind */
}

static void test_round_trip_across_pages(void **state)
{
    (void)state;
    sos_handle_t v = new_vmo(3 * PG, 0);
    uint8_t *in = th_umem(256), *out = th_umem(256);
    th_fill(in, 256, 3);
    assert_int_equal(u_vmo_write(v, in, PG - 100, 256), 0); /* crosses page 0 -> 1 */
    assert_int_equal(u_vmo_read(v, out, PG - 100, 256), 0);
    assert_memory_equal(in, out, 256);
    /* the bytes landed where they were written: read with a shifted window */
    assert_int_equal(u_vmo_read(v, out, PG - 99, 10), 0);
    assert_memory_equal(in + 1, out, 10);
    assert_int_equal(u_vmo_read(v, out, PG - 110, 10), 0);
    assert_true(th_all_zero(out, 10));
}

static void test_round_trip_many_pages(void **state)
{
    (void)state;
    const size_t len = 5 * PG + 123;
    sos_handle_t v = new_vmo(7 * PG, 0);
    uint8_t *in = th_umem(len), *out = th_umem(len);
    th_fill(in, len, 11);
    assert_int_equal(u_vmo_write(v, in, 100, len), 0);
    assert_int_equal(u_vmo_read(v, out, 100, len), 0);
    assert_memory_equal(in, out, len);
    /* byte-wise spot checks at every page boundary */
    for (unsigned p = 1; p <= 5; p++) {
        uint8_t *b = th_umem(2);
        assert_int_equal(u_vmo_read(v, b, p * PG - 1, 2), 0);
        assert_int_equal(b[0], in[p * PG - 1 - 100]);
        assert_int_equal(b[1], in[p * PG - 100]);
    }
    assert_int_equal(th_vmo_info(v).committed_bytes, 6 * PG);
}

static void test_unwritten_reads_zero(void **state)
{
    (void)state;
    sos_handle_t v = new_vmo(4 * PG, 0);
    uint8_t *out = th_umem(4 * PG);
    memset(out, 0xcc, 4 * PG);
    assert_int_equal(u_vmo_read(v, out, 0, 4 * PG), 0);
    assert_true(th_all_zero(out, 4 * PG));
    assert_int_equal(th_vmo_info(v).committed_bytes, 0); /* reads commit nothing */
    uint8_t *one = th_umem(1);
    one[0] = 9;
    assert_int_equal(u_vmo_write(v, one, 2 * PG + 5, 1), 0);
    assert_int_equal(th_vmo_info(v).committed_bytes, PG);
    memset(out, 0xcc, 4 * PG);
    assert_int_equal(u_vmo_read(v, out, 0, 4 * PG), 0);
    for (size_t i = 0; i < 4 * PG; i++)
        assert_int_equal(out[i], i == 2 * PG + 5 ? 9 : 0);
}

static void test_write_commits_touched_pages_only(void **state)
{
    (void)state;
    sos_handle_t v = new_vmo(8 * PG, 0);
    uint8_t *in = th_umem(2);
    /* (the helpers map memory of their own: count frames only around the calls) */
    uint64_t free0 = pmm_free_frames();
    assert_int_equal(u_vmo_write(v, in, 3 * PG - 1, 2), 0); /* pages 2 and 3 */
    assert_int_equal(pmm_free_frames(), free0 - 2);
    assert_int_equal(th_vmo_info(v).committed_bytes, 2 * PG);
    free0 = pmm_free_frames();
    assert_int_equal(u_vmo_write(v, in, 3 * PG, 2), 0); /* page 3 again */
    assert_int_equal(pmm_free_frames(), free0);
    assert_int_equal(th_vmo_info(v).committed_bytes, 2 * PG);
    free0 = pmm_free_frames();
    assert_int_equal(u_handle_close(v), 0);
    assert_int_equal(pmm_free_frames(), free0 + 2);
}

static void test_read_out_of_range(void **state)
{
    (void)state;
    sos_handle_t v = new_vmo(2 * PG, 0);
    uint8_t *buf = th_umem(2 * PG + 1);
    assert_int_equal(u_vmo_read(v, buf, 0, 2 * PG + 1), SOS_ERR_OUT_OF_RANGE);
    assert_int_equal(u_vmo_read(v, buf, 2 * PG, 1), SOS_ERR_OUT_OF_RANGE);
    assert_int_equal(u_vmo_read(v, buf, 2 * PG - 1, 2), SOS_ERR_OUT_OF_RANGE);
    assert_int_equal(u_vmo_read(v, buf, 2 * PG + 1, 0), SOS_ERR_OUT_OF_RANGE);
    assert_int_equal(u_vmo_read(v, buf, UINT64_MAX, 2), SOS_ERR_OUT_OF_RANGE);
    assert_int_equal(u_vmo_read(v, buf, UINT64_MAX - 1, 4), SOS_ERR_OUT_OF_RANGE);
    assert_int_equal(u_vmo_read(v, buf, 2 * PG - 1, 1), 0);
}

static void test_write_out_of_range(void **state)
{
    (void)state;
    sos_handle_t v = new_vmo(2 * PG, 0);
    uint8_t *buf = th_umem(2 * PG + 1);
    assert_int_equal(u_vmo_write(v, buf, 0, 2 * PG + 1), SOS_ERR_OUT_OF_RANGE);
    assert_int_equal(u_vmo_write(v, buf, 2 * PG - 1, 2), SOS_ERR_OUT_OF_RANGE);
    assert_int_equal(u_vmo_write(v, buf, UINT64_MAX, 2), SOS_ERR_OUT_OF_RANGE);
    assert_int_equal(u_vmo_write(v, buf, 4 * PG, 0), SOS_ERR_OUT_OF_RANGE);
    /* a refused write changes nothing, not even the pages it would have started on */
    assert_int_equal(th_vmo_info(v).committed_bytes, 0);
}

static void test_zero_length_io(void **state)
{
    (void)state;
    sos_handle_t v = new_vmo(PG, 0);
    uint8_t *buf = th_umem(1);
    assert_int_equal(u_vmo_read(v, buf, PG, 0), 0);
    assert_int_equal(u_vmo_write(v, buf, PG, 0), 0);
    assert_int_equal(u_vmo_read(v, NULL, 0, 0), 0);
    assert_int_equal(u_vmo_write(v, NULL, 0, 0), 0);
    assert_int_equal(th_vmo_info(v).committed_bytes, 0);
}

static void test_rights_read_write(void **state)
{
    (void)state;
    sos_handle_t v = new_vmo(PG, SOS_VMO_RESIZABLE);
    uint8_t *buf = th_umem(8);
    uint64_t *sz = th_umem(sizeof(*sz));
    sos_handle_t r = th_dup(v, SOS_RIGHT_READ);
    sos_handle_t w = th_dup(v, SOS_RIGHT_WRITE);
    assert_int_equal(u_vmo_write(r, buf, 0, 8), SOS_ERR_ACCESS_DENIED);
    assert_int_equal(u_vmo_set_size(r, 2 * PG), SOS_ERR_ACCESS_DENIED);
    assert_int_equal(u_vmo_read(r, buf, 0, 8), 0);
    assert_int_equal(u_vmo_get_size(r, sz), 0);
    assert_int_equal(u_vmo_read(w, buf, 0, 8), SOS_ERR_ACCESS_DENIED);
    assert_int_equal(u_vmo_get_size(w, sz), SOS_ERR_ACCESS_DENIED);
    assert_int_equal(u_vmo_write(w, buf, 0, 8), 0);
    assert_int_equal(u_vmo_set_size(w, 2 * PG), 0);
    assert_int_equal(vmo_size(v), 2 * PG);
}

static void test_wrong_type_and_bad_handle(void **state)
{
    (void)state;
    sos_handle_t *e = th_umem(sizeof(*e));
    uint8_t *buf = th_umem(8);
    assert_int_equal(u_event_create(0, e), 0);
    assert_int_equal(u_vmo_read(*e, buf, 0, 8), SOS_ERR_WRONG_TYPE);
    assert_int_equal(u_vmo_write(*e, buf, 0, 8), SOS_ERR_WRONG_TYPE);
    assert_int_equal(u_vmo_get_size(*e, (uint64_t *)(void *)buf), SOS_ERR_WRONG_TYPE);
    assert_int_equal(u_vmo_set_size(*e, PG), SOS_ERR_WRONG_TYPE);
    sos_handle_t v = new_vmo(PG, 0);
    assert_int_equal(u_handle_close(v), 0);
    assert_int_equal(u_vmo_read(v, buf, 0, 8), SOS_ERR_BAD_HANDLE);
    assert_int_equal(u_vmo_write(v, buf, 0, 8), SOS_ERR_BAD_HANDLE);
    assert_int_equal(u_vmo_read(0, buf, 0, 8), SOS_ERR_BAD_HANDLE);
}

static void test_bad_buffers(void **state)
{
    (void)state;
    sos_handle_t v = new_vmo(4 * PG, 0);
    uint8_t local[16];
    uint8_t *edge = th_umem(PG);
    uint8_t *ro = ro_mem(PG);
    assert_int_equal(u_vmo_read(v, NULL, 0, 8), SOS_ERR_BAD_ADDRESS);
    assert_int_equal(u_vmo_write(v, NULL, 0, 8), SOS_ERR_BAD_ADDRESS);
    assert_int_equal(u_vmo_read(v, local, 0, 8), SOS_ERR_BAD_ADDRESS);
    assert_int_equal(u_vmo_write(v, local, 0, 8), SOS_ERR_BAD_ADDRESS);
    /* reading into read-only memory is refused; writing from it is fine */
    assert_int_equal(u_vmo_read(v, ro, 0, 8), SOS_ERR_BAD_ADDRESS);
    assert_int_equal(u_vmo_write(v, ro, 0, 8), 0);
    /* a buffer that runs past the end of its mapping (into the guard page) */
    assert_int_equal(u_vmo_read(v, edge, 0, PG + 1), SOS_ERR_BAD_ADDRESS);
    assert_int_equal(u_vmo_write(v, edge + 8, 0, PG), SOS_ERR_BAD_ADDRESS);
    assert_int_equal(u_vmo_read(v, edge, 0, PG), 0);
    /* a refused write commits nothing */
    sos_handle_t v2 = new_vmo(4 * PG, 0);
    assert_int_equal(u_vmo_write(v2, edge + 8, 0, PG), SOS_ERR_BAD_ADDRESS);
    assert_int_equal(th_vmo_info(v2).committed_bytes, 0);
}

static void test_get_size_bad_pointer(void **state)
{
    (void)state;
    sos_handle_t v = new_vmo(PG, 0);
    uint64_t local;
    assert_int_equal(u_vmo_get_size(v, NULL), SOS_ERR_BAD_ADDRESS);
    assert_int_equal(u_vmo_get_size(v, &local), SOS_ERR_BAD_ADDRESS);
    assert_int_equal(u_vmo_get_size(v, ro_mem(PG)), SOS_ERR_BAD_ADDRESS);
    uint8_t *edge = th_umem(PG);
    assert_int_equal(u_vmo_get_size(v, (uint64_t *)(void *)(edge + PG - 4)), SOS_ERR_BAD_ADDRESS);
}

static void test_set_size_needs_resizable(void **state)
{
    (void)state;
    sos_handle_t v = new_vmo(2 * PG, 0);
    assert_int_equal(u_vmo_set_size(v, 4 * PG), SOS_ERR_BAD_STATE);
    assert_int_equal(u_vmo_set_size(v, PG), SOS_ERR_BAD_STATE);
    assert_int_equal(u_vmo_set_size(v, 2 * PG), SOS_ERR_BAD_STATE);
    assert_int_equal(vmo_size(v), 2 * PG);
}

static void test_set_size_grow_keeps_data(void **state)
{
    (void)state;
    sos_handle_t v = new_vmo(2 * PG, SOS_VMO_RESIZABLE);
    uint8_t *in = th_umem(2 * PG), *out = th_umem(5 * PG);
    th_fill(in, 2 * PG, 5);
    assert_int_equal(u_vmo_write(v, in, 0, 2 * PG), 0);
    assert_int_equal(u_vmo_set_size(v, 5 * PG), 0);
    assert_int_equal(vmo_size(v), 5 * PG);
    assert_int_equal(u_vmo_read(v, out, 0, 5 * PG), 0);
    assert_memory_equal(in, out, 2 * PG);
    assert_true(th_all_zero(out + 2 * PG, 3 * PG));
    assert_int_equal(u_vmo_write(v, in, 4 * PG, PG), 0); /* the new pages work */
    assert_int_equal(th_vmo_info(v).committed_bytes, 3 * PG);
}

static void test_set_size_shrink_frees_pages(void **state)
{
    (void)state;
    sos_handle_t v = new_vmo(4 * PG, SOS_VMO_RESIZABLE);
    uint8_t *in = th_umem(4 * PG), *out = th_umem(4 * PG);
    memset(in, 0x42, 4 * PG);
    assert_int_equal(u_vmo_write(v, in, 0, 4 * PG), 0);
    assert_int_equal(th_vmo_info(v).committed_bytes, 4 * PG);
    uint64_t free0 = pmm_free_frames();
    assert_int_equal(u_vmo_set_size(v, PG), 0);
    assert_int_equal(pmm_free_frames(), free0 + 3);
    assert_int_equal(vmo_size(v), PG);
    assert_int_equal(th_vmo_info(v).committed_bytes, PG);
    assert_int_equal(u_vmo_read(v, out, 0, 2), 0);
    assert_int_equal(out[0], 0x42);
    assert_int_equal(u_vmo_read(v, out, PG, 1), SOS_ERR_OUT_OF_RANGE);
    /* grown back, the dropped pages read as zero, not as their old contents */
    assert_int_equal(u_vmo_set_size(v, 4 * PG), 0);
    assert_int_equal(u_vmo_read(v, out, 0, 4 * PG), 0);
    assert_memory_equal(out, in, PG);
    assert_true(th_all_zero(out + PG, 3 * PG));
    assert_int_equal(th_vmo_info(v).committed_bytes, PG);
}

static void test_set_size_bounds(void **state)
{
    (void)state;
    sos_handle_t v = new_vmo(PG, SOS_VMO_RESIZABLE);
    assert_int_equal(u_vmo_set_size(v, SOS_VMO_MAX_SIZE + 1), SOS_ERR_OUT_OF_RANGE);
    assert_int_equal(u_vmo_set_size(v, UINT64_MAX), SOS_ERR_OUT_OF_RANGE);
    assert_int_equal(vmo_size(v), PG);
    assert_int_equal(u_vmo_set_size(v, 5000), 0);
    assert_int_equal(vmo_size(v), 2 * PG);
    assert_int_equal(u_vmo_set_size(v, 0), 0);
    assert_int_equal(vmo_size(v), 0);
    uint8_t *b = th_umem(1);
    assert_int_equal(u_vmo_write(v, b, 0, 1), SOS_ERR_OUT_OF_RANGE);
    assert_int_equal(u_vmo_set_size(v, PG), 0);
    assert_int_equal(u_vmo_write(v, b, 0, 1), 0);
}

static void test_set_size_not_under_a_mapping(void **state)
{
    (void)state;
    sos_handle_t v = new_vmo(4 * PG, SOS_VMO_RESIZABLE);
    struct sos_vm_map *m = th_umem(sizeof(*m));
    *m = (struct sos_vm_map){.process = th_self(), .vmo = v, .len = 2 * PG,
                             .prot = SOS_VM_READ | SOS_VM_WRITE};
    assert_int_equal(u_vm_map(m), 0);
    assert_int_equal(u_vmo_set_size(v, PG), SOS_ERR_BAD_STATE);
    assert_int_equal(u_vmo_set_size(v, 0), SOS_ERR_BAD_STATE);
    assert_int_equal(vmo_size(v), 4 * PG);
    /* down to the mapping's end is fine, and so is growing */
    assert_int_equal(u_vmo_set_size(v, 2 * PG), 0);
    assert_int_equal(u_vmo_set_size(v, 6 * PG), 0);
    /* the mapping still works */
    uint8_t *p = (uint8_t *)(uintptr_t)m->addr;
    p[PG + 7] = 0x5c;
    uint8_t *out = th_umem(1);
    assert_int_equal(u_vmo_read(v, out, PG + 7, 1), 0);
    assert_int_equal(out[0], 0x5c);
    /* unmapped, it may shrink to nothing */
    assert_int_equal(u_vm_unmap(th_self(), m->addr, 2 * PG), 0);
    assert_int_equal(u_vmo_set_size(v, 0), 0);
}

static void test_info_vmo(void **state)
{
    (void)state;
    sos_handle_t v = new_vmo(3 * PG, 0);
    struct sos_info_vmo i = th_vmo_info(v);
    assert_int_equal(i.size, 3 * PG);
    assert_int_equal(i.committed_bytes, 0);
    assert_int_equal(i.map_count, 0);
    struct sos_vm_map *m = th_umem(2 * sizeof(*m));
    for (int k = 0; k < 2; k++) {
        m[k] = (struct sos_vm_map){.process = th_self(), .vmo = v, .len = PG,
                                   .offset = (uint64_t)k * PG, .prot = SOS_VM_READ};
        assert_int_equal(u_vm_map(&m[k]), 0);
    }
    i = th_vmo_info(v);
    assert_int_equal(i.map_count, 2);
    assert_int_equal(i.committed_bytes, 2 * PG); /* mapping commits */
    assert_int_equal(u_vm_unmap(th_self(), m[0].addr, PG), 0);
    assert_int_equal(th_vmo_info(v).map_count, 1);
    /* sizes, types, rights */
    struct sos_info_vmo *buf = th_umem(sizeof(*buf) + 8);
    assert_int_equal(u_object_get_info(v, SOS_INFO_VMO, buf, sizeof(*buf) - 1),
                     SOS_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(u_object_get_info(v, SOS_INFO_VMO, buf, 0), SOS_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(u_object_get_info(v, SOS_INFO_VMO, buf, sizeof(*buf) + 8),
                     (int64_t)sizeof(*buf));
    assert_int_equal(u_object_get_info(th_self(), SOS_INFO_VMO, buf, sizeof(*buf)),
                     SOS_ERR_WRONG_TYPE);
    sos_handle_t nr = th_dup(v, SOS_RIGHT_MAP);
    assert_int_equal(u_object_get_info(nr, SOS_INFO_VMO, buf, sizeof(*buf)),
                     SOS_ERR_ACCESS_DENIED);
}

static void test_close_frees_everything(void **state)
{
    (void)state;
    uint8_t *in = th_umem(4 * PG);
    sos_handle_t *h = th_umem(sizeof(*h));
    for (int warm = 0; warm < 2; warm++) {
        assert_int_equal(u_vmo_create(4 * PG, SOS_VMO_RESIZABLE, h), 0);
        assert_int_equal(u_vmo_write(*h, in, 0, 4 * PG), 0);
        assert_int_equal(u_vmo_set_size(*h, 9 * PG), 0);
        assert_int_equal(u_handle_close(*h), 0);
    }
    struct th_counts before;
    th_counts(&before);
    uint64_t free0 = pmm_free_frames();
    for (int k = 0; k < 100; k++) {
        assert_int_equal(u_vmo_create(4 * PG, SOS_VMO_RESIZABLE, h), 0);
        assert_int_equal(u_vmo_write(*h, in, 0, 4 * PG), 0);
        assert_int_equal(u_vmo_set_size(*h, 9 * PG), 0);
        assert_int_equal(u_vmo_write(*h, in, 8 * PG, 1), 0);
        assert_int_equal(u_handle_close(*h), 0);
    }
    th_assert_counts(&before);
    assert_int_equal(pmm_free_frames(), free0);
}

static void test_physical_vmo(void **state)
{
    (void)state;
    paddr_t pa = pmm_alloc();
    assert_true(pa != 0);
    memset(hal_phys_to_virt(pa), 0x3c, PG);
    klock_acquire();
    int err = 0;
    struct vmo *v = vmo_new_physical(pa + 1, PG, &err);
    assert_null(v);
    assert_int_equal(err, SOS_ERR_INVALID_ARGS);
    v = vmo_new_physical(pa, 100, &err);
    assert_non_null(v);
    assert_int_equal(v->size, PG);
    assert_int_equal(v->committed, 1);
    uint8_t b[4] = {0};
    assert_int_equal(vmo_read(v, b, 10, 4), 0);
    assert_int_equal(b[0], 0x3c);
    assert_int_equal(b[3], 0x3c);
    /* borrowed memory is read-only through the VMO and cannot be resized */
    assert_int_equal(vmo_write(v, b, 0, 1), SOS_ERR_ACCESS_DENIED);
    assert_int_equal(vmo_set_size(v, 0), SOS_ERR_BAD_STATE);
    obj_unref(&v->obj);
    klock_release();
    /* the borrowed frame was not freed: it is intact, and freeing it now is no double
       free (which would panic) */
    assert_int_equal(*(uint8_t *)hal_phys_to_virt(pa), 0x3c);
    pmm_free(pa);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        TH_TEST(test_create_sizes_round_up),
        TH_TEST(test_create_default_rights),
        TH_TEST(test_create_zero_size),
        TH_TEST(test_create_too_large),
        TH_TEST(test_create_bad_options),
        TH_TEST(test_create_bad_out),
        TH_TEST(test_round_trip_across_pages),
        TH_TEST(test_round_trip_many_pages),
        TH_TEST(test_unwritten_reads_zero),
        TH_TEST(test_write_commits_touched_pages_only),
        TH_TEST(test_read_out_of_range),
        TH_TEST(test_write_out_of_range),
        TH_TEST(test_zero_length_io),
        TH_TEST(test_rights_read_write),
        TH_TEST(test_wrong_type_and_bad_handle),
        TH_TEST(test_bad_buffers),
        TH_TEST(test_get_size_bad_pointer),
        TH_TEST(test_set_size_needs_resizable),
        TH_TEST(test_set_size_grow_keeps_data),
        TH_TEST(test_set_size_shrink_frees_pages),
        TH_TEST(test_set_size_bounds),
        TH_TEST(test_set_size_not_under_a_mapping),
        TH_TEST(test_info_vmo),
        TH_TEST(test_close_frees_everything),
        TH_TEST(test_physical_vmo),
    };
    return TH_RUN(tests);
}
