/*
 * services/storage/fs/ops.c - the operations: lookup, stat, create, unlink, rename,
 * read, write, truncate, readdir, statfs.
 *
 * Each changing operation checks everything it can before it changes anything (the
 * entries exist or not, types, emptiness, room on the disk for its worst case), so a
 * refused operation leaves nothing behind. If it still fails half way (an I/O error, a
 * damaged block), the mounted store turns read-only: the half-made change is never
 * committed, and the disk keeps its last commit.
 *
 * Layer: services (storage format library).
 */
#include "sfs_impl.h"

/*
 * Room. Copy-on-write needs new blocks even to remove something, so a store filled to
 * the last block could never be freed. Every change keeps room for its own
 * copy-on-write paths (two directory trees, a file tree, the inode table, a new
 * directory or inode-table block: sfs_op_paths), and changes that add data or names also
 * leave the removal reserve untouched behind them (sfs_op_reserve, as large again): only
 * unlink, rename and a shrinking truncate may take from it. Their old blocks come back
 * at the commit that sfs_op_room makes when it runs short while blocks wait to be freed.
 */
#define OP_PATHS 24u

uint64_t sfs_op_paths(const struct sfs *fs) { return fs->sb.nblocks / 8 < OP_PATHS ? fs->sb.nblocks / 8 : OP_PATHS; }

uint64_t sfs_op_reserve(const struct sfs *fs) { return sfs_op_paths(fs); }

/* Are `need` blocks free? (commits first when blocks replaced since could make them so) */
int sfs_op_room(struct sfs *fs, uint64_t need)
{
    if (sfs_free_blocks(fs) < need && fs->npending && !fs->salvage) {
        /* a commit frees the blocks it replaced (fsck's repair stays one commit) */
        int err = sfs_commit(fs);
        if (err)
            return err;
    }
    return sfs_free_blocks(fs) < need ? SOS_ERR_NO_SPACE : 0;
}

static int op_start(struct sfs *fs, bool write)
{
    fs->op_mutated = false;
    if (!write)
        return 0;
    if (fs->rdonly)
        return SOS_ERR_ACCESS_DENIED;
    if (fs->broken)
        return SOS_ERR_IO;
    int err = 0;
    if (fs->ndirty >= fs->dirty_max) /* a commit between operations, never inside one */
        err = sfs_commit(fs);
    return err;
}

/* Start an operation; a change that adds `need` blocks of data or names. */
int sfs_op_begin(struct sfs *fs, bool write, uint64_t need)
{
    int err = op_start(fs, write);
    return err || !write ? err : sfs_op_room(fs, need + sfs_op_paths(fs) + sfs_op_reserve(fs));
}

/* Start a removal (unlink, rename, shrinking truncate): it may use the reserve. */
static int op_begin_remove(struct sfs *fs)
{
    int err = op_start(fs, true);
    return err ? err : sfs_op_room(fs, sfs_op_paths(fs));
}

int sfs_op_end(struct sfs *fs, int err)
{
    if (err && fs->op_mutated && !fs->broken) {
        fs->broken = err;
        snprintf(fs->broken_msg, sizeof(fs->broken_msg),
                 "a change failed half way (%s): the store is read-only until it is mounted again",
                 err == SOS_ERR_CORRUPT ? "damaged block" : err == SOS_ERR_IO ? "I/O error" : "error");
    }
    fs->op_mutated = false;
    sfs_cache_trim(fs);
    return err;
}

bool sfs_dirty(const struct sfs *fs) { return fs->ndirty > 0 || fs->sb_dirty; }

const char *sfs_broken_reason(const struct sfs *fs) { return fs->broken ? fs->broken_msg : NULL; }

void sfs_set_cache(struct sfs *fs, uint32_t clean_max, uint32_t dirty_max)
{
    fs->clean_max = clean_max;
    fs->dirty_max = dirty_max ? dirty_max : 1;
}

void sfs_set_clock(struct sfs *fs, uint64_t (*now)(void *), void *ctx)
{
    fs->now = now;
    fs->now_ctx = ctx;
}

