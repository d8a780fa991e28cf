/*
 * hal-hosted/hal.c - core/hal.h for a Linux process, over the host functions in host/.
 *
 * This file sees the core's headers and nothing of the host but host/host.h. The
 * design (ARCHITECTURE.md section 7): vCPUs are host threads; core threads are contexts
 * switched on them by host_ctx_switch; user code runs on the same host thread and
 * enters the core by calling host_syscall_entry (a function call, no trap); virtual
 * interrupts reach user code through a signal that redirects it into the core, and
 * reach core code only when it idles or returns to user mode. With --isolate, user code
 * runs in a stub process per address space instead (host/isolate.c).
 *
 * Layer: hal-hosted, core world.
 */
#include <sos/sos.h>

#include "hal.h"
#include "host.h"
#include "hosted.h"
#include "record.h" /* the kinds of trace events */

#define SIGBUS_ 7
#define SIGSEGV_ 11

_Static_assert(HOST_FAULT_STATUS == HOSTED_PANIC_STATUS, "a core fault exits like a panic");

static uint32_t g_irq_enabled; /* device lines 16..31 the core listens to */

/* ---- CPU */

unsigned hal_cpu_id(void) { return host_tl_vcpu->id; }
unsigned hal_cpu_count(void) { return host_vcpu_count(); }
unsigned long hal_irq_save(void) { return 0; }
void hal_irq_restore(unsigned long state) { (void)state; }
void hal_cpu_relax(void) { host_cpu_relax(); }
void hal_cpu_kick(unsigned cpu) { host_vcpu_raise(cpu, HOST_LINE_IPI); }

/* Deliver every pending virtual interrupt of this vCPU to the core. */
static void deliver(bool from_user)
{
    uint32_t p;
    if (host_det) /* a deterministic run's timer: its deadline has passed */
        host_det_poll();
    while ((p = host_vcpu_take_pending()) || host_console_pending()) {
        if (host_console_pending()) { /* offer what waits; the core takes what fits */
            host_console_deliver(core_console_input);
            if (!p)
                break;
        }
        for (unsigned line = 0; line < 32; line++) {
            bool device = line >= HAL_IRQ_FIRST_DEVICE;
            if (!(p & (1u << line)) || (device && !(g_irq_enabled & (1u << line))))
                continue;
            if (host_det)
                host_det_event(HOST_EV_IRQ, line, from_user);
            core_irq(line, from_user);
        }
    }
}

void hal_cpu_idle(void)
{
    host_vcpu_wait();
    deliver(false);
}

static void secondary(unsigned id) { core_secondary_main(id); }

void hal_cpu_start_secondaries(void)
{
    for (unsigned i = 1; i < host_vcpu_count(); i++)
        if (host_vcpu_start(i, secondary))
            panic("hal-hosted: cannot start vcpu %u", i);
}

/* ---- contexts and user mode */

void hal_context_init(struct hal_context *ctx, void *stack, size_t size,
                      void (*fn)(void *), void *arg)
{
    ctx->sp = host_ctx_make(stack, size, fn, arg);
}

/* The core names the stack it switches to (hal_cpu_set_kernel_stack) just before. */
void hal_context_switch(struct hal_context *from, struct hal_context *to)
{
    if (host_det) /* the stack's place in the arena names the thread, the same every run */
        host_det_event(HOST_EV_SWITCH, host_tl_vcpu->kstack_top - (uintptr_t)host_arena_base(), 0);
    host_ctx_go(&from->sp, to->sp, host_tl_vcpu->kstack_top);
}

/* Under ASan the top HOST_CTX_RESERVE bytes of a kernel stack hold its bounds (ctx.c). */
void hal_cpu_set_kernel_stack(uintptr_t top)
{
    host_tl_vcpu->kstack_top = top ? top - HOST_CTX_RESERVE : 0;
}

void hal_user_enter(uintptr_t entry, uintptr_t sp, uintptr_t arg)
{
    deliver(true);
    if (host_isolate) /* --isolate: user code runs in the space's stub process */
        host_stub_enter_user(entry, sp & ~(uintptr_t)15, arg);
    host_enter_user(entry, sp & ~(uintptr_t)15, arg);
}

/* --test-core-fault (sim/main.c): tests see what a fault in core code does. */
static volatile bool g_fault_on_syscall;
void hosted_test_core_fault(void) { g_fault_on_syscall = true; }

int64_t hosted_syscall(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
                       uint64_t a4)
{
    if (g_fault_on_syscall) { /* a wild write on the kernel side of the first syscall */
        volatile uintptr_t wild = 16;
        *(volatile int *)wild = 0;
    }
    if (host_det)
        host_det_charge(HOST_DET_SYSCALL_NS);
    int64_t r = core_syscall(nr, a0, a1, a2, a3, a4);
    if (host_det)
        host_det_event(HOST_EV_SYSCALL, nr, (uint64_t)r);
    deliver(true);
    return r;
}

void hosted_irq_entry(void) { deliver(true); }

/* A fault in user code, already on the kernel stack (registered with host_signals_init). */
void hosted_user_fault(unsigned sig, int code, uintptr_t addr, uintptr_t pc, unsigned long err)
{
    struct hal_fault f = {hosted_fault_class(sig, code, err), addr, pc, true, {0}};
    if (sig != SIGSEGV_ && sig != SIGBUS_)
        f.address = 0;
    for (unsigned i = 0; i < HOST_FAULT_NREGS; i++)
        f.regs[i] = host_tl_vcpu->fault_regs[i];
    core_fault(&f);
}

