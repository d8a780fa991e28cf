/*
 * services/storage/fs/mount.c - format, mount (superblock choice, then the metadata walk
 * of walk.c that rebuilds the free map), commit, unmount.
 *
 * The commit point: (1) every new block is written (whole data blocks already were, by
 * sfs_write), (2) flush, (3) the superblock with generation g+1 goes to slot (g+1) % 2,
 * (4) flush. A cut before (3) lands leaves the old superblock in charge and the new
 * blocks unreferenced; a torn (3) fails its checksum, so mount takes the other slot,
 * generation g, whose blocks nothing has overwritten (blocks freed by commit g are reused
 * only after commit g+1 is durable).
 *
 * Layer: services (storage format library).
 */
#include "sfs_impl.h"

void sfs_say(struct sfs_msg *m, const char *text)
{
    if (!m)
        return;
    size_t n = strlen(text);
    if (n >= sizeof(m->text))
        n = sizeof(m->text) - 1;
    memcpy(m->text, text, n);
    m->text[n] = 0;
}

/* ---- superblocks */

static uint32_t super_crc(const uint8_t *raw) { return sfs_crc32c(0, raw, SFS_SB_CRC_OFF); }

bool sfs_valid_super(const struct sfs_super *sb, uint64_t dev_blocks, const uint8_t *raw,
                     struct sfs_msg *why)
{
    uint32_t crc = sfs_super_crc_get(raw);
    char t[200];
    if (sb->magic != SFS_MAGIC)
        snprintf(t, sizeof(t), "not a ServiceOS store (no sosfs magic)");
    else if (crc != super_crc(raw))
        snprintf(t, sizeof(t), "superblock checksum mismatch (a torn or damaged write)");
    else if (sb->version != SFS_VERSION)
        snprintf(t, sizeof(t), "format version %u; this system reads version %u", sb->version,
                 SFS_VERSION);
    else if (sb->block_size != SFS_BLOCK)
        snprintf(t, sizeof(t), "block size %u; this system uses %u", sb->block_size, SFS_BLOCK);
    else if (sb->nblocks < 4 || sb->nblocks > dev_blocks)
        snprintf(t, sizeof(t), "the store has %llu blocks but the device only %llu (truncated?)",
                 (unsigned long long)sb->nblocks, (unsigned long long)dev_blocks);
    else if (sb->itab_height > SFS_MAX_HEIGHT || sb->ninodes < SFS_IPB || sb->ninodes % SFS_IPB ||
             sb->ninodes / SFS_IPB > tree_cap(sb->itab_height) || sb->generation == 0 ||
             sb->reserved0)
        snprintf(t, sizeof(t), "superblock fields out of range");
    else
        return true;
    sfs_say(why, t);
    return false;
}

static int write_super(struct sfs *fs, const struct sfs_super *sb)
{
    uint8_t *raw = calloc(1, SFS_BLOCK);
    if (!raw)
        return SOS_ERR_NO_MEMORY;
    memcpy(raw, sb, sizeof(*sb));
    uint32_t crc = super_crc(raw);
    sfs_super_crc_put(raw, crc);
    int err = fs->dev.write(fs->dev.ctx, sb->generation % 2, 1, raw);
    free(raw);
    return err ? SOS_ERR_IO : 0;
}

/* ---- format */

int sfs_format(const struct sfs_dev *dev, uint64_t volume_id, struct sfs_msg *msg)
{
    if (dev->nblocks < 16) {
        sfs_say(msg, "the device is too small for a store (16 blocks at least)");
        return SOS_ERR_OUT_OF_RANGE;
    }
    uint8_t *blk = calloc(1, SFS_BLOCK);
    if (!blk)
        return SOS_ERR_NO_MEMORY;
    struct sfs_dinode *root = sfs_dinode_at(blk, SFS_ROOT_INO);
    root->type = SFS_DIR;
    root->parent = SFS_ROOT_INO;
    root->gen = 1;
    struct sfs_super sb = {.magic = SFS_MAGIC, .version = SFS_VERSION, .block_size = SFS_BLOCK,
                           .nblocks = dev->nblocks, .generation = 1, .volume_id = volume_id,
                           .ninodes = SFS_IPB, .itab_height = 0,
                           .itab = {SFS_FIRST_BLOCK, sfs_crc32c(0, blk, SFS_BLOCK), 0},
                           .used_blocks = 3, .used_inodes = 1};
    struct sfs fs = {.dev = *dev};
    int err = dev->write(dev->ctx, SFS_FIRST_BLOCK, 1, blk);
    memset(blk, 0, SFS_BLOCK);
    if (!err) /* wipe slot 0, which an older store there may hold at a higher generation */
        err = dev->write(dev->ctx, 0, 1, blk);
    if (!err)
        err = dev->flush(dev->ctx);
    if (!err)
        err = write_super(&fs, &sb);
    if (!err)
        err = dev->flush(dev->ctx);
    free(blk);
    if (err)
        sfs_say(msg, "I/O error while formatting");
    return err ? SOS_ERR_IO : 0;
}