uint64_t sfs_now(struct sfs *fs) { return fs->now ? fs->now(fs->now_ctx) : 0; }

static void to_stat(uint64_t ino, const struct sfs_dinode *d, struct sfs_stat *st)
{
    st->ino = ino;
    st->gen = d->gen;
    st->size = d->size;
    st->mtime = d->mtime;
    st->parent = d->parent;
    st->type = d->type;
    st->reserved = 0;
}

/* Inode `ino` as a live record of `type` (0: any). */
static int get_live(struct sfs *fs, uint64_t ino, uint32_t type, struct sfs_dinode *d)
{
    int err = sfs_inode_get(fs, ino, d);
    if (err)
        return err;
    if (d->type == SFS_FREE)
        return SOS_ERR_NOT_FOUND;
    if (type && d->type != type)
        return SOS_ERR_WRONG_TYPE;
    return 0;
}

int sfs_lookup(struct sfs *fs, uint64_t dir, const char *name, size_t len, uint64_t *ino)
{
    struct sfs_dinode d;
    struct dloc loc;
    sfs_op_begin(fs, false, 0);
    int err = sfs_name_ok(name, len) ? 0 : SOS_ERR_INVALID_ARGS;
    if (!err)
        err = get_live(fs, dir, SFS_DIR, &d);
    if (!err)
        err = sfs_dir_find(fs, &d, name, len, &loc);
    if (!err)
        *ino = loc.ino;
    return sfs_op_end(fs, err);
}

int sfs_stat(struct sfs *fs, uint64_t ino, struct sfs_stat *st)
{
    struct sfs_dinode d;
    sfs_op_begin(fs, false, 0);
    int err = get_live(fs, ino, 0, &d);
    if (!err)
        to_stat(ino, &d, st);
    return sfs_op_end(fs, err);
}

static int create_checked(struct sfs *fs, uint64_t dir, struct sfs_dinode *dd, const char *name,
                          size_t len, uint32_t type, uint64_t *out)
{
    uint64_t ino;
    struct sfs_dinode n;
    int err = sfs_inode_alloc(fs, &ino);
    if (!err)
        err = sfs_inode_get(fs, ino, &n);
    if (err)
        return err;
    uint64_t gen = n.gen + 1;
    memset(&n, 0, sizeof(n));
    n.type = (uint16_t)type;
    n.parent = dir;
    n.gen = gen;
    n.mtime = sfs_now(fs);
    err = sfs_inode_put(fs, ino, &n);
    if (!err)
        err = sfs_dir_add(fs, dd, name, len, ino, type);
    dd->mtime = n.mtime;
    if (!err)
        err = sfs_inode_put(fs, dir, dd);
    if (!err && out)
        *out = ino;
    return err;
}

int sfs_create(struct sfs *fs, uint64_t dir, const char *name, size_t len, uint32_t type,
               uint64_t *ino)
{
    struct sfs_dinode dd;
    struct dloc loc;
    int err = sfs_op_begin(fs, true, 0);
    if (!err && (!sfs_name_ok(name, len) || (type != SFS_FILE && type != SFS_DIR)))
        err = SOS_ERR_INVALID_ARGS;
    if (!err)
        err = get_live(fs, dir, SFS_DIR, &dd);
    if (!err) {
        err = sfs_dir_find(fs, &dd, name, len, &loc);
        err = err == SOS_ERR_NOT_FOUND ? 0 : err ? err : SOS_ERR_ALREADY_EXISTS;
    }
    if (!err)
        err = create_checked(fs, dir, &dd, name, len, type, ino);
    return sfs_op_end(fs, err);
}

