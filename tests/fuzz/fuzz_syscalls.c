/*
 * tests/fuzz/fuzz_syscalls.c - libFuzzer target: random syscall sequences against the
 * core on the test HAL, with invariant checks after every input (fz_kernel.c).
 *
 * An input is a stream of ops. Every fuzz thread reads the next op from one shared
 * cursor, so when one blocks the next runnable thread carries the stream on; bytes past
 * the end read as 0. The first thread belongs to a fresh process holding its own
 * process and thread handles, the root resource and a valid ELF image VMO; threads made
 * with thread_create and the threads of spawned processes join in (each process keeps
 * its own handle pool and user buffers). Op byte k:
 *
 *   k < 0xd0   syscall k % 64 (numbers past the table included), followed by one
 *              argument per parameter listed in syscalls.def. The span stays 64 when
 *              syscalls are added, so committed inputs keep their meaning.
 *   k >= 0xd0  pseudo-op (k - 0xd0) % P_COUNT (enum pseudo below)
 *
 * An argument is a selector byte s, mode s >> 5 and parameter p = s & 31, then maybe
 * more bytes:
 *   modes 0-4  typed by the parameter in syscalls.def: a handle from the pool (fresh,
 *              closed, guessed, another process's), a pointer into user memory at any
 *              offset (or NULL, kernel-ish, past the end), a size near a limit, a
 *              deadline (past, now, soon, never), a rights mask, signals; pointers to
 *              the ABI structs are often filled with such fields first
 *   mode 5     a pointer whatever the type;  mode 6  a handle whatever the type
 *   mode 7     raw: p itself when p < 16, else the next 8 bytes
 *
 * fz_gen.c reads the stream and describes the syscall table; fz_kernel.c runs the input
 * and checks the invariants. tests/fuzz/seeds_syscalls.py writes inputs by hand.
 *
 * Layer: tests.
 */
#include <setjmp.h>
#include <string.h>

#include <sos_arch/fault_regs.h>

#include "fz_gen.h"
#include "fz_kernel.h"
#include "th.h"

#include "hal.h"
#include "mm/vm.h"
#include "proc/process.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NBUF 6
#define POOL 48
#define MAXP 4
#define BUDGET_NS 50000000 /* 50 ms of virtual time per input */
#define NR_SPAN 64         /* op bytes name syscalls 0..63 */
_Static_assert(SOS_SYS_COUNT < NR_SPAN, "widen NR_SPAN (committed inputs change meaning)");

/* User buffers of the first fuzz process; spawned ones get smaller (cheaper) ones. */
static const uint32_t g_buf_len[NBUF] = {4096, 4096, 8192, 73728, 256, 8192};
static const uint32_t g_small_len[NBUF] = {4096, 4096, 4096, 4096, 256, 4096};

struct fproc {
    sos_koid_t koid;
    uintptr_t buf[NBUF];
    uint32_t len[NBUF];
    uintptr_t exec; /* an R|X page: an entry for thread_create */
    sos_handle_t image;
    sos_handle_t pool[POOL];
    unsigned npool, next;
};

static struct {
    struct fproc procs[MAXP];
    unsigned nprocs;
} g;

/* ---- handle pools and process contexts */

static void pool_add(struct fproc *c, sos_handle_t v)
{
    if (!v)
        return;
    for (unsigned i = 0; i < c->npool; i++)
        if (c->pool[i] == v)
            return;
    c->pool[c->next++ % POOL] = v;
    if (c->npool < POOL)
        c->npool++;
}

/* The p-th most recent value (p = 0: the newest). */
static sos_handle_t pool_recent(const struct fproc *c, unsigned p)
{
    if (!c->npool)
        return 0;
    return c->pool[(c->next + POOL * 4 - 1 - p % c->npool) % POOL];
}

static struct fproc *proc_ctx(void)
{
    sos_koid_t k = fz_cur_proc()->obj.koid;
    for (unsigned i = 0; i < g.nprocs; i++)
        if (g.procs[i].koid == k)
            return &g.procs[i];
    return NULL;
}

/* Under the core lock. */
static void map_buffers(struct fproc *c, struct process *p, const uint32_t *len)
{
    for (unsigned i = 0; i < NBUF; i++) {
        c->len[i] = len[i];
        c->buf[i] = fz_map(p, len[i], SOS_VM_READ | SOS_VM_WRITE);
    }
    c->exec = fz_map(p, 4096, SOS_VM_READ | SOS_VM_EXEC);
}

/* ---- argument generators */

