/*
 * services/storage/fs/sfs.h - sosfs, the on-disk format of ServiceOS's writable store.
 *
 * A copy-on-write tree of checksummed 4 KiB blocks under two superblocks (docs/storage.md
 * has the format, its invariants and what is durable when). This library is pure C with
 * no system calls: the storage service compiles it freestanding against services/lib,
 * the host tests against the host's libc. It reaches the disk only through struct
 * sfs_dev and is single-threaded: one caller at a time per mounted store.
 *
 * Every operation is atomic: it is either wholly in the next commit or not at all, and
 * commits happen only between operations, in order. sfs_sync() commits and returns when
 * the commit is durable. Errors are negative SOS_ERR_* values; an I/O error in the middle
 * of a change makes the mounted store read-only (the disk keeps its last commit).
 *
 * Layer: services (storage format library).
 */
#ifndef SFS_H
#define SFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SFS_BLOCK 4096u
#define SFS_ROOT_INO 1u
#define SFS_NAME_MAX 255u

/* The block device: SFS_BLOCK-sized blocks, 0 .. nblocks-1. Each call returns 0 or SOS_ERR_*. */
struct sfs_dev {
    void *ctx;
    uint64_t nblocks;
    int (*read)(void *ctx, uint64_t block, uint32_t count, void *buf);
    int (*write)(void *ctx, uint64_t block, uint32_t count, const void *buf);
    int (*flush)(void *ctx); /* every completed write is durable when this returns 0 */
};

enum sfs_type { SFS_FREE = 0, SFS_FILE = 1, SFS_DIR = 2 };

struct sfs_stat {
    uint64_t ino, gen; /* (ino, gen) names one file for its whole life */
    uint64_t size;
    uint64_t mtime;
    uint64_t parent; /* the directory holding its one entry (the root: itself) */
    uint32_t type;   /* enum sfs_type */
    uint32_t reserved;
};

struct sfs_dirent {
    uint64_t ino;
    uint32_t type;
    uint32_t namelen;
    char name[SFS_NAME_MAX + 1];
};

struct sfs_statfs {
    uint64_t blocks;      /* the store's size in blocks */
    uint64_t free_blocks; /* allocatable now (blocks freed since the last commit are not) */
    uint64_t avail_blocks;    /* what new data can take: free and freed, less the reserve */
    uint64_t reserved_blocks; /* of the free and freed ones, those kept back: the reserve
                               * only removals (unlink, rename, truncate) use, and room
                               * for copy-on-write (blocks - avail - reserved are used) */
    uint64_t inodes;      /* files and directories */
    uint64_t generation;  /* of the last commit */
    uint64_t volume_id;
    uint32_t block_size;
    uint32_t read_only;   /* mounted read-only, or made read-only by an I/O error */
};

/* A human-readable reason for a refusal (mount, format, fsck). */
struct sfs_msg {
    char text[400];
};

struct sfs;

/* Write an empty store (a root directory) over the whole device. */
int sfs_format(const struct sfs_dev *dev, uint64_t volume_id, struct sfs_msg *msg);

#define SFS_MOUNT_RDONLY 1u
#define SFS_MOUNT_NOCRC 2u /* fuzzing only: skip checksum checks to reach deeper code */

/*
 * Mount: pick the valid superblock with the highest generation, walk the metadata
 * (checking every metadata checksum, range and single ownership of each block) and
 * rebuild the free map. Anything written after that commit is simply unreferenced.
 * A foreign, newer, truncated or damaged store is refused with a reason in msg. On
 * success msg is empty, or says which newer superblock was skipped and why (a torn last
 * commit, or a damaged or crafted superblock): the store is then one generation back.
 */
int sfs_mount(const struct sfs_dev *dev, unsigned flags, struct sfs **out, struct sfs_msg *msg);
/* Commit (when writable) and free. The store is freed even when the commit fails. */
int sfs_unmount(struct sfs *fs);
/* Free without committing (what a power cut does). */
void sfs_drop(struct sfs *fs);

/* Commit every change so far and make it durable. */
int sfs_sync(struct sfs *fs);
/* Does the store hold changes that are not committed yet? */
bool sfs_dirty(const struct sfs *fs);

/* Tuning: clean blocks kept in memory; changed blocks in memory that trigger a commit. */
void sfs_set_cache(struct sfs *fs, uint32_t clean_max, uint32_t dirty_max);
/* The clock for mtime (ns); none: 0. */
void sfs_set_clock(struct sfs *fs, uint64_t (*now)(void *), void *ctx);
/* Why the store went read-only, or NULL. */
const char *sfs_broken_reason(const struct sfs *fs);

int sfs_lookup(struct sfs *fs, uint64_t dir, const char *name, size_t len, uint64_t *ino);
int sfs_stat(struct sfs *fs, uint64_t ino, struct sfs_stat *st);
/* Create a file or directory `name` in `dir`. */
int sfs_create(struct sfs *fs, uint64_t dir, const char *name, size_t len, uint32_t type,
               uint64_t *ino);