int sfs_unlink(struct sfs *fs, uint64_t dir, const char *name, size_t len)
{
    struct sfs_dinode dd, t;
    struct dloc loc;
    bool empty = true;
    int err = op_begin_remove(fs);
    if (!err && !sfs_name_ok(name, len))
        err = SOS_ERR_INVALID_ARGS;
    if (!err)
        err = get_live(fs, dir, SFS_DIR, &dd);
    if (!err)
        err = sfs_dir_find(fs, &dd, name, len, &loc);
    if (!err)
        err = get_live(fs, loc.ino, 0, &t);
    if (!err && t.type == SFS_DIR)
        err = sfs_dir_is_empty(fs, &t, &empty);
    if (!err && !empty)
        err = SOS_ERR_BAD_STATE;
    if (!err)
        err = sfs_dir_del(fs, &dd, &loc);
    if (!err) {
        dd.mtime = sfs_now(fs);
        err = sfs_inode_put(fs, dir, &dd);
    }
    if (!err)
        err = sfs_inode_free(fs, loc.ino, &t);
    return sfs_op_end(fs, err);
}

/* Is `anc` the directory `ino` or one of its ancestors? (walks parent links up) */
static int is_ancestor(struct sfs *fs, uint64_t anc, uint64_t ino, bool *yes)
{
    *yes = false;
    for (uint64_t steps = 0; steps <= fs->sb.ninodes; steps++) {
        if (ino == anc) {
            *yes = true;
            return 0;
        }
        if (ino == SFS_ROOT_INO)
            return 0;
        struct sfs_dinode d;
        int err = get_live(fs, ino, SFS_DIR, &d);
        if (err)
            return err == SOS_ERR_NOT_FOUND || err == SOS_ERR_WRONG_TYPE ? SOS_ERR_CORRUPT : err;
        ino = d.parent;
    }
    return SOS_ERR_CORRUPT; /* a loop of parent links */
}

struct rename_plan {
    struct sfs_dinode sd, dd, src, dst;
    struct dloc sloc, dloc;
    bool replace;
};

static int rename_check(struct sfs *fs, uint64_t sdir, const char *sname, size_t slen, uint64_t ddir,
                        const char *dname, size_t dlen, struct rename_plan *p)
{
    if (!sfs_name_ok(sname, slen) || !sfs_name_ok(dname, dlen))
        return SOS_ERR_INVALID_ARGS;
    int err = get_live(fs, sdir, SFS_DIR, &p->sd);
    if (!err)
        err = get_live(fs, ddir, SFS_DIR, &p->dd);
    if (!err)
        err = sfs_dir_find(fs, &p->sd, sname, slen, &p->sloc);
    if (!err)
        err = get_live(fs, p->sloc.ino, 0, &p->src);
    if (err)
        return err;
    err = sfs_dir_find(fs, &p->dd, dname, dlen, &p->dloc);
    if (err && err != SOS_ERR_NOT_FOUND)
        return err;
    p->replace = !err;
    if (p->replace) {
        if (p->dloc.ino == p->sloc.ino)
            return 1; /* the same file: nothing to do */
        err = get_live(fs, p->dloc.ino, 0, &p->dst);
        if (err)
            return err;
        if (p->dst.type != p->src.type)
            return SOS_ERR_WRONG_TYPE;
        bool empty = true;
        if (p->dst.type == SFS_DIR && (err = sfs_dir_is_empty(fs, &p->dst, &empty)))
            return err;
        if (!empty)
            return SOS_ERR_BAD_STATE;
    }
    if (p->src.type == SFS_DIR) {
        bool below;
        err = is_ancestor(fs, p->sloc.ino, ddir, &below);
        if (err)
            return err;
        if (below)
            return SOS_ERR_INVALID_ARGS; /* a directory cannot move into itself */
    }
    return 0;
}

