/*
 * services/storage/fs/node.c - inodes (records in the inode table's tree) and
 * directories (files of packed entries).
 *
 * Inode n is record n % 32 of block n / 32 of the inode table. Inode 0 is never used;
 * inode 1 is the root directory. A free record is all zero but for its generation, which
 * is bumped when the record is used again, so (ino, gen) names one file for good.
 *
 * A directory block is a header {used, count} and entries {u64 ino, u8 type, u8 namelen,
 * name} padded to 8 bytes; entries never span blocks, removal compacts the block.
 * Lookups scan the directory's blocks in order.
 *
 * Layer: services (storage format library).
 */
#include "sfs_impl.h"

/* ---- inodes */

int sfs_inode_get(struct sfs *fs, uint64_t ino, struct sfs_dinode *out)
{
    if (ino == 0 || ino >= fs->sb.ninodes)
        return SOS_ERR_NOT_FOUND;
    struct buf *b;
    int err = sfs_tree_read(fs, &fs->sb.itab, fs->sb.itab_height, ino / SFS_IPB, &b);
    if (err)
        return err;
    if (!b)
        memset(out, 0, sizeof(*out));
    else
        memcpy(out, sfs_dinode_at(b->data, ino % SFS_IPB), sizeof(*out));
    return 0;
}

int sfs_inode_put(struct sfs *fs, uint64_t ino, const struct sfs_dinode *in)
{
    struct buf *b;
    int err = sfs_tree_write(fs, &fs->sb.itab, &fs->sb.itab_height, ino / SFS_IPB, false, &b);
    if (err)
        return err;
    memcpy(sfs_dinode_at(b->data, ino % SFS_IPB), in, sizeof(*in));
    fs->sb_dirty = true;
    return 0;
}

int sfs_iused_grow(struct sfs *fs, uint64_t ninodes)
{
    if (ninodes <= fs->icap)
        return 0;
    uint64_t cap = fs->icap ? fs->icap : 256;
    while (cap < ninodes)
        cap *= 2;
    uint8_t *m = realloc(fs->iused, cap / 8);
    if (!m)
        return SOS_ERR_NO_MEMORY;
    memset(m + fs->icap / 8, 0, (cap - fs->icap) / 8);
    fs->iused = m;
    fs->icap = cap;
    return 0;
}

/* A free inode number (the table grows by a block when it is full). */
int sfs_inode_alloc(struct sfs *fs, uint64_t *out)
{
    for (uint64_t i = 2; i < fs->sb.ninodes; i++)
        if (!sfs_bit_get(fs->iused, i)) {
            sfs_bit_set(fs->iused, i);
            fs->inodes_used++;
            *out = i;
            return 0;
        }
    uint64_t first = fs->sb.ninodes;
    if (tree_cap(SFS_MAX_HEIGHT) <= first / SFS_IPB)
        return SOS_ERR_NO_SPACE;
    int err = sfs_iused_grow(fs, first + SFS_IPB);
    if (err)
        return err;
    fs->sb.ninodes += SFS_IPB;
    fs->sb_dirty = true;
    fs->op_mutated = true;
    sfs_bit_set(fs->iused, first);
    fs->inodes_used++;
    *out = first;
    return 0;
}

/* Free inode `ino` (record d): its tree, then the record (keeping its generation). */
int sfs_inode_free(struct sfs *fs, uint64_t ino, struct sfs_dinode *d)
{
    int err = sfs_tree_truncate(fs, &d->root, &d->height, 0);
    if (err)
        return err;
    struct sfs_dinode z;
    memset(&z, 0, sizeof(z));
    z.gen = d->gen;
    err = sfs_inode_put(fs, ino, &z);
    if (err)
        return err;
    if (sfs_bit_get(fs->iused, ino)) {
        sfs_bit_clear(fs->iused, ino);
        fs->inodes_used--;
    }
    return 0;
}

/* ---- directories */

