/*
 * services/storage/resolve.c - path resolution below a directory handle (resolve.h).
 *
 * Layer: services (storage).
 */
#include "resolve.h"

#include <sos/errors.h>

static bool is_dots(const char *c, size_t n, size_t dots)
{
    return n == dots && c[0] == '.' && (dots == 1 || c[1] == '.');
}

int resolve(struct sfs *fs, uint64_t root, const char *path, size_t len, bool parent,
            uint64_t *ino, const char **name, size_t *namelen)
{
    uint64_t stack[RESOLVE_DEPTH];
    size_t depth = 0;
    stack[0] = root;
    size_t end = len;
    while (end > 0 && path[end - 1] == '/')
        end--; /* "a/b/" names b */
    size_t last = end; /* where the last component starts (when parent) */
    if (parent) {
        while (last > 0 && path[last - 1] != '/')
            last--;
        const char *c = path + last;
        size_t n = end - last;
        if (n == 0 || is_dots(c, n, 1) || is_dots(c, n, 2))
            return SOS_ERR_INVALID_ARGS;
        if (!sfs_name_ok(c, n))
            return SOS_ERR_INVALID_ARGS;
        *name = c;
        *namelen = n;
    }
    for (size_t i = 0; i < last;) {
        size_t j = i;
        while (j < last && path[j] != '/')
            j++;
        const char *c = path + i;
        size_t n = j - i;
        i = j + 1;
        if (n == 0 || is_dots(c, n, 1))
            continue;
        if (is_dots(c, n, 2)) {
            if (depth == 0)
                return SOS_ERR_ACCESS_DENIED; /* above the handle's directory */
            depth--;
            continue;
        }
        if (!sfs_name_ok(c, n))
            return SOS_ERR_INVALID_ARGS;
        if (depth + 1 == RESOLVE_DEPTH)
            return SOS_ERR_OUT_OF_RANGE;
        uint64_t next;
        int err = sfs_lookup(fs, stack[depth], c, n, &next);
        if (err)
            return err;
        stack[++depth] = next;
    }
    *ino = stack[depth];
    return 0;
}
