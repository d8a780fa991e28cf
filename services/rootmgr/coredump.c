/*
 * services/rootmgr/coredump.c - build an ELF core file from a fault's kept state
 * (coredump.h).
 *
 * Layout: the ELF header, two program headers (PT_NOTE, PT_LOAD of the stack), the
 * notes (NT_PRSTATUS with the registers in the kernel's order, which is the one Linux
 * cores use; NT_AUXV with AT_ENTRY; NT_PRPSINFO with the process name), then the
 * stack bytes. Which register layout goes in NT_PRSTATUS follows `machine`, so the
 * host tests build both architectures' cores.
 *
 * Layer: services (root manager).
 */
#include "coredump.h"

#include <string.h>

#define EHDR 64
#define PHDR 56
#define PRSTATUS_HEAD 112 /* siginfo, cursig, pending/held, pids, four timevals */
#define PRPSINFO 136
#define AUXV (4 * 16)
#define EM_AARCH64 183

static size_t note_size(size_t desc) { return 12 + 8 + ((desc + 3) & ~(size_t)3); }

static unsigned nregs(uint16_t machine) { return machine == EM_AARCH64 ? 34 : 27; }

static size_t prstatus_size(uint16_t machine) { return PRSTATUS_HEAD + nregs(machine) * 8 + 8; }

static size_t notes_size(uint16_t machine)
{
    return note_size(prstatus_size(machine)) + note_size(AUXV) + note_size(PRPSINFO);
}

static size_t data_off(uint16_t machine)
{
    return (EHDR + 2 * PHDR + notes_size(machine) + 15) & ~(size_t)15;
}

size_t core_size(const struct sos_fault_info *fi)
{
    return data_off(EM_AARCH64) + fi->stack_len; /* the larger of the two layouts */
}

static void put(uint8_t *p, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void ehdr(uint8_t *p, uint16_t machine)
{
    memcpy(p, "\177ELF\2\1\1", 7);
    put(p + 16, 4, 2); /* ET_CORE */
    put(p + 18, machine, 2);
    put(p + 20, 1, 4);
    put(p + 32, EHDR, 8); /* phoff */
    put(p + 52, EHDR, 2);
    put(p + 54, PHDR, 2);
    put(p + 56, 2, 2);
}

static void phdr(uint8_t *p, uint32_t type, uint32_t flags, uint64_t off, uint64_t va,
                 uint64_t len, uint64_t align)
{
    put(p, type, 4);
    put(p + 4, flags, 4);
    put(p + 8, off, 8);
    put(p + 16, va, 8);
    put(p + 32, len, 8);
    put(p + 40, len, 8);
    put(p + 48, align, 8);
}

/* One note named CORE; returns the bytes used. */
static size_t note(uint8_t *p, uint32_t type, const uint8_t *desc, size_t len)
{
    put(p, 5, 4);
    put(p + 4, len, 4);
    put(p + 8, type, 4);
    memcpy(p + 12, "CORE", 5);
    memcpy(p + 20, desc, len);
    return note_size(len);
}

/* The Linux signal a fault class would have been, for gdb's "terminated with signal". */
static unsigned class_signal(uint32_t cls)
{
    static const uint8_t sig[] = {0, 11, 11, 11, 11, 4 /* ILL */, 8 /* FPE */, 7 /* BUS */,
                                  5 /* TRAP */, 9 /* KILL */, 31 /* SYS */};
    return cls < sizeof(sig) ? sig[cls] : 11;
}

static size_t notes(uint8_t *p, const struct sos_fault_info *fi, uint16_t machine)
{
    uint8_t d[PRSTATUS_HEAD + 34 * 8 + 8 + PRPSINFO];
    memset(d, 0, sizeof(d));
    put(d, class_signal(fi->record.fault_class), 4);      /* si_signo */
    put(d + 12, class_signal(fi->record.fault_class), 2); /* pr_cursig */
    put(d + 32, fi->record.process, 4); /* pr_pid */
    for (unsigned i = 0; i < nregs(machine); i++)
        put(d + PRSTATUS_HEAD + i * 8, fi->regs[i], 8);
    size_t n = note(p, 1 /* NT_PRSTATUS */, d, prstatus_size(machine));
    const uint64_t aux[8] = {6 /* AT_PAGESZ */, 4096, 9 /* AT_ENTRY */, fi->image_entry, 0, 0, 0, 0};
    for (unsigned i = 0; i < 8; i++)
        put(d + i * 8, aux[i], 8);
    n += note(p + n, 6 /* NT_AUXV */, d, AUXV);
    memset(d, 0, PRPSINFO);
    memcpy(d + 40, fi->name, strnlen(fi->name, 16)); /* pr_fname */
    memcpy(d + 56, fi->name, strnlen(fi->name, sizeof(fi->name))); /* pr_psargs */
    return n + note(p + n, 3 /* NT_PRPSINFO */, d, PRPSINFO);
}

size_t core_build(const struct sos_fault_info *fi, const uint8_t *stack, uint16_t machine,
                  uint8_t *out, size_t cap)
{
    size_t off = data_off(machine), total = off + fi->stack_len;
    if (cap < total)
        return 0;
    memset(out, 0, off);
    ehdr(out, machine);
    phdr(out + EHDR, 4 /* PT_NOTE */, 0, EHDR + 2 * PHDR, 0, notes_size(machine), 4);
    phdr(out + EHDR + PHDR, 1 /* PT_LOAD */, 6 /* RW */, off, fi->stack_addr, fi->stack_len, 1);
    notes(out + EHDR + 2 * PHDR, fi, machine);
    if (fi->stack_len)
        memcpy(out + off, stack, fi->stack_len);
    return total;
}
