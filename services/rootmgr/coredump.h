/*
 * services/rootmgr/coredump.h - an ELF core file of a faulted process, from what the
 * kernel kept (sos/fault.h): its registers (NT_PRSTATUS), where its image was loaded
 * (NT_AUXV's AT_ENTRY, from which gdb relocates the image) and the top of its stack
 * (one PT_LOAD). `gdb build/<...>/image crash.core` then shows the registers and `bt`.
 *
 * Pure (no system calls), host-tested; crash.c writes the result through storage.
 *
 * Layer: services (root manager).
 */
#ifndef ROOTMGR_COREDUMP_H
#define ROOTMGR_COREDUMP_H

#include <stddef.h>
#include <stdint.h>

#include <sos/fault.h>

/* The bytes core_build needs for this fault (bounded: the stack kept is). */
size_t core_size(const struct sos_fault_info *fi);

/* Write the core into out (cap >= core_size(fi)); `stack` holds fi->stack_len bytes.
 * `machine` is the ELF e_machine (62 x86_64, 183 aarch64). Returns the bytes written,
 * or 0 when cap is too small. */
size_t core_build(const struct sos_fault_info *fi, const uint8_t *stack, uint16_t machine,
                  uint8_t *out, size_t cap);

#endif
