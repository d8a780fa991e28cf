/*
 * services/rootmgr/crash.c - what the root manager does with a process that faulted,
 * before it restarts it or tells the shell: a symbolized report in the log (the
 * faulting function and line, and a short backtrace from the frame-pointer chain) and
 * an ELF core file in storage, /state/_crash/<name>-<n>.core, the last CRASH_KEEP of
 * each name kept (docs/debugging.md).
 *
 * The kernel kept the faulting thread's registers and the top of its stack
 * (process_fault_read, needs MANAGE on the process: the root manager's handles have
 * it). The symbol table is the boot store's sym/<image> (image/symtab/mksym.py). The
 * stack came from a crashed process: symtab.c walks it with every bound checked, and
 * the core's size is bounded by what the kernel keeps (SOS_FAULT_STACK_MAX).
 *
 * Layer: services (root manager).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <client/storage.h>
#include <proto/storage.h>
#include <sos_arch/fault_regs.h>

#include "coredump.h"
#include "rootmgr.h"
#include "symtab.h"

#define CRASH_FRAMES 8
#define CRASH_KEEP 3 /* core files kept per name */
/* Not a name a service can have (they start with a letter): no service's own state
 * directory (state/<service>) can be this one, and read other processes' stacks. */
#define CRASH_DIR "state/_crash"


struct crash {
    struct sos_fault_info fi;
    uint8_t *stack;
    struct symtab sym;
    void *symbuf; /* NULL: no table */
};

/* The boot store's sym/<image> for an image entry "bin/<image>" (or a bare name). */
static void load_symtab(struct crash *c, const char *image)
{
    const char *base = strrchr(image, '/');
    char entry[80];
    snprintf(entry, sizeof(entry), "sym/%s", base ? base + 1 : image);
    struct bundle_entry e;
    struct errmsg em;
    if (bundle_find(&g_rm.bundle, entry, &e) || !e.size || e.size > (1u << 24))
        return;
    c->symbuf = malloc(e.size);
    if (c->symbuf && (bundle_read(&g_rm.bundle, &e, c->symbuf, e.size, &em) ||
                      symtab_open(&c->sym, c->symbuf, e.size))) {
        free(c->symbuf);
        c->symbuf = NULL;
    }
}

/* "func+0x9 (file.c:34)" for a user address; "0x..." when nothing is known. */
static void describe(const struct crash *c, uint64_t pc, char *out, size_t cap)
{
    struct sym_loc l = {0};
    uint64_t rel = pc - c->fi.image_base;
    bool in_image = pc >= c->fi.image_base && rel < c->fi.image_size;
    if (!c->symbuf || !in_image || !symtab_lookup(&c->sym, rel, &l)) {
        snprintf(out, cap, "%#llx%s", (unsigned long long)pc, in_image ? "" : " (outside the image)");
        return;
    }
    int n = snprintf(out, cap, "%s+%#llx", l.func ? l.func : "?", (unsigned long long)l.off);
    if (l.file && n > 0 && (size_t)n < cap)
        snprintf(out + n, cap - (size_t)n, " (%s:%u)", l.file, l.line);
}

/* The report's lines (notice: the log has them) and where it faulted in at[]. */
static void log_report(const struct crash *c, const char *who, char *func, size_t cap,
                       char *at, size_t at_cap)
{
    struct bt_stack s = {c->fi.stack_addr, c->stack, c->fi.stack_len};
    uint64_t pcs[CRASH_FRAMES];
    unsigned n = bt_walk(&s, c->fi.regs[SOS_REG_PC], c->fi.regs[SOS_REG_FP], pcs, CRASH_FRAMES);
    char where[160];
    describe(c, pcs[0], where, sizeof(where));
    snprintf(at, at_cap, "%s", where);
    struct sym_loc l;
    uint64_t rel = pcs[0] - c->fi.image_base;
    if (c->symbuf && pcs[0] >= c->fi.image_base && rel < c->fi.image_size &&
        symtab_lookup(&c->sym, rel, &l) && l.func)
        snprintf(func, cap, "%s", l.func);
    rm_log(LOG_NOTICE, "fault report: %s: pc %#llx in %s", who,
           (unsigned long long)pcs[0], where);
    for (unsigned i = 1; i < n; i++) { /* a return address: its call is the byte before */
        describe(c, pcs[i] - 1, where, sizeof(where));
        rm_log(LOG_NOTICE, "fault report: %s:   #%u %#llx in %s", who, i,
               (unsigned long long)pcs[i], where);
    }
}

