/*
 * hal-x86_64/pt.c - 4-level page-table walking: map, unmap, protect, look up, free.
 *
 * Layer: hal-x86_64 (freestanding; see pt.h).
 */
#include "pt.h"

#define P 1ull
#define W 2ull
#define U 4ull
#define PS 0x80ull
#define ADDR 0x000ffffffffff000ull
#define TABLE_BITS (P | W | U)

static inline unsigned idx(uint64_t va, int level) { return (va >> (12 + 9 * level)) & 511; }

static uint64_t *table(const struct pt_ctx *c, uint64_t pa) { return c->phys(c->env, pa & ADDR); }

/* The leaf slot for va, creating tables when `create`; NULL when absent or no memory. */
static uint64_t *slot(const struct pt_ctx *c, uint64_t root, uint64_t va, bool create)
{
    uint64_t *t = table(c, root);
    for (int level = 3; level > 0; level--) {
        uint64_t *e = &t[idx(va, level)];
        if (!(*e & P)) {
            if (!create)
                return NULL;
            uint64_t pa = c->alloc(c->env);
            if (!pa)
                return NULL;
            *e = pa | TABLE_BITS;
        } else if (*e & PS) {
            return NULL; /* a large page: not managed here */
        }
        t = table(c, *e);
    }
    return &t[idx(va, 0)];
}

static bool table_empty(const uint64_t *t)
{
    for (unsigned i = 0; i < 512; i++)
        if (t[i])
            return false;
    return true;
}

/* Free the tables on va's path that hold nothing any more, bottom up. */
static void prune(const struct pt_ctx *c, uint64_t root, uint64_t va)
{
    uint64_t *path[4];
    path[3] = table(c, root);
    for (int level = 3; level > 0; level--) {
        uint64_t e = path[level][idx(va, level)];
        if (!(e & P) || (e & PS))
            return;
        path[level - 1] = table(c, e);
    }
    for (int level = 1; level <= 3; level++) {
        uint64_t *parent = &path[level][idx(va, level)];
        if (!table_empty(path[level - 1]))
            return;
        uint64_t pa = *parent & ADDR;
        *parent = 0;
        c->free(c->env, pa);
    }
}

int pt_map(const struct pt_ctx *c, uint64_t root, uint64_t va, uint64_t pa, size_t n,
           uint64_t flags)
{
    for (size_t i = 0; i < n; i++) {
        uint64_t *e = slot(c, root, va + i * 4096, true);
        if (!e) {
            pt_unmap(c, root, va, i);
            prune(c, root, va + i * 4096);
            return -1;
        }
        *e = ((pa + i * 4096) & ADDR) | (flags & ~ADDR);
    }
    return 0;
}

size_t pt_unmap(const struct pt_ctx *c, uint64_t root, uint64_t va, size_t n)
{
    size_t present = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t a = va + i * 4096;
        uint64_t *e = slot(c, root, a, false);
        if (e && *e) {
            *e = 0;
            present++;
        }
        /* prune at the end of each last-level table and at the end of the range */
        if (i + 1 == n || idx(a + 4096, 0) == 0)
            prune(c, root, a);
    }
    return present;
}

size_t pt_protect(const struct pt_ctx *c, uint64_t root, uint64_t va, size_t n,
                  uint64_t flags)
{
    size_t changed = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t *e = slot(c, root, va + i * 4096, false);
        if (e && *e) {
            *e = (*e & ADDR) | (flags & ~ADDR);
            changed++;
        }
    }
    return changed;
}

uint64_t pt_lookup(const struct pt_ctx *c, uint64_t root, uint64_t va)
{
    uint64_t *e = slot(c, root, va, false);
    return e ? *e : 0;
}

static void free_level(const struct pt_ctx *c, uint64_t pa, int level)
{
    if (level > 0) {
        uint64_t *t = table(c, pa);
        for (unsigned i = 0; i < 512; i++)
            if ((t[i] & P) && !(t[i] & PS))
                free_level(c, t[i] & ADDR, level - 1);
    }
    c->free(c->env, pa);
}

void pt_free_tables(const struct pt_ctx *c, uint64_t root, unsigned first, unsigned last)
{
    uint64_t *t = table(c, root);
    for (unsigned i = first; i <= last && i < 512; i++) {
        if ((t[i] & P) && !(t[i] & PS))
            free_level(c, t[i] & ADDR, 2);
        t[i] = 0;
    }
}
