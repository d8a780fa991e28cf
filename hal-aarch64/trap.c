/*
 * hal-aarch64/trap.c - what the exception vectors call: system calls, user faults,
 * interrupts, and the report of a kernel fault.
 *
 * A user fault becomes core_fault() with the class read from the syndrome: a
 * translation fault is a wild (or, below the guard, null) access, a permission fault
 * on data is a permission fault, on an instruction fetch it is exec of non-exec; an
 * undefined instruction is illegal; PC/SP misalignment and alignment faults are
 * alignment. A kernel fault inside arch_copy_user resumes at its fixup; any other
 * prints the registers and a frame-pointer backtrace and halts.
 *
 * Layer: hal-aarch64.
 */
#include "arch.h"

#include "kernel.h"

#include <sos_arch/fault_regs.h>

extern char arch_copy_user_end[], arch_copy_fault[];
extern char _kernel_start[], _kernel_end[];

/* ---------------------------------------------------------------- user faults */

static uint32_t data_abort_class(uint32_t fsc)
{
    if (fsc <= 0x0b)
        return SOS_FAULT_WILD_ADDRESS; /* address size, translation, access flag */
    if (fsc <= 0x0f)
        return SOS_FAULT_PERMISSION;
    return SOS_FAULT_ALIGN; /* alignment (0x21), external aborts: bus errors */
}

static uint32_t user_fault_class(uint64_t esr)
{
    uint32_t fsc = esr & 0x3f;
    switch (ESR_EC(esr)) {
    case EC_DABT_LOW:
        return data_abort_class(fsc);
    case EC_IABT_LOW:
        if (fsc >= 0x0c && fsc <= 0x0f)
            return SOS_FAULT_EXEC;
        return data_abort_class(fsc);
    case EC_PC_ALIGN:
    case EC_SP_ALIGN:
        return SOS_FAULT_ALIGN;
    case EC_BRK:
        return SOS_FAULT_BREAK;
    case EC_FP_EXC:
        return SOS_FAULT_ARITH;
    default:
        return SOS_FAULT_ILLEGAL; /* unknown/undefined instruction, sysreg, ... */
    }
}

static __attribute__((noreturn)) void user_fault(struct trap_frame *tf)
{
    uint32_t ec = ESR_EC(tf->esr);
    struct hal_fault f = {0};
    for (unsigned i = 0; i < 31; i++)
        f.regs[i] = tf->x[i];
    f.regs[SOS_REG_SP] = tf->sp_el0;
    f.regs[SOS_REG_PC] = tf->elr;
    f.regs[SOS_REG_PSTATE] = tf->spsr;
    f.has_regs = true;
    f.fault_class = user_fault_class(tf->esr);
    f.pc = tf->elr;
    f.address = (ec == EC_DABT_LOW || ec == EC_IABT_LOW || ec == EC_PC_ALIGN) ? tf->far : tf->elr;
    core_fault(&f);
}

/* ---------------------------------------------------------------- kernel faults */

static bool kernel_addr(uint64_t a)
{
    return a >= LINEAR_BASE && (a & 15) == 0;
}

void hal_backtrace(uint64_t fp, uint64_t pc)
{
    kprintf("backtrace (aarch64-linux-gnu-addr2line -e kernel.elf ADDR):\n  %#llx\n",
            (unsigned long long)pc);
    for (int i = 0; i < 24 && kernel_addr(fp); i++) {
        const uint64_t *frame = (const uint64_t *)(uintptr_t)fp;
        uint64_t next = frame[0], lr = frame[1];
        if (!lr)
            break;
        kprintf("  %#llx\n", (unsigned long long)lr);
        if (next <= fp)
            break;
        fp = next;
    }
}

static const char *ec_name(uint32_t ec)
{
    switch (ec) {
    case EC_UNKNOWN: return "undefined instruction";
    case EC_SVC64: return "svc";
    case EC_IABT_CUR: return "instruction abort";
    case EC_DABT_CUR: return "data abort";
    case EC_PC_ALIGN: return "pc alignment";
    case EC_SP_ALIGN: return "sp alignment";
    case EC_SERROR: return "SError";
    case EC_BRK: return "brk";
    default: return "exception";
    }
}

static __attribute__((noreturn)) void kernel_fault(struct trap_frame *tf, const char *what)
{
    uint32_t ec = ESR_EC(tf->esr);
    kprintf("\n*** hal-aarch64: kernel %s: %s (esr %#llx, ec %#x)\n", what, ec_name(ec),
            (unsigned long long)tf->esr, ec);
    kprintf("pc %#llx  far %#llx  spsr %#llx  sp %#llx  sp_el0 %#llx\n",
            (unsigned long long)tf->elr, (unsigned long long)tf->far,
            (unsigned long long)tf->spsr, (unsigned long long)(uintptr_t)(tf + 1),
            (unsigned long long)tf->sp_el0);
    for (int i = 0; i < 31; i += 2) {
        if (i == 30)
            kprintf("x30 %016llx\n", (unsigned long long)tf->x[30]);
        else
            kprintf("x%-2d %016llx  x%-2d %016llx\n", i, (unsigned long long)tf->x[i], i + 1,
                    (unsigned long long)tf->x[i + 1]);
    }
    hal_backtrace(tf->x[29], tf->elr);
    hal_halt();
}

/* ---------------------------------------------------------------- entries */

void hal_sync_entry(struct trap_frame *tf, bool from_user)
{
    uint32_t ec = ESR_EC(tf->esr);
    if (from_user) {
        if (ec == EC_SVC64) {
            tf->x[0] = (uint64_t)core_syscall(tf->x[0], tf->x[1], tf->x[2], tf->x[3], tf->x[4],
                                              tf->x[5]);
            return;
        }
        user_fault(tf);
    }
    if (ec == EC_DABT_CUR && tf->elr >= (uintptr_t)arch_copy_user &&
        tf->elr < (uintptr_t)arch_copy_user_end) {
        tf->elr = (uintptr_t)arch_copy_fault;
        return;
    }
    kernel_fault(tf, "fault");
}

void hal_bad_entry(struct trap_frame *tf, bool from_user)
{
    if (from_user) {
        struct hal_fault f = {SOS_FAULT_ILLEGAL, tf->elr, tf->elr};
        core_fault(&f);
    }
    kernel_fault(tf, "unexpected exception");
}