static uint64_t gen_handle(const struct fproc *c, unsigned p)
{
    if (p < 24)
        return pool_recent(c, p);
    switch (p) {
    case 24: return 0;
    case 25: return fz_rd32(); /* guessed */
    case 26: return pool_recent(c, fz_rd8()) + 1; /* same slot, another generation */
    case 27: return pool_recent(c, fz_rd8()) ^ 0x1000; /* a neighbouring slot */
    case 28: { /* another process's */
        const struct fproc *o = &g.procs[fz_rd8() % MAXP];
        return pool_recent(o, fz_rd8());
    }
    case 29: return c->image;
    case 30: return SOS_HANDLE_INVALID - 1;
    default: return pool_recent(c, 24 + fz_rd8());
    }
}

static uint64_t gen_ptr(const struct fproc *c, unsigned p)
{
    if (p < 4 * NBUF) {
        unsigned b = p % NBUF;
        uintptr_t base = c->buf[b];
        switch (p / NBUF) {
        case 0: return base;
        case 1: return base + fz_rd8() * 8u;
        case 2: return base + c->len[b] - fz_rd8(); /* runs off the end */
        default: return base + fz_rd16();
        }
    }
    static const uint64_t wild[] = {0xffff800000000000ull, 0xffffffff80000000ull,
                                    0x00007ffffffff000ull, 1};
    unsigned b;
    switch (p) {
    case 24: return c->exec + fz_rd8();
    case 25: return 0;
    case 26: return fz_rd64();
    case 27: return fz_rd8() & 1 ? (uint64_t)(uintptr_t)&g : wild[fz_rd8() % 4]; /* kernel-ish */
    case 28: return VM_NULL_GUARD - fz_rd8();
    case 29: return fz_cur_proc()->vm->base + fz_rd32(); /* somewhere in the window */
    case 30: /* just past a buffer */
        b = fz_rd8() % NBUF;
        return c->buf[b] + c->len[b];
    default: return UINT64_MAX - fz_rd8();
    }
}

static uint64_t gen_arg(const struct fproc *c, struct fz_arg k);

/* A filled ABI struct (or array) in a user buffer; returns where it went. */
static uint64_t build(const struct fproc *c, enum fz_tmpl t, unsigned b, unsigned off)
{
    static const struct fz_arg H = {A_HANDLE, 0}, P = {A_PTR, 0}, S = {A_SIZE, 0};
    union {
        struct sos_chan_read rd;
        struct sos_chan_call call;
        struct sos_vm_map map;
        struct sos_spawn_args sp;
        struct sos_spawn_handle sh[4];
        struct sos_port_packet pkt;
        sos_handle_t h[8];
    } u;
    size_t n = 0;
    memset(&u, 0, sizeof(u));
    switch (t) {
    case T_CHAN_CALL:
        u.call.wr_bytes = (void *)(uintptr_t)gen_arg(c, P);
        u.call.wr_handles = (void *)(uintptr_t)gen_arg(c, (struct fz_arg){A_PTR, T_HANDLES});
        u.call.wr_nbytes = (uint32_t)gen_arg(c, S);
        u.call.wr_nhandles = (uint32_t)gen_arg(c, S);
        n = offsetof(struct sos_chan_call, rd);
        __attribute__((fallthrough)); /* the read half */
    case T_CHAN_READ: {
        struct sos_chan_read *rd = t == T_CHAN_CALL ? &u.call.rd : &u.rd;
        rd->bytes = (void *)(uintptr_t)gen_arg(c, P);
        rd->handles = (void *)(uintptr_t)gen_arg(c, P);
        rd->bytes_cap = (uint32_t)gen_arg(c, S);
        rd->handles_cap = (uint32_t)gen_arg(c, S);
        n += sizeof(*rd);
        break;
    }
    case T_VM_MAP: /* one field at a time: the stream is read in order */
        u.map.process = (sos_handle_t)gen_arg(c, H);
        u.map.vmo = (sos_handle_t)gen_arg(c, H);
        u.map.offset = gen_arg(c, S) & ~0xfffull;
        u.map.len = gen_arg(c, S);
        u.map.prot = fz_rd8() % 9u;
        u.map.flags = fz_rd8() % 3u;
        u.map.addr = gen_arg(c, P);
        n = sizeof(u.map);
        break;
    case T_SPAWN:
        u.sp.image = fz_rd8() & 1 ? c->image : (sos_handle_t)gen_arg(c, H);
        u.sp.nhandles = fz_rd8() % 5u;
        u.sp.name = (const char *)(uintptr_t)gen_arg(c, P);
        u.sp.args = (const char *)(uintptr_t)gen_arg(c, P);
        u.sp.args_len = (uint32_t)gen_arg(c, S);
        u.sp.priority = fz_rd8() % 33u;
        u.sp.handles = (void *)(uintptr_t)gen_arg(c, (struct fz_arg){A_PTR, T_SPAWN_HANDLES});
        u.sp.flags = fz_rd8() % 3u;
        n = sizeof(u.sp);
        break;
    case T_SPAWN_HANDLES:
        for (unsigned i = 0; i < 4; i++) {
            u.sh[i].handle = (sos_handle_t)gen_arg(c, H);
            u.sh[i].name[0] = (char)('a' + i);
        }
        n = sizeof(u.sh);
        break;
    case T_PACKET:
        u.pkt.key = fz_rd64();
        u.pkt.type = fz_rd8();
        u.pkt.status = (int32_t)fz_rd32();
        u.pkt.user[0] = fz_rd64();
        n = sizeof(u.pkt);
        break;
    default:
        for (unsigned i = 0; i < 8; i++)
            u.h[i] = (sos_handle_t)gen_arg(c, H);
        n = sizeof(u.h);
        break;
    }
    uint64_t at = c->buf[b] + off;
    fz_uwrite(at, &u, n); /* may fail: the fuzzer unmapped or protected the buffer */
    return at;
}