bool sfs_name_ok(const char *name, size_t len)
{
    if (len == 0 || len > SFS_NAME_MAX)
        return false;
    if ((len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.'))
        return false;
    for (size_t i = 0; i < len; i++)
        if (name[i] == '/' || name[i] == 0)
            return false;
    return true;
}


/* Is this directory block well formed? (every entry in bounds, valid names and types) */
int sfs_dir_check_block(const struct sfs *fs, const uint8_t *blk)
{
    const struct sfs_dhdr *h = sfs_dhdr_of(blk);
    if (h->used < sizeof(*h) || h->used > SFS_BLOCK || h->reserved)
        return SOS_ERR_CORRUPT;
    uint32_t off = sizeof(*h), n = 0;
    while (off < h->used) {
        if (h->used - off < SFS_DENT_FIXED)
            return SOS_ERR_CORRUPT;
        const struct sfs_dent *e = sfs_dent_get(blk, off);
        uint32_t rl = SFS_DENT_LEN(e->namelen);
        if (rl > h->used - off || !sfs_name_ok(e->name, e->namelen) ||
            (e->type != SFS_FILE && e->type != SFS_DIR) || e->ino <= SFS_ROOT_INO ||
            e->ino >= fs->sb.ninodes)
            return SOS_ERR_CORRUPT;
        off += rl;
        n++;
    }
    return off == h->used && n == h->count ? 0 : SOS_ERR_CORRUPT;
}

static uint64_t dir_blocks(const struct sfs_dinode *d) { return d->size / SFS_BLOCK; }

/*
 * Directory block bi, checked (NULL for a hole, an empty block). The check runs once
 * while the block stays cached unchanged (sfs_tree_write clears the mark): walking a
 * directory asks for its entries one at a time, and checking the whole block for each
 * made a lookup quadratic in the entries per block.
 */
static int dir_block(struct sfs *fs, const struct sfs_dinode *d, uint64_t bi, struct buf **out)
{
    int err = sfs_tree_read(fs, &d->root, d->height, bi, out);
    if (err || !*out)
        return err;
    if (!(*out)->dir_ok && sfs_dir_check_block(fs, (*out)->data))
        return SOS_ERR_CORRUPT;
    (*out)->dir_ok = true;
    return 0;
}

static void dloc_fill(struct dloc *loc, const struct buf *b, uint64_t bi, uint32_t e)
{
    loc->block = bi;
    loc->off = e;
    const struct sfs_dent *de = sfs_dent_get(b->data, e);
    loc->ino = de->ino;
    loc->type = de->type;
}

/*
 * A listing position: block * 4096 + offset. Added, never OR-ed: an entry may end at
 * byte 4096 of its block, and that end is then the start of the next block (an OR put
 * the cursor of an odd block back at its own start, and the listing never ended).
 */
static uint64_t dir_pos(uint64_t bi, uint32_t off) { return bi * SFS_BLOCK + off; }

/* The next entry at or after *pos (dir_pos); NOT_FOUND at the end. */
int sfs_dir_entry_at(struct sfs *fs, const struct sfs_dinode *d, uint64_t *pos, struct sfs_dirent *out,
                     struct dloc *loc)
{
    for (uint64_t bi = *pos / SFS_BLOCK; bi < dir_blocks(d); bi++) {
        struct buf *b;
        int err = dir_block(fs, d, bi, &b);
        if (err)
            return err;
        if (!b) {
            bi = sfs_tree_hole_end(fs, &d->root, d->height, bi);
            continue;
        }
        const struct sfs_dhdr *h = sfs_dhdr_of(b->data);
        uint32_t off = bi == *pos / SFS_BLOCK ? (uint32_t)(*pos % SFS_BLOCK) : 0;
        if (off < sizeof(*h))
            off = sizeof(*h);
        /* find the entry boundary at or after off */
        uint32_t e = sizeof(*h);
        while (e < h->used && e < off)
            e += SFS_DENT_LEN(sfs_dent_get(b->data, e)->namelen);
        if (e >= h->used)
            continue;
        const struct sfs_dent *de = sfs_dent_get(b->data, e);
        uint8_t nl = de->namelen;
        if (out) {
            out->ino = de->ino;
            out->type = de->type;
            out->namelen = nl;
            memcpy(out->name, de->name, nl);
            out->name[nl] = 0;
        }
        if (loc)
            dloc_fill(loc, b, bi, e);
        *pos = dir_pos(bi, e + SFS_DENT_LEN(nl));
        return 0;
    }
    *pos = dir_pos(dir_blocks(d), 0);
    return SOS_ERR_NOT_FOUND;
}

/* One pass over each block, names compared in place (no copies, no boundary search). */
int sfs_dir_find(struct sfs *fs, const struct sfs_dinode *d, const char *name, size_t len,
                 struct dloc *loc)
{
    for (uint64_t bi = 0; bi < dir_blocks(d); bi++) {
        struct buf *b;
        int err = dir_block(fs, d, bi, &b);
        if (err)
            return err;
        if (!b) {
            bi = sfs_tree_hole_end(fs, &d->root, d->height, bi);
            continue;
        }
        const struct sfs_dhdr *h = sfs_dhdr_of(b->data);
        for (uint32_t e = sizeof(*h); e < h->used;) {
            const struct sfs_dent *de = sfs_dent_get(b->data, e);
            if (de->namelen == len && !memcmp(de->name, name, len)) {
                if (loc)
                    dloc_fill(loc, b, bi, e);
                return 0;
            }
            e += SFS_DENT_LEN(de->namelen);
        }
    }
    return SOS_ERR_NOT_FOUND;
}

int sfs_dir_add(struct sfs *fs, struct sfs_dinode *d, const char *name, size_t len, uint64_t ino,
                uint32_t type)
{
    uint32_t rl = SFS_DENT_LEN(len);
    uint64_t bi, nb = dir_blocks(d);
    struct buf *b = NULL;
    for (bi = 0; bi < nb; bi++) { /* the first block with room */
        int err = sfs_tree_read(fs, &d->root, d->height, bi, &b);
        if (err)
            return err;
        if (!b || sfs_dhdr_of(b->data)->used + rl <= SFS_BLOCK)
            break;
    }
    struct buf *w;
    int err = sfs_tree_write(fs, &d->root, &d->height, bi, false, &w);
    if (err)
        return err;
    struct sfs_dhdr *h = (struct sfs_dhdr *)(void *)w->data;
    if (bi == nb || !b) { /* a new or empty block */
        memset(w->data, 0, SFS_BLOCK);
        h->used = sizeof(*h);
    }
    if (bi == nb)
        d->size += SFS_BLOCK;
    memset(w->data + h->used, 0, rl);
    struct sfs_dent *e = sfs_dent_at(w->data, h->used);
    e->ino = ino;
    e->type = (uint8_t)type;
    e->namelen = (uint8_t)len;
    memcpy(e->name, name, len);
    h->used = (uint16_t)(h->used + rl);
    h->count++;
    return 0;
}

int sfs_dir_del(struct sfs *fs, struct sfs_dinode *d, const struct dloc *loc)
{
    struct buf *w;
    int err = sfs_tree_write(fs, &d->root, &d->height, loc->block, false, &w);
    if (err)
        return err;
    struct sfs_dhdr *h = (struct sfs_dhdr *)(void *)w->data;
    uint32_t rl = SFS_DENT_LEN(sfs_dent_get(w->data, loc->off)->namelen);
    memmove(w->data + loc->off, w->data + loc->off + rl, h->used - loc->off - rl);
    h->used = (uint16_t)(h->used - rl);
    memset(w->data + h->used, 0, rl);
    h->count--;
    return 0;
}

int sfs_dir_is_empty(struct sfs *fs, const struct sfs_dinode *d, bool *empty)
{
    uint64_t pos = 0;
    int err = sfs_dir_entry_at(fs, d, &pos, NULL, NULL);
    *empty = err == SOS_ERR_NOT_FOUND;
    return err == SOS_ERR_NOT_FOUND ? 0 : err;
}
