/*
 * tests/hal/test_hal.c - core/hal.h implemented inside a unit-test process.
 *
 * One CPU, virtual time, memory from the host arena (hal-hosted/host), real context
 * switches on real stacks. There is no user mode: hal_user_enter() runs the registered
 * th_user_main hook (or exits the process) on the thread's kernel stack, so spawn can
 * still be checked end to end. Interrupt-free: hal_cpu_idle() advances virtual time to
 * the armed deadline and delivers the timer interrupt, or reports a deadlock.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sos/sos.h>

#include "hal.h"
#include "host.h"
#include "th.h"
#include "th_internal.h"

#define WINDOW (1ull << 32)

static int64_t g_now = 1000000; /* virtual ns; starts past zero so deadlines of 0 are past */
static int64_t g_deadline = INT64_MAX;
static char g_console[1 << 16];
static size_t g_console_len;
static unsigned long g_irq_state;
static bool g_irq_enabled[HAL_IRQ_MAX];
jmp_buf *th_power_jmp;
static int g_power_status;
void (*th_user_main)(uintptr_t startup);

struct hal_as {
    uintptr_t base;
};

unsigned hal_cpu_id(void) { return 0; }
unsigned hal_cpu_count(void) { return 1; }
unsigned long hal_irq_save(void)
{
    unsigned long s = g_irq_state;
    g_irq_state = 1;
    return s;
}
void hal_irq_restore(unsigned long state) { g_irq_state = state; }
void hal_cpu_kick(unsigned cpu) { (void)cpu; }
void hal_cpu_start_secondaries(void) {}
void hal_cpu_relax(void) {}

void hal_cpu_idle(void)
{
    if (g_deadline == INT64_MAX) {
        fprintf(stderr, "test HAL: every thread is blocked and no timer is armed (deadlock)\n");
        abort();
    }
    if (g_now < g_deadline)
        g_now = g_deadline;
    g_deadline = INT64_MAX;
    core_irq(HAL_IRQ_TIMER, false);
}

#if defined(__SANITIZE_ADDRESS__)
#define TH_ASAN_FIBERS 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TH_ASAN_FIBERS 1
#endif
#endif

#ifdef TH_ASAN_FIBERS
/*
 * Under ASan, every kernel stack is announced as a fiber, so that ASan knows which stack
 * is current. Without that it ignores __asan_handle_no_return on a thread's way out
 * (the stack looks gigabytes deep), the poisoned redzones of the frames a dead thread
 * never returned from stay behind, and the next user of those frames (the frame
 * allocator zeroing them for someone else) is reported. Single CPU: no locking, and no
 * address-taken locals in the switch path (a dying thread's last frames are never
 * unpoisoned). Fake stacks (use-after-return) are not supported: NULL is passed.
 */
#include <sanitizer/common_interface_defs.h>

struct fiber {
    const struct hal_context *ctx;
    uintptr_t bottom;
    size_t size;
};
#define NFIBERS 16384u
static struct fiber g_fibers[NFIBERS];
static const void *g_main_bottom; /* the host stack the harness started on */
static size_t g_main_size;
static const void *g_old_bottom;
static size_t g_old_size;

static struct fiber *fiber_of(const struct hal_context *ctx, bool insert)
{
    size_t i = ((uintptr_t)ctx >> 4) % NFIBERS;
    for (size_t n = 0; n < NFIBERS; n++, i = (i + 1) % NFIBERS) {
        if (g_fibers[i].ctx == ctx)
            return &g_fibers[i];
        if (!g_fibers[i].ctx) {
            if (!insert)
                return NULL;
            g_fibers[i].ctx = ctx;
            return &g_fibers[i];
        }
    }
    if (insert) {
        fprintf(stderr, "test HAL: more than %u contexts\n", NFIBERS);
        abort();
    }
    return NULL;
}

/* Right after a switch: the first one ever leaves the host stack, which is learned. */
static void fiber_arrived(void)
{
    __sanitizer_finish_switch_fiber(NULL, &g_old_bottom, &g_old_size);
    if (!g_main_size) {
        g_main_bottom = g_old_bottom;
        g_main_size = g_old_size;
    }
}

struct fiber_start {
    void (*fn)(void *);
    void *arg;
};

static void fiber_entry(void *p)
{
    const struct fiber_start *st = p;
    void (*fn)(void *) = st->fn;
    void *arg = st->arg;
    fiber_arrived();
    fn(arg);
}

void hal_context_init(struct hal_context *ctx, void *stack, size_t size,
                      void (*fn)(void *), void *arg)
{
    struct fiber *f = fiber_of(ctx, true);
    f->bottom = (uintptr_t)stack;
    f->size = size;
    /* the entry and its argument live in the top 32 bytes of the stack */
    struct fiber_start *st = (struct fiber_start *)((char *)stack + size - 32);
    st->fn = fn;
    st->arg = arg;
    ctx->sp = host_ctx_init(stack, size - 32, fiber_entry, st);
}

void hal_context_switch(struct hal_context *from, struct hal_context *to)
{
    const struct fiber *f = fiber_of(to, false);
    if (f && to->sp >= f->bottom && to->sp < f->bottom + f->size)
        __sanitizer_start_switch_fiber(NULL, (const void *)f->bottom, f->size);
    else /* a context that runs on the host stack (the adopted test-body thread) */
        __sanitizer_start_switch_fiber(NULL, g_main_bottom, g_main_size);
    host_ctx_switch(&from->sp, to->sp);
    fiber_arrived();
}
#else
void hal_context_init(struct hal_context *ctx, void *stack, size_t size,
                      void (*fn)(void *), void *arg)
{
    ctx->sp = host_ctx_init(stack, size, fn, arg);
}

