/*
 * services/storage/fs/test/powercut_test.c - the power-loss harness.
 *
 * Each workload runs once on a recording device: every block write and every flush is
 * an event, and each operation's first and last event are noted. Then the power is cut
 * at every write: the disk is what the flushes before the cut made durable, plus the
 * writes since the last flush as the device might have left them: all of them in
 * order, none, or a random subset with random sectors of each torn. For each such disk:
 * the store must mount, fsck must find nothing, and the tree must equal the model's
 * tree after k operations for some k between the last completed sync (every synced
 * change present) and the last operation begun (nothing else; and since it equals a
 * model state, each unsynced operation is wholly present or wholly absent, in order).
 *
 * Workloads: every sequence of up to three operations from an alphabet of twelve
 * (create, write, rename, unlink, mkdir, truncate, sync on a small tree), each once with
 * commits only at sync and once with a commit between every two operations; then random
 * runs of 60 operations. Output: one TAP line with the number of cuts and the time.
 * SFS_POWERCUT_LONG=1 runs 20 times as many random runs with more variants per cut.
 *
 * Layer: services host tests.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sos/errors.h>

#include "memdev.h"
#include "model.h"

#define DISK_BLOCKS 128u
#define SECTOR 512u
#define MAX_OPS 64

static uint8_t *g_base; /* the formatted disk with the starting tree */
static struct model g_base_model;
static uint64_t g_cuts, g_workloads, g_failures;
static uint64_t g_rng = 12345;

struct run {
    struct op ops[MAX_OPS];
    int nops;
    uint32_t dirty_max;
    /* filled by record() */
    size_t start[MAX_OPS], end[MAX_OPS];
    int ok[MAX_OPS];
    uint64_t states[MAX_OPS + 1];
};

static void fail(const struct run *r, const char *why, size_t cut, int variant)
{
    if (g_failures++ > 10)
        return;
    printf("# FAIL: %s (cut at event %zu, variant %d, dirty_max %u)\n", why, cut, variant, r->dirty_max);
    for (int i = 0; i < r->nops; i++) {
        char t[160];
        printf("#   op %d: %s -> %s [events %zu..%zu]\n", i, op_text(&r->ops[i], t, sizeof(t)),
               r->ok[i] ? "ok" : "refused", r->start[i], r->end[i]);
    }
}

static void make_base(void)
{
    struct memdev md;
    memdev_init(&md, DISK_BLOCKS);
    struct sfs_msg m;
    struct sfs *fs;
    if (sfs_format(&md.dev, 7, &m) || sfs_mount(&md.dev, 0, &fs, &m))
        abort();
    model_init(&g_base_model);
    const struct op setup[] = {
        {OP_CREATE, "/a", NULL, 0, 0, 0}, {OP_WRITE, "/a", NULL, 0, 3000, 1},
        {OP_MKDIR, "/d", NULL, 0, 0, 0},  {OP_CREATE, "/d/c", NULL, 0, 0, 0},
        {OP_WRITE, "/d/c", NULL, 0, 100, 2},
    };
    for (unsigned i = 0; i < sizeof(setup) / sizeof(setup[0]); i++)
        if (store_apply(fs, &setup[i]) || model_apply(&g_base_model, &setup[i]))
            abort();
    if (sfs_unmount(fs))
        abort();
    g_base = malloc((size_t)DISK_BLOCKS * SFS_BLOCK);
    memcpy(g_base, md.blocks, (size_t)DISK_BLOCKS * SFS_BLOCK);
    memdev_free(&md);
}

/* Run the workload on a recording device; false when the store and model disagree. */
static bool record(struct run *r, struct memdev *md)
{
    memcpy(md->blocks, g_base, (size_t)DISK_BLOCKS * SFS_BLOCK);
    struct sfs_msg m;
    struct sfs *fs;
    if (sfs_mount(&md->dev, 0, &fs, &m)) {
        printf("# base does not mount: %s\n", m.text);
        return false;
    }
    sfs_set_cache(fs, 64, r->dirty_max);
    md->record = true;
    struct model mo;
    model_init(&mo);
    model_copy(&mo, &g_base_model);
    r->states[0] = model_hash(&mo);
    bool agree = true;
    for (int i = 0; i < r->nops; i++) {
        r->start[i] = md->nev;
        int fe = store_apply(fs, &r->ops[i]);
        int me = model_apply(&mo, &r->ops[i]);
        r->end[i] = md->nev;
        r->ok[i] = fe == 0;
        if ((fe == 0) != (me == 0)) {
            printf("# store says %d, model says %d\n", fe, me);
            agree = false;
        }
        r->states[i + 1] = model_hash(&mo);
    }
    if (agree && store_hash(fs) != r->states[r->nops]) {
        printf("# the live store differs from the model\n");
        agree = false;
    }
    md->record = false;
    sfs_drop(fs); /* the power goes: nothing more is written */
    model_free(&mo);
    return agree;
}

