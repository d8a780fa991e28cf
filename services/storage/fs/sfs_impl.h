/*
 * services/storage/fs/sfs_impl.h - sosfs internals: the on-disk records, the block
 * cache (cache.c), the allocator (alloc.c), CRC-32C (crc/), block trees (tree.c),
 * inodes and directories (node.c), the operations (ops.c), mount and commit (mount.c),
 * fsck (fsck.c).
 *
 * Layer: services (storage format library).
 */
#ifndef SFS_IMPL_H
#define SFS_IMPL_H

#include "sfs.h"
#include "../crc/crc32c.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sos/errors.h>

#define SFS_MAGIC 0x31524f5453534f53ull /* "SOSSTOR1" little-endian */
#define SFS_VERSION 1u
#define SFS_PTRS 256u                   /* block pointers per indirect block */
#define SFS_IPB 32u                     /* inodes per inode-table block */
#define SFS_MAX_HEIGHT 4u               /* 256^4 blocks per tree */
#define SFS_FIRST_BLOCK 2u              /* blocks 0 and 1 hold the superblocks */
#define SFS_SB_CRC_OFF 508u             /* the superblock's checksum covers bytes 0..507 */
#define SFS_RUN_MAX 256u                /* blocks per device write (1 MiB) */

/* A pointer to a block and the CRC-32C of that block's 4096 bytes (0 addr: a hole). */
struct sfs_bp {
    uint64_t addr;
    uint32_t crc;
    uint32_t reserved;
};

/* An inode record: 128 bytes, 32 per inode-table block. */
struct sfs_dinode {
    uint16_t type;   /* enum sfs_type; 0: free */
    uint16_t flags;  /* 0 */
    uint32_t height; /* of the data tree, 0..4 */
    uint64_t size;
    uint64_t parent;
    uint64_t gen;    /* kept while free: bumped on every reuse */
    uint64_t mtime;
    struct sfs_bp root;
    uint8_t reserved[72];
};

struct sfs_super {
    uint64_t magic;
    uint32_t version;
    uint32_t block_size;
    uint64_t nblocks;
    uint64_t generation; /* commit number; the copy in slot generation % 2 */
    uint64_t volume_id;
    uint64_t ninodes;    /* inode-table size, a multiple of 32 */
    uint32_t itab_height;
    uint32_t reserved0;
    struct sfs_bp itab;  /* the inode table's tree */
    uint64_t used_blocks;
    uint64_t used_inodes;
    uint64_t commit_time;
};

/* A directory block: this header, then entries packed in 8-byte steps. */
struct sfs_dhdr {
    uint16_t used;  /* bytes used, header included */
    uint16_t count; /* entries */
    uint32_t reserved;
};
/* A directory entry: SFS_DENT_LEN(namelen) bytes at an 8-byte aligned offset. */
struct sfs_dent {
    uint64_t ino;
    uint8_t type;    /* SFS_FILE or SFS_DIR */
    uint8_t namelen;
    char name[];     /* namelen bytes, no terminator; zeros up to the next 8 */
};
#define SFS_DENT_FIXED 10u /* u64 ino, u8 type, u8 namelen, then the name */
#define SFS_DENT_LEN(namelen) (((SFS_DENT_FIXED + (namelen)) + 7u) & ~7u)

static inline const struct sfs_dhdr *sfs_dhdr_of(const uint8_t *blk)
{
    return (const struct sfs_dhdr *)(const void *)blk;
}
/* The entry at byte off of directory block blk (off a multiple of 8, below 4096 - 10). */
static inline struct sfs_dent *sfs_dent_at(uint8_t *blk, uint32_t off)
{
    return (struct sfs_dent *)(void *)(blk + off);
}
static inline const struct sfs_dent *sfs_dent_get(const uint8_t *blk, uint32_t off)
{
    return (const struct sfs_dent *)(const void *)(blk + off);
}
/* Record i of an inode-table block (0..SFS_IPB-1), pointer i of a pointer block (0..255). */
static inline struct sfs_dinode *sfs_dinode_at(uint8_t *blk, unsigned i)
{
    return (struct sfs_dinode *)(void *)blk + i;
}
static inline const struct sfs_dinode *sfs_dinode_in(const uint8_t *blk, unsigned i)
{
    return (const struct sfs_dinode *)(const void *)blk + i;
}
static inline const struct sfs_bp *sfs_bp_in(const uint8_t *blk, unsigned i)
{
    return (const struct sfs_bp *)(const void *)blk + i;
}
/* The superblock's own checksum, in the last 4 bytes of its 512. */
static inline uint32_t sfs_super_crc_get(const uint8_t *raw)
{
    uint32_t crc;
    memcpy(&crc, raw + SFS_SB_CRC_OFF, 4);
    return crc;
}
static inline void sfs_super_crc_put(uint8_t *raw, uint32_t crc) { memcpy(raw + SFS_SB_CRC_OFF, &crc, 4); }

