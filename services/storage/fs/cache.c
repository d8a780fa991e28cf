/*
 * services/storage/fs/cache.c - the block cache.
 *
 * Cached blocks are clean (a copy of a block on the disk, checked against the checksum in
 * the pointer that led to it) or dirty (allocated since the last commit: the only blocks
 * ever written in place, since no commit refers to them). Dirty blocks stay until the
 * commit; clean ones are evicted least recently used first, only between operations, so
 * a block pointer held during an operation never dangles. A block is found by address in
 * a hash table. sfs_dev_read and sfs_dev_write wrap the device, checking the range read.
 * The allocator that hands out the addresses of new blocks is alloc.c.
 *
 * Layer: services (storage format library), above the device (struct sfs_dev) and
 * CRC-32C (crc/), below the block trees (tree.c) and everything above them.
 */
#include "sfs_impl.h"

/* ---- lists */

static void list_del(struct buf *b)
{
    b->prev->next = b->next;
    b->next->prev = b->prev;
    b->prev = b->next = b;
}

static void list_push(struct buf *head, struct buf *b)
{
    b->next = head->next;
    b->prev = head;
    head->next->prev = b;
    head->next = b;
}

int sfs_cache_init(struct sfs *fs)
{
    fs->hmask = 1023;
    fs->hash = calloc(fs->hmask + 1, sizeof(*fs->hash));
    fs->lru.prev = fs->lru.next = &fs->lru;
    fs->dirty.prev = fs->dirty.next = &fs->dirty;
    fs->clean_max = 256;
    fs->dirty_max = 1024;
    return fs->hash ? 0 : SOS_ERR_NO_MEMORY;
}

static uint32_t hslot(const struct sfs *fs, uint64_t a)
{
    return (uint32_t)((a * 0x9e3779b97f4a7c15ull) >> 40) & fs->hmask;
}

struct buf *sfs_buf_find(struct sfs *fs, uint64_t addr)
{
    for (struct buf *b = fs->hash[hslot(fs, addr)]; b; b = b->hnext)
        if (b->addr == addr)
            return b;
    return NULL;
}

static struct buf *buf_make(struct sfs *fs, uint64_t addr)
{
    struct buf *b = malloc(sizeof(*b));
    uint8_t *d = malloc(SFS_BLOCK);
    if (!b || !d) {
        free(b);
        free(d);
        return NULL;
    }
    b->addr = addr;
    b->data = d;
    b->dirty = false;
    b->dir_ok = false;
    b->prev = b->next = b;
    uint32_t h = hslot(fs, addr);
    b->hnext = fs->hash[h];
    fs->hash[h] = b;
    return b;
}

void sfs_buf_forget(struct sfs *fs, struct buf *b)
{
    struct buf **pp = &fs->hash[hslot(fs, b->addr)];
    while (*pp != b)
        pp = &(*pp)->hnext;
    *pp = b->hnext;
    list_del(b);
    if (b->dirty)
        fs->ndirty--;
    else
        fs->nclean--;
    free(b->data);
    free(b);
}

void sfs_cache_free_all(struct sfs *fs)
{
    if (!fs->hash)
        return;
    for (uint32_t i = 0; i <= fs->hmask; i++)
        while (fs->hash[i])
            sfs_buf_forget(fs, fs->hash[i]);
    free(fs->hash);
    fs->hash = NULL;
}

int sfs_dev_read(struct sfs *fs, uint64_t block, uint32_t n, void *buf)
{
    if (block >= fs->dev.nblocks || n > fs->dev.nblocks - block)
        return SOS_ERR_CORRUPT;
    int err = fs->dev.read(fs->dev.ctx, block, n, buf);
    return err ? (err == SOS_ERR_CORRUPT ? err : SOS_ERR_IO) : 0;
}

int sfs_dev_write(struct sfs *fs, uint64_t block, uint32_t n, const void *buf)
{
    return fs->dev.write(fs->dev.ctx, block, n, buf) ? SOS_ERR_IO : 0;
}

int sfs_buf_read(struct sfs *fs, const struct sfs_bp *bp, struct buf **out)
{
    struct buf *b = sfs_buf_find(fs, bp->addr);
    if (b) {
        if (!b->dirty) { /* most recently used first */
            list_del(b);
            list_push(&fs->lru, b);
        }
        *out = b;
        return 0;
    }
    if (bp->addr < SFS_FIRST_BLOCK || bp->addr >= fs->sb.nblocks)
        return SOS_ERR_CORRUPT;
    b = buf_make(fs, bp->addr);
    if (!b)
        return SOS_ERR_NO_MEMORY;
    fs->nclean++;
    list_push(&fs->lru, b);
    int err = sfs_dev_read(fs, bp->addr, 1, b->data);
    if (!err && !fs->nocrc && sfs_crc32c(0, b->data, SFS_BLOCK) != bp->crc)
        err = SOS_ERR_CORRUPT;
    if (err) {
        sfs_buf_forget(fs, b);
        return err;
    }
    *out = b;
    return 0;
}

int sfs_buf_new(struct sfs *fs, struct buf **out)
{
    uint64_t addr;
    int err = sfs_block_alloc(fs, &addr);
    if (err)
        return err;
    struct buf *b = buf_make(fs, addr);
    if (!b) {
        sfs_bit_clear(fs->used, addr);
        fs->nused--;
        return SOS_ERR_NO_MEMORY;
    }
    memset(b->data, 0, SFS_BLOCK);
    b->dirty = true;
    fs->ndirty++;
    list_push(&fs->dirty, b);
    *out = b;
    return 0;
}

void sfs_buf_mark_clean(struct sfs *fs, struct buf *b)
{
    list_del(b);
    b->dirty = false;
    fs->ndirty--;
    fs->nclean++;
    list_push(&fs->lru, b);
}

void sfs_cache_trim(struct sfs *fs)
{
    while (fs->nclean > fs->clean_max && fs->lru.prev != &fs->lru)
        sfs_buf_forget(fs, fs->lru.prev);
}
