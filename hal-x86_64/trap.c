/*
 * hal-x86_64/trap.c - the IDT, exceptions and interrupt dispatch.
 *
 * A fault in user code becomes core_fault() with the core's class (sos/object.h):
 * #PF is decoded from its error code (not present -> wild address, instruction fetch
 * of a present page -> exec of non-exec, otherwise permission; the core turns accesses
 * below its null guard into null dereferences), #DE/#MF/#XM -> arithmetic, #UD ->
 * illegal, #GP -> illegal for a privileged instruction and permission otherwise (the
 * CPU gives no data address for #GP: the record carries the pc), #AC -> alignment,
 * #BP/#DB -> breakpoint.
 * A fault in the kernel is either a user copy (hal_copy_*), which resumes at its fixup
 * and returns SOS_ERR_BAD_ADDRESS, or fatal: registers and a backtrace on the console,
 * then hal_panic_halt().
 * Interrupt vectors 48 + line carry the HAL's lines (core/hal.h); a masked line is
 * remembered and raised again by a self-IPI when it is unmasked.
 *
 * Layer: hal-x86_64 (above apic.c, tlb.c, addrspace.c, serial.c and kbdcon.c; isr.S is
 * its assembly half).
 */
#include "trap.h"

#include <sos/errors.h>
#include <sos/object.h>

#include "hal.h"
#include "cpu.h"
#include "mmu.h"
#include "halt.h"
#include "print.h"
#include "serial.h"
#include "apic.h"
#include "tlb.h"
#include "kbdcon.h"

extern const uint64_t x86_isr_table[256];
extern char x86_copy_user_insn[], x86_copy_user_fixup[];
int x86_copy_user(void *dst, const void *src, size_t len);

struct idt_gate {
    uint16_t off_lo, sel;
    uint8_t ist, type;
    uint16_t off_mid;
    uint32_t off_hi, zero;
} __attribute__((packed));

static struct idt_gate g_idt[256] __attribute__((aligned(16)));

static volatile bool g_line_enabled[HAL_IRQ_MAX];
static volatile bool g_line_pending[HAL_IRQ_MAX];

static void set_gate(unsigned v, uint64_t fn, unsigned ist, unsigned dpl)
{
    g_idt[v] = (struct idt_gate){(uint16_t)fn, X86_KCODE, (uint8_t)ist,
                                 (uint8_t)(0x8e | dpl << 5), (uint16_t)(fn >> 16),
                                 (uint32_t)(fn >> 32), 0};
}

void x86_idt_init(void)
{
    for (unsigned v = 0; v < 256; v++)
        set_gate(v, x86_isr_table[v], 0, 0);
    set_gate(2, x86_isr_table[2], 2, 0);  /* NMI on its own stack */
    set_gate(3, x86_isr_table[3], 0, 3);  /* int3 from user code is a breakpoint */
    set_gate(8, x86_isr_table[8], 1, 0);  /* #DF survives a blown kernel stack */
    set_gate(18, x86_isr_table[18], 3, 0);/* #MC */
    x86_idt_load();
}

void x86_idt_load(void)
{
    struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) idtr = {sizeof(g_idt) - 1, (uint64_t)g_idt};
    __asm__ volatile("lidt %0" ::"m"(idtr));
}

/* ---------------------------------------------------------------- kernel faults */

static const char *const g_exc_names[32] = {
    "divide error", "debug", "NMI", "breakpoint", "overflow", "bound range",
    "invalid opcode", "device not available", "double fault", "coprocessor overrun",
    "invalid TSS", "segment not present", "stack fault", "general protection",
    "page fault", "reserved", "x87 floating point", "alignment check", "machine check",
    "SIMD floating point", "virtualization", "control protection", "reserved",
    "reserved", "reserved", "reserved", "reserved", "reserved", "hypervisor injection",
    "VMM communication", "security", "reserved"};

