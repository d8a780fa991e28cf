/*
 * sos/syscall.h - syscall numbers, generated from syscalls.def.
 *
 * Layer: ABI.
 */
#ifndef SOS_SYSCALL_H
#define SOS_SYSCALL_H

#include <sos/types.h>

#define SOS_SYSCALL0(nr, name) SOS_SYS_##name = nr,
#define SOS_SYSCALL1(nr, name, ...) SOS_SYS_##name = nr,
#define SOS_SYSCALL2(nr, name, ...) SOS_SYS_##name = nr,
#define SOS_SYSCALL3(nr, name, ...) SOS_SYS_##name = nr,
#define SOS_SYSCALL4(nr, name, ...) SOS_SYS_##name = nr,
#define SOS_SYSCALL5(nr, name, ...) SOS_SYS_##name = nr,
enum sos_syscall_nr {
#include <sos/syscalls.def>
    SOS_SYS_COUNT
};
#undef SOS_SYSCALL0
#undef SOS_SYSCALL1
#undef SOS_SYSCALL2
#undef SOS_SYSCALL3
#undef SOS_SYSCALL4
#undef SOS_SYSCALL5

/* The syscall entry every image calls through (its address is in the startup block). */
typedef int64_t (*sos_syscall_fn)(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2,
                                  uint64_t a3, uint64_t a4);

#endif
