/*
 * services/storage/fs/recover.c - mounting at boot, when the store may be damaged.
 *
 * The rule: what boot does about damage never loses more than the damage did. A store
 * whose newest generation mounts (its metadata walk passes) is used as it is. When that
 * walk fails:
 *
 *  1. Fallback. The generation before it (the other superblock slot) is checked whole,
 *     every block against its checksum. Its blocks are intact when nothing was written
 *     after the newest commit (a commit never overwrites what the commit before it
 *     uses). If it checks clean it becomes the store again: committed as the next
 *     generation over the damaged superblock. Only the last commit's changes are lost.
 *  2. Repair. Otherwise fsck repairs the newest generation in memory (walk.c keeps
 *     what still proves itself in a damaged block; what nothing names goes to
 *     lost+found). If that loses no file or directory the superblock counts (data
 *     blocks that cannot be read become zeros, and are named), it is committed.
 *  3. Read-only. Otherwise nothing is written: the store is mounted read-only, showing
 *     the repair's view in memory, and the operator decides (fsck --repair).
 *
 * Layer: services (storage format library).
 */
#include "sfs_impl.h"

#include <stdarg.h>

static void say_fmt(struct sfs_msg *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say_fmt(struct sfs_msg *m, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m->text, sizeof(m->text), fmt, ap);
    va_end(ap);
}

/*
 * Is the generation below `below` wholly intact? Then make it the store (committed);
 * *gen is its number.
 */
static int fall_back(const struct sfs_dev *dev, uint64_t below, struct sfs **out, uint64_t *gen)
{
    struct sfs_fsck *r = malloc(sizeof(*r));
    struct sfs *fs = NULL;
    if (!r)
        return SOS_ERR_NO_MEMORY;
    int err = sfs_fsck_open(dev, 0, below, r, &fs);
    bool clean = !err && r->errors == 0;
    free(r);
    if (fs)
        sfs_drop(fs);
    if (!clean)
        return err ? err : SOS_ERR_CORRUPT;
    struct sfs_msg m;
    err = sfs_mount_ex(dev, 0, below, false, NULL, &fs, &m);
    if (err)
        return err;
    *gen = fs->sb.generation;
    fs->sb_dirty = true; /* the next generation, in the damaged one's slot */
    err = sfs_commit(fs);
    if (err) {
        sfs_drop(fs);
        return err;
    }
    *out = fs;
    return 0;
}

/* Repair the newest generation: committed when it loses no file, else read-only. */
static int repair_or_protect(const struct sfs_dev *dev, struct sfs **out,
                             struct sfs_open_report *rep)
{
    struct sfs *fs;
    int err = sfs_fsck_open(dev, SFS_FSCK_REPAIR, 0, &rep->fsck, &fs);
    if (err)
        return err;
    fs->report = NULL;
    fs->salvage = false;
    if (rep->fsck.lost) { /* keep the repair's view in memory; write nothing */
        fs->rdonly = true;
        rep->how = SFS_OPEN_READONLY;
        *out = fs;
        return 0;
    }
    fs->sb_dirty = true;
    err = sfs_commit(fs);
    sfs_drop(fs);
    if (!err)
        rep->fsck.repaired = rep->fsck.errors;
    struct sfs_msg m;
    rep->how = SFS_OPEN_REPAIRED;
    return err ? err : sfs_mount(dev, 0, out, &m);
}

int sfs_open(const struct sfs_dev *dev, struct sfs **out, struct sfs_open_report *rep,
             struct sfs_msg *msg)
{
    memset(rep, 0, sizeof(*rep));
    int err = sfs_mount(dev, 0, out, msg);
    if (!err)
        rep->generation = (*out)->sb.generation;
    if (err != SOS_ERR_CORRUPT)
        return err;
    char why[sizeof(msg->text)];
    memcpy(why, msg->text, sizeof(why));
    uint64_t g = sfs_super_newest(dev);
    rep->damaged_generation = g;
    err = g ? fall_back(dev, g, out, &rep->generation) : SOS_ERR_CORRUPT;
    if (!err) {
        rep->how = SFS_OPEN_FALLBACK;
        say_fmt(msg, "generation %llu is damaged (%.100s): fell back to generation %llu before it, "
                "which is intact (committed as generation %llu); the changes of the last commit "
                "are lost", (unsigned long long)g, why, (unsigned long long)rep->generation,
                (unsigned long long)(*out)->sb.generation);
        return 0;
    }
    if (err == SOS_ERR_NO_MEMORY || err == SOS_ERR_IO)
        return err;
    err = repair_or_protect(dev, out, rep);
    if (err)
        return err;
    rep->generation = (*out)->sb.generation;
    if (rep->how == SFS_OPEN_REPAIRED)
        say_fmt(msg, "generation %llu was damaged (%.100s) and no intact one is before it: repaired "
                "without losing a file (%u problems; %llu data blocks now zeros, %llu in /lost+found)",
                (unsigned long long)g, why, rep->fsck.errors, (unsigned long long)rep->fsck.zeroed,
                (unsigned long long)rep->fsck.adopted);
    else
        say_fmt(msg, "generation %llu is damaged (%.100s) and no intact one is before it: a repair "
                "would lose %llu files and directories, so the store is read-only and untouched "
                "(fsck --repair keeps what can be read)", (unsigned long long)g, why,
                (unsigned long long)rep->fsck.lost);
    return 0;
}
