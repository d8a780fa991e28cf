/*
 * core/proc/fault.c - what the kernel keeps of a faulting thread for crash reports and
 * core dumps: its registers and the top of its stack, copied when it faults (the
 * process's memory goes away with it), held by the process object until the last
 * handle closes, read by a handle holder with MANAGE (sys_process_fault_read).
 *
 * The copy is bounded (SOS_FAULT_STACK_MAX) and goes through copy_from_user, so a
 * wild stack pointer or a stack that overflowed into its guard keeps less or nothing,
 * never faults the kernel. Also the debugger's hook: core_debug_image_loaded.
 *
 * Layer: core processes.
 */
#include "proc/fault.h"

#include <sos_arch/fault_regs.h>

#include "mm/heap.h"

_Static_assert(SOS_FAULT_NOTE_REGS <= SOS_FAULT_NREGS, "fault: the register note fits");

struct fault_snap {
    struct sos_fault_info info;
    uint8_t stack[];
};

#define RED_ZONE 128 /* x86_64's red zone; aarch64 has none, a few bytes more do no harm */

/* The stack mapping that holds sp (or, for an overflow into the guard, the one above). */
static struct vm_mapping *stack_mapping(struct vmspace *vs, uintptr_t sp)
{
    struct vm_mapping *m = vm_lookup(vs, sp);
    if (!m && sp < UINTPTR_MAX - HAL_PAGE_SIZE)
        m = vm_lookup(vs, ALIGN_DOWN(sp, HAL_PAGE_SIZE) + HAL_PAGE_SIZE);
    return m;
}

/* The stack range to keep: [*lo, *lo + return) inside the mapping that holds sp. */
static uint32_t stack_range(struct process *p, uintptr_t sp, uintptr_t *lo)
{
    struct vm_mapping *m = p->vm ? stack_mapping(p->vm, sp) : NULL;
    if (!m || !(m->prot & SOS_VM_READ))
        return 0;
    uintptr_t start = sp > m->va + RED_ZONE ? ALIGN_DOWN(sp - RED_ZONE, 16) : m->va;
    uint64_t n = m->va + m->len - start;
    *lo = start;
    return (uint32_t)MIN(n, (uint64_t)SOS_FAULT_STACK_MAX);
}

void fault_snap_take(struct process *p, const struct hal_fault *f,
                     const struct sos_fault_record *r)
{
    if (!p || p->snap)
        return; /* the first faulting thread's state is the interesting one */
    uintptr_t lo = 0;
    uint32_t len = f->has_regs ? stack_range(p, f->regs[SOS_REG_SP], &lo) : 0;
    struct fault_snap *s = kmalloc(sizeof(*s) + len);
    while (!s && len) { /* a fragmented heap: keep less rather than nothing */
        len /= 2;
        s = kmalloc(sizeof(*s) + len);
    }
    if (!s)
        return;
    if (len && copy_from_user(s->stack, lo, len))
        len = 0;
    s->info = (struct sos_fault_info){.record = *r, .image_base = p->image_base,
                                      .image_size = p->image_size,
                                      .image_entry = p->image_entry, .stack_addr = lo,
                                      .stack_len = len, .has_regs = f->has_regs};
    if (f->has_regs)
        memcpy(s->info.regs, f->regs, sizeof(s->info.regs));
    k_strlcpy(s->info.name, p->name, sizeof(s->info.name));
    p->snap = s;
}

void fault_snap_free(struct process *p)
{
    kfree(p->snap);
    p->snap = NULL;
}

int fault_snap_read(struct process *p, uint32_t what, uint64_t offset, void **src,
                    size_t *len)
{
    const struct fault_snap *s = p->snap;
    if (!s)
        return SOS_ERR_NOT_FOUND;
    if (what == SOS_FAULT_READ_INFO && offset == 0) {
        *src = (void *)&s->info;
        *len = MIN(*len, sizeof(s->info));
        return 0;
    }
    if (what != SOS_FAULT_READ_STACK || offset > s->info.stack_len)
        return SOS_ERR_INVALID_ARGS;
    *src = (void *)(s->stack + offset);
    *len = MIN(*len, (size_t)(s->info.stack_len - offset));
    return 0;
}

/*
 * A debugger breaks here (scripts/gdb/serviceos.py): p's image is now at `base`. Never
 * inlined nor folded away, and it does nothing else: the arguments are the message.
 */
__attribute__((noinline, used)) void core_debug_image_loaded(const char *name, uintptr_t base,
                                                             uint64_t size, uintptr_t entry)
{
    __asm__ volatile("" : : "r"(name), "r"(base), "r"(size), "r"(entry) : "memory");
}
