/*
 * services/storage/fs/test/mkseeds.c - writes the seed disks of the storage fuzz target
 * (tests/fuzz/fuzz_storage.c) in its sparse input format:
 *
 *     build/tests/storage-mkseeds tests/fuzz/corpus/storage
 *
 * Layer: services host tests (a tool).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memdev.h"
#include "model.h"

static void save(const struct memdev *md, const char *dir, const char *name, unsigned mode)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f) {
        perror(path);
        exit(1);
    }
    fputc((int)mode, f);
    for (uint64_t b = 0; b < md->nblocks; b++) {
        const uint8_t *p = md->blocks + b * SFS_BLOCK;
        unsigned len = SFS_BLOCK;
        while (len && !p[len - 1])
            len--;
        if (!len)
            continue;
        fputc((int)b, f);
        fputc((int)(len & 0xff), f);
        fputc((int)(len >> 8), f);
        fwrite(p, 1, len, f);
    }
    fclose(f);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: storage-mkseeds DIR\n");
        return 2;
    }
    struct memdev md;
    memdev_init(&md, 24);
    struct sfs_msg m;
    struct sfs *fs;
    if (sfs_format(&md.dev, 1, &m))
        return 1;
    save(&md, argv[1], "empty", 0);
    if (sfs_mount(&md.dev, 0, &fs, &m))
        return 1;
    const struct op ops[] = {
        {OP_MKDIR, "/home", NULL, 0, 0, 0}, {OP_CREATE, "/home/note", NULL, 0, 0, 0},
        {OP_WRITE, "/home/note", NULL, 0, 6, 1}, {OP_MKDIR, "/home/app", NULL, 0, 0, 0},
        {OP_CREATE, "/home/app/big", NULL, 0, 0, 0}, {OP_WRITE, "/home/app/big", NULL, 0, 9000, 2},
        {OP_SYNC, NULL, NULL, 0, 0, 0}, {OP_RENAME, "/home/note", "/note", 0, 0, 0},
    };
    for (unsigned i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
        if (store_apply(fs, &ops[i]))
            return 1;
    sfs_unmount(fs);
    save(&md, argv[1], "tree", 0);
    save(&md, argv[1], "tree-nocrc", 1);
    md.blocks[2 * SFS_BLOCK + 200] ^= 4; /* damage somewhere in the tree */
    save(&md, argv[1], "damaged", 0);
    memdev_free(&md);
    return 0;
}
