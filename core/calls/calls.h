/*
 * core/calls/calls.h - helpers shared by the syscall handlers, and their prototypes.
 *
 * Every handler follows decode-then-perform: copy the arguments in, look up each handle
 * with the rights it needs (htable_get is the only rights check), validate everything,
 * and only then change state.
 *
 * Layer: core syscalls.
 */
#ifndef CORE_CALLS_CALLS_H
#define CORE_CALLS_CALLS_H

#include "kernel.h"
#include "obj/handle.h"
#include "proc/process.h"
#include "proc/thread.h"

#define SOS_UPTR(T) uintptr_t
#define SOS_SYSCALL(nr, name, nargs, params, ...) int64_t sys_##name params;
#include <sos/syscall_expand.h>

/* Default rights of a new handle, per kind. */
sos_rights_t default_rights(uint32_t kind);

static inline struct process *cur_proc(void) { return current_thread()->proc; }

/* Look up a handle of the current process (see htable_get). */
int get_handle(sos_handle_t v, uint32_t kind, sos_rights_t rights, struct handle **out);

/* Look up and return the object, typed. */
#define GET_OBJ(v, kind, rights, type, out)                                          \
    ({                                                                               \
        struct handle *h_;                                                           \
        int e_ = get_handle((v), (kind), (rights), &h_);                             \
        if (!e_)                                                                     \
            *(out) = (type *)h_->obj;                                                \
        e_;                                                                          \
    })

/* Is the user range writable (checked before any state changes)? */
int check_user_out(uintptr_t u, size_t len);

/*
 * Give the current process a handle to `o` and store its value at `uout` (already
 * checked). Drops the caller's reference on `o` in every case.
 */
int give_handle(struct object *o, sos_rights_t rights, uintptr_t uout);

/* The root resource with `rights`, or an error. */
int check_resource(sos_handle_t v, sos_rights_t rights);

/* Copy a NUL-terminated user string of at most max-1 bytes. */
int copy_str_from_user(char *dst, uintptr_t u, size_t max);

#endif
