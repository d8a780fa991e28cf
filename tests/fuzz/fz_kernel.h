/*
 * tests/fuzz/fz_kernel.h - the world a kernel-facing fuzz input runs in.
 *
 * The core is booted once on the test HAL (tests/hal). Each input gets a fresh harness
 * process (th_setup) and, inside it, a fresh "fuzz process" whose kernel thread runs
 * the input; the harness thread only waits, with a deadline, and cleans up. After the
 * input every process it made is killed and reaped, and the invariants are checked:
 * object, handle and heap counts back to where they were, frames back within the slab
 * spares' slack, the audit chain intact. A broken invariant abort()s so libFuzzer keeps
 * the input.
 *
 * Layer: tests (sees the core's internals, like tests/hal/th.c).
 */
#ifndef TESTS_FUZZ_FZ_KERNEL_H
#define TESTS_FUZZ_FZ_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sos/sos.h>

struct process;

/* Print and abort: an invariant broke (libFuzzer records the input). */
__attribute__((noreturn, format(printf, 1, 2))) void fz_fail(const char *fmt, ...);

/* Trace (stderr) when FZ_TRACE is set in the environment. */
extern bool fz_tracing;
__attribute__((format(printf, 1, 2))) void fz_trace(const char *fmt, ...);

/* Boot the core on the test HAL (once; later calls do nothing). */
void fz_boot(void);

/* What a fresh fuzz process starts with: handles in its own table. */
struct fz_child {
    struct process *p;
    sos_handle_t self;   /* its process (the rights spawn gives a new process) */
    sos_handle_t thread; /* its first thread */
    sos_handle_t root;   /* the root resource, all rights */
    sos_handle_t image;  /* a VMO holding a small valid ELF image, all rights */
};

/* How an input runs (see the top of this file). */
struct fz_input {
    /* Called under the core lock before the fuzz process starts: map its memory. */
    void (*setup)(const struct fz_child *c, void *arg);
    /* The fuzz process's first thread (a kernel thread; it calls u_* syscalls). */
    void (*body)(void *arg);
    void *arg;
    /* Threads of spawned processes and threads made with thread_create start here. */
    void (*user_main)(uintptr_t startup);
    /* Virtual time the input may take before its processes are killed. */
    int64_t budget_ns;
};

void fz_run(const struct fz_input *in);

/* Map `len` bytes of fresh zeroed memory into p with SOS_VM_* `prot` (under the core
 * lock); 0 on failure. */
uintptr_t fz_map(struct process *p, size_t len, uint32_t prot);

/* The process of the calling thread. */
struct process *fz_cur_proc(void);

/* Copy to/from user memory of the current process when the range allows it (checked
 * like the core checks, under the core lock). */
bool fz_uwrite(uintptr_t ua, const void *src, size_t n);
bool fz_uread(void *dst, uintptr_t ua, size_t n);

/* Is r a value a syscall may return (>= 0 or a known SOS_ERR_*)? */
bool fz_valid_result(int64_t r);

#endif
