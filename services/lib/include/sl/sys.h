/*
 * sl/sys.h - libsys: one C function per system call, generated from
 * core/include/sos/syscalls.def, so the list, the kernel table and the wrappers cannot
 * drift. Each is named sos_<name> and takes the arguments the .def file lists, with
 * user pointers as ordinary C pointers: sos_channel_write(h, bytes, n, handles, nh).
 * Each returns the kernel's int64_t: >= 0 on success, a negative SOS_ERR_* on failure.
 *
 * Every wrapper calls through the syscall entry named in the startup block (a stub on
 * bare metal, the core's dispatcher in the simulator), so one image runs on both.
 *
 * Layer: services/lib (libsys).
 */
#ifndef SL_SYS_H
#define SL_SYS_H

#include <sos/sos.h>

#define SOS_UPTR(T) T
#define SOS_SYSCALL(nr, name, nargs, params, ...) int64_t sos_##name params;
#include <sos/syscall_expand.h>
#undef SOS_UPTR

/* A raw call by number, for tests that probe the kernel with bad numbers. */
int64_t sos_syscall_raw(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
                        uint64_t a4);

/* The current monotonic time plus `ns`, saturating: a deadline `ns` from now. */
sos_time_t sos_deadline_after(sos_time_t ns);

#define SOS_MS(n) ((sos_time_t)(n) * 1000000)
#define SOS_US(n) ((sos_time_t)(n) * 1000)

#endif