static int rename_apply(struct sfs *fs, uint64_t sdir, const char *sname, size_t slen,
                        uint64_t ddir, const char *dname, size_t dlen, struct rename_plan *p)
{
    struct sfs_dinode *sd = sdir == ddir ? &p->dd : &p->sd; /* one copy when it is one directory */
    int err = 0;
    if (p->replace) { /* the old target goes first: its entry, then the inode */
        err = sfs_dir_del(fs, &p->dd, &p->dloc);
        if (!err)
            err = sfs_inode_free(fs, p->dloc.ino, &p->dst);
    }
    struct dloc sloc;
    if (!err) /* found again: removing the target may have moved it */
        err = sfs_dir_find(fs, sd, sname, slen, &sloc);
    if (!err)
        err = sfs_dir_del(fs, sd, &sloc);
    if (!err)
        err = sfs_dir_add(fs, &p->dd, dname, dlen, p->sloc.ino, p->src.type);
    uint64_t now = sfs_now(fs);
    p->src.parent = ddir;
    sd->mtime = p->dd.mtime = now;
    if (!err)
        err = sfs_inode_put(fs, p->sloc.ino, &p->src);
    if (!err && sdir != ddir)
        err = sfs_inode_put(fs, sdir, sd);
    if (!err)
        err = sfs_inode_put(fs, ddir, &p->dd);
    return err;
}

int sfs_rename(struct sfs *fs, uint64_t sdir, const char *sname, size_t slen, uint64_t ddir,
               const char *dname, size_t dlen)
{
    struct rename_plan p;
    int err = op_begin_remove(fs);
    if (!err)
        err = rename_check(fs, sdir, sname, slen, ddir, dname, dlen, &p);
    if (err == 1)
        return sfs_op_end(fs, 0);
    if (!err)
        err = rename_apply(fs, sdir, sname, slen, ddir, dname, dlen, &p);
    return sfs_op_end(fs, err);
}

#define MAX_FILE_BYTES (tree_cap(SFS_MAX_HEIGHT) * SFS_BLOCK)

/*
 * Read up to `max` whole blocks from bi on with one device request when they are
 * contiguous on the disk and not in the cache (a big read then neither goes block by
 * block nor flushes the cache); each is checked against its checksum. Returns blocks
 * read (0: the first one is not such a block) or an error.
 */
#define READ_RUN_MAX 64u
static int64_t read_run(struct sfs *fs, const struct sfs_dinode *d, uint64_t bi, uint8_t *out,
                        uint64_t max)
{
    struct sfs_bp bps[READ_RUN_MAX];
    uint64_t n = 0;
    while (n < max && n < READ_RUN_MAX) {
        int err = sfs_tree_leaf(fs, &d->root, d->height, bi + n, &bps[n]);
        if (err)
            return err;
        if (!bps[n].addr || sfs_buf_find(fs, bps[n].addr) || (n && bps[n].addr != bps[0].addr + n))
            break;
        n++;
    }
    if (n < 2)
        return 0;
    int err = sfs_dev_read(fs, bps[0].addr, (uint32_t)n, out);
    if (err)
        return err;
    for (uint64_t i = 0; i < n && !fs->nocrc; i++)
        if (sfs_crc32c(0, out + i * SFS_BLOCK, SFS_BLOCK) != bps[i].crc)
            return SOS_ERR_CORRUPT;
    return (int64_t)n;
}

int64_t sfs_read(struct sfs *fs, uint64_t ino, uint64_t off, void *buf, size_t len)
{
    struct sfs_dinode d;
    sfs_op_begin(fs, false, 0);
    int err = get_live(fs, ino, SFS_FILE, &d);
    if (err)
        return sfs_op_end(fs, err);
    if (off >= d.size)
        return sfs_op_end(fs, 0);
    uint64_t n = d.size - off < len ? d.size - off : len;
    uint8_t *out = buf;
    for (uint64_t done = 0; done < n;) {
        uint64_t pos = off + done, bi = pos / SFS_BLOCK;
        uint32_t bo = (uint32_t)(pos % SFS_BLOCK);
        uint64_t k = SFS_BLOCK - bo < n - done ? SFS_BLOCK - bo : n - done;
        if (bo == 0 && n - done >= 2 * SFS_BLOCK) { /* whole blocks: straight from the disk */
            int64_t got = read_run(fs, &d, bi, out + done, (n - done) / SFS_BLOCK);
            if (got < 0)
                return sfs_op_end(fs, (int)got);
            if (got > 0) {
                done += (uint64_t)got * SFS_BLOCK;
                continue;
            }
        }
        struct buf *b;
        err = sfs_tree_read(fs, &d.root, d.height, bi, &b);
        if (err)
            return sfs_op_end(fs, err);
        if (b)
            memcpy(out + done, b->data + bo, k);
        else
            memset(out + done, 0, k);
        done += k;
    }
    sfs_op_end(fs, 0);
    return (int64_t)n;
}

