/*
 * services/storage/fs/tree.c - block trees: every file, directory and the inode table.
 *
 * A tree of height h maps block indexes 0 .. 256^h - 1: height 0 is the one block the
 * root points to; each level above is an indirect block of 256 pointers. A zero pointer
 * is a hole (reads as zeros). Writing goes copy-on-write down the path: a block that the
 * last commit uses is copied to a new block, and its parent (already writable, since the
 * walk starts at the root) is pointed at the copy. Checksums in pointers to new blocks
 * are filled in at commit.
 *
 * Layer: services (storage format library).
 */
#include "sfs_impl.h"

static unsigned slot_of(uint64_t idx, uint32_t level)
{
    return (unsigned)((idx >> (8 * (level - 1))) & 0xff);
}

int sfs_tree_read(struct sfs *fs, const struct sfs_bp *root, uint32_t height, uint64_t idx,
                  struct buf **out)
{
    *out = NULL;
    if (height > SFS_MAX_HEIGHT)
        return SOS_ERR_CORRUPT;
    if (idx >= tree_cap(height))
        return 0;
    struct sfs_bp bp = *root;
    for (uint32_t level = height;; level--) {
        if (!bp.addr)
            return 0;
        struct buf *b;
        int err = sfs_buf_read(fs, &bp, &b);
        if (err)
            return err;
        if (level == 0) {
            *out = b;
            return 0;
        }
        bp = *bp_at(b, slot_of(idx, level));
    }
}

/* The pointer to leaf block idx (a hole: addr 0), reading only indirect blocks. */
int sfs_tree_leaf(struct sfs *fs, const struct sfs_bp *root, uint32_t height, uint64_t idx,
                  struct sfs_bp *out)
{
    *out = (struct sfs_bp){0, 0, 0};
    if (height > SFS_MAX_HEIGHT)
        return SOS_ERR_CORRUPT;
    if (idx >= tree_cap(height))
        return 0;
    struct sfs_bp bp = *root;
    for (uint32_t level = height; level > 0 && bp.addr; level--) {
        struct buf *b;
        int err = sfs_buf_read(fs, &bp, &b);
        if (err)
            return err;
        bp = *bp_at(b, slot_of(idx, level));
    }
    *out = bp;
    return 0;
}

/* tree_next below the pointer bp (covering leaves from `base`): 0 found, 1 none, or an error. */
static int next_rec(struct sfs *fs, struct sfs_bp bp, uint32_t level, uint64_t base, uint64_t idx,
                    uint64_t *next)
{
    if (!bp.addr)
        return 1;
    if (level == 0) {
        *next = base;
        return 0;
    }
    struct buf *b; /* stays cached: nothing here trims the cache */
    int err = sfs_buf_read(fs, &bp, &b);
    if (err)
        return err;
    uint64_t span = tree_cap(level - 1);
    for (uint64_t i = idx > base ? (idx - base) / span : 0; i < SFS_PTRS; i++) {
        uint64_t sub = base + i * span;
        int r = next_rec(fs, *bp_at(b, (unsigned)i), level - 1, sub, idx > sub ? idx : sub, next);
        if (r <= 0)
            return r;
    }
    return 1;
}

/*
 * Leaf idx is a hole: the last index of the run of holes it starts, read from the
 * indirect blocks only (idx itself when they cannot be read). A walk over a sparse
 * tree (loop: bi = sfs_tree_hole_end(...), then bi++) so jumps over its holes instead of
 * asking for each of up to 256^4 blocks.
 */
uint64_t sfs_tree_hole_end(struct sfs *fs, const struct sfs_bp *root, uint32_t height, uint64_t idx)
{
    if (height > SFS_MAX_HEIGHT || idx >= tree_cap(height))
        return idx;
    uint64_t next = tree_cap(height);
    int r = next_rec(fs, *root, height, 0, idx, &next);
    return r < 0 || next <= idx ? idx : next - 1;
}

/*
 * Make the block *bp points to writable (allocated in this transaction), copying the
 * committed one when `keep` (else its content is left zero for the caller to fill).
 */
static int bp_cow(struct sfs *fs, struct sfs_bp *bp, bool keep, struct buf **out)
{
    fs->op_mutated = true;
    struct buf *old = NULL;
    if (bp->addr) {
        struct buf *b = sfs_buf_find(fs, bp->addr);
        if (b && b->dirty) {
            *out = b;
            return 0;
        }
        if (keep) {
            int err = sfs_buf_read(fs, bp, &old);
            if (err)
                return err;
        }
    }
    struct buf *nb;
    int err = sfs_buf_new(fs, &nb);
    if (err)
        return err;
    if (old)
        memcpy(nb->data, old->data, SFS_BLOCK);
    if (bp->addr)
        sfs_block_free(fs, bp->addr); /* forgets `old` */
    bp->addr = nb->addr;
    bp->crc = 0;
    *out = nb;
    return 0;
}