void hal_context_switch(struct hal_context *from, struct hal_context *to)
{
    host_ctx_switch(&from->sp, to->sp);
}
#endif

void hal_cpu_set_kernel_stack(uintptr_t top) { (void)top; }

void hal_user_enter(uintptr_t entry, uintptr_t sp, uintptr_t arg)
{
    (void)entry;
    (void)sp;
    if (th_user_main)
        th_user_main(arg);
    core_syscall(SOS_SYS_process_exit, 0, 0, 0, 0, 0);
    abort();
}

unsigned hal_elf_machine(void)
{
#if defined(__x86_64__)
    return 62;
#else
    return 183;
#endif
}

int hal_as_create(struct hal_as **out)
{
    struct hal_as *as = calloc(1, sizeof(*as));
    if (!as)
        return SOS_ERR_NO_MEMORY;
    if (host_window_alloc(&as->base)) {
        free(as);
        return SOS_ERR_NO_RESOURCES;
    }
    *out = as;
    return 0;
}

void hal_as_destroy(struct hal_as *as)
{
    host_window_free(as->base);
    free(as);
}

void hal_as_range(struct hal_as *as, uintptr_t *base, uintptr_t *size)
{
    *base = as->base;
    *size = host_window_size();
}

static unsigned host_prot(unsigned p)
{
    return ((p & HAL_PROT_READ) ? HOST_PROT_R : 0) | ((p & HAL_PROT_WRITE) ? HOST_PROT_W : 0) |
           ((p & HAL_PROT_EXEC) ? HOST_PROT_X : 0);
}

int hal_as_map(struct hal_as *as, uintptr_t va, paddr_t pa, size_t npages, unsigned prot)
{
    (void)as;
    return host_map(va, pa - HOST_PHYS_BASE, npages * HAL_PAGE_SIZE, host_prot(prot))
               ? SOS_ERR_NO_MEMORY
               : 0;
}

void hal_as_unmap(struct hal_as *as, uintptr_t va, size_t npages)
{
    (void)as;
    host_unmap(va, npages * HAL_PAGE_SIZE);
}

void hal_as_protect(struct hal_as *as, uintptr_t va, size_t npages, unsigned prot)
{
    (void)as;
    host_protect(va, npages * HAL_PAGE_SIZE, host_prot(prot));
}

void hal_as_activate(struct hal_as *as) { (void)as; }
uintptr_t hal_as_syscall_entry(struct hal_as *as)
{
    (void)as;
    return (uintptr_t)core_syscall;
}

int hal_copy_from_user(void *dst, uintptr_t usrc, size_t len)
{
    memcpy(dst, (const void *)usrc, len);
    return 0;
}

int hal_copy_to_user(uintptr_t udst, const void *src, size_t len)
{
    memcpy((void *)udst, src, len);
    return 0;
}

void *hal_phys_to_virt(paddr_t pa) { return (char *)host_arena_base() + (pa - HOST_PHYS_BASE); }
paddr_t hal_virt_to_phys(const void *va)
{
    return (paddr_t)((const char *)va - (const char *)host_arena_base()) + HOST_PHYS_BASE;
}

int64_t hal_time_now(void) { return g_now; }
void hal_timer_set(int64_t deadline) { g_deadline = deadline; }

int hal_irq_enable(unsigned line)
{
    if (line >= HAL_IRQ_MAX)
        return SOS_ERR_INVALID_ARGS;
    g_irq_enabled[line] = true;
    return 0;
}
void hal_irq_disable(unsigned line)
{
    if (line < HAL_IRQ_MAX)
        g_irq_enabled[line] = false;
}
void hal_irq_ack(unsigned line) { (void)line; }

void hal_console_write(const char *buf, size_t len)
{
    if (getenv("TH_VERBOSE"))
        fwrite(buf, 1, len, stderr);
    size_t n = len < sizeof(g_console) - 1 - g_console_len ? len : sizeof(g_console) - 1 - g_console_len;
    memcpy(g_console + g_console_len, buf, n);
    g_console_len += n;
    g_console[g_console_len] = 0;
}

bool hal_dev_get(unsigned index, const struct hal_dev_ops **ops, void **dev)
{
    (void)index;
    (void)ops;
    (void)dev;
    return false;
}

void hal_power_off(int status)
{
    g_power_status = status;
    if (th_power_jmp)
        longjmp(*th_power_jmp, 1);
    exit(status);
}

void hal_reboot(void) { hal_power_off(-2); }

void hal_panic_halt(void)
{
    fprintf(stderr, "%s", g_console);
    abort();
}

/* ---- harness access */

int th_power_status(void) { return g_power_status; }
bool th_irq_enabled(unsigned line) { return line < HAL_IRQ_MAX && g_irq_enabled[line]; }
void th_advance(int64_t ns) { g_now += ns; }

const char *th_console(void)
{
    static char copy[sizeof(g_console)];
    memcpy(copy, g_console, g_console_len + 1);
    g_console_len = 0;
    g_console[0] = 0;
    return copy;
}

int th_hal_init(size_t mem_bytes, struct boot_info *bi)
{
    if (host_arena_init(mem_bytes, 64, WINDOW))
        return -1;
    memset(bi, 0, sizeof(*bi));
    bi->mem[0].base = HOST_PHYS_BASE;
    bi->mem[0].size = mem_bytes;
    bi->mem_count = 1;
    bi->cpu_count = 1;
    bi->platform = "test";
    return 0;
}
