/*
 * tests/fuzz/fz_kernel.c - one fuzz input's world: a fresh process on the booted core,
 * a bounded wait, reaping, and the invariant checks (see fz_kernel.h).
 *
 * Layer: tests. Uses the core's internals the way tests/hal/th.c does.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fz_kernel.h"

#include "th.h"
#include "th_internal.h"

#include "audit.h"
#include "mm/vm.h"
#include "mm/vmo.h"
#include "obj/console.h"
#include "obj/fault_ring.h"
#include "obj/resource.h"
#include "proc/process.h"
#include "proc/sched.h"
#include "proc/thread.h"

#define FRAME_SLACK 48 /* each slab cache may keep one empty slab (th_assert_counts) */
#define REAP_ROUNDS 100

bool fz_tracing;
static bool g_booted;
static uint8_t g_elf[8192];
static size_t g_elf_len;
static uint64_t g_frames_base; /* free frames after the first input */
static uint64_t g_audit_seq;   /* the last audit record checked, 0 before the first */
static uint64_t g_audit_hash;

void fz_fail(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "fuzz invariant broken: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n--- core console:\n%s\n---\n", th_console());
    abort();
}

void fz_trace(const char *fmt, ...)
{
    if (!fz_tracing)
        return;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
}

void fz_boot(void)
{
    if (g_booted)
        return;
    g_booted = true;
    fz_tracing = getenv("FZ_TRACE") != NULL;
    if (th_group_setup(NULL))
        fz_fail("boot: the test HAL did not start");
    struct th_elf_opts o = {0};
    g_elf_len = th_elf_build(g_elf, sizeof(g_elf), &o);
}

struct process *fz_cur_proc(void) { return current_thread()->proc; }

uintptr_t fz_map(struct process *p, size_t len, uint32_t prot)
{
    int err;
    struct vmo *v = vmo_new(len ? len : 1, 0, &err);
    uintptr_t va = 0;
    if (!v)
        return 0;
    if (vm_map(p->vm, v, 0, v->size, prot, prot, false, &va))
        va = 0;
    obj_unref(&v->obj);
    return va;
}

static bool urange_ok(uintptr_t ua, size_t n, uint32_t prot)
{
    struct process *p = fz_cur_proc();
    return p && p->vm && ua && vm_check(p->vm, ua, n, prot);
}

bool fz_uwrite(uintptr_t ua, const void *src, size_t n)
{
    klock_acquire();
    bool ok = urange_ok(ua, n, SOS_VM_WRITE);
    if (ok)
        memcpy((void *)ua, src, n);
    klock_release();
    return ok;
}

bool fz_uread(void *dst, uintptr_t ua, size_t n)
{
    klock_acquire();
    bool ok = urange_ok(ua, n, SOS_VM_READ);
    if (ok)
        memcpy(dst, (const void *)ua, n);
    klock_release();
    return ok;
}

bool fz_valid_result(int64_t r)
{
    if (r >= 0)
        return true;
    switch (r) {
#define FZ_ERR_CASE(name, value, text) case (value):
    SOS_ERROR_LIST(FZ_ERR_CASE)
#undef FZ_ERR_CASE
        return true;
    default:
        return false;
    }
}

/* ---- one input */

static sos_handle_t install(struct process *p, struct object *o, sos_rights_t r)
{
    sos_handle_t v = 0;
    struct handle *h = handle_new(o, r);
    if (!h || process_install(p, h, &v))
        fz_fail("harness: cannot install a handle");
    return v;
}

/* Make the fuzz process (not started yet: it runs when the harness blocks). */
static sos_handle_t start_child(const struct fz_input *in)
{
    const sos_rights_t self_rights = SOS_RIGHT_READ | SOS_RIGHT_WAIT | SOS_RIGHT_MANAGE |
                                     SOS_RIGHT_DUPLICATE | SOS_RIGHT_TRANSFER |
                                     SOS_RIGHT_SIGNAL;
    klock_acquire();
    int err;
    struct process *p = process_new("fuzz", &err);
    struct thread *t = p ? thread_create(p, 0, 0, 0, in->body, in->arg) : NULL;
    struct vmo *img = vmo_new(g_elf_len, 0, &err);
    if (!t || !img || vmo_write(img, g_elf, 0, g_elf_len))
        fz_fail("harness: cannot make the fuzz process");
    struct fz_child c = {.p = p};
    c.self = install(p, &p->obj, self_rights);
    c.thread = install(p, &t->obj, self_rights);
    c.root = install(p, &g_root_resource->obj, SOS_RIGHTS_ALL);
    c.image = install(p, &img->obj, SOS_RIGHTS_ALL);
    obj_unref(&img->obj);
    if (in->setup)
        in->setup(&c, in->arg);
    sos_handle_t hv = install(fz_cur_proc(), &p->obj, SOS_RIGHTS_ALL);
    obj_unref(&p->obj); /* it lives through its thread and handles */
    thread_start(t);
    klock_release();
    return hv;
}

static void wait_child(sos_handle_t hv, int64_t budget)
{
    for (int round = 0; round < 8; round++) {
        int64_t r = u_object_wait_one(hv, SOS_SIG_TERMINATED, th_now() + budget, NULL);
        if (r == 0)
            return;
        if (r != SOS_ERR_TIMED_OUT)
            fz_fail("harness: waiting for the fuzz process: %s", sos_strerror((int)r));
        fz_trace("fz: budget spent, killing the fuzz process\n");
        if (u_process_kill(hv))
            fz_fail("harness: cannot kill the fuzz process");
        budget = 1000000;
    }
    fz_fail("the fuzz process does not end after process_kill");
}

