/*
 * services/rootmgr/symtab.h - an image's compact symbol table (image/symtab/mksym.py
 * writes it into the boot store as sym/<image>) and the frame-pointer walk of a
 * faulted stack: what turns a fault's pc into "crash_null (crashme.c:34)".
 *
 * Pure functions over bytes (no system calls), host-tested with corrupt inputs
 * (symtab_test.c): a bad table or frame chain gives less, never a crash.
 *
 * Layer: services (root manager).
 */
#ifndef ROOTMGR_SYMTAB_H
#define ROOTMGR_SYMTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct symtab {
    const uint8_t *funcs; /* nfuncs x 12 bytes */
    const uint8_t *lines;
    const char *strs;
    uint32_t nfuncs, lines_len, str_len;
};

/* Where an image-relative address is: func NULL when no function holds it, file NULL
 * when no line does. */
struct sym_loc {
    const char *func;
    uint64_t off; /* from the function's start */
    const char *file;
    uint32_t line;
};

/* Check `len` bytes at b as a table (they must outlive t): 0, or -1 when malformed. */
int symtab_open(struct symtab *t, const void *b, size_t len);

/* Look up addr (image-relative); returns whether anything was found. */
bool symtab_lookup(const struct symtab *t, uint64_t addr, struct sym_loc *out);

/* The kept top of a faulted stack: len bytes that were at user address addr. */
struct bt_stack {
    uint64_t addr;
    const uint8_t *bytes;
    uint32_t len;
};

/*
 * The frame-pointer chain from fp: pcs[0] = pc, then each frame's return address
 * (x86_64 and aarch64 both keep {saved fp, return address} at fp). Stops at max, at a
 * frame not wholly inside the kept stack, at a misaligned fp, at one that does not
 * move up the stack, or at a zero return address. Returns how many pcs it wrote.
 */
unsigned bt_walk(const struct bt_stack *s, uint64_t pc, uint64_t fp, uint64_t *pcs,
                 unsigned max);

#endif