/* ---- address spaces: memory.c; the syscall entry is the trampoline */

uintptr_t hal_as_syscall_entry(struct hal_as *as)
{
    (void)as;
    if (host_isolate) /* --isolate: the stub's trampoline */
        return host_stub_syscall_entry();
    return (uintptr_t)host_syscall_entry;
}

/* ---- time and interrupts */

int64_t hal_time_now(void) { return host_time_now(); }

int64_t hal_wall_clock_s(void) { return host_wall_clock_s(); }

int hal_entropy_fill(void *buf, size_t len)
{
    return host_entropy_fill(buf, len) == 0 ? 0 : SOS_ERR_NOT_SUPPORTED;
}
void hal_timer_set(int64_t deadline) { host_vcpu_timer_set(deadline); }

int hal_irq_enable(unsigned line)
{
    if (line < HAL_IRQ_FIRST_DEVICE || line >= 32)
        return SOS_ERR_OUT_OF_RANGE;
    __atomic_or_fetch(&g_irq_enabled, 1u << line, __ATOMIC_SEQ_CST);
    return 0;
}

void hal_irq_disable(unsigned line)
{
    if (line < 32)
        __atomic_and_fetch(&g_irq_enabled, ~(1u << line), __ATOMIC_SEQ_CST);
}

void hal_irq_ack(unsigned line) { (void)line; }

/* ---- console, devices, power */

void hal_console_write(const char *buf, size_t len) { host_console_write(buf, len); }

/*
 * The disk (host/disk.c): 512-byte blocks over the host file, completions on line
 * HOSTED_DISK_LINE. Requests come from the core (under its lock), so the slot pool
 * needs no lock of its own.
 */
#define DISK_SLOTS 32u
static struct host_disk_req g_disk_slots[DISK_SLOTS];
static bool g_disk_busy[DISK_SLOTS];
static uint64_t g_disk_bytes; /* 0: no disk */

void hosted_disk_register(uint64_t bytes)
{
    g_disk_bytes = bytes;
    host_disk_set_line(HOSTED_DISK_LINE);
}

static int disk_submit(void *dev, struct hal_dev_req *r)
{
    (void)dev;
    bool rw = r->op == HAL_DEVOP_READ || r->op == HAL_DEVOP_WRITE;
    if (!rw && r->op != HAL_DEVOP_FLUSH)
        return SOS_ERR_NOT_SUPPORTED;
    uint64_t blocks = g_disk_bytes / 512;
    if (rw && (r->len == 0 || r->len % 512 || r->len > (1u << 30) || r->offset > blocks ||
               r->len / 512 > blocks - r->offset))
        return SOS_ERR_OUT_OF_RANGE;
    for (unsigned i = 0; i < DISK_SLOTS; i++) {
        if (g_disk_busy[i])
            continue;
        g_disk_busy[i] = true;
        struct host_disk_req *h = &g_disk_slots[i];
        *h = (struct host_disk_req){.op = r->op == HAL_DEVOP_READ ? HOST_DISK_READ
                                          : r->op == HAL_DEVOP_WRITE ? HOST_DISK_WRITE : HOST_DISK_FLUSH,
                                    .offset = r->offset * 512, .len = rw ? r->len : 0,
                                    .buf = rw ? hal_phys_to_virt(r->buf) : 0, .cookie = r};
        host_disk_submit(h);
        return 0;
    }
    return SOS_ERR_SHOULD_WAIT;
}

static struct hal_dev_req *disk_poll(void *dev)
{
    (void)dev;
    struct host_disk_req *h = host_disk_done();
    if (!h)
        return NULL;
    struct hal_dev_req *r = h->cookie;
    r->status = h->result ? SOS_ERR_IO : 0;
    r->actual = h->result ? 0 : h->len;
    g_disk_busy[h - g_disk_slots] = false;
    return r;
}

static void disk_info(void *dev, struct hal_dev_info *out)
{
    (void)dev;
    *out = (struct hal_dev_info){.dev_class = HAL_DEV_BLOCK, .irq = HOSTED_DISK_LINE,
                                 .block_size = 512, .block_count = g_disk_bytes / 512};
    __builtin_memcpy(out->name, "sim-disk", 9);
}

static const struct hal_dev_ops g_disk_ops = {disk_submit, disk_poll, disk_info};

/* After the disk, in this order: the window's input (input.c), the window as a display
 * (display.c), the network card (net.c), the sound output (audio.c); each absent or one. */
typedef bool (*dev_get_fn)(unsigned index, const struct hal_dev_ops **ops, void **dev);
static const dev_get_fn g_dev_gets[] = {hosted_input_get, hosted_display_get, hosted_net_get,
                                        hosted_audio_get};

bool hal_dev_get(unsigned index, const struct hal_dev_ops **ops, void **dev)
{
    if (g_disk_bytes) {
        if (index == 0) {
            *ops = &g_disk_ops;
            *dev = &g_disk_bytes;
            return true;
        }
        index--;
    }
    for (unsigned i = 0; i < sizeof(g_dev_gets) / sizeof(g_dev_gets[0]); i++) {
        if (g_dev_gets[i](index, ops, dev))
            return true;
        if (g_dev_gets[i](0, ops, dev))
            index--;
    }
    return false;
}

void hal_power_off(int status) { host_power_off(status); }

void hal_reboot(void) { host_power_off(HOSTED_REBOOT_STATUS); }

void hal_panic_halt(void)
{
    host_backtrace();
    host_power_off(HOSTED_PANIC_STATUS);
}
