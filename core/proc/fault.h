/*
 * core/proc/fault.h - registers and stack kept when a thread faults (fault.c).
 *
 * Layer: core processes.
 */
#ifndef CORE_PROC_FAULT_H
#define CORE_PROC_FAULT_H

#include "proc/process.h"

/* Keep f's registers and the top of the faulting stack in p (the first fault wins). The
 * faulting process's address space must be the active one. Never fails: on no memory
 * it keeps less, or nothing. */
void fault_snap_take(struct process *p, const struct hal_fault *f,
                     const struct sos_fault_record *r);

/* Drop what was kept (the process object is going away). */
void fault_snap_free(struct process *p);

/* Where to copy `what` (SOS_FAULT_READ_*) from at offset: *src and *len (cut to what is
 * kept). SOS_ERR_NOT_FOUND when p never faulted, SOS_ERR_INVALID_ARGS on a bad what or
 * offset. */
int fault_snap_read(struct process *p, uint32_t what, uint64_t offset, void **src,
                    size_t *len);

/* The debugger's hook: called after every image load (a breakpoint's target). */
void core_debug_image_loaded(const char *name, uintptr_t base, uint64_t size, uintptr_t entry);

#endif