__attribute__((noreturn)) static void kernel_fault(const struct trap_frame *tf)
{
    const char *name = tf->vector < 32 ? g_exc_names[tf->vector] : "interrupt";
    x86_printf("\n*** kernel fault on cpu %u: %s (vector %llu, error %#llx)\n", hal_cpu_id(),
               name, (unsigned long long)tf->vector, (unsigned long long)tf->error);
    x86_printf("rip %016llx cs %04llx rflags %08llx cr2 %016llx\n",
               (unsigned long long)tf->rip, (unsigned long long)tf->cs,
               (unsigned long long)tf->rflags, (unsigned long long)read_cr2());
    x86_printf("rax %016llx rbx %016llx rcx %016llx rdx %016llx\n",
               (unsigned long long)tf->rax, (unsigned long long)tf->rbx,
               (unsigned long long)tf->rcx, (unsigned long long)tf->rdx);
    x86_printf("rsi %016llx rdi %016llx rbp %016llx rsp %016llx\n",
               (unsigned long long)tf->rsi, (unsigned long long)tf->rdi,
               (unsigned long long)tf->rbp, (unsigned long long)tf->rsp);
    x86_printf("r8  %016llx r9  %016llx r10 %016llx r11 %016llx\n",
               (unsigned long long)tf->r8, (unsigned long long)tf->r9,
               (unsigned long long)tf->r10, (unsigned long long)tf->r11);
    x86_printf("r12 %016llx r13 %016llx r14 %016llx r15 %016llx\n",
               (unsigned long long)tf->r12, (unsigned long long)tf->r13,
               (unsigned long long)tf->r14, (unsigned long long)tf->r15);
    x86_printf("cr3 %016llx\n", (unsigned long long)read_cr3());
    x86_backtrace(tf->rbp, tf->rip);
    x86_halt();
}

/* ---------------------------------------------------------------- user faults */

/* Is the instruction at the user's pc one only ring 0 may run? */
static bool privileged_insn(uint64_t pc)
{
    uint8_t b[3];
    if (x86_copy_user(b, (const void *)pc, 3))
        return false;
    unsigned i = 0;
    while (i < 2 && (b[i] == 0x66 || b[i] == 0xf3 || b[i] == 0xf2 || (b[i] & 0xf0) == 0x40))
        i++; /* a prefix or REX */
    uint8_t op = b[i];
    if (op == 0xf4 || op == 0xfa || op == 0xfb || op == 0xcf || op == 0x6c || op == 0x6d ||
        op == 0x6e || op == 0x6f || (op >= 0xe4 && op <= 0xe7) || (op >= 0xec && op <= 0xef))
        return true; /* hlt cli sti iret ins outs in out */
    if (op == 0x0f && i < 2) {
        uint8_t op2 = b[i + 1];
        return op2 == 0x00 || op2 == 0x01 || op2 == 0x06 || op2 == 0x07 || op2 == 0x08 ||
               op2 == 0x09 || op2 == 0x20 || op2 == 0x22 || op2 == 0x21 || op2 == 0x23 ||
               op2 == 0x30 || op2 == 0x32 || op2 == 0x33;
    }
    return false;
}

static uint32_t page_fault_class(uint64_t err, uint64_t addr)
{
    bool present = err & 1, fetch = err & 16;
    if (!present) /* unmapped, unless it is a mapping with no access */
        return x86_user_noaccess(addr) ? SOS_FAULT_PERMISSION : SOS_FAULT_WILD_ADDRESS;
    return fetch ? SOS_FAULT_EXEC : SOS_FAULT_PERMISSION;
}

/* The user registers in an ELF core's NT_PRSTATUS order (sos/fault.h). */
static void fault_regs(const struct trap_frame *tf, struct hal_fault *f)
{
    const uint64_t r[27] = {tf->r15, tf->r14, tf->r13, tf->r12, tf->rbp, tf->rbx, tf->r11,
                            tf->r10, tf->r9, tf->r8, tf->rax, tf->rcx, tf->rdx, tf->rsi,
                            tf->rdi, 0, tf->rip, tf->cs, tf->rflags, tf->rsp, tf->ss};
    for (unsigned i = 0; i < 27; i++)
        f->regs[i] = r[i];
    f->has_regs = true;
}

