/*
 * core/obj/fault_ring_test.c - the fault record ring: core_fault records, fault_read
 * drains them, FAULT_RECORD on the root resource, the newest 64 kept.
 */
#include "th.h"

#include "kernel.h"

#define PG 4096u

extern void (*th_user_main)(uintptr_t startup); /* the test HAL's user-mode hook */

/* ---- faults */

static struct sos_fault_record *g_faults;

static int64_t drain_faults(void)
{
    if (!g_faults)
        g_faults = th_umem(64 * sizeof(*g_faults));
    int64_t n, total = 0;
    while ((n = u_fault_read(th_root(), g_faults, 16)) > 0)
        total += n;
    return total;
}

static uintptr_t g_fault_addr;

static void faults(void *p)
{
    (void)p;
    struct hal_fault f = {SOS_FAULT_WILD_ADDRESS, g_fault_addr, 0x4000};
    core_fault(&f);
}

static void test_fault_read_empty(void **state)
{
    (void)state;
    g_faults = NULL;
    drain_faults();
    assert_int_equal(u_fault_read(th_root(), g_faults, 16), 0);
    assert_int_equal(u_fault_read(th_root(), g_faults, 0), 0);
    assert_false(th_has_signal(th_root(), SOS_SIG_FAULT_RECORD));
}

static void test_fault_is_recorded(void **state)
{
    (void)state;
    g_faults = NULL;
    drain_faults();
    g_fault_addr = 0x1234; /* below the null guard: a null dereference */
    sos_handle_t c1 = th_spawn("nullderef", faults, NULL, NULL, 0);
    assert_int_equal(u_object_wait_one(c1, SOS_SIG_TERMINATED, SOS_TIME_INFINITE, NULL), 0);
    g_fault_addr = 0x70000000;
    sos_handle_t c2 = th_spawn("wild", faults, NULL, NULL, 0);
    assert_int_equal(u_object_wait_one(c2, SOS_SIG_TERMINATED, SOS_TIME_INFINITE, NULL), 0);
    assert_true(th_contains(th_console(), "faulted: null dereference at 0x1234"));
    assert_true(th_has_signal(th_root(), SOS_SIG_FAULT_RECORD));

    struct sos_info_handle *hi = th_umem(2 * sizeof(*hi));
    assert_int_equal(u_object_get_info(c1, SOS_INFO_HANDLE, &hi[0], sizeof(*hi)), (int64_t)sizeof(*hi));
    assert_int_equal(u_object_get_info(c2, SOS_INFO_HANDLE, &hi[1], sizeof(*hi)), (int64_t)sizeof(*hi));
    assert_int_equal(u_fault_read(th_root(), g_faults, 16), 2);
    assert_int_equal(g_faults[0].fault_class, SOS_FAULT_NULL_DEREF);
    assert_int_equal(g_faults[0].address, 0x1234);
    assert_int_equal(g_faults[0].pc, 0x4000);
    assert_int_equal(g_faults[0].process, hi[0].koid);
    assert_true(g_faults[0].thread != 0);
    assert_int_equal(g_faults[0].time, th_now());
    assert_int_equal(g_faults[1].fault_class, SOS_FAULT_WILD_ADDRESS);
    assert_int_equal(g_faults[1].address, 0x70000000);
    assert_int_equal(g_faults[1].process, hi[1].koid);
    assert_false(th_has_signal(th_root(), SOS_SIG_FAULT_RECORD));
    assert_int_equal(u_fault_read(th_root(), g_faults, 16), 0);

    struct sos_info_process *pi = th_umem(sizeof(*pi));
    assert_int_equal(u_object_get_info(c1, SOS_INFO_PROCESS, pi, sizeof(*pi)), (int64_t)sizeof(*pi));
    assert_int_equal(pi->state, SOS_PROC_FAULTED);
    assert_int_equal(pi->exit_code, -1);
    assert_int_equal(pi->fault.fault_class, SOS_FAULT_NULL_DEREF);
    assert_int_equal(pi->fault.address, 0x1234);
}

static void test_fault_read_rights_and_buffers(void **state)
{
    (void)state;
    g_faults = NULL;
    drain_faults();
    g_fault_addr = 0x80000000;
    sos_handle_t c = th_spawn("f", faults, NULL, NULL, 0);
    assert_int_equal(u_object_wait_one(c, SOS_SIG_TERMINATED, SOS_TIME_INFINITE, NULL), 0);
    th_console();
    assert_int_equal(u_fault_read(0x7171, g_faults, 1), SOS_ERR_BAD_HANDLE);
    assert_int_equal(u_fault_read(th_event(), g_faults, 1), SOS_ERR_WRONG_TYPE);
    assert_int_equal(u_fault_read(th_dup(th_root(), SOS_RIGHT_WAIT), g_faults, 1),
                     SOS_ERR_ACCESS_DENIED);
    assert_int_equal(u_fault_read(th_root(), NULL, 1), SOS_ERR_BAD_ADDRESS);
    assert_int_equal(u_fault_read(th_root(), th_page_with(SOS_VM_READ, NULL, 0), 1),
                     SOS_ERR_BAD_ADDRESS);
    uint8_t *edge = th_umem(PG);
    assert_int_equal(u_fault_read(th_root(), (void *)(edge + PG - sizeof(*g_faults)), 2),
                     SOS_ERR_BAD_ADDRESS);
    /* none of that consumed the record */
    assert_int_equal(u_fault_read(th_root(), g_faults, 1), 1);
    assert_int_equal(g_faults[0].address, 0x80000000);
}