static uint64_t gen_arg(const struct fproc *c, struct fz_arg k)
{
    uint8_t s = fz_rd8();
    unsigned mode = s >> 5, p = s & 31;
    if (mode == 5)
        return gen_ptr(c, p);
    if (mode == 6)
        return gen_handle(c, p);
    if (mode == 7)
        return p < 16 ? p : fz_rd64();
    switch (k.kind) {
    case A_HANDLE: return gen_handle(c, p);
    case A_PTR:
        if (k.tmpl != T_NONE && p < 2 * NBUF)
            return build(c, k.tmpl, p % NBUF, p < NBUF ? 0 : fz_rd8() * 8u);
        return gen_ptr(c, p);
    case A_ADDR: return p == 31 ? fz_gen_size(fz_rd8() & 31) : gen_ptr(c, p);
    case A_SIZE: return fz_gen_size(p);
    case A_RIGHTS: return fz_gen_rights(p);
    case A_SIGNALS: return fz_gen_signals(p);
    case A_TIME: return fz_gen_time(p);
    case A_U64: return fz_gen_int(p, true);
    default: return fz_gen_int(p, false);
    }
}

/* ---- doing a syscall */

static void harvest_at(struct fproc *c, uint64_t ua, unsigned n)
{
    sos_handle_t v[SOS_CHANNEL_MAX_HANDLES];
    n = n > SOS_CHANNEL_MAX_HANDLES ? SOS_CHANNEL_MAX_HANDLES : n;
    if (n && fz_uread(v, ua, n * sizeof(v[0])))
        for (unsigned i = 0; i < n; i++)
            pool_add(c, v[i]);
}

/* Take the handle values a successful call returned into the pool. */
static void harvest(struct fproc *c, uint64_t nr, const uint64_t *a)
{
    const struct fz_sys *d = fz_sys(nr);
    for (unsigned i = 0; i < d->nargs; i++)
        if (strstr(d->type[i], "(sos_handle_t *)"))
            harvest_at(c, a[i], nr == SOS_SYS_channel_create ? 2 : 1);
    struct sos_chan_read rd;
    struct sos_spawn_args sp;
    if (nr == SOS_SYS_channel_read && fz_uread(&rd, a[1], sizeof(rd)))
        harvest_at(c, (uintptr_t)rd.handles, rd.actual_handles);
    if (nr == SOS_SYS_channel_call &&
        fz_uread(&rd, a[2] + offsetof(struct sos_chan_call, rd), sizeof(rd)))
        harvest_at(c, (uintptr_t)rd.handles, rd.actual_handles);
    if (nr == SOS_SYS_process_spawn && fz_uread(&sp, a[0], sizeof(sp)))
        pool_add(c, sp.thread_out);
}

/* system_power would end the test program: hal_power_off longjmps back here instead. */
static int64_t call_power(const uint64_t *a)
{
    jmp_buf jb;
    th_power_jmp = &jb;
    if (setjmp(jb)) {
        th_power_jmp = NULL;
        klock_release(); /* taken by core_syscall, which never got to release it */
        fz_trace("  (powered off, status %d)\n", th_power_status());
        return 0;
    }
    int64_t r = core_syscall(SOS_SYS_system_power, a[0], a[1], a[2], a[3], a[4]);
    th_power_jmp = NULL;
    return r;
}