/*
 * Whole data blocks skip the cache: each goes to a block allocated in this transaction
 * (one no commit refers to: a new one, or the one an earlier write of this transaction
 * put there, rewritten in place), its checksum is taken from the caller's bytes, and
 * contiguous ones go to the disk in one request straight from the caller's buffer,
 * before the call returns. Nothing points at them from a commit until the next one,
 * whose first flush covers them like any block written at commit.
 */
struct direct_run {
    uint64_t addr;
    uint32_t n;
    const uint8_t *src;
};

static int run_write(struct sfs *fs, struct direct_run *run)
{
    int err = run->n ? sfs_dev_write(fs, run->addr, run->n, run->src) : 0;
    run->n = 0;
    return err;
}

static int write_whole(struct sfs *fs, struct sfs_dinode *d, uint64_t bi, const uint8_t *src,
                       struct direct_run *run)
{
    struct sfs_bp *slot;
    int err = sfs_tree_slot(fs, &d->root, &d->height, bi, &slot);
    if (err)
        return err;
    uint64_t addr = slot->addr;
    struct buf *b = addr ? sfs_buf_find(fs, addr) : NULL;
    if (b && b->dirty) { /* changed in the cache already: it stays there */
        memcpy(b->data, src, SFS_BLOCK);
        return 0;
    }
    if (addr && sfs_block_direct(fs, addr)) {
        if (b) /* a clean copy read back since: keep it true */
            memcpy(b->data, src, SFS_BLOCK);
    } else { /* a hole or a committed block: copy on write */
        if ((err = sfs_block_alloc(fs, &addr)) || (err = sfs_direct_note(fs, addr)))
            return err;
        if (slot->addr)
            sfs_block_free(fs, slot->addr);
    }
    *slot = (struct sfs_bp){addr, sfs_crc32c(0, src, SFS_BLOCK), 0};
    if (run->n && (addr != run->addr + run->n || src != run->src + (size_t)run->n * SFS_BLOCK ||
                   run->n == SFS_RUN_MAX))
        err = run_write(fs, run);
    if (!run->n) {
        run->addr = addr;
        run->src = src;
    }
    run->n++;
    return err;
}

int64_t sfs_write(struct sfs *fs, uint64_t ino, uint64_t off, const void *buf, size_t len)
{
    struct sfs_dinode d;
    uint64_t nblk = len / SFS_BLOCK + 2;
    int err = sfs_op_begin(fs, true, nblk + nblk / 128);
    if (!err && (off > MAX_FILE_BYTES || len > MAX_FILE_BYTES - off))
        err = SOS_ERR_OUT_OF_RANGE;
    if (!err)
        err = get_live(fs, ino, SFS_FILE, &d);
    if (err || len == 0)
        return sfs_op_end(fs, err);
    /* the tree's height and indirect blocks first, so the data of one call lies contiguous */
    uint64_t last = (off + len - 1) / SFS_BLOCK;
    err = sfs_tree_grow(fs, &d.root, &d.height, last + 1);
    for (uint64_t bi = off / SFS_BLOCK; bi <= last && !err; bi = (bi | (SFS_PTRS - 1)) + 1) {
        struct sfs_bp *slot;
        err = sfs_tree_slot(fs, &d.root, &d.height, bi, &slot);
    }
    const uint8_t *in = buf;
    struct direct_run run = {0, 0, NULL};
    for (uint64_t done = 0; done < len && !err;) {
        uint64_t pos = off + done, bi = pos / SFS_BLOCK;
        uint32_t bo = (uint32_t)(pos % SFS_BLOCK);
        uint64_t k = SFS_BLOCK - bo < len - done ? SFS_BLOCK - bo : len - done;
        if (k == SFS_BLOCK) {
            err = write_whole(fs, &d, bi, in + done, &run);
        } else {
            struct buf *b;
            err = sfs_tree_write(fs, &d.root, &d.height, bi, false, &b);
            if (!err)
                memcpy(b->data + bo, in + done, k);
        }
        done += k;
    }
    if (!err)
        err = run_write(fs, &run);
    if (off + len > d.size)
        d.size = off + len;
    d.mtime = sfs_now(fs);
    if (!err)
        err = sfs_inode_put(fs, ino, &d);
    sfs_op_end(fs, err);
    return err ? err : (int64_t)len;
}