static void faults_in_user_main(uintptr_t startup)
{
    (void)startup;
    g_fault_addr += PG;
    struct hal_fault f = {SOS_FAULT_ALIGN, g_fault_addr, 0x1000};
    core_fault(&f);
}

static void test_fault_ring_keeps_newest_64(void **state)
{
    (void)state;
    g_faults = NULL;
    drain_faults();
    th_user_main = faults_in_user_main;
    g_fault_addr = 0x100000;
    struct th_elf_opts o = {0};
    struct sos_spawn_args *a = th_umem(sizeof(*a) + 8);
    char *name = (char *)(a + 1);
    memcpy(name, "f", 2);
    *a = (struct sos_spawn_args){.image = th_elf_vmo(&o, NULL), .name = name};
    sos_handle_t *out = th_umem(sizeof(*out));
    for (int i = 0; i < 70; i++) {
        assert_int_equal(u_process_spawn(a, out), 0);
        assert_int_equal(u_object_wait_one(*out, SOS_SIG_TERMINATED, SOS_TIME_INFINITE, NULL), 0);
        assert_int_equal(u_handle_close(*out), 0);
    }
    th_console();
    /* at most 16 a call; 64 kept in all, the first 6 gone */
    int64_t total = 0, n;
    while ((n = u_fault_read(th_root(), g_faults + total, 100)) > 0) {
        assert_true(n <= 16);
        total += n;
    }
    assert_int_equal(total, 64);
    for (int i = 0; i < 64; i++) {
        assert_int_equal(g_faults[i].fault_class, SOS_FAULT_ALIGN);
        assert_int_equal(g_faults[i].address, 0x100000 + (uint64_t)(7 + i) * PG);
    }
}

/* The class a HAL reports is refined by what the core knows of the address space. */
static uint32_t g_refine_class;
static uint64_t g_refine_off;

static void faults_near_startup(uintptr_t startup)
{
    struct hal_fault f = {g_refine_class, startup + g_refine_off, 0x2000};
    core_fault(&f);
}

static void test_fault_class_refined(void **state)
{
    (void)state;
    static const struct {
        uint32_t cls;
        uint64_t off;
        uint32_t want;
    } t[] = {
        {SOS_FAULT_PERMISSION, 8, SOS_FAULT_PERMISSION},        /* the read-only block */
        {SOS_FAULT_PERMISSION, 1ull << 30, SOS_FAULT_WILD_ADDRESS}, /* nothing there */
        {SOS_FAULT_WILD_ADDRESS, 1ull << 30, SOS_FAULT_WILD_ADDRESS},
        {SOS_FAULT_EXEC, 8, SOS_FAULT_EXEC},
        {SOS_FAULT_ARITH, 1ull << 30, SOS_FAULT_ARITH},         /* not a memory fault */
        {SOS_FAULT_CLASS_COUNT + 3, 8, SOS_FAULT_ILLEGAL},      /* nonsense from a HAL */
    };
    g_faults = NULL;
    drain_faults();
    th_user_main = faults_near_startup;
    struct th_elf_opts o = {0};
    struct sos_spawn_args *a = th_umem(sizeof(*a) + 8);
    char *name = (char *)(a + 1);
    memcpy(name, "r", 2);
    *a = (struct sos_spawn_args){.image = th_elf_vmo(&o, NULL), .name = name};
    sos_handle_t *out = th_umem(sizeof(*out));
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        g_refine_class = t[i].cls;
        g_refine_off = t[i].off;
        assert_int_equal(u_process_spawn(a, out), 0);
        assert_int_equal(u_object_wait_one(*out, SOS_SIG_TERMINATED, SOS_TIME_INFINITE, NULL), 0);
        assert_int_equal(u_fault_read(th_root(), g_faults, 16), 1);
        assert_int_equal(g_faults[0].fault_class, t[i].want);
        assert_int_equal(g_faults[0].pc, 0x2000);
    }
    th_console();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        TH_TEST(test_fault_read_empty),
        TH_TEST(test_fault_is_recorded),
        TH_TEST(test_fault_read_rights_and_buffers),
        TH_TEST(test_fault_ring_keeps_newest_64),
        TH_TEST(test_fault_class_refined),
    };
    return TH_RUN(tests);
}
