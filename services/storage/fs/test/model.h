/*
 * services/storage/fs/test/model.h - a model of a tree of files for the crash tests:
 * the same operations applied to a plain in-memory list, a hash of a whole tree (the
 * model's or a mounted store's) to compare them, and a tiny PRNG.
 *
 * Layer: services host tests.
 */
#ifndef SFS_TEST_MODEL_H
#define SFS_TEST_MODEL_H

#include "../sfs.h"

#define MODEL_MAX 64
#define MODEL_PATH 96

struct mentry {
    char path[MODEL_PATH];
    int dir;
    uint8_t *data;
    size_t len;
};

struct model {
    struct mentry e[MODEL_MAX];
    int n;
};

enum op_kind { OP_CREATE, OP_MKDIR, OP_WRITE, OP_RENAME, OP_UNLINK, OP_TRUNCATE, OP_SYNC };

struct op {
    enum op_kind kind;
    const char *a, *b;  /* paths */
    uint64_t off, len;  /* write: range; truncate: len is the size */
    uint32_t seed;      /* write: the content's pattern */
};

void model_init(struct model *m);
void model_free(struct model *m);
void model_copy(struct model *dst, const struct model *src);
/* Apply op to the model; 0 when it succeeds (the store must then succeed too). */
int model_apply(struct model *m, const struct op *op);
uint64_t model_hash(const struct model *m);

/* Apply op to a mounted store (paths resolved from the root). */
int store_apply(struct sfs *fs, const struct op *op);
/* The hash of the whole tree of a mounted store, as model_hash would give; 0 on error. */
uint64_t store_hash(struct sfs *fs);
const char *op_text(const struct op *op, char *buf, size_t size);

static inline uint64_t prng(uint64_t *s)
{
    uint64_t x = *s += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

#endif