struct crash_names {
    const char *name;
    size_t len;
    long max;
    long nums[64];
    unsigned n;
};

/* Collect the numbers n of "<name>-<n>.core" in the crash directory. */
static void crash_entry(void *ctx, const char *entry, uint32_t type, uint64_t size)
{
    (void)type;
    (void)size;
    struct crash_names *cn = ctx;
    if (strncmp(entry, cn->name, cn->len) || entry[cn->len] != '-')
        return;
    char *end;
    long v = strtol(entry + cn->len + 1, &end, 10);
    if (end == entry + cn->len + 1 || strcmp(end, ".core") || v < 0)
        return;
    if (v > cn->max)
        cn->max = v;
    if (cn->n < sizeof(cn->nums) / sizeof(cn->nums[0]))
        cn->nums[cn->n++] = v;
}

/* Write the core as <name>-<max+1>.core and drop the ones CRASH_KEEP newer ones replace. */
static int write_core(const struct crash *c, const char *name, char *path, size_t cap)
{
    size_t size = core_size(&c->fi);
    uint8_t *buf = malloc(size);
    if (!buf)
        return SOS_ERR_NO_MEMORY;
    size_t len = core_build(&c->fi, c->stack, SOS_FAULT_MACHINE, buf, size);
    sos_handle_t dir = 0;
    int err = rm_storage_dir(CRASH_DIR, STORAGE_R_ALL, &dir);
    struct crash_names cn = {name, strlen(name), -1, {0}, 0};
    if (!err)
        err = stc_readdir(dir, "", crash_entry, &cn);
    char file[SOS_NAME_MAX + 32];
    snprintf(file, sizeof(file), "%s-%ld.core", name, cn.max + 1);
    if (!err)
        err = stc_replace_file(dir, file, buf, len);
    for (unsigned i = 0; i < cn.n && !err; i++)
        if (cn.nums[i] <= cn.max + 1 - CRASH_KEEP) {
            char old[SOS_NAME_MAX + 32];
            snprintf(old, sizeof(old), "%s-%ld.core", name, cn.nums[i]);
            stc_unlink(dir, old);
        }
    if (dir)
        sos_handle_close(dir);
    free(buf);
    snprintf(path, cap, "/%s/%s (%zu bytes)", CRASH_DIR, file, len);
    return err;
}

void rm_crash_report(sos_handle_t proc, const char *name, const char *image, char *func,
                     size_t cap)
{
    struct crash c = {0};
    if (cap)
        func[0] = 0;
    if (sos_process_fault_read(proc, SOS_FAULT_READ_INFO, 0, &c.fi, sizeof(c.fi)) !=
            (int64_t)sizeof(c.fi) || !c.fi.has_regs)
        return; /* not a fault with registers (killed, or a platform that keeps none) */
    c.stack = malloc(c.fi.stack_len ? c.fi.stack_len : 1);
    if (!c.stack)
        return;
    if (sos_process_fault_read(proc, SOS_FAULT_READ_STACK, 0, c.stack, c.fi.stack_len) !=
        (int64_t)c.fi.stack_len)
        c.fi.stack_len = 0;
    load_symtab(&c, image);
    char who[SOS_NAME_MAX + 24];
    snprintf(who, sizeof(who), "%s (pid %llu)", name, (unsigned long long)c.fi.record.process);
    char at[160];
    log_report(&c, who, func, cap, at, sizeof(at));
    /* one line that reaches the console too (warning): where, and the core file */
    char path[SOS_NAME_MAX + 64];
    int err = 0;
    if (!strcmp(name, "storage")) /* it cannot be asked to keep its own crash */
        rm_log(LOG_WARNING, "fault report: %s: in %s; no core file (storage keeps them)", who, at);
    else if ((err = write_core(&c, name, path, sizeof(path))) != 0)
        rm_log(LOG_WARNING, "fault report: %s: in %s; no core file: %s", who, at, sos_strerror(err));
    else
        rm_log(LOG_WARNING, "fault report: %s: in %s; core file %s", who, at, path);
    free(c.symbuf);
    free(c.stack);
}
