/*
 * hostfile.c - whole-file reads and all-or-nothing writes for the image/ host tools
 * (hostfile.h).
 *
 * Layer: image/ host tools (libc).
 */
#include "hostfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *hostfile_read(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap)
            break;
        char *bigger = realloc(buf, cap * 2);
        if (!bigger) {
            free(buf);
            buf = NULL;
            errno = ENOMEM;
            break;
        }
        buf = bigger;
        cap *= 2;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        errno = EIO;
        return NULL;
    }
    *size = n;
    return buf;
}

int hostfile_write(const char *path, const void *data, size_t size)
{
    if (!strcmp(path, "-"))
        return fwrite(data, 1, size, stdout) == size && fflush(stdout) == 0 ? 0 : -1;
    size_t len = strlen(path) + 8;
    char *tmp = malloc(len);
    if (!tmp) {
        errno = ENOMEM;
        return -1;
    }
    snprintf(tmp, len, "%s.tmp~", path);
    FILE *f = fopen(tmp, "wb");
    int ok = f && fwrite(data, 1, size, f) == size;
    ok = f && fclose(f) == 0 && ok;
    ok = ok && rename(tmp, path) == 0;
    int e = errno;
    if (!ok)
        remove(tmp);
    free(tmp);
    errno = e;
    return ok ? 0 : -1;
}