_Static_assert(sizeof(struct sfs_bp) == 16, "sfs_bp");
_Static_assert(sizeof(struct sfs_dinode) == 128, "sfs_dinode");
_Static_assert(sizeof(struct sfs_super) <= SFS_SB_CRC_OFF, "sfs_super");
_Static_assert(__builtin_offsetof(struct sfs_dent, name) == SFS_DENT_FIXED, "sfs_dent");
_Static_assert(sizeof(struct sfs_dhdr) % 8 == 0, "sfs_dhdr keeps entries aligned");

/* ---- in memory */

struct buf {
    uint64_t addr;
    struct buf *hnext;
    struct buf *prev, *next; /* clean: the LRU list; dirty: the dirty list */
    bool dirty;              /* allocated since the last commit */
    bool dir_ok;             /* checked as a directory block since it was read or written */
    uint8_t *data;
};

/* Something fsck's salvage walk found: a pointer to cut, or an inode record to clear. */
struct sfs_cut {
    uint64_t owner;  /* inode number, or 0 for the inode table */
    uint32_t level;  /* the level of the block the pointer refers to */
    uint32_t kind;   /* CUT_POINTER, CUT_INODE, CUT_SIZE, CUT_ADOPT */
    uint64_t index;  /* its index at that level */
    uint64_t value;  /* CUT_SIZE: the new size */
};
/* CUT_ADOPT: keep the block at (owner, level, index) although it fails its checksum (walk.c) */
enum { CUT_POINTER = 1, CUT_INODE = 2, CUT_SIZE = 3, CUT_ADOPT = 4 };

struct sfs {
    struct sfs_dev dev;
    struct sfs_super sb;
    bool rdonly, nocrc, salvage;
    uint32_t distrust; /* salvage walk: below a block kept despite its checksum */
    int broken;
    char broken_msg[160];
    char note[200]; /* what the mount skipped (a newer superblock), or empty */
    /* block cache */
    struct buf **hash;
    uint32_t hmask;
    struct buf lru, dirty; /* list heads */
    uint32_t nclean, ndirty, clean_max, dirty_max;
    /* allocation: a bit per block, set when the current tree or the last commit uses it */
    uint8_t *used;
    uint64_t nused, cursor;
    uint64_t *pending; /* committed blocks freed since: free once the next commit is durable */
    size_t npending, cap_pending;
    /* data blocks sfs_write put straight on the disk since the last commit (not cached
     * dirty, referenced by no commit: rewritten in place, freed at once) */
    uint8_t *direct;
    uint64_t *direct_list; /* their addresses (some may since be freed), to clear at commit */
    size_t ndirect, cap_direct;
    uint8_t *iused; /* a bit per inode */
    uint64_t icap, inodes_used;
    bool op_mutated;
    bool sb_dirty;
    uint64_t (*now)(void *);
    void *now_ctx;
    /* fsck */
    struct sfs_fsck *report;
    struct sfs_cut *cuts;
    size_t ncuts, cap_cuts;
};

/* cache.c */
int sfs_cache_init(struct sfs *fs);
void sfs_cache_free_all(struct sfs *fs);
struct buf *sfs_buf_find(struct sfs *fs, uint64_t addr);
int sfs_buf_read(struct sfs *fs, const struct sfs_bp *bp, struct buf **out);
int sfs_buf_new(struct sfs *fs, struct buf **out);
void sfs_cache_trim(struct sfs *fs);
void sfs_buf_mark_clean(struct sfs *fs, struct buf *b);
/* Drop b from the cache (a dirty one is lost: alloc.c frees its block). */
void sfs_buf_forget(struct sfs *fs, struct buf *b);
int sfs_dev_read(struct sfs *fs, uint64_t block, uint32_t n, void *buf);
int sfs_dev_write(struct sfs *fs, uint64_t block, uint32_t n, const void *buf);

/* alloc.c */
int sfs_block_alloc(struct sfs *fs, uint64_t *out);
void sfs_block_free(struct sfs *fs, uint64_t addr);
/* The array p of *cap elements of `size` bytes, twice as big (*cap updated), or NULL. */
void *sfs_array_grow(void *p, size_t *cap, size_t size);
bool sfs_bit_get(const uint8_t *m, uint64_t i);
void sfs_bit_set(uint8_t *m, uint64_t i);
void sfs_bit_clear(uint8_t *m, uint64_t i);
uint64_t sfs_free_blocks(const struct sfs *fs);
bool sfs_block_direct(const struct sfs *fs, uint64_t addr);
int sfs_direct_note(struct sfs *fs, uint64_t addr);
void sfs_direct_clear(struct sfs *fs);