/* ---- mount */

/*
 * A superblock that claims a newer generation than the one chosen but was refused (a
 * torn commit, or one crafted or damaged) rolls the store back: never silently. The
 * note names the generation skipped and why; sfs_mount hands it to its caller.
 */
static void note_skipped(struct sfs *fs, unsigned slot, uint64_t claimed, const char *why)
{
    snprintf(fs->note, sizeof(fs->note),
             "superblock slot %u (generation %llu) skipped: %.90s; mounted generation %llu", slot,
             (unsigned long long)claimed, why, (unsigned long long)fs->sb.generation);
}

/* The valid superblock with the highest generation below `below` (0: any). */
static int read_supers(struct sfs *fs, const struct sfs_dev *dev, uint64_t below,
                       struct sfs_msg *msg)
{
    uint8_t *raw = malloc(SFS_BLOCK);
    if (!raw)
        return SOS_ERR_NO_MEMORY;
    struct sfs_super best;
    bool have = false;
    struct sfs_msg why[2];
    uint64_t claimed[2] = {0, 0}; /* the generation a superblock with our magic names */
    int ioerr = 0;
    for (unsigned slot = 0; slot < 2; slot++) {
        snprintf(why[slot].text, sizeof(why[slot].text), "unreadable");
        if (dev->read(dev->ctx, slot, 1, raw)) {
            ioerr = SOS_ERR_IO;
            continue;
        }
        struct sfs_super sb;
        memcpy(&sb, raw, sizeof(sb));
        claimed[slot] = sb.magic == SFS_MAGIC ? sb.generation : 0;
        if (!sfs_valid_super(&sb, dev->nblocks, raw, &why[slot]))
            continue;
        if (sb.generation % 2 != slot) {
            snprintf(why[slot].text, sizeof(why[slot].text), "generation in the wrong slot");
            continue;
        }
        if (below && sb.generation >= below) {
            claimed[slot] = 0;
            continue;
        }
        why[slot].text[0] = 0;
        if (!have || sb.generation > best.generation)
            best = sb;
        have = true;
    }
    free(raw);
    if (!have) {
        char t[512];
        snprintf(t, sizeof(t), "no usable superblock: %.150s; %.150s", why[0].text, why[1].text);
        sfs_say(msg, t);
        return ioerr && !strcmp(why[0].text, "unreadable") ? ioerr : SOS_ERR_BAD_FORMAT;
    }
    fs->sb = best;
    for (unsigned slot = 0; slot < 2; slot++)
        if (why[slot].text[0] && claimed[slot] > best.generation)
            note_skipped(fs, slot, claimed[slot], why[slot].text);
    return 0;
}

uint64_t sfs_super_newest(const struct sfs_dev *dev)
{
    struct sfs *fs = calloc(1, sizeof(*fs));
    uint64_t g = fs && !read_supers(fs, dev, 0, NULL) ? fs->sb.generation : 0;
    free(fs);
    return g;
}

int sfs_mount_ex(const struct sfs_dev *dev, unsigned flags, uint64_t below, bool salvage,
                 struct sfs_fsck *report, struct sfs **out, struct sfs_msg *msg)
{
    if (msg)
        msg->text[0] = 0;
    struct sfs *fs = calloc(1, sizeof(*fs));
    if (!fs)
        return SOS_ERR_NO_MEMORY;
    fs->dev = *dev;
    fs->rdonly = flags & SFS_MOUNT_RDONLY;
    fs->nocrc = flags & SFS_MOUNT_NOCRC;
    fs->salvage = salvage;
    fs->report = report;
    int err = sfs_cache_init(fs);
    if (!err)
        err = read_supers(fs, dev, below, msg);
    if (!err) {
        fs->used = calloc(1, (fs->sb.nblocks + 7) / 8);
        err = fs->used ? sfs_iused_grow(fs, fs->sb.ninodes) : SOS_ERR_NO_MEMORY;
    }
    if (!err) {
        sfs_bit_set(fs->used, 0);
        sfs_bit_set(fs->used, 1);
        fs->nused = 2;
        err = sfs_walk_tree(fs, fs->sb.itab, fs->sb.itab_height, 0, fs->sb.ninodes / SFS_IPB, 0, msg);
    }
    if (!err && !salvage && !sfs_bit_get(fs->iused, SFS_ROOT_INO)) {
        sfs_say(msg, "the root directory is missing");
        err = SOS_ERR_CORRUPT;
    }
    if (err) {
        sfs_free(fs);
        return err;
    }
    fs->cursor = SFS_FIRST_BLOCK;
    if (fs->note[0])
        sfs_say(msg, fs->note);
    *out = fs;
    return 0;
}

int sfs_mount(const struct sfs_dev *dev, unsigned flags, struct sfs **out, struct sfs_msg *msg)
{
    return sfs_mount_ex(dev, flags, 0, false, NULL, out, msg);
}

