/*
 * tests/ktest/cases_vm.c - memory objects and mappings: read/write, sizes, map, unmap,
 * protect, W^X, the rights a mapping needs, fixed addresses, sharing between mappings
 * and between processes.
 *
 * Layer: tests (user image).
 */
#include "ktest.h"

#define PAGE SOS_PAGE_SIZE
#define RW (SOS_VM_READ | SOS_VM_WRITE)

static struct sos_vm_map map_args(sos_handle_t vmo, uint64_t off, uint64_t len, uint32_t prot)
{
    return (struct sos_vm_map){.process = sos_self_process(), .vmo = vmo, .offset = off,
                               .len = len, .prot = prot};
}

static void vmo_read_write(void)
{
    sos_handle_t v = kt_vmo(3 * PAGE);
    char out[300], in[300];
    for (int i = 0; i < 300; i++)
        out[i] = (char)i;
    KT_OK(sos_vmo_write(v, out, PAGE - 100, sizeof(out))); /* across a page boundary */
    KT_OK(sos_vmo_read(v, in, PAGE - 100, sizeof(in)));
    KT_ASSERT(!memcmp(in, out, sizeof(in)));
    KT_OK(sos_vmo_read(v, in, 2 * PAGE, 16)); /* never written: zeroes */
    for (int i = 0; i < 16; i++)
        KT_EQ(in[i], 0);
    KT_EQ(sos_vmo_read(v, in, 3 * PAGE - 10, 20), SOS_ERR_OUT_OF_RANGE);
    KT_EQ(sos_vmo_write(v, out, 3 * PAGE, 1), SOS_ERR_OUT_OF_RANGE);
    KT_EQ(sos_vmo_read(v, (void *)kt_opaque(16), 0, 16), SOS_ERR_BAD_ADDRESS);
}

static void vmo_sizes(void)
{
    sos_handle_t v = kt_vmo(5000);
    uint64_t size;
    KT_OK(sos_vmo_get_size(v, &size));
    KT_EQ(size, 2 * PAGE); /* rounded up to pages */
    KT_EQ(sos_vmo_set_size(v, PAGE), SOS_ERR_BAD_STATE); /* not resizable */
    sos_handle_t r;
    KT_OK(sos_vmo_create(PAGE, SOS_VMO_RESIZABLE, &r));
    KT_OK(sos_vmo_set_size(r, 3 * PAGE));
    char c = 'z';
    KT_OK(sos_vmo_write(r, &c, 2 * PAGE + 5, 1));
    KT_OK(sos_vmo_set_size(r, PAGE));
    KT_EQ(sos_vmo_write(r, &c, 2 * PAGE + 5, 1), SOS_ERR_OUT_OF_RANGE);
    KT_OK(sos_vmo_set_size(r, 3 * PAGE)); /* grown back: the old bytes are gone */
    KT_OK(sos_vmo_read(r, &c, 2 * PAGE + 5, 1));
    KT_EQ(c, 0);
    sos_handle_t x;
    KT_EQ(sos_vmo_create(SOS_VMO_MAX_SIZE + 1, 0, &x), SOS_ERR_OUT_OF_RANGE);
    KT_EQ(sos_vmo_create(PAGE, 0x80, &x), SOS_ERR_INVALID_ARGS);
}

static void vm_map_read_write(void)
{
    sos_handle_t v = kt_vmo(2 * PAGE);
    volatile uint32_t *p = kt_map(v, 2 * PAGE, RW);
    KT_EQ((uintptr_t)p % PAGE, 0);
    p[0] = 0xabcd1234u;
    p[PAGE / 4 + 1] = 77;
    uint32_t got;
    KT_OK(sos_vmo_read(v, &got, 0, 4));
    KT_EQ(got, 0xabcd1234u);
    KT_OK(sos_vmo_read(v, &got, PAGE + 4, 4));
    KT_EQ(got, 77);
    uint32_t put = 5150;
    KT_OK(sos_vmo_write(v, &put, 8, 4));
    KT_EQ(p[2], 5150);
    struct sos_info_vmo vi;
    KT_EQ(sos_object_get_info(v, SOS_INFO_VMO, &vi, sizeof(vi)), sizeof(vi));
    KT_EQ(vi.map_count, 1);
    KT_EQ(vi.size, 2 * PAGE);
}

static void vm_map_twice_shares(void)
{
    sos_handle_t v = kt_vmo(PAGE);
    volatile char *a = kt_map(v, PAGE, RW);
    volatile char *b = kt_map(v, PAGE, SOS_VM_READ);
    KT_ASSERT(a != b);
    a[100] = 'q';
    KT_EQ(b[100], 'q');
    KT_OK(sos_handle_close(v)); /* mappings keep the object alive */
    a[101] = 'r';
    KT_EQ(b[101], 'r');
}

