/*
 * desktop/apps/files/fsops.h - what the files app does in storage: its places (the
 * directories its manifest grants, `resource=storage/<path>`: startup handles named
 * "storage/..."; nothing else of the store is reachable), a folder's listing, reading a
 * file for the editor (bounded), saving (atomic), copying, and the name checks made
 * before asking the storage service.
 *
 * Paths are relative to a place's handle ("docs/notes.txt"); the storage service
 * confines them below it.
 *
 * Layer: desktop/apps/files.
 */
#ifndef FILES_FSOPS_H
#define FILES_FSOPS_H

#include <client/storage.h>

#include "copytree.h"

#define PLACES_MAX 8
#define ENTRIES_MAX 256
#define FS_PATH_MAX 512
#define FS_NAME_MAX 256

struct place {
    char name[48];     /* "/home": what the manifest's resource names */
    char resource[64]; /* "storage/home": the startup handle's name, and what to look up */
    sos_handle_t root;
};

struct entry {
    char name[FS_NAME_MAX];
    uint32_t type; /* STORAGE_TYPE_* */
    uint64_t size;
};

struct folder {
    struct entry e[ENTRIES_MAX]; /* folders first, then files, each by name */
    uint32_t n, more;            /* more: entries past ENTRIES_MAX, not kept */
};

/* The places granted (startup handles "storage/<path>"); how many. */
uint32_t fs_places(struct place *out, uint32_t max);
/* The place's directory handle; a dead one (storage restarted) is first replaced by a
 * new one, asked of the root manager (DIR_LOOKUP of the resource's name, which waits
 * while storage restarts). 0 when there is none to be had. */
sos_handle_t fs_place_root(struct place *p);
/* After an operation on the place failed with err: true when it failed because
 * storage went away and the place now has a new handle (so it may be tried once more). */
bool fs_place_lost(struct place *p, int err);
int fs_list(sos_handle_t root, const char *path, struct folder *f);
/* "dir/name" (or "name" when dir is ""); false when it does not fit. */
bool fs_join(const char *dir, const char *name, char *out, size_t cap);
/* The parent of a path ("" for a top-level name), in place. */
void fs_parent(char *path);
/* 0 when name can be a new name (1..255 bytes, no '/', not "." or ".."); else why. */
int fs_name_check(const char *name, char *why, size_t cap);
/* A file for the editor: its size checked first, at most max bytes read. 0, or an
 * error with why[cap] filled (too large, not a file...). *out is malloc'd. */
int fs_read_bounded(sos_handle_t root, const char *path, size_t max, char **out, size_t *len, char *why,
                    size_t cap);
/* Replace path with data atomically (path.tmp written, renamed over it, synced). */
int fs_save(sos_handle_t root, const char *path, const void *data, size_t len);
/* 0 when path can be a new path below a folder: names (fs_name_check) joined by '/'. */
int fs_path_check(const char *path, char *why, size_t cap);
/* Copy the file or folder `from` to the new `to` (refused when `to` exists), synced; a
 * folder with everything in it, as copytree.h says (*r tells what was copied). */
int fs_copy(sos_handle_t root, const char *from, const char *to, struct copy_report *r);

#endif