/* tree.c */
static inline uint64_t tree_cap(uint32_t height) { return 1ull << (8 * height); }
static inline struct sfs_bp *bp_at(struct buf *b, unsigned i) { return (struct sfs_bp *)(void *)b->data + i; }
int sfs_tree_read(struct sfs *fs, const struct sfs_bp *root, uint32_t height, uint64_t idx,
                  struct buf **out);
int sfs_tree_leaf(struct sfs *fs, const struct sfs_bp *root, uint32_t height, uint64_t idx,
                  struct sfs_bp *out);
int sfs_tree_write(struct sfs *fs, struct sfs_bp *root, uint32_t *height, uint64_t idx, bool whole,
                   struct buf **out);
int sfs_tree_slot(struct sfs *fs, struct sfs_bp *root, uint32_t *height, uint64_t idx,
                  struct sfs_bp **slot);
int sfs_tree_grow(struct sfs *fs, struct sfs_bp *root, uint32_t *height, uint64_t nblocks);
int sfs_tree_truncate(struct sfs *fs, struct sfs_bp *root, uint32_t *height, uint64_t nblocks);
int sfs_tree_cut(struct sfs *fs, struct sfs_bp *root, uint32_t height, uint32_t level, uint64_t idx,
                 uint64_t *old);
uint64_t sfs_tree_hole_end(struct sfs *fs, const struct sfs_bp *root, uint32_t height, uint64_t idx);
int sfs_tree_ptr(struct sfs *fs, struct sfs_bp *root, uint32_t height, uint32_t level, uint64_t idx,
                 struct sfs_bp **slot);

/* node.c */
int sfs_inode_get(struct sfs *fs, uint64_t ino, struct sfs_dinode *out);
int sfs_inode_put(struct sfs *fs, uint64_t ino, const struct sfs_dinode *in);
int sfs_inode_alloc(struct sfs *fs, uint64_t *out);
int sfs_inode_free(struct sfs *fs, uint64_t ino, struct sfs_dinode *d);
int sfs_iused_grow(struct sfs *fs, uint64_t ninodes);
struct dloc {
    uint64_t block;
    uint32_t off;
    uint64_t ino;
    uint32_t type;
};
int sfs_dir_check_block(const struct sfs *fs, const uint8_t *blk);
int sfs_dir_find(struct sfs *fs, const struct sfs_dinode *d, const char *name, size_t len,
                 struct dloc *loc);
int sfs_dir_add(struct sfs *fs, struct sfs_dinode *d, const char *name, size_t len, uint64_t ino,
                uint32_t type);
int sfs_dir_del(struct sfs *fs, struct sfs_dinode *d, const struct dloc *loc);
int sfs_dir_is_empty(struct sfs *fs, const struct sfs_dinode *d, bool *empty);
int sfs_dir_entry_at(struct sfs *fs, const struct sfs_dinode *d, uint64_t *pos, struct sfs_dirent *out,
                     struct dloc *loc);

/* walk.c */
int sfs_walk_tree(struct sfs *fs, struct sfs_bp bp, uint32_t level, uint64_t idx, uint64_t limit,
                  uint64_t owner, struct sfs_msg *msg);

/* mount.c */
void sfs_say(struct sfs_msg *m, const char *text);
/* The generation of the newest valid superblock (0: none). */
uint64_t sfs_super_newest(const struct sfs_dev *dev);
int sfs_commit(struct sfs *fs);
/* Mount the newest valid generation below `below` (0: the newest of all). */
int sfs_mount_ex(const struct sfs_dev *dev, unsigned flags, uint64_t below, bool salvage,
                 struct sfs_fsck *report, struct sfs **out, struct sfs_msg *msg);
void sfs_free(struct sfs *fs);
uint64_t sfs_now(struct sfs *fs);
bool sfs_valid_super(const struct sfs_super *sb, uint64_t dev_blocks, const uint8_t *raw,
                     struct sfs_msg *why);

/* ops.c */
int sfs_op_begin(struct sfs *fs, bool write, uint64_t need);
int sfs_op_room(struct sfs *fs, uint64_t need);
uint64_t sfs_op_paths(const struct sfs *fs);
uint64_t sfs_op_reserve(const struct sfs *fs);
int sfs_op_end(struct sfs *fs, int err);

/* fsck.c */
int sfs_fsck_open(const struct sfs_dev *dev, unsigned flags, uint64_t below, struct sfs_fsck *r,
                  struct sfs **out);
void sfs_fsck_note(struct sfs *fs, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
