/*
 * core/main.c - boot, interrupts and faults: the entries the HALs call.
 *
 * core_main: memory, object caches, per-CPU state and idle threads, the root resource,
 * then the first process (the init image, or the root manager from the boot store, which
 * core/bootstore.c checks and picks) with bootstrap authority: the root resource, the
 * boot store VMO, and the init image VMO.
 *
 * Layer: core.
 */
#include "kernel.h"

#include "audit.h"
#include "bootstore.h"
#include "elf_load.h"
#include "ipc/channel.h"
#include "ipc/port.h"
#include "mm/heap.h"
#include "mm/pmm.h"
#include "mm/vm.h"
#include "obj/device.h"
#include "obj/event.h"
#include "obj/fault_ring.h"
#include "obj/interrupt.h"
#include "obj/resource.h"
#include "obj/timer.h"
#include "proc/fault.h"
#include "proc/process.h"
#include "proc/sched.h"
#include "proc/spawn.h"
#include "calls/calls.h"

struct cpu g_cpus[HAL_MAX_CPUS];
struct kstats g_kstats;
struct boot_info g_boot;

/* ---- console output */

void kvprintf(const char *fmt, va_list ap)
{
    char buf[512];
    int n = k_vsnprintf(buf, sizeof(buf), fmt, ap);
    hal_console_write(buf, (size_t)MIN(n, (int)sizeof(buf) - 1));
}

void kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kvprintf(fmt, ap);
    va_end(ap);
}

void panic(const char *fmt, ...)
{
    va_list ap;
    hal_irq_save();
    kprintf("\n*** core panic on cpu %u: ", hal_cpu_id());
    va_start(ap, fmt);
    kvprintf(fmt, ap);
    va_end(ap);
    kprintf("\n");
    hal_panic_halt();
}

/* ---- boot */

static void cpu_init(unsigned id)
{
    struct cpu *c = &g_cpus[id];
    c->id = id;
    list_init(&c->timers);
    c->armed_deadline = INT64_MAX;
    sched_init_cpu(id);
    c->idle = thread_create_idle(id, sched_idle_loop);
    c->online = true;
}

void core_init(const struct boot_info *bi)
{
    g_boot = *bi;
    pmm_init(bi->mem, bi->mem_count);
    heap_init();
    thread_cache_init();
    process_cache_init();
    vmo_cache_init();
    vm_cache_init();
    channel_cache_init();
    port_cache_init();
    event_cache_init();
    timer_cache_init();
    interrupt_cache_init();
    if (resource_init())
        panic("core: no memory for the root resource");
    cpu_init(0);
}

/* Give `p` a handle to `o` named `name` through its startup list. */
struct boot_handle {
    struct object *obj;
    sos_rights_t rights;
    const char *name;
};

/*
 * The first process is the root of everything: when it ends the system ends, powering
 * off with its exit code (or 125 when it was killed or faulted).
 */
static struct process *g_init_process;
static struct observer g_init_watch;

static void init_ended(struct observer *ob, struct object *o, sos_signals_t observed)
{
    (void)ob;
    (void)observed;
    struct process *p = (struct process *)o;
    int status = p->state == SOS_PROC_EXITED ? (int)p->exit_code : 125;
    kprintf("core: the init process ended (%s, status %d): powering off\n",
            p->state == SOS_PROC_EXITED ? "exited" : p->state == SOS_PROC_FAULTED ? "faulted" : "killed",
            status);
    hal_power_off(status);
}

static int start_init(void)
{
    if (!g_boot.init_base) {
        kprintf("core: no init image was given\n");
        return SOS_ERR_NOT_FOUND;
    }
    int err;
    struct vmo *image = vmo_new_physical(g_boot.init_base, g_boot.init_size, &err);
    if (!image)
        return err;
    struct vmo *store = g_boot.bootstore_base
                            ? vmo_new_physical(g_boot.bootstore_base, g_boot.bootstore_size, &err)
                            : NULL;
    struct boot_handle bh[3] = {
        {&g_root_resource->obj, SOS_RIGHTS_ALL, "root-resource"},
        {&image->obj, SOS_RIGHT_READ | SOS_RIGHT_MAP | SOS_RIGHT_DUPLICATE | SOS_RIGHT_TRANSFER | SOS_RIGHT_EXECUTE, "init-image"},
        {store ? &store->obj : NULL, SOS_RIGHT_READ | SOS_RIGHT_MAP | SOS_RIGHT_DUPLICATE | SOS_RIGHT_TRANSFER, "bootstore"},
    };
    struct handle *hs[3];
    char names[3][SOS_HANDLE_NAME_MAX] = {{0}};
    uint32_t n = 0;
    for (unsigned i = 0; i < 3; i++) {
        if (!bh[i].obj)
            continue;
        hs[n] = handle_new(bh[i].obj, bh[i].rights);
        if (!hs[n])
            return SOS_ERR_NO_MEMORY;
        k_strlcpy(names[n], bh[i].name, SOS_HANDLE_NAME_MAX);
        n++;
    }
    struct spawn_req req = {image, "init", g_boot.init_args, g_boot.init_args_len,
                            SOS_PRIO_DEFAULT, n, hs, (const char(*)[SOS_HANDLE_NAME_MAX])names};
    struct process *p;
    struct thread *t;
    const char *why;
    err = spawn_process(&req, &p, &t, &why);
    obj_unref(&image->obj);
    if (store)
        obj_unref(&store->obj);
    if (err) {
        for (uint32_t i = 0; i < n; i++)
            handle_free(hs[i]);
        kprintf("core: cannot start the init image: %s (%s)\n", sos_strerror(err), why);
        return err;
    }
    thread_start(t);
    g_init_process = p;
    obj_ref(&p->obj);
    g_init_watch.trigger = SOS_SIG_TERMINATED;
    g_init_watch.fire = init_ended;
    list_init(&g_init_watch.node);
    obj_observe(&p->obj, &g_init_watch);
    obj_unref(&p->obj); /* it lives through its threads and g_init_process */
    return 0;
}

