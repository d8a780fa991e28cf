/*
 * services/storage/fs/fsck.c - check every invariant of a store, and repair.
 *
 * The store is mounted in salvage mode: the metadata walk notes each bad pointer (out
 * of range, past the end, a second reference, a checksum mismatch) and each bad inode
 * record instead of refusing, and the walk goes on. The fixes are then made in memory
 * through the normal copy-on-write paths (so the directory pass sees the repaired view
 * and counts nothing twice): bad pointers become holes, bad records are cleared. The
 * directory pass walks from the root: every block well formed, every entry valid and
 * unique, pointing at a live inode of its type that no other entry names, parent links
 * right. Inodes no entry reaches are lost: repair puts them in /lost+found. Then every
 * data block's checksum, and the superblock counts. A repair is one atomic commit; a
 * check commits nothing.
 *
 * Layer: services (storage format library).
 */
#include "sfs_impl.h"

#include <stdarg.h>

static void log_line(struct sfs_fsck *r, const char *fmt, va_list ap)
{
    char line[256];
    vsnprintf(line, sizeof(line), fmt, ap);
    size_t n = strlen(line);
    if (r->log_len + n + 2 >= sizeof(r->log)) {
        if (r->log_len + 5 < sizeof(r->log) && (r->log_len < 4 || strcmp(r->log + r->log_len - 4, "...\n"))) {
            memcpy(r->log + r->log_len, "...\n", 5);
            r->log_len += 4;
        }
        return;
    }
    memcpy(r->log + r->log_len, line, n);
    r->log[r->log_len + n] = '\n';
    r->log_len += (uint32_t)n + 1;
    r->log[r->log_len] = 0;
}

void sfs_fsck_note(struct sfs *fs, const char *fmt, ...)
{
    if (!fs->report)
        return;
    fs->report->errors++;
    va_list ap;
    va_start(ap, fmt);
    log_line(fs->report, fmt, ap);
    va_end(ap);
}

