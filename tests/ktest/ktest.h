/*
 * tests/ktest/ktest.h - the user-mode kernel API suite: cases, checks and helpers.
 *
 * ktest is one image in three roles, chosen by argv[1]:
 *   (none)          the runner: spawns a fresh child per case, prints one line per case
 *                   and a summary, then powers the system off with the result;
 *   case:<name>     a child running one case; it reports ok or the first failed check
 *                   over its "ktest-ctl" channel and exits;
 *   helper:<name>   a grandchild a case starts (echo server, spinner, ...).
 *
 * A case either passes (the child reports ok), or, for fault cases, must die by the
 * expected fault class (the runner checks SOS_INFO_PROCESS state and fault class).
 * Runner cases run inside the runner itself (they need its root resource and the
 * history of the whole run).
 *
 * Layer: tests (user image; services/lib and the ABI only).
 */
#ifndef KTEST_H
#define KTEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sl/sl.h>

enum kt_kind {
    KT_PASS = 0,   /* the child must report ok */
    KT_FAULT = 1,  /* the child must die with fault_class */
    KT_RUNNER = 2, /* runs in the runner, after the child cases */
};

#define KT_ROOT_READ (1u << 0) /* the child gets a read-only root resource */
#define KT_ROOT_RIGHTS (SOS_RIGHT_READ | SOS_RIGHT_WAIT | SOS_RIGHT_INSPECT | SOS_RIGHT_TRANSFER)
#define KT_X86_ONLY (1u << 1)  /* skipped on other CPUs (the behaviour is the CPU's) */

struct kt_case {
    const char *name;
    void (*fn)(void);
    uint32_t kind;
    uint32_t fault_class; /* KT_FAULT: enum sos_fault_class */
    uint32_t flags;
};

#define KT_CASE(n) {#n, n, KT_PASS, 0, 0}
#define KT_CASE_F(n, flags) {#n, n, KT_PASS, 0, flags}
#define KT_FAULT_CASE(n, cls) {#n, n, KT_FAULT, cls, 0}
#define KT_FAULT_CASE_F(n, cls, flags) {#n, n, KT_FAULT, cls, flags}

/* Case tables, one per file. */
extern const struct kt_case kt_chan_cases[], kt_rights_cases[], kt_vm_cases[],
    kt_thread_cases[], kt_port_cases[], kt_proc_cases[], kt_fault_cases[], kt_sys_cases[],
    kt_runtime_cases[];
extern const size_t kt_chan_count, kt_rights_count, kt_vm_count, kt_thread_count,
    kt_port_count, kt_proc_count, kt_fault_count, kt_sys_count, kt_runtime_count;

/* ---- checks: the first failure ends the case with a reason */

__attribute__((noreturn, format(__printf__, 2, 3))) void kt_fail(int line, const char *fmt, ...);

#define KT_ASSERT(cond)                                                      \
    do {                                                                     \
        if (!(cond))                                                         \
            kt_fail(__LINE__, "%s", #cond);                                  \
    } while (0)

/* Compare two integer expressions; the reason shows both, with error names. */
#define KT_EQ(a, b)                                                          \
    do {                                                                     \
        int64_t a_ = (int64_t)(a), b_ = (int64_t)(b);                        \
        if (a_ != b_)                                                        \
            kt_fail(__LINE__, "%s = %lld (%s), expected %lld (%s)", #a,      \
                    (long long)a_, kt_errname(a_), (long long)b_,            \
                    kt_errname(b_));                                         \
    } while (0)

/* A call that must succeed (>= 0). */
#define KT_OK(expr)                                                          \
    do {                                                                     \
        int64_t r_ = (int64_t)(expr);                                        \
        if (r_ < 0)                                                          \
            kt_fail(__LINE__, "%s failed: %s", #expr, sos_strerror((int)r_)); \
    } while (0)

const char *kt_errname(int64_t v);

/* ---- helpers for cases */

sos_handle_t kt_event(void);
void kt_channel(sos_handle_t *a, sos_handle_t *b);
sos_handle_t kt_port(void);
sos_handle_t kt_vmo(uint64_t size);
void *kt_map(sos_handle_t vmo, uint64_t len, uint32_t prot);
struct sos_info_handle kt_handle_info(sos_handle_t h);
struct sos_info_process kt_process_info(sos_handle_t proc);
sos_rights_t kt_rights(sos_handle_t h);
sos_handle_t kt_dup(sos_handle_t h, sos_rights_t rights);
/* Is `signals` set on h right now? */
bool kt_signaled(sos_handle_t h, sos_signals_t signals);
/* Wait up to ms milliseconds for signals on h; fails the case on timeout. */
void kt_wait(sos_handle_t h, sos_signals_t signals, int ms);
/* A copy of `v` the compiler cannot see through (for deliberate bad accesses). */
uintptr_t kt_opaque(uintptr_t v);

/*
 * Start helper `name` with optional argument `arg` and the handles in hs[n] (moved).
 * Returns the process handle.
 */
sos_handle_t kt_spawn(const char *name, const char *arg, const struct sos_spawn_handle *hs,
                      uint32_t n);
/* Wait (up to ms) until the process has ended; returns its info. */
struct sos_info_process kt_join(sos_handle_t proc, int ms);

/* Read one message (bytes only) from ch, waiting up to ms. Returns its length. */
uint32_t kt_recv(sos_handle_t ch, void *buf, uint32_t cap, int ms);

/* Run a helper: main dispatches "helper:<name>" here. */
int kt_helper_main(const char *name, int argc, char **argv);

/* The handles every child gets. */
sos_handle_t kt_image(void);

#endif
