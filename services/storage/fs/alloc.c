/*
 * services/storage/fs/alloc.c - the block allocator: a bitmap of used blocks.
 *
 * The bitmap is rebuilt at mount from the tree. A committed block that is freed stays
 * marked until the next commit is durable (the last commit still uses it): it waits in
 * fs->pending. A block allocated and freed within one transaction is free at once.
 * Whole data blocks that sfs_write put straight on the disk ("direct") are also
 * allocated since the last commit: never dirty in the cache (cache.c), written in place
 * and freed at once until the commit; a second bitmap, fs->direct, remembers them.
 *
 * Layer: services (storage format library), beside the block cache (cache.c), below
 * the block trees (tree.c).
 */
#include "sfs_impl.h"

/* ---- bitmaps and growing arrays */

void *sfs_array_grow(void *p, size_t *cap, size_t size)
{
    size_t c = *cap ? *cap * 2 : 64;
    void *q = realloc(p, c * size);
    if (q)
        *cap = c;
    return q;
}

bool sfs_bit_get(const uint8_t *m, uint64_t i) { return (m[i >> 3] >> (i & 7)) & 1; }
void sfs_bit_set(uint8_t *m, uint64_t i) { m[i >> 3] |= (uint8_t)(1u << (i & 7)); }
void sfs_bit_clear(uint8_t *m, uint64_t i) { m[i >> 3] &= (uint8_t)~(1u << (i & 7)); }

/* ---- data blocks written straight to the disk (see sfs_write) */

bool sfs_block_direct(const struct sfs *fs, uint64_t addr)
{
    return fs->direct && addr < fs->sb.nblocks && sfs_bit_get(fs->direct, addr);
}

/* Note that `addr` (allocated in this transaction) now holds data written directly. */
int sfs_direct_note(struct sfs *fs, uint64_t addr)
{
    if (!fs->direct && !(fs->direct = calloc(1, (fs->sb.nblocks + 7) / 8)))
        return SOS_ERR_NO_MEMORY;
    if (sfs_bit_get(fs->direct, addr))
        return 0;
    if (fs->ndirect == fs->cap_direct) {
        size_t k = 0; /* first drop freed and repeated addresses */
        for (size_t i = 0; i < fs->ndirect; i++)
            if (sfs_bit_get(fs->direct, fs->direct_list[i])) {
                sfs_bit_clear(fs->direct, fs->direct_list[i]);
                fs->direct_list[k++] = fs->direct_list[i];
            }
        for (size_t i = 0; i < k; i++)
            sfs_bit_set(fs->direct, fs->direct_list[i]);
        fs->ndirect = k;
        if (k >= fs->cap_direct / 2) {
            uint64_t *l = sfs_array_grow(fs->direct_list, &fs->cap_direct, sizeof(*l));
            if (!l)
                return SOS_ERR_NO_MEMORY;
            fs->direct_list = l;
        }
    }
    sfs_bit_set(fs->direct, addr);
    fs->direct_list[fs->ndirect++] = addr;
    return 0;
}

/* A commit made them part of the store: from now on they are copied on write. */
void sfs_direct_clear(struct sfs *fs)
{
    for (size_t i = 0; i < fs->ndirect; i++)
        sfs_bit_clear(fs->direct, fs->direct_list[i]);
    fs->ndirect = 0;
}

/* ---- allocation */

uint64_t sfs_free_blocks(const struct sfs *fs) { return fs->sb.nblocks - fs->nused; }

int sfs_block_alloc(struct sfs *fs, uint64_t *out)
{
    uint64_t n = fs->sb.nblocks;
    if (fs->nused >= n)
        return SOS_ERR_NO_SPACE;
    uint64_t i = fs->cursor < n && fs->cursor >= SFS_FIRST_BLOCK ? fs->cursor : SFS_FIRST_BLOCK;
    for (uint64_t tried = 0; tried < n; tried++, i++) {
        if (i >= n)
            i = SFS_FIRST_BLOCK;
        if ((i & 7) == 0 && fs->used[i >> 3] == 0xff && i + 8 <= n) {
            i += 7; /* a full byte: skip it */
            tried += 7;
            continue;
        }
        if (!sfs_bit_get(fs->used, i)) {
            sfs_bit_set(fs->used, i);
            fs->nused++;
            fs->cursor = i + 1;
            fs->op_mutated = true;
            *out = i;
            return 0;
        }
    }
    return SOS_ERR_NO_SPACE;
}

void sfs_block_free(struct sfs *fs, uint64_t addr)
{
    fs->op_mutated = true;
    struct buf *b = sfs_buf_find(fs, addr);
    bool direct = sfs_block_direct(fs, addr);
    if ((b && b->dirty) || direct) { /* never committed: free now */
        if (b)
            sfs_buf_forget(fs, b);
        if (direct)
            sfs_bit_clear(fs->direct, addr);
        sfs_bit_clear(fs->used, addr);
        fs->nused--;
        return;
    }
    if (b)
        sfs_buf_forget(fs, b);
    if (fs->npending == fs->cap_pending) {
        uint64_t *p = sfs_array_grow(fs->pending, &fs->cap_pending, sizeof(*p));
        if (!p) /* cannot remember it: leak the block until the next mount */
            return;
        fs->pending = p;
    }
    fs->pending[fs->npending++] = addr;
}
