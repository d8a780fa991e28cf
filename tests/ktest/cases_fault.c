/*
 * tests/ktest/cases_fault.c - faults: each case runs in its own child, does one bad
 * thing, and must die with the fault class the runner expects (SOS_INFO_PROCESS state
 * FAULTED, fault.fault_class). The runner lives on, which is the point.
 *
 * Layer: tests (user image).
 */
#include "ktest.h"

#define PAGE SOS_PAGE_SIZE

typedef void (*code_fn)(void);

/* A "return" instruction, to place in memory that must not be executed. */
#if defined(__x86_64__)
static const uint8_t g_ret[] = {0xc3};
#elif defined(__aarch64__)
static const uint8_t g_ret[] = {0xc0, 0x03, 0x5f, 0xd6};
#endif

static void call_at(void *p) { ((code_fn)kt_opaque((uintptr_t)p))(); }

static void fault_null_read(void)
{
    volatile int *p = (volatile int *)kt_opaque(0);
    (void)*p;
}

static void fault_null_write(void) { *(volatile int *)kt_opaque(0x18) = 1; }

static void fault_null_guard_page(void)
{
    volatile char *p = (volatile char *)kt_opaque(0xfff0); /* the top of the null guard */
    (void)*p;
}

static void fault_wild_address(void)
{
    sos_handle_t v = kt_vmo(PAGE);
    volatile int *p = kt_map(v, PAGE, SOS_VM_READ | SOS_VM_WRITE);
    *p = 1;
    KT_OK(sos_vm_unmap(sos_self_process(), (uintptr_t)p, PAGE));
    (void)*(volatile int *)kt_opaque((uintptr_t)p);
}

static void fault_stack_guard(void)
{
    const struct sos_startup *sb = sos_startup_block();
    volatile char *below = (volatile char *)kt_opaque(sb->stack_base - 8);
    (void)*below;
}

static int recurse(int depth)
{
    volatile char frame[256];
    frame[0] = (char)depth;
    int (*volatile self)(int) = recurse;
    return self(depth + 1) + frame[0];
}

static void fault_stack_overflow(void) { recurse(0); }

static void fault_write_rodata(void)
{
    static const char text[] = "constant";
    *(volatile char *)kt_opaque((uintptr_t)text) = 'C';
}

static void fault_write_code(void)
{
    *(volatile char *)kt_opaque((uintptr_t)fault_write_code) = 0;
}

static void fault_write_startup_block(void)
{
    *(volatile uint32_t *)kt_opaque((uintptr_t)sos_startup_block()) = 0;
}

static void fault_write_after_protect(void)
{
    sos_handle_t v = kt_vmo(PAGE);
    volatile int *p = kt_map(v, PAGE, SOS_VM_READ | SOS_VM_WRITE);
    *p = 1;
    KT_OK(sos_vm_protect(sos_self_process(), (uintptr_t)p, PAGE, SOS_VM_READ));
    *p = 2;
}

static void fault_read_no_access(void)
{
    sos_handle_t v = kt_vmo(PAGE);
    volatile int *p = kt_map(v, PAGE, SOS_VM_READ);
    KT_OK(sos_vm_protect(sos_self_process(), (uintptr_t)p, PAGE, 0));
    (void)*p;
}

static void fault_exec_data(void)
{
    static uint8_t code[16] __attribute__((aligned(16)));
    memcpy(code, g_ret, sizeof(g_ret));
    call_at(code);
}

static void fault_exec_stack(void)
{
    uint8_t code[16] __attribute__((aligned(16)));
    memcpy(code, g_ret, sizeof(g_ret));
    call_at(code);
}

static void fault_exec_heap(void)
{
    uint8_t *code = malloc(64);
    memcpy(code, g_ret, sizeof(g_ret));
    call_at(code);
}

static void fault_exec_rodata(void) { call_at((void *)g_ret); }

static void fault_illegal_instruction(void)
{
#if defined(__x86_64__)
    __asm__ volatile("ud2");
#elif defined(__aarch64__)
    __asm__ volatile("udf #0");
#endif
}