void sfs_free(struct sfs *fs)
{
    sfs_cache_free_all(fs);
    free(fs->used);
    free(fs->iused);
    free(fs->pending);
    free(fs->direct);
    free(fs->direct_list);
    free(fs->cuts);
    free(fs);
}

void sfs_drop(struct sfs *fs) { sfs_free(fs); }

int sfs_unmount(struct sfs *fs)
{
    int err = fs->rdonly ? 0 : sfs_sync(fs);
    sfs_free(fs);
    return err;
}

/* ---- commit */

/* Fill in the checksums of new blocks, bottom up, starting from pointer *bp. */
static void finish(struct sfs *fs, struct sfs_bp *bp, uint32_t level, bool itab)
{
    if (!bp->addr)
        return;
    struct buf *b = sfs_buf_find(fs, bp->addr);
    if (!b || !b->dirty)
        return; /* unchanged: its checksum is already right */
    if (level > 0) {
        for (unsigned i = 0; i < SFS_PTRS; i++)
            finish(fs, bp_at(b, i), level - 1, itab);
    } else if (itab) {
        for (unsigned i = 0; i < SFS_IPB; i++) {
            struct sfs_dinode *d = sfs_dinode_at(b->data, i);
            if (d->type != SFS_FREE)
                finish(fs, &d->root, d->height, false);
        }
    }
    bp->crc = sfs_crc32c(0, b->data, SFS_BLOCK);
}

static int cmp_buf(const void *a, const void *b)
{
    uint64_t x = (*(struct buf *const *)a)->addr, y = (*(struct buf *const *)b)->addr;
    return x < y ? -1 : x > y;
}

/* Write the dirty blocks in address order, contiguous ones in one request. */
static int write_dirty(struct sfs *fs)
{
    struct buf **v = malloc(fs->ndirty * sizeof(*v));
    uint8_t *run = NULL; /* made when two blocks are contiguous */
    int err = v || !fs->ndirty ? 0 : SOS_ERR_NO_MEMORY;
    size_t n = 0;
    for (struct buf *b = fs->dirty.next; !err && b != &fs->dirty; b = b->next)
        v[n++] = b;
    if (!err)
        qsort(v, n, sizeof(*v), cmp_buf);
    for (size_t i = 0; i < n && !err;) {
        size_t k = 1;
        while (i + k < n && k < SFS_RUN_MAX && v[i + k]->addr == v[i]->addr + k)
            k++;
        if (k > 1 && !run && !(run = malloc(SFS_RUN_MAX * SFS_BLOCK))) {
            err = SOS_ERR_NO_MEMORY;
            break;
        }
        for (size_t j = 0; j < k && k > 1; j++)
            memcpy(run + j * SFS_BLOCK, v[i + j]->data, SFS_BLOCK);
        err = sfs_dev_write(fs, v[i]->addr, (uint32_t)k, k > 1 ? run : v[i]->data);
        i += k;
    }
    free(v);
    free(run);
    return err;
}

int sfs_commit(struct sfs *fs)
{
    if (fs->broken)
        return SOS_ERR_IO;
    if (fs->rdonly)
        return SOS_ERR_ACCESS_DENIED;
    if (!fs->ndirty && !fs->sb_dirty)
        return 0;
    finish(fs, &fs->sb.itab, fs->sb.itab_height, true);
    struct sfs_super sb = fs->sb;
    sb.generation++;
    sb.used_blocks = fs->nused - fs->npending;
    sb.used_inodes = fs->inodes_used;
    sb.commit_time = sfs_now(fs);
    int err = write_dirty(fs);
    if (!err)
        err = fs->dev.flush(fs->dev.ctx) ? SOS_ERR_IO : 0;
    if (!err)
        err = write_super(fs, &sb);
    if (!err)
        err = fs->dev.flush(fs->dev.ctx) ? SOS_ERR_IO : 0;
    if (err) {
        fs->broken = err;
        snprintf(fs->broken_msg, sizeof(fs->broken_msg),
                 "a commit failed (%s): the store is read-only until it is mounted again",
                 err == SOS_ERR_IO ? "I/O error" : "no memory");
        return err;
    }
    fs->sb = sb;
    fs->sb_dirty = false;
    while (fs->dirty.next != &fs->dirty)
        sfs_buf_mark_clean(fs, fs->dirty.next);
    for (size_t i = 0; i < fs->npending; i++) { /* the last commit no longer needs them */
        sfs_bit_clear(fs->used, fs->pending[i]);
        fs->nused--;
    }
    fs->npending = 0;
    sfs_direct_clear(fs);
    sfs_cache_trim(fs);
    return 0;
}

int sfs_sync(struct sfs *fs)
{
    if (fs->rdonly)
        return 0;
    int err = sfs_op_begin(fs, true, 0);
    if (err == SOS_ERR_NO_SPACE)
        err = 0; /* a commit needs no new blocks */
    if (!err)
        err = sfs_commit(fs);
    fs->op_mutated = false;
    return err;
}