int sfs_truncate(struct sfs *fs, uint64_t ino, uint64_t size)
{
    struct sfs_dinode d;
    int err = op_begin_remove(fs);
    if (!err && size > MAX_FILE_BYTES)
        err = SOS_ERR_OUT_OF_RANGE;
    if (!err)
        err = get_live(fs, ino, SFS_FILE, &d);
    if (!err && size > d.size) { /* growing: indirect blocks, and the reserve stays */
        err = sfs_op_room(fs, SFS_MAX_HEIGHT + sfs_op_paths(fs) + sfs_op_reserve(fs));
        if (!err) /* a commit in sfs_op_room filled in checksums our copy lacks */
            err = get_live(fs, ino, SFS_FILE, &d);
    }
    if (err)
        return sfs_op_end(fs, err);
    if (size < d.size) {
        uint64_t keep = (size + SFS_BLOCK - 1) / SFS_BLOCK;
        err = sfs_tree_truncate(fs, &d.root, &d.height, keep);
        uint32_t tail = (uint32_t)(size % SFS_BLOCK);
        struct buf *b = NULL;
        if (!err && tail)
            err = sfs_tree_read(fs, &d.root, d.height, size / SFS_BLOCK, &b);
        if (!err && b) { /* zero what lies past the new end, so growing again reads zeros */
            err = sfs_tree_write(fs, &d.root, &d.height, size / SFS_BLOCK, false, &b);
            if (!err)
                memset(b->data + tail, 0, SFS_BLOCK - tail);
        }
    }
    if (!err && size > d.size) /* the tree must be able to hold the new size */
        err = sfs_tree_grow(fs, &d.root, &d.height, (size + SFS_BLOCK - 1) / SFS_BLOCK);
    d.size = size;
    d.mtime = sfs_now(fs);
    if (!err)
        err = sfs_inode_put(fs, ino, &d);
    return sfs_op_end(fs, err);
}

int sfs_readdir(struct sfs *fs, uint64_t dir, uint64_t *pos, struct sfs_dirent *out)
{
    struct sfs_dinode d;
    sfs_op_begin(fs, false, 0);
    int err = get_live(fs, dir, SFS_DIR, &d);
    if (!err)
        err = sfs_dir_entry_at(fs, &d, pos, out, NULL);
    return sfs_op_end(fs, err);
}

uint64_t sfs_free_run(const struct sfs *fs, uint64_t count)
{
    uint64_t run = 0;
    for (uint64_t i = fs->sb.nblocks; count && i-- > SFS_FIRST_BLOCK;) {
        run = sfs_bit_get(fs->used, i) ? 0 : run + 1;
        if (run == count)
            return i;
    }
    return 0;
}

int sfs_statfs(struct sfs *fs, struct sfs_statfs *out)
{
    out->blocks = fs->sb.nblocks;
    out->free_blocks = sfs_free_blocks(fs);
    uint64_t freeable = sfs_free_blocks(fs) + fs->npending, keep = sfs_op_paths(fs) + sfs_op_reserve(fs);
    out->reserved_blocks = freeable < keep ? freeable : keep; /* of the free ones */
    out->avail_blocks = freeable - out->reserved_blocks;
    out->inodes = fs->inodes_used;
    out->generation = fs->sb.generation;
    out->volume_id = fs->sb.volume_id;
    out->block_size = SFS_BLOCK;
    out->read_only = fs->rdonly || fs->broken;
    return 0;
}
