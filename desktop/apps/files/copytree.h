/*
 * desktop/apps/files/copytree.h - copying a folder with everything in it, for the
 * files app (fsops.c gives it the storage operations; copytree_test.c fakes them on
 * the host).
 *
 * The copy is planned before anything is made: the folder is read through once, so a
 * folder too large or too deep (the caps below), one copied into itself, or one whose
 * paths would not fit is refused with nothing made. Then the plan is carried out
 * entry by entry; an entry that fails (and what is below a folder that failed) is
 * counted, and the first failure kept, so that the report says what was copied and
 * what was not: never a partial copy said to be whole.
 *
 * Paths are relative to one directory handle ("docs/sub"), made of names without "."
 * or ".." (the files app checks typed names), so "inside" is a matter of prefixes.
 *
 * Layer: desktop/apps/files.
 */
#ifndef FILES_COPYTREE_H
#define FILES_COPYTREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define COPY_DEPTH_MAX 16     /* folder levels below the folder copied */
#define COPY_ENTRIES_MAX 1000 /* files and folders below it */
#define COPY_PATH_MAX 512     /* bytes of a path, with its NUL */

/* The storage operations a copy needs, on paths relative to one place. */
struct copy_ops {
    void *ctx;
    /* Call fn once per entry of folder path. */
    int (*list)(void *ctx, const char *path, void (*fn)(void *arg, const char *name, bool is_dir), void *arg);
    int (*mkdir)(void *ctx, const char *path);                       /* a new folder */
    int (*copy_file)(void *ctx, const char *from, const char *to);   /* to a new file */
};

enum copy_refusal { COPY_OK, COPY_INTO_ITSELF, COPY_TOO_MANY, COPY_TOO_DEEP, COPY_PATH_TOO_LONG, COPY_UNREADABLE };

struct copy_report {
    enum copy_refusal refused; /* why nothing was made (COPY_OK: the copy ran) */
    uint32_t total;            /* entries planned: files and folders below the folder */
    uint32_t copied, files, dirs; /* of them: copied, and of those the files and folders */
    bool folder;               /* a folder's copy (fs_copy of a file leaves it false) */
    bool made;                 /* something was made (the new folder, or the new file) */
    int err;                   /* the first failure (0: none) ... */
    char where[COPY_PATH_MAX]; /* ... and where, relative to the folder copied ("" itself) */
};

/* Whether `to` is the folder `from` or below it. */
bool copy_inside(const char *from, const char *to);

/* Copy folder `from` and all below it to the new folder `to`. 0 when all was copied;
 * else the error that refused the copy (r->refused: nothing made) or the first
 * failure (r->where), with r counting what was copied. */
int copy_tree(const struct copy_ops *ops, const char *from, const char *to, struct copy_report *r);

/* The sentence for people: a, b and where are from, to and r->where as shown. */
void copy_tree_say(const struct copy_report *r, const char *a, const char *b, const char *where, char *out,
                   size_t cap);

#endif
