/*
 * services/storage/resolve.h - path resolution below a directory handle.
 *
 * A path is resolved component by component from the handle's own directory, keeping
 * the directories walked through on a stack: '.' and empty components do nothing, '..'
 * pops, and popping past the handle's directory is refused (SOS_ERR_ACCESS_DENIED). The
 * format has no symbolic links. So whatever a path says, the result is the handle's
 * directory or something below it. Pure logic over sosfs: tested on the host.
 *
 * Layer: services (storage).
 */
#ifndef STORAGE_RESOLVE_H
#define STORAGE_RESOLVE_H

#include "fs/sfs.h"

#define RESOLVE_DEPTH 256

/*
 * Resolve path[0..len) below directory `root`. With `parent`, the last component is not
 * looked up: *ino gets its directory and name/namelen the last name (which must be a
 * real name: not empty, '.' or '..'). Without, *ino is the node the path names.
 */
int resolve(struct sfs *fs, uint64_t root, const char *path, size_t len, bool parent,
            uint64_t *ino, const char **name, size_t *namelen);

#endif
