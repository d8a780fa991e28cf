/*
 * services/storage/fs/walk.c - the metadata walk at mount: every inode-table and
 * indirect block from the superblock down, each checksum, range and single ownership
 * checked, the free map and the inode map rebuilt on the way (free space is not stored).
 *
 * A normal mount refuses the first problem with a message. In salvage mode (fsck) each
 * problem is noted and recorded as a fix (struct sfs_cut) for fsck to make, and the walk
 * goes on with the rest.
 *
 * Layer: services (storage format library).
 */
#include "sfs_impl.h"

static int add_cut(struct sfs *fs, struct sfs_cut cut)
{
    if (fs->ncuts == fs->cap_cuts) {
        struct sfs_cut *c = sfs_array_grow(fs->cuts, &fs->cap_cuts, sizeof(*c));
        if (!c)
            return SOS_ERR_NO_MEMORY;
        fs->cuts = c;
    }
    fs->cuts[fs->ncuts++] = cut;
    return 0;
}

/* Data blocks (leaves) below the pointer at (level, idx) that a file of `limit` blocks uses. */
static uint64_t leaves_below(uint32_t level, uint64_t idx, uint64_t limit)
{
    uint64_t first = idx << (8 * level), span = tree_cap(level);
    return first >= limit ? 0 : limit - first < span ? limit - first : span;
}

static int walk_problem(struct sfs *fs, struct sfs_msg *msg, uint64_t owner, uint32_t level,
                        uint64_t idx, uint64_t limit, const char *what, uint64_t addr)
{
    char t[200];
    if (owner)
        snprintf(t, sizeof(t), "inode %llu: %s block (level %u, index %llu, at %llu)",
                 (unsigned long long)owner, what, level, (unsigned long long)idx,
                 (unsigned long long)addr);
    else
        snprintf(t, sizeof(t), "inode table: %s block (level %u, index %llu, at %llu)", what,
                 level, (unsigned long long)idx, (unsigned long long)addr);
    if (!fs->salvage) {
        sfs_say(msg, t);
        return SOS_ERR_CORRUPT;
    }
    sfs_fsck_note(fs, "%s", t);
    if (owner && fs->report)
        fs->report->zeroed += leaves_below(level, idx, limit);
    return add_cut(fs, (struct sfs_cut){owner, level, CUT_POINTER, idx, 0});
}

/* Salvage: keep a metadata block that fails its checksum, pointer by pointer (above). */
static int walk_adopt(struct sfs *fs, uint64_t owner, uint32_t level, uint64_t idx, uint64_t addr)
{
    char who[32] = "inode table";
    if (owner)
        snprintf(who, sizeof(who), "inode %llu", (unsigned long long)owner);
    sfs_fsck_note(fs, "%s: checksum mismatch in a block (level %u, index %llu, at %llu): kept what "
                  "still matches its own checksums", who, level, (unsigned long long)idx,
                  (unsigned long long)addr);
    return add_cut(fs, (struct sfs_cut){owner, level, CUT_ADOPT, idx, 0});
}

static int add_fix(struct sfs *fs, uint64_t ino, uint32_t kind, uint64_t value)
{
    return add_cut(fs, (struct sfs_cut){ino, 0, kind, 0, value});
}


