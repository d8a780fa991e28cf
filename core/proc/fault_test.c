/*
 * core/proc/fault_test.c - what the kernel keeps of a faulting thread (proc/fault.c)
 * and process_fault_read: registers and the top of the stack, every bad argument, a
 * wild or overflowed stack pointer, a stack bigger than what is kept, and no leak.
 */
#include "th.h"

#include "kernel.h"

#include <sos_arch/fault_regs.h>

#define PG 4096u

struct child_plan {
    size_t map_len;  /* user memory the child makes (0: none) */
    size_t sp_off;   /* its stack pointer, from the start of that memory */
    uintptr_t sp;    /* or this one when map_len is 0 */
    bool has_regs;
};

static struct child_plan g_plan;
static uintptr_t g_child_mem;

static void child_faults(void *p)
{
    (void)p;
    struct hal_fault f = {SOS_FAULT_WILD_ADDRESS, 0x70000000, 0x4321, g_plan.has_regs, {0}};
    uintptr_t sp = g_plan.sp;
    if (g_plan.map_len) {
        uint8_t *m = th_umem(g_plan.map_len);
        for (size_t i = 0; i < g_plan.map_len; i++)
            m[i] = (uint8_t)(i * 7);
        g_child_mem = (uintptr_t)m;
        sp = (uintptr_t)m + g_plan.sp_off;
    }
    for (unsigned i = 0; i < SOS_FAULT_NREGS; i++)
        f.regs[i] = 1000 + i;
    f.regs[SOS_REG_SP] = sp;
    f.regs[SOS_REG_PC] = 0x4321;
    core_fault(&f);
}

static sos_handle_t fault_child(struct child_plan plan)
{
    g_plan = plan;
    sos_handle_t c = th_spawn("faulty", child_faults, NULL, NULL, 0);
    assert_int_equal(u_object_wait_one(c, SOS_SIG_TERMINATED, SOS_TIME_INFINITE, NULL), 0);
    th_console();
    return c;
}

static struct sos_fault_info *g_info;
static uint8_t *g_stack;

static int setup(void **state)
{
    int r = th_setup(state);
    g_info = th_umem(sizeof(*g_info));
    g_stack = th_umem(SOS_FAULT_STACK_MAX + PG);
    return r;
}

