/*
 * services/storage/fs/test/ioerror_test.c - I/O error injection.
 *
 * Random workloads run with the Nth read, the Nth write or the Nth flush of the device
 * failing, for every N the workload reaches. Every call must return (no crash); the
 * failure must be reported (some call returns an error); the store may turn read-only,
 * and then refuses every change. Afterwards, on a healthy device, the store must mount,
 * fsck must find nothing, and its tree must be the model's after some number of the
 * operations that succeeded, no fewer than those covered by the last successful sync.
 * Output: one TAP line per kind of failure.
 *
 * Layer: services host tests.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sos/errors.h>

#include "memdev.h"
#include "model.h"

#define DISK_BLOCKS 256u
#define NOPS 40

static uint64_t g_rng = 777;
static const char *const g_names[] = {"/a", "/b", "/c", "/d", "/d/x", "/d/y", "/e", "/e/z"};

static void make_ops(struct op *ops)
{
    for (int i = 0; i < NOPS; i++) {
        uint64_t x = prng(&g_rng);
        struct op *o = &ops[i];
        memset(o, 0, sizeof(*o));
        o->a = g_names[x % 8];
        o->b = g_names[(x >> 3) % 8];
        switch ((x >> 6) % 9) {
        case 0: o->kind = OP_CREATE; break;
        case 1: o->kind = OP_MKDIR; break;
        case 2: case 3:
            o->kind = OP_WRITE;
            o->off = (x >> 10) % 9000;
            o->len = 1 + (x >> 24) % 12000;
            o->seed = (uint32_t)(x >> 40);
            break;
        case 4: o->kind = OP_RENAME; break;
        case 5: o->kind = OP_UNLINK; break;
        case 6: o->kind = OP_TRUNCATE; o->len = (x >> 10) % 12000; break;
        default: o->kind = OP_SYNC; break;
        }
    }
}

/* Run ops with the failure set up in md; check the aftermath. 0 when all is well. */
static int one(const struct op *ops, struct memdev *md, const uint8_t *base, char *why, size_t wsz)
{
    memcpy(md->blocks, base, (size_t)DISK_BLOCKS * SFS_BLOCK);
    md->reads = md->writes = md->flushes = 0;
    md->failed = false;
    struct sfs_msg m;
    struct sfs *fs = NULL;
    struct model mo;
    model_init(&mo);
    uint64_t states[NOPS + 1];
    states[0] = model_hash(&mo);
    int n = 0, lo = 0;
    bool reported = false;
    int err = sfs_mount(&md->dev, 0, &fs, &m);
    if (err) {
        reported = true; /* the failure hit the mount: refused, nothing changed */
    } else {
        sfs_set_cache(fs, 16, 1 + (uint32_t)(prng(&g_rng) % 16));
        for (int i = 0; i < NOPS; i++) {
            int fe = store_apply(fs, &ops[i]);
            bool broken = sfs_broken_reason(fs) != NULL;
            reported |= fe == SOS_ERR_IO || fe == SOS_ERR_CORRUPT || broken;
            if (fe == 0) {
                if (model_apply(&mo, &ops[i])) {
                    snprintf(why, wsz, "op %d succeeded on the store but not on the model", i);
                    sfs_drop(fs);
                    model_free(&mo);
                    return -1;
                }
                states[++n] = model_hash(&mo);
                if (ops[i].kind == OP_SYNC)
                    lo = n;
            }
        }
        sfs_drop(fs);
    }
    bool injected = md->failed;
    int sticky = md->sticky; /* the device is healthy again for the check */
    md->sticky = 0;
    md->failed = false;
    md->fail_read_at = md->fail_write_at = md->fail_flush_at = 0;
    int rc = 0;
    if (injected && !reported) {
        snprintf(why, wsz, "a failure was injected but no call reported it");
        rc = -1;
    } else if ((err = sfs_mount(&md->dev, SFS_MOUNT_RDONLY, &fs, &m))) {
        snprintf(why, wsz, "mount after the failure: %.200s", m.text);
        rc = -1;
    } else {
        uint64_t h = store_hash(fs);
        sfs_drop(fs);
        bool found = false;
        for (int k = lo; k <= n && !found; k++)
            found = states[k] == h;
        struct sfs_fsck r;
        if (!found) {
            snprintf(why, wsz, "tree matches no state in [%d, %d]", lo, n);
            rc = -1;
        } else if (sfs_fsck(&md->dev, 0, &r) || r.errors) {
            snprintf(why, wsz, "fsck: %u errors: %.150s", r.errors, r.log);
            rc = -1;
        }
    }
    md->sticky = sticky;
    model_free(&mo);
    return rc;
}

int main(void)
{
    struct memdev md;
    memdev_init(&md, DISK_BLOCKS);
    struct sfs_msg m;
    if (sfs_format(&md.dev, 9, &m))
        return 1;
    uint8_t *base = malloc((size_t)DISK_BLOCKS * SFS_BLOCK);
    memcpy(base, md.blocks, (size_t)DISK_BLOCKS * SFS_BLOCK);
    static const char *const kinds[] = {"read", "write", "flush"};
    printf("1..3\n");
    int failures = 0;
    for (int kind = 0; kind < 3; kind++) {
        uint64_t runs = 0, bad = 0;
        for (int w = 0; w < 40; w++) {
            struct op ops[NOPS];
            make_ops(ops);
            char why[256];
            /* how many requests of this kind does the workload make? */
            uint64_t save = g_rng;
            one(ops, &md, base, why, sizeof(why));
            g_rng = save;
            uint64_t total = kind == 0 ? md.reads : kind == 1 ? md.writes : md.flushes;
            for (uint64_t nth = 1; nth <= total + 1; nth++) {
                md.fail_read_at = kind == 0 ? nth : 0;
                md.fail_write_at = kind == 1 ? nth : 0;
                md.fail_flush_at = kind == 2 ? nth : 0;
                md.sticky = (int)(nth & 1); /* odd: the device stays broken after the first failure */
                uint64_t s2 = g_rng;
                runs++;
                if (one(ops, &md, base, why, sizeof(why))) {
                    if (bad++ < 5)
                        printf("# %s failure at request %llu of workload %d: %s\n", kinds[kind],
                               (unsigned long long)nth, w, why);
                }
                g_rng = s2;
            }
            md.sticky = 0;
            prng(&g_rng);
        }
        failures += bad != 0;
        printf("%s %d - %llu runs with the Nth %s failing: errors reported, the store consistent "
               "afterwards\n", bad ? "not ok" : "ok", kind + 1, (unsigned long long)runs, kinds[kind]);
    }
    free(base);
    memdev_free(&md);
    return failures ? 1 : 0;
}