static void apply_write(uint8_t *disk, const struct memdev_event *e, unsigned sector_mask)
{
    for (unsigned s = 0; s < SFS_BLOCK / SECTOR; s++)
        if (sector_mask & (1u << s))
            memcpy(disk + e->block * SFS_BLOCK + s * SECTOR, e->data + s * SECTOR, SECTOR);
}

/* Mount and check the disk of one cut. */
static void check_cut(const struct run *r, struct memdev *md, size_t cut, int variant)
{
    g_cuts++;
    struct sfs_msg m;
    struct sfs *fs;
    char why[320];
    md->fail_read_at = md->fail_write_at = 0;
    int err = sfs_mount(&md->dev, SFS_MOUNT_RDONLY, &fs, &m);
    if (err) {
        snprintf(why, sizeof(why), "mount refused: %.200s", m.text);
        fail(r, why, cut, variant);
        return;
    }
    uint64_t h = store_hash(fs);
    sfs_drop(fs);
    size_t lo = 0, hi = 0;
    for (int i = 0; i < r->nops; i++) {
        if (r->start[i] < cut || (r->start[i] == cut && r->end[i] == r->start[i]))
            hi = (size_t)i + 1;
        if (r->ops[i].kind == OP_SYNC && r->ok[i] && r->end[i] <= cut)
            lo = (size_t)i + 1;
    }
    if (hi < lo)
        hi = lo;
    bool found = false;
    for (size_t k = lo; k <= hi && !found; k++)
        found = r->states[k] == h;
    if (!found) {
        size_t at = 0;
        for (size_t k = 0; k <= (size_t)r->nops; k++)
            if (r->states[k] == h)
                at = k + 1000;
        snprintf(why, sizeof(why), "tree matches no state in [%zu, %zu]%s%zu", lo, hi,
                 at ? "; it is state " : "", at ? at - 1000 : 0);
        fail(r, why, cut, variant);
        return;
    }
    struct sfs_fsck fr;
    err = sfs_fsck(&md->dev, 0, &fr);
    if (err || fr.errors) {
        snprintf(why, sizeof(why), "fsck: %d, %u errors: %.200s", err, fr.errors, fr.log);
        fail(r, why, cut, variant);
    }
}

/* Cut the power at every write of the recorded run, `variants` random disks per cut. */
static void cut_everywhere(const struct run *r, struct memdev *md, int variants)
{
    size_t disk = (size_t)DISK_BLOCKS * SFS_BLOCK;
    uint8_t *durable = malloc(disk);
    memcpy(durable, g_base, disk);
    size_t last_flush = 0; /* events before it are in `durable` */
    for (size_t cut = 0; cut <= md->nev; cut++) {
        /* the power goes before event `cut` (a write, or a flush that never completed) */
        for (int v = 0; v < 2 + variants; v++) {
            if (v == 1 && cut != last_flush)
                continue; /* "none landed" is the same disk for the whole window */
            memcpy(md->blocks, durable, disk);
            for (size_t i = last_flush; i < cut; i++) {
                unsigned mask = 0xff;
                if (v == 1)
                    mask = 0;
                else if (v >= 2) {
                    uint64_t x = prng(&g_rng);
                    mask = (x & 3) == 0 ? 0 : (x & 3) == 1 ? (unsigned)(x >> 8) & 0xff : 0xff;
                }
                apply_write(md->blocks, &md->ev[i], mask);
            }
            check_cut(r, md, cut, v);
        }
        if (cut < md->nev && !md->ev[cut].data) { /* a flush completes: its writes are durable */
            for (size_t i = last_flush; i < cut; i++)
                apply_write(durable, &md->ev[i], 0xff);
            last_flush = cut + 1;
        }
    }
    free(durable);
}

static void run_workload(struct run *r, struct memdev *md, int variants)
{
    g_workloads++;
    if (!record(r, md)) {
        fail(r, "the store and the model disagree", 0, -1);
    } else {
        cut_everywhere(r, md, variants);
    }
    memdev_clear_events(md);
}