/* Grow the tree until it can hold `nblocks` (the old root becomes slot 0 of a new one). */
int sfs_tree_grow(struct sfs *fs, struct sfs_bp *root, uint32_t *height, uint64_t nblocks)
{
    if (*height > SFS_MAX_HEIGHT)
        return SOS_ERR_CORRUPT;
    while (nblocks > tree_cap(*height)) {
        if (*height >= SFS_MAX_HEIGHT)
            return SOS_ERR_OUT_OF_RANGE;
        if (root->addr) {
            struct buf *nb;
            int err = sfs_buf_new(fs, &nb);
            if (err)
                return err;
            *bp_at(nb, 0) = *root;
            root->addr = nb->addr;
            root->crc = 0;
        }
        (*height)++;
    }
    return 0;
}

/*
 * The pointer to leaf block idx, in a writable parent (the indirect blocks on the way
 * are made writable; the tree grows as needed): the leaf itself is left alone.
 */
int sfs_tree_slot(struct sfs *fs, struct sfs_bp *root, uint32_t *height, uint64_t idx,
                  struct sfs_bp **slot)
{
    fs->op_mutated = true;
    int err = sfs_tree_grow(fs, root, height, idx + 1);
    if (err)
        return err;
    struct sfs_bp *bp = root;
    for (uint32_t level = *height; level > 0; level--) {
        struct buf *b;
        err = bp_cow(fs, bp, true, &b);
        if (err)
            return err;
        bp = bp_at(b, slot_of(idx, level));
    }
    *slot = bp;
    return 0;
}

int sfs_tree_write(struct sfs *fs, struct sfs_bp *root, uint32_t *height, uint64_t idx, bool whole,
                   struct buf **out)
{
    struct sfs_bp *bp;
    int err = sfs_tree_slot(fs, root, height, idx, &bp);
    if (!err)
        err = bp_cow(fs, bp, !whole, out);
    if (!err)
        (*out)->dir_ok = false; /* the caller changes it: a directory block is checked again */
    return err;
}

/* Free the subtree `bp` heads (at `level`); the caller clears the pointer. */
static int free_subtree(struct sfs *fs, struct sfs_bp bp, uint32_t level)
{
    if (!bp.addr)
        return 0;
    fs->op_mutated = true;
    if (level > 0) {
        struct buf *b;
        int err = sfs_buf_read(fs, &bp, &b);
        if (err)
            return err;
        struct sfs_bp kids[SFS_PTRS];
        memcpy(kids, b->data, sizeof(kids)); /* freeing a dirty child never touches b, but be safe */
        for (unsigned i = 0; i < SFS_PTRS; i++) {
            err = free_subtree(fs, kids[i], level - 1);
            if (err)
                return err;
        }
    }
    sfs_block_free(fs, bp.addr);
    return 0;
}

/* Keep blocks [0, n) of the subtree at *bp covering [base, base + 256^level). */
static int trunc_rec(struct sfs *fs, struct sfs_bp *bp, uint32_t level, uint64_t base, uint64_t n)
{
    uint64_t span = tree_cap(level);
    if (!bp->addr || base + span <= n)
        return 0;
    if (base >= n) {
        int err = free_subtree(fs, *bp, level);
        if (!err)
            *bp = (struct sfs_bp){0, 0, 0};
        return err;
    }
    struct buf *b;
    int err = bp_cow(fs, bp, true, &b);
    uint64_t sub = tree_cap(level - 1);
    for (unsigned i = 0; i < SFS_PTRS && !err; i++)
        err = trunc_rec(fs, bp_at(b, i), level - 1, base + i * sub, n);
    return err;
}

int sfs_tree_truncate(struct sfs *fs, struct sfs_bp *root, uint32_t *height, uint64_t nblocks)
{
    if (*height > SFS_MAX_HEIGHT)
        return SOS_ERR_CORRUPT;
    if (nblocks == 0) {
        int err = free_subtree(fs, *root, *height);
        if (!err) {
            *root = (struct sfs_bp){0, 0, 0};
            *height = 0;
        }
        return err;
    }
    return trunc_rec(fs, root, *height, 0, nblocks);
}

/*
 * The pointer to the block at (level, idx), in a writable parent, without reading that
 * block; NULL when a hole above it leaves it unreachable.
 */
int sfs_tree_ptr(struct sfs *fs, struct sfs_bp *root, uint32_t height, uint32_t level, uint64_t idx,
                 struct sfs_bp **slot)
{
    struct sfs_bp *bp = root;
    uint64_t leaf = idx << (8 * level); /* a block index below it, for slot_of */
    for (uint32_t l = height; l > level && bp; l--) {
        struct buf *b;
        int err = bp->addr ? bp_cow(fs, bp, true, &b) : 0;
        if (err)
            return err;
        bp = bp->addr ? bp_at(b, slot_of(leaf, l)) : NULL;
    }
    *slot = bp;
    return 0;
}

/*
 * Make the pointer to the block at (level, idx) a hole, without reading that block;
 * *old (when not NULL) gets the address it held.
 */
int sfs_tree_cut(struct sfs *fs, struct sfs_bp *root, uint32_t height, uint32_t level, uint64_t idx,
                 uint64_t *old)
{
    struct sfs_bp *bp;
    int err = sfs_tree_ptr(fs, root, level >= height ? level : height, level, idx, &bp);
    if (old)
        *old = bp && !err ? bp->addr : 0;
    if (bp && !err)
        *bp = (struct sfs_bp){0, 0, 0};
    return err;
}