static void vm_unmap(void)
{
    sos_handle_t v = kt_vmo(2 * PAGE);
    char *p = kt_map(v, 2 * PAGE, RW);
    KT_EQ(sos_vm_unmap(sos_self_process(), (uintptr_t)p, PAGE), SOS_ERR_INVALID_ARGS);
    KT_EQ(sos_vm_unmap(sos_self_process(), (uintptr_t)p + 1, PAGE), SOS_ERR_INVALID_ARGS);
    KT_OK(sos_vm_unmap(sos_self_process(), (uintptr_t)p, 2 * PAGE));
    KT_EQ(sos_vm_unmap(sos_self_process(), (uintptr_t)p, 2 * PAGE), SOS_ERR_NOT_FOUND);
    struct sos_info_vmo vi;
    KT_EQ(sos_object_get_info(v, SOS_INFO_VMO, &vi, sizeof(vi)), sizeof(vi));
    KT_EQ(vi.map_count, 0);
    KT_EQ(sos_debug_write(p, 1), SOS_ERR_BAD_ADDRESS); /* the kernel sees it gone too */
}

static void vm_wx_refused(void)
{
    sos_handle_t v = kt_vmo(PAGE);
    struct sos_vm_map m = map_args(v, 0, PAGE, SOS_VM_WRITE | SOS_VM_EXEC);
    KT_EQ(sos_vm_map(&m), SOS_ERR_ACCESS_DENIED);
    m.prot = RW | SOS_VM_EXEC;
    KT_EQ(sos_vm_map(&m), SOS_ERR_ACCESS_DENIED);
    char *p = kt_map(v, PAGE, RW);
    KT_EQ(sos_vm_protect(sos_self_process(), (uintptr_t)p, PAGE, RW | SOS_VM_EXEC),
          SOS_ERR_ACCESS_DENIED);
    /* and our own code cannot be made writable while it is executable */
    uintptr_t code = (uintptr_t)vm_wx_refused & ~(uintptr_t)(PAGE - 1);
    KT_EQ(sos_vm_protect(sos_self_process(), code, PAGE, SOS_VM_WRITE | SOS_VM_EXEC),
          SOS_ERR_ACCESS_DENIED);
}

static void vm_map_needs_rights(void)
{
    sos_handle_t v = kt_vmo(PAGE);
    struct sos_vm_map m = map_args(v, 0, PAGE, SOS_VM_READ | SOS_VM_EXEC);
    KT_EQ(sos_vm_map(&m), SOS_ERR_ACCESS_DENIED); /* a new vmo has no EXECUTE right */
    m.vmo = kt_dup(v, SOS_RIGHT_READ | SOS_RIGHT_WRITE);
    m.prot = SOS_VM_READ;
    KT_EQ(sos_vm_map(&m), SOS_ERR_ACCESS_DENIED); /* no MAP right */
    m.vmo = kt_dup(v, SOS_RIGHT_READ | SOS_RIGHT_MAP);
    m.prot = RW;
    KT_EQ(sos_vm_map(&m), SOS_ERR_ACCESS_DENIED); /* no WRITE right */
    m.prot = SOS_VM_READ;
    KT_OK(sos_vm_map(&m));
    /* and what a read-only mapping can never become */
    KT_EQ(sos_vm_protect(sos_self_process(), m.addr, PAGE, RW), SOS_ERR_ACCESS_DENIED);
}

static void vm_protect_changes_access(void)
{
    sos_handle_t v = kt_vmo(PAGE);
    volatile char *p = kt_map(v, PAGE, RW);
    p[0] = 1;
    KT_OK(sos_vm_protect(sos_self_process(), (uintptr_t)p, PAGE, SOS_VM_READ));
    KT_EQ(p[0], 1);
    /* the kernel refuses to write into it for us now */
    KT_EQ(sos_event_create(0, (sos_handle_t *)(uintptr_t)p), SOS_ERR_BAD_ADDRESS);
    KT_OK(sos_vm_protect(sos_self_process(), (uintptr_t)p, PAGE, RW));
    p[0] = 2;
    KT_OK(sos_event_create(0, (sos_handle_t *)(uintptr_t)p));
}

static void vm_map_fixed(void)
{
    sos_handle_t v = kt_vmo(PAGE);
    char *p = kt_map(v, PAGE, RW);
    struct sos_vm_map m = map_args(v, 0, PAGE, RW);
    m.flags = SOS_MAP_FIXED;
    m.addr = (uintptr_t)p;
    KT_EQ(sos_vm_map(&m), SOS_ERR_ALREADY_EXISTS);
    KT_OK(sos_vm_unmap(sos_self_process(), (uintptr_t)p, PAGE));
    KT_OK(sos_vm_map(&m));
    KT_EQ(m.addr, (uintptr_t)p);
    m.addr = (uintptr_t)p + 12;
    KT_EQ(sos_vm_map(&m), SOS_ERR_OUT_OF_RANGE);
    m.addr = 0x1000; /* inside the null guard */
    KT_EQ(sos_vm_map(&m), SOS_ERR_OUT_OF_RANGE);
}