static void test_keeps_registers_and_stack(void **state)
{
    (void)state;
    sos_handle_t c = fault_child((struct child_plan){.map_len = 3 * PG, .sp_off = PG + 8,
                                                     .has_regs = true});
    assert_int_equal(u_process_fault_read(c, SOS_FAULT_READ_INFO, 0, g_info, sizeof(*g_info)),
                     (int64_t)sizeof(*g_info));
    assert_int_equal(g_info->record.fault_class, SOS_FAULT_WILD_ADDRESS);
    assert_int_equal(g_info->record.pc, 0x4321);
    assert_int_equal(g_info->record.process, th_koid(c));
    assert_int_equal(g_info->has_regs, 1);
    assert_int_equal(g_info->regs[0], 1000);
    assert_int_equal(g_info->regs[SOS_REG_SP], g_child_mem + PG + 8);
    assert_string_equal(g_info->name, "faulty");
    /* from 128 bytes below sp, 16-aligned, to the end of the mapping that holds sp */
    uintptr_t lo = (g_child_mem + PG + 8 - 128) & ~(uintptr_t)15;
    assert_int_equal(g_info->stack_addr, lo);
    assert_true(g_info->stack_len >= 2 * PG && g_info->stack_len <= SOS_FAULT_STACK_MAX);
    uint32_t len = g_info->stack_len;
    assert_int_equal(u_process_fault_read(c, SOS_FAULT_READ_STACK, 0, g_stack, len), (int64_t)len);
    for (uint32_t i = 0; i < 2 * PG; i++)
        assert_int_equal(g_stack[i], (uint8_t)((lo - g_child_mem + i) * 7));
    /* a read past the end is cut; one from the end reads nothing */
    assert_int_equal(u_process_fault_read(c, SOS_FAULT_READ_STACK, len - 10, g_stack, 100), 10);
    assert_int_equal(u_process_fault_read(c, SOS_FAULT_READ_STACK, len, g_stack, 100), 0);
    assert_int_equal(u_handle_close(c), 0);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    sos_handle_t c = fault_child((struct child_plan){.map_len = PG, .sp_off = PG / 2,
                                                     .has_regs = true});
    uint32_t len = 0;
    assert_int_equal(u_process_fault_read(c, SOS_FAULT_READ_INFO, 0, g_info, sizeof(*g_info)),
                     (int64_t)sizeof(*g_info));
    len = g_info->stack_len;
    assert_int_equal(u_process_fault_read(0x7171, SOS_FAULT_READ_INFO, 0, g_info, 8), SOS_ERR_BAD_HANDLE);
    assert_int_equal(u_process_fault_read(th_event(), SOS_FAULT_READ_INFO, 0, g_info, 8), SOS_ERR_WRONG_TYPE);
    assert_int_equal(u_process_fault_read(th_dup(c, SOS_RIGHT_READ | SOS_RIGHT_WAIT),
                                          SOS_FAULT_READ_INFO, 0, g_info, 8), SOS_ERR_ACCESS_DENIED);
    assert_int_equal(u_process_fault_read(c, 7, 0, g_info, 8), SOS_ERR_INVALID_ARGS);
    assert_int_equal(u_process_fault_read(c, SOS_FAULT_READ_INFO, 8, g_info, 8), SOS_ERR_INVALID_ARGS);
    assert_int_equal(u_process_fault_read(c, SOS_FAULT_READ_STACK, len + 1, g_stack, 8), SOS_ERR_INVALID_ARGS);
    assert_int_equal(u_process_fault_read(c, SOS_FAULT_READ_STACK, ~0ull, g_stack, 8), SOS_ERR_INVALID_ARGS);
    assert_int_equal(u_process_fault_read(c, SOS_FAULT_READ_INFO, 0, NULL, 8), SOS_ERR_BAD_ADDRESS);
    assert_int_equal(u_process_fault_read(c, SOS_FAULT_READ_INFO, 0,
                                          th_page_with(SOS_VM_READ, NULL, 0), 8), SOS_ERR_BAD_ADDRESS);
    /* a short buffer gets the start of the record */
    assert_int_equal(u_process_fault_read(c, SOS_FAULT_READ_INFO, 0, g_info, 4), 4);
    /* a process that never faulted has nothing to read */
    assert_int_equal(u_process_fault_read(th_self(), SOS_FAULT_READ_INFO, 0, g_info, 8),
                     SOS_ERR_NOT_FOUND);
    assert_int_equal(u_handle_close(c), 0);
}

static void test_wild_stack_pointer_keeps_no_stack(void **state)
{
    (void)state;
    uintptr_t wild[] = {0, 0x10, 0x7ffffffff000ull, ~(uintptr_t)0, ~(uintptr_t)0 - PG + 1};
    for (size_t i = 0; i < sizeof(wild) / sizeof(wild[0]); i++) {
        sos_handle_t c = fault_child((struct child_plan){.sp = wild[i], .has_regs = true});
        assert_int_equal(u_process_fault_read(c, SOS_FAULT_READ_INFO, 0, g_info, sizeof(*g_info)),
                         (int64_t)sizeof(*g_info));
        assert_int_equal(g_info->stack_len, 0);
        assert_int_equal(g_info->regs[SOS_REG_SP], wild[i]);
        assert_int_equal(u_process_fault_read(c, SOS_FAULT_READ_STACK, 0, g_stack, 8), 0);
        assert_int_equal(u_handle_close(c), 0);
    }
    /* a platform that gave no registers: the record only */
    sos_handle_t c = fault_child((struct child_plan){.map_len = PG, .sp_off = 64});
    assert_int_equal(u_process_fault_read(c, SOS_FAULT_READ_INFO, 0, g_info, sizeof(*g_info)),
                     (int64_t)sizeof(*g_info));
    assert_int_equal(g_info->has_regs, 0);
    assert_int_equal(g_info->stack_len, 0);
    assert_int_equal(g_info->record.pc, 0x4321);
    assert_int_equal(u_handle_close(c), 0);
}