/* Check the 32 records of an inode-table block and walk each live inode's tree. */
static int walk_inodes(struct sfs *fs, const uint8_t *blk, uint64_t tblock, struct sfs_msg *msg)
{
    for (unsigned i = 0; i < SFS_IPB; i++) {
        uint64_t ino = tblock * SFS_IPB + i;
        struct sfs_dinode d;
        memcpy(&d, sfs_dinode_in(blk, i), sizeof(d));
        const char *bad = NULL;
        static const uint8_t zero[72];
        if (d.type == SFS_FREE) {
            if (d.flags || d.height || d.size || d.parent || d.mtime || d.root.addr ||
                d.root.crc || d.root.reserved || memcmp(d.reserved, zero, sizeof(zero)))
                bad = "free record that is not clear";
        } else if (ino == 0 || (d.type != SFS_FILE && d.type != SFS_DIR)) {
            bad = "bad type";
        } else if (d.height > SFS_MAX_HEIGHT || d.flags || memcmp(d.reserved, zero, sizeof(zero))) {
            bad = "bad fields";
        } else if (ino == SFS_ROOT_INO && (d.type != SFS_DIR || d.parent != SFS_ROOT_INO)) {
            bad = "root is not a directory";
        }
        if (!bad && d.type != SFS_FREE &&
            (d.size > tree_cap(d.height) * SFS_BLOCK || (d.type == SFS_DIR && d.size % SFS_BLOCK))) {
            if (!fs->salvage) {
                bad = "size does not fit its tree";
            } else {
                uint64_t sz = d.size > tree_cap(d.height) * SFS_BLOCK ? tree_cap(d.height) * SFS_BLOCK : d.size;
                if (d.type == SFS_DIR)
                    sz -= sz % SFS_BLOCK;
                sfs_fsck_note(fs, "inode %llu: size %llu does not fit its tree: set to %llu",
                              (unsigned long long)ino, (unsigned long long)d.size, (unsigned long long)sz);
                d.size = sz;
                if (add_fix(fs, ino, CUT_SIZE, sz))
                    return SOS_ERR_NO_MEMORY;
            }
        }
        if (bad) {
            char t[120];
            snprintf(t, sizeof(t), "inode %llu: %s", (unsigned long long)ino, bad);
            if (!fs->salvage) {
                sfs_say(msg, t);
                return SOS_ERR_CORRUPT;
            }
            sfs_fsck_note(fs, "%s: cleared", t);
            if (add_fix(fs, ino, CUT_INODE, 0))
                return SOS_ERR_NO_MEMORY;
            continue;
        }
        if (d.type == SFS_FREE)
            continue;
        sfs_bit_set(fs->iused, ino);
        fs->inodes_used++;
        uint64_t nblk = (d.size + SFS_BLOCK - 1) / SFS_BLOCK;
        int err = sfs_walk_tree(fs, d.root, d.height, 0, nblk, ino, msg);
        if (err)
            return err;
    }
    return 0;
}

/*
 * Claim the block `bp` points to (at `level`, index `idx` of that level) and everything
 * below it. Blocks at indexes >= limit (in leaf units) must be holes.
 */
int sfs_walk_tree(struct sfs *fs, struct sfs_bp bp, uint32_t level, uint64_t idx, uint64_t limit,
                  uint64_t owner, struct sfs_msg *msg)
{
    if (!bp.addr)
        return 0;
    const char *bad = NULL;
    if (bp.addr < SFS_FIRST_BLOCK || bp.addr >= fs->sb.nblocks)
        bad = "pointer out of range to a";
    else if ((idx << (8 * level)) >= limit)
        bad = "pointer past the end to a";
    else if (sfs_bit_get(fs->used, bp.addr))
        bad = "second reference to a";
    if (bad)
        return walk_problem(fs, msg, owner, level, idx, limit, bad, bp.addr);
    bool meta = level > 0 || owner == 0, adopted = false;
    uint8_t *blk = NULL;
    if (meta || fs->distrust) { /* a distrusted data block is read and checked too */
        blk = malloc(SFS_BLOCK);
        if (!blk)
            return SOS_ERR_NO_MEMORY;
        int err = sfs_dev_read(fs, bp.addr, 1, blk);
        if (err) {
            free(blk);
            if (!fs->salvage)
                sfs_say(msg, "I/O error reading metadata");
            return err == SOS_ERR_CORRUPT ? walk_problem(fs, msg, owner, level, idx, limit, "unreadable", bp.addr) : err;
        }
        if (!fs->nocrc && sfs_crc32c(0, blk, SFS_BLOCK) != bp.crc) {
            if (!meta || !fs->salvage) {
                free(blk);
                return walk_problem(fs, msg, owner, level, idx, limit, "checksum mismatch in a", bp.addr);
            }
            err = walk_adopt(fs, owner, level, idx, bp.addr);
            if (err) {
                free(blk);
                return err;
            }
            adopted = true;
        }
    }
    sfs_bit_set(fs->used, bp.addr);
    fs->nused++;
    fs->distrust += adopted;
    int err = 0;
    if (level > 0) {
        for (unsigned i = 0; i < SFS_PTRS && !err; i++) {
            struct sfs_bp c;
            memcpy(&c, sfs_bp_in(blk, i), sizeof(c));
            if (!c.addr && (c.crc || c.reserved)) /* a hole must be all zero (0: no data lost) */
                err = walk_problem(fs, msg, owner, level - 1, idx * SFS_PTRS + i, 0, "junk in a hole", 0);
            err = err ? err : sfs_walk_tree(fs, c, level - 1, idx * SFS_PTRS + i, limit, owner, msg);
        }
    } else if (owner == 0) {
        err = walk_inodes(fs, blk, idx, msg);
    }
    fs->distrust -= adopted;
    free(blk);
    return err;
}