static void do_syscall(struct fproc *c, uint64_t nr, const uint64_t *a)
{
    const char *name = nr < SOS_SYS_COUNT ? fz_sys(nr)->name : "(none)";
    fz_trace("fz[%llu] %s(%#llx, %#llx, %#llx, %#llx, %#llx)", (unsigned long long)c->koid,
             name, (unsigned long long)a[0], (unsigned long long)a[1],
             (unsigned long long)a[2], (unsigned long long)a[3], (unsigned long long)a[4]);
    int64_t r = nr == SOS_SYS_system_power
                    ? call_power(a)
                    : core_syscall(nr, a[0], a[1], a[2], a[3], a[4]);
    fz_trace(" = %lld\n", (long long)r);
    if (!fz_valid_result(r))
        fz_fail("%s returned %lld, which is not an SOS_ERR_*", name, (long long)r);
    if (nr < SOS_SYS_COUNT && r >= 0)
        harvest(c, nr, a);
    if (nr >= SOS_SYS_COUNT && r != SOS_ERR_BAD_SYSCALL)
        fz_fail("syscall %#llx does not exist but returned %lld", (unsigned long long)nr,
                (long long)r);
}

/* ---- pseudo-ops */

enum pseudo {
    P_POKE,        /* bytes into a buffer */
    P_POKE_HANDLE, /* a handle value into a buffer */
    P_POKE_PTR,    /* a pointer into a buffer */
    P_STRUCT,      /* a filled ABI struct into a buffer */
    P_THREAD,      /* thread_create with a valid entry and stack */
    P_SPAWN,       /* process_spawn of the valid image */
    P_FAULT,       /* the thread faults (core_fault, as a HAL reports it) */
    P_IRQ,         /* an interrupt arrives (core_irq) */
    P_CONSOLE,     /* console input arrives */
    P_WILD,        /* any syscall number, raw arguments */
    P_COUNT
};

static uint64_t buf_at(const struct fproc *c, unsigned b, unsigned off)
{
    return c->buf[b % NBUF] + off % c->len[b % NBUF];
}

static void op_thread(struct fproc *c)
{
    uint64_t a[5] = {0};
    a[0] = c->exec + (fz_rd8() & 0x10);
    a[1] = c->buf[5] + c->len[5] - (fz_rd8() & 0x20);
    a[2] = fz_rd8();
    a[3] = buf_at(c, 0, 0);
    do_syscall(c, SOS_SYS_thread_create, a);
}

static void op_spawn(struct fproc *c)
{
    static const char args[] = "fz\0-x";
    struct sos_spawn_handle sh[2] = {{0, "a"}, {0, "b"}};
    struct sos_spawn_args sp = {.image = c->image,
                                .name = (const char *)(uintptr_t)buf_at(c, 2, 256),
                                .args = (const char *)(uintptr_t)buf_at(c, 2, 384),
                                .args_len = sizeof(args),
                                .handles = (void *)(uintptr_t)buf_at(c, 2, 512)};
    sp.nhandles = fz_rd8() % 3u;
    sh[0].handle = (sos_handle_t)gen_handle(c, fz_rd8() & 31);
    sh[1].handle = (sos_handle_t)gen_handle(c, fz_rd8() & 31);
    sp.priority = fz_rd8() % 32u;
    sp.flags = fz_rd8() & SOS_SPAWN_WANT_THREAD;
    fz_uwrite(buf_at(c, 2, 256), "child", 6);
    fz_uwrite(buf_at(c, 2, 384), args, sizeof(args));
    fz_uwrite(buf_at(c, 2, 512), sh, sizeof(sh));
    fz_uwrite(buf_at(c, 2, 0), &sp, sizeof(sp));
    uint64_t a[5] = {buf_at(c, 2, 0), buf_at(c, 2, 128), 0, 0, 0};
    do_syscall(c, SOS_SYS_process_spawn, a);
}