static void vm_map_bad_args(void)
{
    sos_handle_t v = kt_vmo(2 * PAGE);
    struct sos_vm_map m = map_args(v, 0, 0, RW);
    KT_EQ(sos_vm_map(&m), SOS_ERR_INVALID_ARGS); /* no length */
    m = map_args(v, 100, PAGE, RW);
    KT_EQ(sos_vm_map(&m), SOS_ERR_INVALID_ARGS); /* unaligned offset */
    m = map_args(v, PAGE, 2 * PAGE, RW);
    KT_EQ(sos_vm_map(&m), SOS_ERR_OUT_OF_RANGE); /* past the end */
    m = map_args(v, 0, PAGE, 0x10);
    KT_EQ(sos_vm_map(&m), SOS_ERR_INVALID_ARGS); /* unknown prot */
    m = map_args(v, 0, PAGE, RW);
    m.flags = 0x40;
    KT_EQ(sos_vm_map(&m), SOS_ERR_INVALID_ARGS); /* unknown flag */
    m = map_args(kt_event(), 0, PAGE, RW);
    KT_EQ(sos_vm_map(&m), SOS_ERR_WRONG_TYPE);
    m = map_args(v, 0, PAGE, RW);
    m.process = kt_event();
    KT_EQ(sos_vm_map(&m), SOS_ERR_WRONG_TYPE);
    KT_EQ(sos_vm_map((struct sos_vm_map *)kt_opaque(8)), SOS_ERR_BAD_ADDRESS);
    m = map_args(v, PAGE, PAGE, RW); /* the second page alone is fine */
    KT_OK(sos_vm_map(&m));
}

static void vm_share_between_processes(void)
{
    sos_handle_t v = kt_vmo(PAGE);
    volatile uint32_t *p = kt_map(v, PAGE, RW);
    p[0] = 1;
    struct sos_spawn_handle hs[1] = {{kt_dup(v, SOS_RIGHT_SAME_RIGHTS), "vmo"}};
    sos_handle_t proc = kt_spawn("vmo-writer", NULL, hs, 1);
    struct sos_info_process pi = kt_join(proc, 2000);
    KT_EQ(pi.state, SOS_PROC_EXITED);
    KT_EQ(pi.exit_code, 0);
    for (uint32_t i = 1; i < PAGE / 4; i++) /* the helper saw our 1 and wrote i * 3 */
        if (p[i] != i * 3)
            kt_fail(__LINE__, "word %u is %u", i, p[i]);
    KT_EQ(p[0], 0x600d);
}

static void vm_map_into_other_process(void)
{
    /* a process handle with MANAGE maps into that process; without it, no */
    sos_handle_t mine, theirs;
    kt_channel(&mine, &theirs);
    struct sos_spawn_handle hs[1] = {{theirs, "chan"}};
    sos_handle_t proc = kt_spawn("hold", NULL, hs, 1);
    sos_handle_t v = kt_vmo(PAGE);
    struct sos_vm_map m = map_args(v, 0, PAGE, SOS_VM_READ);
    m.process = kt_dup(proc, SOS_RIGHT_READ | SOS_RIGHT_WAIT);
    KT_EQ(sos_vm_map(&m), SOS_ERR_ACCESS_DENIED);
    m.process = proc;
    KT_OK(sos_vm_map(&m));
    KT_OK(sos_vm_unmap(proc, m.addr, PAGE));
    KT_OK(sos_handle_close(mine));
    kt_join(proc, 2000);
    m.process = proc;
    KT_EQ(sos_vm_map(&m), SOS_ERR_BAD_STATE); /* it is gone */
}

const struct kt_case kt_vm_cases[] = {
    KT_CASE(vmo_read_write),
    KT_CASE(vmo_sizes),
    KT_CASE(vm_map_read_write),
    KT_CASE(vm_map_twice_shares),
    KT_CASE(vm_unmap),
    KT_CASE(vm_wx_refused),
    KT_CASE(vm_map_needs_rights),
    KT_CASE(vm_protect_changes_access),
    KT_CASE(vm_map_fixed),
    KT_CASE(vm_map_bad_args),
    KT_CASE(vm_share_between_processes),
    KT_CASE(vm_map_into_other_process),
};
const size_t kt_vm_count = sizeof(kt_vm_cases) / sizeof(kt_vm_cases[0]);