/* Kill every process but the harness's until none has a thread left. */
static void reap(void)
{
    for (int round = 0;; round++) {
        struct process *victims[64];
        unsigned n = 0, alive = 0;
        klock_acquire();
        struct process *me = fz_cur_proc();
        struct list_node *pos;
        list_for_each(pos, &g_processes) {
            struct process *p = list_entry(pos, struct process, all_node);
            if (p == me || !p->nthreads)
                continue;
            alive++;
            if (n < 64) {
                obj_ref(&p->obj); /* killing one may free others: hold them first */
                victims[n++] = p;
            }
        }
        for (unsigned i = 0; i < n; i++) {
            process_kill(victims[i], SOS_PROC_KILLED, -1);
            obj_unref(&victims[i]->obj);
        }
        klock_release();
        if (!alive)
            return;
        if (round == REAP_ROUNDS)
            fz_fail("%u process(es) keep threads after process_kill", alive);
        th_sleep(1000);
    }
}

/* The chain over everything logged since the last check: intact, and unchanged. */
static void check_audit(void)
{
    struct sos_audit_record *buf = th_umem(64 * sizeof(*buf));
    uint64_t next = g_audit_seq ? g_audit_seq : 1;
    struct sos_audit_record last = {0};
    for (bool first = true;; first = false) {
        int64_t n = u_audit_read(th_root(), next, buf, 64);
        if (n < 0)
            fz_fail("audit_read: %s", sos_strerror((int)n));
        if (n == 0)
            break;
        long bad = sos_audit_verify(buf, (size_t)n);
        if (bad >= 0)
            fz_fail("audit: record %llu breaks the hash chain", (unsigned long long)buf[bad].seq);
        if (!first && (buf[0].seq != last.seq + 1 || buf[0].prev_hash != last.hash))
            fz_fail("audit: record %llu does not chain to %llu",
                    (unsigned long long)buf[0].seq, (unsigned long long)last.seq);
        if (first && g_audit_seq && buf[0].seq == g_audit_seq && buf[0].hash != g_audit_hash)
            fz_fail("audit: record %llu changed after it was checked",
                    (unsigned long long)g_audit_seq);
        if (first && g_audit_seq && buf[0].seq != g_audit_seq &&
            audit_count() < g_audit_seq + SOS_AUDIT_RING)
            fz_fail("audit: record %llu vanished from a ring that did not wrap",
                    (unsigned long long)g_audit_seq);
        last = buf[n - 1];
        if (n < 64)
            break;
        next = last.seq + 1;
    }
    if (last.seq) {
        g_audit_seq = last.seq;
        g_audit_hash = last.hash;
    }
    if (g_audit_seq != audit_count())
        fz_fail("audit: read up to %llu of %llu records", (unsigned long long)g_audit_seq,
                (unsigned long long)audit_count());
}

/* Global state the input may have changed (the console and fault rings, the root
 * resource's user signals): reset it so inputs stay independent. */
static void reset_globals(void)
{
    char con[256];
    struct sos_fault_record f[16];
    klock_acquire();
    while (console_take(con, sizeof(con)))
        ;
    while (fault_ring_take(f, 16))
        ;
    obj_signal(&g_root_resource->obj, SOS_SIG_USER_ALL, 0);
    klock_release();
}

static const char *const g_kind_names[SOS_OBJ_KIND_COUNT] = {
    "none", "process", "thread", "channel", "port", "event", "vmo", "timer", "interrupt",
    "resource", "revoker", "device"};

static void check_counts(const struct th_counts *before)
{
    struct th_counts now;
    th_counts(&now);
    bool bad = now.heap != before->heap || now.handles != before->handles ||
               now.frames_free + FRAME_SLACK < before->frames_free ||
               now.frames_free > before->frames_free + FRAME_SLACK ||
               (g_frames_base && now.frames_free + FRAME_SLACK < g_frames_base);
    for (unsigned i = 0; i < SOS_OBJ_KIND_COUNT; i++)
        bad |= now.objects[i] != before->objects[i];
    if (!bad) {
        if (!g_frames_base)
            g_frames_base = now.frames_free;
        return;
    }
    for (unsigned i = 0; i < SOS_OBJ_KIND_COUNT; i++)
        if (now.objects[i] != before->objects[i])
            fprintf(stderr, "  %s objects: %llu before, %llu after\n", g_kind_names[i],
                    (unsigned long long)before->objects[i], (unsigned long long)now.objects[i]);
    fz_fail("counts after the input: heap %llu -> %llu bytes, handles %llu -> %llu, "
            "free frames %llu -> %llu (first input: %llu)",
            (unsigned long long)before->heap, (unsigned long long)now.heap,
            (unsigned long long)before->handles, (unsigned long long)now.handles,
            (unsigned long long)before->frames_free, (unsigned long long)now.frames_free,
            (unsigned long long)g_frames_base);
}

void fz_run(const struct fz_input *in)
{
    fz_boot();
    struct th_counts before;
    th_counts(&before);
    th_setup(NULL);
    th_user_main = in->user_main;
    sos_handle_t child = start_child(in);
    wait_child(child, in->budget_ns);
    if (u_handle_close(child))
        fz_fail("harness: closing the fuzz process handle");
    reap();
    check_audit();
    reset_globals();
    th_teardown(NULL);
    check_counts(&before);
}