static void pseudo_op(struct fproc *c, unsigned op)
{
    uint8_t bytes[64];
    unsigned b = fz_rd8(), off = fz_rd16();
    fz_trace("fz[%llu] pseudo-op %u\n", (unsigned long long)c->koid, op);
    switch (op) {
    case P_POKE: {
        unsigned n = fz_rd8() % sizeof(bytes);
        for (unsigned i = 0; i < n; i++)
            bytes[i] = fz_rd8();
        fz_uwrite(buf_at(c, b, off), bytes, n);
        break;
    }
    case P_POKE_HANDLE: {
        sos_handle_t v = (sos_handle_t)gen_handle(c, fz_rd8() & 31);
        fz_uwrite(buf_at(c, b, off), &v, sizeof(v));
        break;
    }
    case P_POKE_PTR: {
        uint64_t v = gen_ptr(c, fz_rd8() & 31);
        fz_uwrite(buf_at(c, b, off), &v, sizeof(v));
        break;
    }
    case P_STRUCT:
        build(c, (enum fz_tmpl)(fz_rd8() % T_COUNT), b % NBUF, (off & 0x3ff) * 8);
        break;
    case P_THREAD: op_thread(c); break;
    case P_SPAWN: op_spawn(c); break;
    case P_FAULT: {
        struct hal_fault f = {0};
        f.fault_class = fz_rd8() % (SOS_FAULT_CLASS_COUNT + 2);
        f.address = gen_ptr(c, fz_rd8() & 31);
        f.pc = fz_rd64();
        f.has_regs = fz_rd8() & 1; /* the kernel keeps the stack at any sp (proc/fault.c) */
        f.regs[SOS_REG_SP] = gen_ptr(c, fz_rd8() & 31);
        f.regs[SOS_REG_FP] = fz_rd64();
        core_fault(&f);
    }
    case P_IRQ: core_irq(b, off & 1); break;
    case P_CONSOLE: {
        unsigned n = fz_rd8() % sizeof(bytes);
        for (unsigned i = 0; i < n; i++)
            bytes[i] = fz_rd8();
        core_console_input((const char *)bytes, n);
        break;
    }
    default: {
        uint64_t a[5];
        for (unsigned i = 0; i < 5; i++)
            a[i] = fz_rd64();
        do_syscall(c, (uint64_t)b << 16 | off, a);
        break;
    }
    }
}

/* ---- threads */

static void run_ops(struct fproc *c)
{
    while (fz_stream_more()) {
        uint8_t k = fz_rd8();
        if (k >= 0xd0) {
            pseudo_op(c, (k - 0xd0u) % P_COUNT);
            continue;
        }
        uint64_t nr = k % NR_SPAN, a[5] = {0};
        const struct fz_sys *d = fz_sys(nr);
        for (unsigned i = 0; d && i < d->nargs; i++)
            a[i] = gen_arg(c, d->kind[i]);
        do_syscall(c, nr, a);
    }
}

/* A spawned process: its buffers, and the handles its startup block names. */
static struct fproc *adopt(uintptr_t startup)
{
    if (g.nprocs == MAXP)
        return NULL;
    struct fproc *c = &g.procs[g.nprocs++];
    memset(c, 0, sizeof(*c));
    struct process *p = fz_cur_proc();
    c->koid = p->obj.koid;
    klock_acquire();
    map_buffers(c, p, g_small_len);
    klock_release();
    struct sos_startup sb;
    struct sos_startup_handle sh;
    if (!fz_uread(&sb, startup, sizeof(sb)))
        return c;
    pool_add(c, sb.self_process);
    pool_add(c, sb.self_thread);
    for (uint32_t i = 0; i < sb.nhandles && i < SOS_SPAWN_MAX_HANDLES; i++)
        if (fz_uread(&sh, sb.handles + i * sizeof(sh), sizeof(sh)))
            pool_add(c, sh.handle);
    return c;
}

static void user_main(uintptr_t arg)
{
    struct fproc *c = proc_ctx();
    if (!c)
        c = adopt(arg);
    if (c)
        run_ops(c);
    u_thread_exit();
}

static void child_main(void *arg)
{
    (void)arg;
    run_ops(&g.procs[0]);
    u_process_exit(0);
}

static void child_setup(const struct fz_child *ch, void *arg)
{
    (void)arg;
    struct fproc *c = &g.procs[0];
    c->koid = ch->p->obj.koid;
    c->image = ch->image;
    map_buffers(c, ch->p, g_buf_len);
    pool_add(c, ch->image);
    pool_add(c, ch->thread);
    pool_add(c, ch->self);
    pool_add(c, ch->root);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    memset(&g, 0, sizeof(g));
    g.nprocs = 1;
    fz_stream_start(data, size);
    const struct fz_input in = {child_setup, child_main, NULL, user_main, BUDGET_NS};
    fz_run(&in);
    return 0;
}
