/*
 * sos/syscall.h - syscall numbers, generated from syscalls.def.
 *
 * Layer: ABI.
 */
#ifndef SOS_SYSCALL_H
#define SOS_SYSCALL_H

#include <sos/types.h>

#define SOS_SYSCALL(nr, name, ...) SOS_SYS_##name = nr,
enum sos_syscall_nr {
#include <sos/syscall_expand.h>
    SOS_SYS_COUNT
};

/* The syscall entry every image calls through (its address is in the startup block). */
typedef int64_t (*sos_syscall_fn)(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2,
                                  uint64_t a3, uint64_t a4);

#endif