static void info(struct sfs_fsck *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void info(struct sfs_fsck *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_line(r, fmt, ap);
    va_end(ap);
}

struct fsck {
    struct sfs *fs;
    struct sfs_fsck *r;
    bool repair;
    uint8_t *seen;
    uint64_t *queue;
    size_t qhead, qlen, qcap;
};

/* ---- the fixes the metadata walk asked for */

/* Keep the block the pointer `bp` leads to as it is: its checksum becomes the block's. */
static int adopt_block(struct sfs *fs, struct sfs_bp *bp)
{
    uint8_t *blk = bp && bp->addr ? malloc(SFS_BLOCK) : NULL;
    if (!blk)
        return bp && bp->addr ? SOS_ERR_NO_MEMORY : 0;
    int err = sfs_dev_read(fs, bp->addr, 1, blk);
    if (!err)
        bp->crc = sfs_crc32c(0, blk, SFS_BLOCK);
    free(blk);
    return err;
}

/* A pointer-level fix in the tree of c->owner (0: the inode table): cut or adopt. */
static int fix_tree(struct sfs *fs, struct sfs_bp *root, uint32_t height, const struct sfs_cut *c)
{
    if (c->kind == CUT_POINTER)
        return sfs_tree_cut(fs, root, height, c->level, c->index, NULL);
    struct sfs_bp *bp;
    int err = sfs_tree_ptr(fs, root, height, c->level, c->index, &bp);
    return err ? err : adopt_block(fs, bp);
}

static int cut_pointer(struct sfs *fs, const struct sfs_cut *c)
{
    if (c->owner == 0)
        return fix_tree(fs, &fs->sb.itab, fs->sb.itab_height, c);
    struct sfs_dinode d;
    int err = sfs_inode_get(fs, c->owner, &d);
    if (!err && d.type != SFS_FREE)
        err = fix_tree(fs, &d.root, d.height, c);
    return err ? err : sfs_inode_put(fs, c->owner, &d);
}

static int apply_cuts(struct sfs *fs)
{
    int err = 0;
    for (size_t i = 0; i < fs->ncuts && !err; i++) {
        const struct sfs_cut *c = &fs->cuts[i];
        struct sfs_dinode d;
        if (c->kind == CUT_POINTER || c->kind == CUT_ADOPT) {
            err = cut_pointer(fs, c);
        } else if (c->kind == CUT_INODE) {
            memset(&d, 0, sizeof(d));
            err = sfs_inode_put(fs, c->owner, &d);
        } else if (!(err = sfs_inode_get(fs, c->owner, &d))) {
            d.size = c->value;
            err = sfs_inode_put(fs, c->owner, &d);
        }
    }
    fs->sb_dirty = true;
    return err;
}

static int ensure_root(struct fsck *k)
{
    struct sfs *fs = k->fs;
    if (sfs_bit_get(fs->iused, SFS_ROOT_INO))
        return 0;
    sfs_fsck_note(fs, "the root directory is gone: a new empty one replaces it");
    struct sfs_dinode d;
    memset(&d, 0, sizeof(d));
    d.type = SFS_DIR;
    d.parent = SFS_ROOT_INO;
    d.gen = 1;
    sfs_bit_set(fs->iused, SFS_ROOT_INO);
    fs->inodes_used++;
    return sfs_inode_put(fs, SFS_ROOT_INO, &d);
}

/* ---- the directory pass */

static int push(struct fsck *k, uint64_t ino)
{
    if (k->qlen == k->qcap) {
        uint64_t *q = sfs_array_grow(k->queue, &k->qcap, sizeof(*q));
        if (!q)
            return SOS_ERR_NO_MEMORY;
        k->queue = q;
    }
    k->queue[k->qlen++] = ino;
    return 0;
}

/* What is wrong with entry (e, type, name) of directory `dir`, or NULL. */
static const char *entry_problem(struct fsck *k, const struct sfs_dinode *dd, uint64_t e, uint32_t type,
                                 const char *name, size_t nl, const struct dloc *here,
                                 struct sfs_dinode *target)
{
    struct sfs *fs = k->fs;
    if (e >= fs->sb.ninodes || !sfs_bit_get(fs->iused, e))
        return "names a free inode";
    if (sfs_inode_get(fs, e, target))
        return "names an unreadable inode";
    if (target->type != type)
        return "has the wrong type";
    if (sfs_bit_get(k->seen, e))
        return "is a second name of its inode";
    struct dloc first;
    if (sfs_dir_find(fs, dd, name, nl, &first) == 0 && (first.block != here->block || first.off != here->off))
        return "repeats a name";
    return NULL;
}

static int check_entries(struct fsck *k, uint64_t dir, struct sfs_dinode *dd, uint64_t bi)
{
    struct sfs *fs = k->fs;
    uint32_t off = sizeof(struct sfs_dhdr);
    for (;;) {
        struct buf *b;
        int err = sfs_tree_read(fs, &dd->root, dd->height, bi, &b);
        if (err || !b)
            return err;
        const struct sfs_dhdr *h = sfs_dhdr_of(b->data);
        if (off >= h->used)
            return 0;
        const struct sfs_dent *de = sfs_dent_get(b->data, off);
        uint64_t e = de->ino;
        uint32_t type = de->type, nl = de->namelen;
        char name[SFS_NAME_MAX + 1];
        memcpy(name, de->name, nl);
        name[nl] = 0;
        struct dloc here = {bi, off, e, type};
        struct sfs_dinode t;
        const char *bad = entry_problem(k, dd, e, type, name, nl, &here, &t);
        if (bad) {
            sfs_fsck_note(fs, "directory %llu: entry '%s' %s%s", (unsigned long long)dir, name, bad,
                          k->repair ? ": removed" : "");
            err = sfs_dir_del(fs, dd, &here); /* in memory; committed only by a repair */
            if (!err)
                err = sfs_inode_put(fs, dir, dd);
            if (err)
                return err;
            continue; /* the next entry moved to `off` */
        }
        sfs_bit_set(k->seen, e);
        if (t.parent != dir) {
            sfs_fsck_note(fs, "inode %llu ('%s'): parent link %llu, but it is in directory %llu%s",
                          (unsigned long long)e, name, (unsigned long long)t.parent,
                          (unsigned long long)dir, k->repair ? ": fixed" : "");
            t.parent = dir;
            if ((err = sfs_inode_put(fs, e, &t)))
                return err;
        }
        if (t.type == SFS_DIR) {
            k->r->dirs++;
            if ((err = push(k, e)))
                return err;
        } else {
            k->r->files++;
        }
        off += SFS_DENT_LEN(nl);
    }
}

static int check_dir(struct fsck *k, uint64_t dir)
{
    struct sfs *fs = k->fs;
    struct sfs_dinode dd;
    int err = sfs_inode_get(fs, dir, &dd);
    if (err)
        return err;
    for (uint64_t bi = 0; bi < dd.size / SFS_BLOCK; bi++) {
        struct buf *b;
        err = sfs_tree_read(fs, &dd.root, dd.height, bi, &b);
        const char *bad = err == SOS_ERR_CORRUPT ? "fails its checksum"
                          : !err && b && sfs_dir_check_block(fs, b->data) ? "is malformed" : NULL;
        if (err && err != SOS_ERR_CORRUPT)
            return err;
        if (bad) {
            sfs_fsck_note(fs, "directory %llu: block %llu %s%s", (unsigned long long)dir,
                          (unsigned long long)bi, bad, k->repair ? ": dropped (its entries go to lost+found)" : "");
            uint64_t old; /* the mount walk claimed it: give it back */
            k->r->zeroed++;
            err = sfs_tree_cut(fs, &dd.root, dd.height, 0, bi, &old);
            if (!err && old)
                sfs_block_free(fs, old);
            if (!err)
                err = sfs_inode_put(fs, dir, &dd);
            if (err)
                return err;
            continue;
        }
        k->r->data_blocks_checked += b ? 1 : 0;
        if (b && (err = check_entries(k, dir, &dd, bi)))
            return err;
        if (!b)
            bi = sfs_tree_hole_end(fs, &dd.root, dd.height, bi);
        sfs_cache_trim(fs);
    }
    return 0;
}

static int drain(struct fsck *k)
{
    while (k->qhead < k->qlen) {
        int err = check_dir(k, k->queue[k->qhead++]);
        if (err)
            return err;
    }
    return 0;
}

/* ---- lost inodes */

static int lost_found(struct fsck *k, uint64_t *out)
{
    struct sfs *fs = k->fs;
    char name[32] = "lost+found";
    for (int i = 0; i < 100; i++) {
        uint64_t ino;
        struct sfs_stat st;
        int err = sfs_lookup(fs, SFS_ROOT_INO, name, strlen(name), &ino);
        if (!err && !(err = sfs_stat(fs, ino, &st)) && st.type == SFS_DIR) {
            *out = ino;
            return 0;
        }
        if (err == SOS_ERR_NOT_FOUND) {
            err = sfs_create(fs, SFS_ROOT_INO, name, strlen(name), SFS_DIR, out);
            if (!err)
                sfs_bit_set(k->seen, *out);
            return err;
        }
        if (err)
            return err;
        snprintf(name, sizeof(name), "lost+found.%d", i + 1);
    }
    return SOS_ERR_ALREADY_EXISTS;
}

static int adopt(struct fsck *k, uint64_t ino)
{
    struct sfs *fs = k->fs;
    uint64_t lf;
    struct sfs_dinode d, ld;
    int err = lost_found(k, &lf);
    if (!err)
        err = sfs_inode_get(fs, ino, &d);
    if (!err)
        err = sfs_inode_get(fs, lf, &ld);
    if (err)
        return err;
    char name[32];
    snprintf(name, sizeof(name), "#%llu", (unsigned long long)ino);
    err = sfs_dir_add(fs, &ld, name, strlen(name), ino, d.type);
    if (!err)
        err = sfs_inode_put(fs, lf, &ld);
    d.parent = lf;
    if (!err)
        err = sfs_inode_put(fs, ino, &d);
    if (err)
        return err;
    sfs_bit_set(k->seen, ino);
    k->r->adopted++;
    if (d.type == SFS_DIR) {
        k->r->dirs++;
        err = push(k, ino);
    } else {
        k->r->files++;
    }
    return err ? err : drain(k);
}

static bool lost(struct fsck *k, uint64_t i)
{
    return i > SFS_ROOT_INO && sfs_bit_get(k->fs->iused, i) && !sfs_bit_get(k->seen, i);
}

static int find_lost(struct fsck *k)
{
    struct sfs *fs = k->fs;
    if (!k->repair) {
        for (uint64_t i = 2; i < fs->sb.ninodes; i++)
            if (lost(k, i))
                sfs_fsck_note(fs, "inode %llu is in no directory", (unsigned long long)i);
        return 0;
    }
    /* first the lost inodes whose parent is not itself lost, so subtrees stay whole */
    for (int pass = 0; pass < 2; pass++)
        for (uint64_t i = 2; i < fs->sb.ninodes; i++) {
            if (!lost(k, i))
                continue;
            struct sfs_dinode d;
            int err = sfs_inode_get(fs, i, &d);
            if (err)
                return err;
            if (pass == 0 && d.parent < fs->sb.ninodes && lost(k, d.parent))
                continue;
            sfs_fsck_note(fs, "inode %llu is in no directory: put in lost+found as #%llu",
                          (unsigned long long)i, (unsigned long long)i);
            if ((err = adopt(k, i)))
                return err;
        }
    return 0;
}

/* ---- data */

static int check_data(struct fsck *k)
{
    struct sfs *fs = k->fs;
    for (uint64_t i = 2; i < fs->sb.ninodes; i++) {
        if (!sfs_bit_get(k->seen, i))
            continue;
        struct sfs_dinode d;
        int err = sfs_inode_get(fs, i, &d);
        if (err)
            return err;
        if (d.type != SFS_FILE)
            continue;
        bool changed = false;
        for (uint64_t bi = 0; bi < (d.size + SFS_BLOCK - 1) / SFS_BLOCK; bi++) {
            struct buf *b;
            err = sfs_tree_read(fs, &d.root, d.height, bi, &b);
            if (err == SOS_ERR_CORRUPT) {
                sfs_fsck_note(fs, "inode %llu: data block %llu fails its checksum%s",
                              (unsigned long long)i, (unsigned long long)bi,
                              k->repair ? ": replaced by zeros" : "");
                uint64_t old;
                k->r->zeroed++;
                err = sfs_tree_cut(fs, &d.root, d.height, 0, bi, &old);
                if (!err && old)
                    sfs_block_free(fs, old);
                changed = true;
            }
            if (err)
                return err;
            k->r->data_blocks_checked += b ? 1 : 0;
            if (!b)
                bi = sfs_tree_hole_end(fs, &d.root, d.height, bi);
            sfs_cache_trim(fs);
        }
        if (changed && (err = sfs_inode_put(fs, i, &d)))
            return err;
    }
    return 0;
}

static int run(struct fsck *k, uint64_t sb_blocks, uint64_t sb_inodes)
{
    struct sfs *fs = k->fs;
    /* what the superblock counts but the walk could not keep (records cut or cleared) */
    k->r->lost = sb_inodes > fs->inodes_used ? sb_inodes - fs->inodes_used : 0;
    int err = apply_cuts(fs);
    if (!err)
        err = ensure_root(k);
    k->seen = calloc(1, fs->sb.ninodes / 8 + 1);
    if (!k->seen)
        return SOS_ERR_NO_MEMORY;
    sfs_bit_set(k->seen, SFS_ROOT_INO);
    if (!err)
        err = push(k, SFS_ROOT_INO);
    if (!err)
        err = drain(k);
    if (!err)
        err = find_lost(k);
    if (!err)
        err = check_data(k);
    if (!err && fs->ncuts == 0 && k->r->errors == 0 &&
        (sb_blocks != fs->nused || sb_inodes != fs->inodes_used))
        sfs_fsck_note(fs, "superblock counts (%llu blocks, %llu inodes) differ from the tree (%llu, %llu)%s",
                      (unsigned long long)sb_blocks, (unsigned long long)sb_inodes,
                      (unsigned long long)fs->nused, (unsigned long long)fs->inodes_used,
                      k->repair ? ": fixed" : "");
    return err;
}

/*
 * Check the newest generation below `below` (0: the newest), fixing it in memory with
 * SFS_FSCK_REPAIR. On success *out is the store with the fixes made but not committed
 * (mounted in salvage mode: the caller commits, drops, or keeps it read-only).
 */
int sfs_fsck_open(const struct sfs_dev *dev, unsigned flags, uint64_t below, struct sfs_fsck *r,
                  struct sfs **out)
{
    memset(r, 0, sizeof(*r));
    struct fsck k = {.r = r, .repair = flags & SFS_FSCK_REPAIR};
    struct sfs_msg msg;
    int err = sfs_mount_ex(dev, 0, below, true, r, &k.fs, &msg);
    if (err) {
        info(r, "cannot check the store: %s", err == SOS_ERR_NO_MEMORY ? "out of memory" : msg.text);
        return err;
    }
    struct sfs *fs = k.fs;
    r->generation = fs->sb.generation;
    if (fs->note[0])
        info(r, "%s", fs->note);
    uint64_t sb_blocks = fs->sb.used_blocks, sb_inodes = fs->sb.used_inodes;
    sfs_set_cache(fs, 256, UINT32_MAX);
    err = run(&k, sb_blocks, sb_inodes);
    r->blocks_used = fs->nused - fs->npending;
    if (err)
        info(r, "fsck stopped: %s", err == SOS_ERR_IO ? "I/O error" : err == SOS_ERR_NO_MEMORY
                                                                  ? "out of memory" : "error");
    free(k.seen);
    free(k.queue);
    if (err)
        sfs_drop(fs);
    else
        *out = fs;
    return err;
}

int sfs_fsck(const struct sfs_dev *dev, unsigned flags, struct sfs_fsck *r)
{
    struct sfs *fs;
    int err = sfs_fsck_open(dev, flags, 0, r, &fs);
    if (err)
        return err;
    if ((flags & SFS_FSCK_REPAIR) && r->errors) {
        fs->sb_dirty = true;
        err = sfs_commit(fs);
        if (!err)
            r->repaired = r->errors;
        else
            info(r, "fsck stopped: the repair's commit failed (%s)",
                 err == SOS_ERR_IO ? "I/O error" : "out of memory");
    }
    sfs_drop(fs);
    return err;
}