/* Remove a file, or an empty directory (SOS_ERR_BAD_STATE when it is not empty). */
int sfs_unlink(struct sfs *fs, uint64_t dir, const char *name, size_t len);
/*
 * Move sdir/sname to ddir/dname, atomically. An existing target is replaced when it is
 * a file and the source is a file, or an empty directory and the source a directory.
 * A directory cannot move below itself.
 */
int sfs_rename(struct sfs *fs, uint64_t sdir, const char *sname, size_t slen, uint64_t ddir,
               const char *dname, size_t dlen);
/* Bytes read (0 at or past the end), or an error. */
int64_t sfs_read(struct sfs *fs, uint64_t ino, uint64_t off, void *buf, size_t len);
/* Bytes written (all of len), or an error. Whole blocks reach the disk during the call
 * (uncommitted: as durable as any other change, docs/storage.md). */
int64_t sfs_write(struct sfs *fs, uint64_t ino, uint64_t off, const void *buf, size_t len);
int sfs_truncate(struct sfs *fs, uint64_t ino, uint64_t size);
/* The entry at *pos (start with 0) and advance; SOS_ERR_NOT_FOUND after the last. */
int sfs_readdir(struct sfs *fs, uint64_t dir, uint64_t *pos, struct sfs_dirent *out);
int sfs_statfs(struct sfs *fs, struct sfs_statfs *out);

/* The first block of the highest run of `count` free blocks, or 0 when there is none
 * (for a raw-device benchmark in free space). */
uint64_t sfs_free_run(const struct sfs *fs, uint64_t count);

/* Is `name` (len bytes) a valid entry name? (1..255 bytes, no '/', no NUL, not . or ..) */
bool sfs_name_ok(const char *name, size_t len);

/* ---- fsck */

#define SFS_FSCK_REPAIR 1u
#define SFS_FSCK_LOG_MAX 4096u

struct sfs_fsck {
    uint32_t errors;   /* problems found */
    uint32_t repaired; /* of which repaired (SFS_FSCK_REPAIR) */
    uint64_t lost;     /* files and directories the superblock counts that cannot be kept */
    uint64_t zeroed;   /* data blocks that cannot be read: replaced by zeros on repair */
    uint64_t adopted;  /* inodes no entry reached: put in /lost+found on repair */
    uint64_t files, dirs;
    uint64_t blocks_used, data_blocks_checked;
    uint64_t generation;
    char log[SFS_FSCK_LOG_MAX]; /* one line per problem (cut short when long) */
    uint32_t log_len;
};

/*
 * Check every invariant of the store on `dev` (which must not be mounted elsewhere for
 * writing): superblocks, every block's checksum (data too), ranges and single
 * ownership, tree shapes, inode records, directory blocks, names, that every inode sits
 * in exactly one directory, parent links, counts. With SFS_FSCK_REPAIR, problems are
 * fixed in one atomic commit: bad pointers become holes, bad entries go, lost inodes
 * are put in /lost+found. Returns 0 when the check ran (r->errors says what it found),
 * or an error (with r->log saying why) when the store cannot be read at all.
 */
int sfs_fsck(const struct sfs_dev *dev, unsigned flags, struct sfs_fsck *r);

/* ---- boot: mount, recovering from damage without making it worse */

enum sfs_open_how {
    SFS_OPEN_CLEAN,    /* the newest generation mounted as it is */
    SFS_OPEN_REPAIRED, /* it was damaged; the repair lost no file (in lost+found at worst) */
    SFS_OPEN_FALLBACK, /* it was damaged; the intact generation before it is the store now */
    SFS_OPEN_READONLY, /* damaged, and both would lose files: read-only, nothing written */
};

struct sfs_open_report {
    uint32_t how;                /* enum sfs_open_how */
    uint64_t generation;         /* the generation mounted */
    uint64_t damaged_generation; /* the newest, when it was damaged (else 0) */
    struct sfs_fsck fsck;        /* the check of the damaged generation, with what a repair loses */
};

/*
 * Mount for use, at boot (docs/storage.md, "Damage at boot"). A clean newest generation
 * is mounted as sfs_mount does. When its metadata is damaged: the generation before it,
 * if it checks clean (every block), becomes the store again (committed over the damaged
 * superblock); else the damaged one is repaired in memory, and that repair is committed
 * when it loses no file or directory; else the store is mounted read-only with what can
 * be read (the repair's view, lost+found included) and nothing is written: the operator
 * decides (sfs_fsck with SFS_FSCK_REPAIR). msg says in one line what was done. Errors
 * as sfs_mount (a foreign or blank store is refused, not touched).
 */
int sfs_open(const struct sfs_dev *dev, struct sfs **out, struct sfs_open_report *rep,
             struct sfs_msg *msg);

/* CRC-32C (Castagnoli), as the format uses it. */
uint32_t sfs_crc32c(uint32_t crc, const void *buf, size_t len);

#endif