static __attribute__((noreturn)) void enter_idle(struct cpu *c)
{
    struct hal_context boot;
    c->current = c->idle;
    c->idle->state = TS_RUNNING;
    hal_cpu_set_kernel_stack(c->idle->kstack_top);
    hal_context_switch(&boot, &c->idle->ctx);
    panic("core: the boot context was resumed");
}

void core_main(const struct boot_info *bi)
{
    hal_irq_save();
    klock_acquire();
    core_init(bi);
    kprintf("ServiceOS core: %llu MiB, %u cpu(s), platform %s\n",
            (unsigned long long)(pmm_total_frames() * PAGE_SIZE >> 20), bi->cpu_count,
            bi->platform ? bi->platform : "?");
    bootstore_select(&g_boot);
    if (start_init())
        hal_power_off(3);
    for (unsigned i = 1; i < bi->cpu_count && i < HAL_MAX_CPUS; i++)
        cpu_init(i);
    if (bi->cpu_count > 1)
        hal_cpu_start_secondaries();
    enter_idle(&g_cpus[0]);
}

void core_secondary_main(unsigned cpu)
{
    hal_irq_save();
    klock_acquire();
    enter_idle(&g_cpus[cpu]);
}

/* ---- interrupts */

void core_irq(unsigned line, bool from_user)
{
    klock_acquire();
    if (line == HAL_IRQ_TIMER)
        timerq_expire();
    else if (line == HAL_IRQ_IPI || line == HAL_IRQ_CONSOLE)
        ; /* the kick itself was the message */
    else if (!device_irq(line) && !interrupt_fire(line))
        hal_irq_disable(line); /* nobody listens: keep it quiet */
    struct cpu *c = this_cpu();
    if (c->current && !c->current->is_idle && sched_slice_deadline(c) <= hal_time_now())
        c->need_resched = true;
    if (from_user)
        thread_kernel_exit();
    klock_release();
}

/* ---- faults */

/*
 * The MMU's word is refined by what the core knows: below the null guard is a null
 * dereference; a data access where nothing is mapped is a wild address, whatever the
 * platform reported (hal-hosted reserves whole windows, so it sees "permission").
 */
static uint32_t refine_class(uint32_t cls, uintptr_t addr, struct process *p)
{
    bool mem = cls == SOS_FAULT_WILD_ADDRESS || cls == SOS_FAULT_PERMISSION;
    if (mem && addr < VM_NULL_GUARD)
        return SOS_FAULT_NULL_DEREF;
    if (mem && p && p->vm && !vm_lookup(p->vm, addr))
        return SOS_FAULT_WILD_ADDRESS;
    return cls;
}

static const char *const g_fault_names[SOS_FAULT_CLASS_COUNT] = {
    "none", "null dereference", "wild address", "permission", "exec of non-exec",
    "illegal instruction", "arithmetic", "alignment", "breakpoint", "killed", "raw host syscall"};

void core_fault(const struct hal_fault *f)
{
    klock_acquire();
    struct thread *t = current_thread();
    struct process *p = t->proc;
    uint32_t cls = refine_class(f->fault_class, f->address, p);
    if (cls >= SOS_FAULT_CLASS_COUNT)
        cls = SOS_FAULT_ILLEGAL;
    struct sos_fault_record r = {cls, 0, f->address, f->pc, p ? p->obj.koid : 0, t->obj.koid,
                                 hal_time_now()};
    t->fault = r;
    kprintf("core: process %s (%llu) faulted: %s at %#llx, pc %#llx\n", p ? p->name : "?",
            (unsigned long long)r.process, g_fault_names[cls], (unsigned long long)f->address,
            (unsigned long long)f->pc);
    fault_ring_push(&r);
    fault_snap_take(p, f, &r);
    if (p) {
        if (p->state == SOS_PROC_RUNNING)
            p->fault = r;
        process_kill(p, SOS_PROC_FAULTED, -1);
    }
    thread_exit_current();
}