__attribute__((noreturn)) static void user_fault(const struct trap_frame *tf)
{
    struct hal_fault f = {SOS_FAULT_ILLEGAL, 0, tf->rip, false, {0}};
    fault_regs(tf, &f);
    switch (tf->vector) {
    case 0: case 4: case 16: case 19:
        f.fault_class = SOS_FAULT_ARITH;
        break;
    case 1:
        f.fault_class = SOS_FAULT_BREAK;
        break;
    case 3: /* a trap: rip is past the int3 */
        f.fault_class = SOS_FAULT_BREAK;
        f.pc = tf->rip - 1;
        break;
    case 14:
        f.address = read_cr2();
        f.fault_class = page_fault_class(tf->error, f.address);
        break;
    case 13:
        f.fault_class = privileged_insn(tf->rip) ? SOS_FAULT_ILLEGAL : SOS_FAULT_PERMISSION;
        f.address = tf->rip;
        break;
    case 12:
        f.fault_class = SOS_FAULT_WILD_ADDRESS;
        f.address = tf->rsp;
        break;
    case 17:
        f.fault_class = SOS_FAULT_ALIGN;
        break;
    default:
        f.fault_class = SOS_FAULT_ILLEGAL;
        break;
    }
    core_fault(&f);
}

/* ---------------------------------------------------------------- interrupts */

bool x86_line_enabled(unsigned line) { return line < HAL_IRQ_MAX && g_line_enabled[line]; }

void (*x86_irq_probe)(unsigned line);

static void device_irq(unsigned line, bool from_user)
{
    x86_apic_eoi();
    if (x86_kbdcon_irq(line, from_user))
        return;
    if (!g_line_enabled[line]) {
        g_line_pending[line] = true; /* raised again by hal_irq_enable */
        return;
    }
    core_irq(line, from_user);
}

static void interrupt(struct trap_frame *tf, bool from_user)
{
    unsigned v = (unsigned)tf->vector;
    if (v == X86_VEC_SPURIOUS)
        return;
    if (v == X86_VEC_FLUSH) {
        x86_apic_eoi();
        x86_flush_if_asked();
        return;
    }
    if (v < X86_VEC_IRQ_BASE) { /* the legacy PICs' range: masked, so spurious */
        return;
    }
    unsigned line = v - X86_VEC_IRQ_BASE;
    if (x86_irq_probe) { /* the boot self-test, before the core runs */
        x86_apic_eoi();
        x86_irq_probe(line);
        return;
    }
    switch (line) {
    case HAL_IRQ_TIMER:
        x86_apic_eoi();
        x86_timer_irq(from_user);
        break;
    case HAL_IRQ_IPI:
        x86_apic_eoi();
        core_irq(HAL_IRQ_IPI, from_user);
        break;
    case HAL_IRQ_CONSOLE:
        x86_apic_eoi();
        x86_serial_irq(from_user);
        break;
    default:
        device_irq(line, from_user);
        break;
    }
}

void x86_trap(struct trap_frame *tf)
{
    bool from_user = (tf->cs & 3) != 0;
    if (tf->vector >= 32) {
        interrupt(tf, from_user);
        return;
    }
    if (from_user && tf->vector != 2 && tf->vector != 8 && tf->vector != 18)
        user_fault(tf);
    if ((tf->vector == 14 || tf->vector == 13) && tf->rip == (uint64_t)x86_copy_user_insn) {
        tf->rip = (uint64_t)x86_copy_user_fixup;
        return;
    }
    kernel_fault(tf);
}

/* ---------------------------------------------------------------- core/hal.h */

int hal_irq_enable(unsigned line)
{
    if (line >= HAL_IRQ_MAX || line > X86_MAX_LINE)
        return SOS_ERR_INVALID_ARGS;
    g_line_enabled[line] = true;
    if (g_line_pending[line]) {
        g_line_pending[line] = false;
        x86_apic_send_self(X86_VEC_IRQ_BASE + line);
    }
    return 0;
}

void hal_irq_disable(unsigned line)
{
    if (line < HAL_IRQ_MAX)
        g_line_enabled[line] = false;
}

void hal_irq_ack(unsigned line) { (void)line; /* MSI and edge lines: EOI at delivery */ }

int hal_copy_from_user(void *dst, uintptr_t usrc, size_t len)
{
    if (usrc >= X86_USER_TOP || len > X86_USER_TOP - usrc)
        return SOS_ERR_BAD_ADDRESS;
    return x86_copy_user(dst, (const void *)usrc, len);
}

int hal_copy_to_user(uintptr_t udst, const void *src, size_t len)
{
    if (udst >= X86_USER_TOP || len > X86_USER_TOP - udst)
        return SOS_ERR_BAD_ADDRESS;
    return x86_copy_user((void *)udst, src, len);
}