static void fault_breakpoint(void)
{
#if defined(__x86_64__)
    __asm__ volatile("int3");
#elif defined(__aarch64__)
    __asm__ volatile("brk #0");
#endif
}

static void fault_divide_by_zero(void)
{
    volatile int a = 1000, z = (int)kt_opaque(0);
    volatile int r = a / z; /* x86 traps; aarch64 gives 0 */
    (void)r;
}

static void fault_divide_overflow(void)
{
    volatile long r = (long)kt_opaque((uintptr_t)INT64_MIN) / (long)kt_opaque((uintptr_t)-1);
    (void)r;
}

static void null_in_thread(void *arg)
{
    (void)arg;
    (void)*(volatile int *)kt_opaque(0x40);
}

static void fault_in_second_thread(void)
{
    /* one thread's fault takes the whole process */
    struct sl_thread t;
    KT_OK(sl_thread_start(&t, null_in_thread, NULL, 0));
    sos_thread_sleep(sos_deadline_after(SOS_MS(3000)));
    kt_fail(__LINE__, "still alive 3 s after the thread faulted");
}

static void fault_while_holding_a_call(void)
{
    /* the process faults while its other thread is blocked in channel_call */
    sos_handle_t a, b;
    kt_channel(&a, &b);
    struct sl_thread t;
    KT_OK(sl_thread_start(&t, null_in_thread, NULL, 0));
    char req[8] = "....", rep[8];
    struct sos_chan_call c = {.wr_bytes = req, .wr_nbytes = 4,
                              .rd = {.bytes = rep, .bytes_cap = sizeof(rep)}};
    sos_channel_call(a, sos_deadline_after(SOS_MS(3000)), &c);
    kt_fail(__LINE__, "the call returned after the process faulted");
}

const struct kt_case kt_fault_cases[] = {
    KT_FAULT_CASE(fault_null_read, SOS_FAULT_NULL_DEREF),
    KT_FAULT_CASE(fault_null_write, SOS_FAULT_NULL_DEREF),
    KT_FAULT_CASE(fault_null_guard_page, SOS_FAULT_NULL_DEREF),
    KT_FAULT_CASE(fault_wild_address, SOS_FAULT_WILD_ADDRESS),
    KT_FAULT_CASE(fault_stack_guard, SOS_FAULT_WILD_ADDRESS),
    KT_FAULT_CASE(fault_stack_overflow, SOS_FAULT_WILD_ADDRESS),
    KT_FAULT_CASE(fault_write_rodata, SOS_FAULT_PERMISSION),
    KT_FAULT_CASE(fault_write_code, SOS_FAULT_PERMISSION),
    KT_FAULT_CASE(fault_write_startup_block, SOS_FAULT_PERMISSION),
    KT_FAULT_CASE(fault_write_after_protect, SOS_FAULT_PERMISSION),
    KT_FAULT_CASE(fault_read_no_access, SOS_FAULT_PERMISSION),
    KT_FAULT_CASE(fault_exec_data, SOS_FAULT_EXEC),
    KT_FAULT_CASE(fault_exec_stack, SOS_FAULT_EXEC),
    KT_FAULT_CASE(fault_exec_heap, SOS_FAULT_EXEC),
    KT_FAULT_CASE(fault_exec_rodata, SOS_FAULT_EXEC),
    KT_FAULT_CASE(fault_illegal_instruction, SOS_FAULT_ILLEGAL),
    KT_FAULT_CASE(fault_breakpoint, SOS_FAULT_BREAK),
    KT_FAULT_CASE_F(fault_divide_by_zero, SOS_FAULT_ARITH, KT_X86_ONLY),
    KT_FAULT_CASE_F(fault_divide_overflow, SOS_FAULT_ARITH, KT_X86_ONLY),
    KT_FAULT_CASE(fault_in_second_thread, SOS_FAULT_NULL_DEREF),
    KT_FAULT_CASE(fault_while_holding_a_call, SOS_FAULT_NULL_DEREF),
};
const size_t kt_fault_count = sizeof(kt_fault_cases) / sizeof(kt_fault_cases[0]);
