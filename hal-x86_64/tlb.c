/*
 * hal-x86_64/tlb.c - TLB shootdown.
 *
 * Only the core-lock holder changes user page tables. When it removes or narrows
 * mappings of a space that is live on other CPUs (addrspace.c), it marks those CPUs and
 * sends them X86_VEC_FLUSH, then waits until each has reloaded %cr3. A marked CPU
 * flushes in the interrupt (trap.c), or, if it is spinning for the core lock with
 * interrupts off, in hal_cpu_relax(): so the wait can never deadlock.
 *
 * Layer: hal-x86_64 (above cpu.c and apic.c; called by addrspace.c and trap.c).
 */
#include "tlb.h"

#include "hal.h"
#include "cpu.h"
#include "apic.h"

void hal_cpu_relax(void)
{
    __asm__ volatile("pause");
    if (g_x86_ncpus > 1) /* a CPU spinning for the core lock still answers shootdowns */
        x86_flush_if_asked();
}

void x86_flush_if_asked(void)
{
    struct x86_cpu *c = x86_this_cpu();
    if (__atomic_load_n(&c->flush_req, __ATOMIC_ACQUIRE)) {
        write_cr3(read_cr3());
        __atomic_store_n(&c->flush_req, 0, __ATOMIC_RELEASE);
    }
}

void x86_shootdown(uint64_t pml4)
{
    if (g_x86_ncpus < 2)
        return;
    unsigned me = hal_cpu_id();
    bool sent = false;
    for (unsigned i = 0; i < g_x86_ncpus; i++) {
        struct x86_cpu *c = &g_x86_cpus[i];
        if (i == me || __atomic_load_n(&c->cr3, __ATOMIC_ACQUIRE) != pml4)
            continue;
        __atomic_store_n(&c->flush_req, 1, __ATOMIC_RELEASE);
        x86_apic_send_ipi(c->apic_id, X86_VEC_FLUSH);
        sent = true;
    }
    for (unsigned i = 0; sent && i < g_x86_ncpus; i++)
        while (__atomic_load_n(&g_x86_cpus[i].flush_req, __ATOMIC_ACQUIRE))
            __asm__ volatile("pause");
}