static void test_huge_stack_is_cut(void **state)
{
    (void)state;
    sos_handle_t c = fault_child((struct child_plan){.map_len = 4 * SOS_FAULT_STACK_MAX,
                                                     .sp_off = 256, .has_regs = true});
    assert_int_equal(u_process_fault_read(c, SOS_FAULT_READ_INFO, 0, g_info, sizeof(*g_info)),
                     (int64_t)sizeof(*g_info));
    assert_int_equal(g_info->stack_len, SOS_FAULT_STACK_MAX);
    assert_int_equal(g_info->stack_addr, g_child_mem + 128);
    assert_int_equal(u_handle_close(c), 0);
}

static void test_overflow_into_the_guard_keeps_the_stack_above(void **state)
{
    (void)state;
    /* sp just below the mapping (in the page under it, as after an overflow) */
    sos_handle_t c = fault_child((struct child_plan){.map_len = 2 * PG, .sp_off = 0,
                                                     .has_regs = true});
    u_handle_close(c);
    g_plan.sp = 0;
    c = fault_child((struct child_plan){.map_len = 2 * PG, .sp_off = (size_t)-64,
                                        .has_regs = true});
    assert_int_equal(u_process_fault_read(c, SOS_FAULT_READ_INFO, 0, g_info, sizeof(*g_info)),
                     (int64_t)sizeof(*g_info));
    if (g_info->stack_len) { /* the page below may belong to another mapping of the child */
        assert_true(g_info->stack_addr <= g_child_mem);
        assert_true(g_info->stack_addr + g_info->stack_len > g_child_mem);
    }
    assert_int_equal(u_handle_close(c), 0);
}

/* A process spawned from an image (the harness holds no reference to it) faults with
 * its stack pointer in its startup block. */
extern void (*th_user_main)(uintptr_t startup);

static void faults_in_user_main(uintptr_t startup)
{
    struct hal_fault f = {SOS_FAULT_WILD_ADDRESS, 0x70000000, 0x4321, true, {0}};
    f.regs[SOS_REG_SP] = startup + 64;
    core_fault(&f);
}

static void test_kept_state_is_freed_with_the_process(void **state)
{
    (void)state;
    th_user_main = faults_in_user_main;
    struct th_elf_opts o = {0};
    struct sos_spawn_args *a = th_umem(sizeof(*a) + 8);
    char *name = (char *)(a + 1);
    memcpy(name, "f", 2);
    *a = (struct sos_spawn_args){.image = th_elf_vmo(&o, NULL), .name = name};
    sos_handle_t *out = th_umem(sizeof(*out));
    struct th_counts before;
    for (int i = 0; i < 6; i++) {
        if (i == 1) /* the first run fills the caches */
            th_counts(&before);
        assert_int_equal(u_process_spawn(a, out), 0);
        assert_int_equal(u_object_wait_one(*out, SOS_SIG_TERMINATED, SOS_TIME_INFINITE, NULL), 0);
        assert_int_equal(u_process_fault_read(*out, SOS_FAULT_READ_INFO, 0, g_info, sizeof(*g_info)),
                         (int64_t)sizeof(*g_info));
        assert_true(g_info->stack_len > 0);
        assert_int_equal(u_handle_close(*out), 0);
        th_settle();
    }
    th_console();
    th_assert_counts(&before);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_keeps_registers_and_stack, setup, th_teardown),
        cmocka_unit_test_setup_teardown(test_bad_arguments, setup, th_teardown),
        cmocka_unit_test_setup_teardown(test_wild_stack_pointer_keeps_no_stack, setup, th_teardown),
        cmocka_unit_test_setup_teardown(test_huge_stack_is_cut, setup, th_teardown),
        cmocka_unit_test_setup_teardown(test_overflow_into_the_guard_keeps_the_stack_above, setup,
                                        th_teardown),
        cmocka_unit_test_setup_teardown(test_kept_state_is_freed_with_the_process, setup,
                                        th_teardown),
    };
    return TH_RUN(tests);
}