static const struct op g_alphabet[] = {
    {OP_CREATE, "/b", NULL, 0, 0, 0},
    {OP_WRITE, "/a", NULL, 1000, 6000, 3},
    {OP_WRITE, "/a", NULL, 0, 8192, 5}, /* whole blocks: straight to the disk */
    {OP_WRITE, "/b", NULL, 0, 100, 4},
    {OP_RENAME, "/a", "/b", 0, 0, 0},
    {OP_RENAME, "/d/c", "/c", 0, 0, 0},
    {OP_UNLINK, "/a", NULL, 0, 0, 0},
    {OP_UNLINK, "/d/c", NULL, 0, 0, 0},
    {OP_MKDIR, "/e", NULL, 0, 0, 0},
    {OP_RENAME, "/d", "/e/d", 0, 0, 0},
    {OP_TRUNCATE, "/a", NULL, 0, 10, 0},
    {OP_SYNC, NULL, NULL, 0, 0, 0},
};
#define NALPHA (sizeof(g_alphabet) / sizeof(g_alphabet[0]))

static void sequences(struct memdev *md, int variants)
{
    struct run r;
    for (int len = 0; len <= 3; len++) {
        unsigned total = 1;
        for (int i = 0; i < len; i++)
            total *= NALPHA;
        for (unsigned code = 0; code < total; code++) {
            for (int mode = 0; mode < 2; mode++) {
                memset(&r, 0, sizeof(r));
                r.nops = len;
                unsigned c = code;
                for (int i = 0; i < len; i++, c /= NALPHA)
                    r.ops[i] = g_alphabet[c % NALPHA];
                r.dirty_max = mode ? 1 : 1u << 20;
                run_workload(&r, md, variants);
            }
        }
    }
}

static const char *const g_names[] = {"/a", "/b", "/c", "/d", "/d/x", "/d/y", "/e", "/e/z"};

static void random_runs(struct memdev *md, int runs, int variants)
{
    struct run r;
    for (int n = 0; n < runs; n++) {
        memset(&r, 0, sizeof(r));
        r.nops = 60;
        r.dirty_max = (uint32_t)(1 + prng(&g_rng) % 48);
        for (int i = 0; i < r.nops; i++) {
            uint64_t x = prng(&g_rng);
            struct op *o = &r.ops[i];
            o->a = g_names[x % 8];
            o->b = g_names[(x >> 3) % 8];
            switch ((x >> 6) % 10) {
            case 0: o->kind = OP_CREATE; break;
            case 1: o->kind = OP_MKDIR; break;
            case 2: case 3: case 4:
                o->kind = OP_WRITE;
                o->off = (x >> 10) % 9000;
                o->len = 1 + (x >> 24) % 9000;
                o->seed = (uint32_t)(x >> 40);
                break;
            case 5: o->kind = OP_RENAME; break;
            case 6: o->kind = OP_UNLINK; break;
            case 7: o->kind = OP_TRUNCATE; o->len = (x >> 10) % 12000; break;
            default: o->kind = (x >> 12) % 3 == 0 ? OP_SYNC : OP_WRITE; o->len = 50; break;
            }
        }
        run_workload(&r, md, variants);
    }
}

int main(void)
{
    const char *longmode = getenv("SFS_POWERCUT_LONG");
    bool lng = longmode && *longmode && strcmp(longmode, "0");
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    make_base();
    struct memdev md;
    memdev_init(&md, DISK_BLOCKS);
    sequences(&md, lng ? 8 : 3);
    uint64_t seq_cuts = g_cuts, seq_workloads = g_workloads;
    random_runs(&md, lng ? 20000 : 1200, lng ? 4 : 1);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("1..1\n");
    printf("# %llu workloads of up to 3 operations: %llu cuts; %llu random runs of 60: %llu cuts\n",
           (unsigned long long)seq_workloads, (unsigned long long)seq_cuts,
           (unsigned long long)(g_workloads - seq_workloads), (unsigned long long)(g_cuts - seq_cuts));
    printf("%s 1 - %llu power cuts in %.1f s: each mounted, fsck clean, synced changes present, "
           "unsynced ones all or nothing%s\n",
           g_failures ? "not ok" : "ok", (unsigned long long)g_cuts, s,
           g_failures ? " (FAILURES above)" : "");
    memdev_free(&md);
    model_free(&g_base_model);
    free(g_base);
    return g_failures ? 1 : 0;
}
