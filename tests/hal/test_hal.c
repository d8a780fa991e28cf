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

static bool fake_blk_complete(void);

void hal_cpu_idle(void)
{
    bool blk = fake_blk_complete(), net = th_fake_net_idle(); /* both, always */
    if (blk || net)
        return; /* a device finished something: its interrupt was delivered */
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

/*
 * Each stack's bounds live in the 32 bytes kept free at its top, next to the entry
 * function: no table to grow with every thread ever made. The core names the stack it
 * switches to (hal_cpu_set_kernel_stack, "called on every switch to a thread") just
 * before hal_context_switch, so the switch finds them there.
 */
struct fiber {
    void (*fn)(void *);
    void *arg;
    uintptr_t bottom;
    size_t size;
};
_Static_assert(sizeof(struct fiber) <= 32, "the fiber record is the top 32 bytes of a stack");
static uintptr_t g_next_top; /* top of the kernel stack of the thread switched to next */
static const void *g_main_bottom; /* the host stack the harness started on */
static size_t g_main_size;
static const void *g_old_bottom;
static size_t g_old_size;

/* Right after a switch: the first one ever leaves the host stack, which is learned. */
static void fiber_arrived(void)
{
    __sanitizer_finish_switch_fiber(NULL, &g_old_bottom, &g_old_size);
    if (!g_main_size) {
        g_main_bottom = g_old_bottom;
        g_main_size = g_old_size;
    }
}

static void fiber_entry(void *p)
{
    const struct fiber *f = p;
    void (*fn)(void *) = f->fn;
    void *arg = f->arg;
    fiber_arrived();
    fn(arg);
}

void hal_context_init(struct hal_context *ctx, void *stack, size_t size,
                      void (*fn)(void *), void *arg)
{
    struct fiber *f = (struct fiber *)((char *)stack + size - 32);
    *f = (struct fiber){fn, arg, (uintptr_t)stack, size};
    ctx->sp = host_ctx_init(stack, size - 32, fiber_entry, f);
}

void hal_context_switch(struct hal_context *from, struct hal_context *to)
{
    const struct fiber *f = g_next_top ? (const struct fiber *)(g_next_top - 32) : NULL;
    if (f && to->sp >= f->bottom && to->sp < f->bottom + f->size)
        __sanitizer_start_switch_fiber(NULL, (const void *)f->bottom, f->size);
    else /* a context that runs on the host stack (the adopted test-body thread) */
        __sanitizer_start_switch_fiber(NULL, g_main_bottom, g_main_size);
    host_ctx_switch(&from->sp, to->sp);
    fiber_arrived();
}

void hal_cpu_set_kernel_stack(uintptr_t top) { g_next_top = top; }
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

void hal_cpu_set_kernel_stack(uintptr_t top) { (void)top; }
#endif

void hal_user_enter(uintptr_t entry, uintptr_t sp, uintptr_t arg)
{
    (void)entry;
    (void)sp;
    if (th_user_main)
        th_user_main(arg);
    core_syscall(SOS_SYS_process_exit, 0, 0, 0, 0, 0);
    abort();
}

/* Address spaces, user copies and physical memory: hal-hosted/memory.c. */

uintptr_t hal_as_syscall_entry(struct hal_as *as)
{
    (void)as;
    return (uintptr_t)core_syscall;
}


int64_t hal_time_now(void) { return g_now; }

int64_t th_wall_clock_s = 1700000000; /* what the test HAL's machine says the time is */

int64_t hal_wall_clock_s(void) { return th_wall_clock_s; }

/* A fake source: a counter's bytes (the core's conditioning must still make every
 * output differ), or none while th_entropy_missing is set (the core's jitter then). */
bool th_entropy_missing;
int hal_entropy_fill(void *buf, size_t len)
{
    static uint8_t next;
    if (th_entropy_missing)
        return SOS_ERR_NOT_SUPPORTED;
    for (size_t i = 0; i < len; i++)
        ((uint8_t *)buf)[i] = next++;
    return 0;
}
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

/*
 * Fake block devices (th_fake_blk, see th.h): 64 blocks of 512 bytes in memory. Device 0
 * completes on line TH_FAKE_BLK_LINE, device 1 has no line (the core polls it).
 * Requests complete when the CPU next idles (as a real device would, later), or at once
 * in `instant` mode (no interrupt then); `hold` keeps them pending (a device that never
 * answers); `fail_status` fails the next request; `busy` makes submit say SHOULD_WAIT.
 */
struct th_fake_blk th_fake_blk[2];

struct fake_dev {
    unsigned id;
};
static struct fake_dev g_fake_devs[2] = {{0}, {1}};
static struct hal_dev_req *g_fake_pending[2][8], *g_fake_done[2][8];
static unsigned g_fake_npending[2], g_fake_ndone[2];

static void fake_do(unsigned id, struct hal_dev_req *r)
{
    struct th_fake_blk *f = &th_fake_blk[id];
    uint8_t *buf = r->len ? hal_phys_to_virt(r->buf) : NULL;
    if (f->fail_status) {
        r->status = f->fail_status;
        f->fail_status = 0;
    } else if (r->op == HAL_DEVOP_READ) {
        memcpy(buf, f->data + r->offset * 512, r->len);
    } else if (r->op == HAL_DEVOP_WRITE) {
        memcpy(f->data + r->offset * 512, buf, r->len);
    } else {
        f->flushes++;
    }
    r->actual = r->status ? 0 : r->len;
    g_fake_done[id][g_fake_ndone[id]++] = r;
}

static int fake_submit(void *dev, struct hal_dev_req *r)
{
    unsigned id = ((struct fake_dev *)dev)->id;
    struct th_fake_blk *f = &th_fake_blk[id];
    f->submits++;
    if (f->busy) {
        f->busy--;
        return SOS_ERR_SHOULD_WAIT;
    }
    bool rw = r->op == HAL_DEVOP_READ || r->op == HAL_DEVOP_WRITE;
    if (!rw && r->op != HAL_DEVOP_FLUSH)
        return SOS_ERR_NOT_SUPPORTED;
    if (rw && (r->len == 0 || r->len % 512 || r->offset > 64 || r->len / 512 > 64 - r->offset))
        return SOS_ERR_OUT_OF_RANGE;
    if (g_fake_npending[id] == 8)
        return SOS_ERR_SHOULD_WAIT;
    r->status = 0;
    if (f->instant)
        fake_do(id, r);
    else
        g_fake_pending[id][g_fake_npending[id]++] = r;
    return 0;
}

static struct hal_dev_req *fake_poll(void *dev)
{
    unsigned id = ((struct fake_dev *)dev)->id;
    if (!g_fake_ndone[id])
        return NULL;
    struct hal_dev_req *r = g_fake_done[id][0];
    memmove(g_fake_done[id], g_fake_done[id] + 1, --g_fake_ndone[id] * sizeof(r));
    return r;
}

static void fake_info(void *dev, struct hal_dev_info *out)
{
    unsigned id = ((struct fake_dev *)dev)->id;
    memset(out, 0, sizeof(*out));
    out->dev_class = HAL_DEV_BLOCK;
    out->irq = id == 0 ? TH_FAKE_BLK_LINE : 0;
    snprintf(out->name, sizeof(out->name), "fake-blk%u", id);
    out->block_size = 512;
    out->block_count = 64;
}

static const struct hal_dev_ops g_fake_ops = {fake_submit, fake_poll, fake_info};

/* Finish pending requests (unless held); raise device 0's line. True if it raised it. */
static bool fake_blk_complete(void)
{
    bool raised = false;
    for (unsigned id = 0; id < 2; id++) {
        if (th_fake_blk[id].hold || !g_fake_npending[id])
            continue;
        for (unsigned i = 0; i < g_fake_npending[id]; i++)
            fake_do(id, g_fake_pending[id][i]);
        g_fake_npending[id] = 0;
        if (id == 0 && g_irq_enabled[TH_FAKE_BLK_LINE]) {
            core_irq(TH_FAKE_BLK_LINE, false);
            raised = true;
        }
    }
    return raised;
}

struct th_fake_audio th_fake_audio;
static struct hal_dev_req *g_audio_done[8];
static unsigned g_audio_ndone;

static int fake_audio_submit(void *dev, struct hal_dev_req *r)
{
    (void)dev;
    if (r->op != HAL_DEVOP_WRITE)
        return SOS_ERR_NOT_SUPPORTED;
    if (g_audio_ndone == 8)
        return SOS_ERR_SHOULD_WAIT;
    size_t n = r->len < sizeof(th_fake_audio.data) ? r->len : sizeof(th_fake_audio.data);
    memcpy(th_fake_audio.data, (uint8_t *)hal_phys_to_virt(r->buf) + r->len - n, n);
    th_fake_audio.bytes += r->len;
    r->status = 0;
    r->actual = r->len;
    g_audio_done[g_audio_ndone++] = r;
    return 0;
}

static struct hal_dev_req *fake_audio_poll(void *dev)
{
    (void)dev;
    if (!g_audio_ndone)
        return NULL;
    struct hal_dev_req *r = g_audio_done[0];
    memmove(g_audio_done, g_audio_done + 1, --g_audio_ndone * sizeof(r));
    return r;
}

static void fake_audio_info(void *dev, struct hal_dev_info *out)
{
    (void)dev;
    *out = (struct hal_dev_info){.dev_class = HAL_DEV_AUDIO, .block_size = 4, .block_count = 1440,
                                 .audio_rate = 48000, .audio_channels = 2,
                                 .audio_format = SOS_AUDIO_FMT_S16};
    snprintf(out->name, sizeof(out->name), "fake-audio");
}

static const struct hal_dev_ops g_fake_audio_ops = {fake_audio_submit, fake_audio_poll,
                                                    fake_audio_info};

bool hal_dev_get(unsigned index, const struct hal_dev_ops **ops, void **dev)
{
    if (index == 2 && th_fake_net_get(ops, dev)) /* the network device (th_net.c) */
        return true;
    if (index == (th_fake_net.present ? 3u : 2u) && th_fake_audio.present) { /* then audio */
        *ops = &g_fake_audio_ops;
        *dev = &th_fake_audio;
        return true;
    }
    if (index >= 2 || !th_fake_blk[index].present)
        return false;
    *ops = &g_fake_ops;
    *dev = &g_fake_devs[index];
    return true;
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
