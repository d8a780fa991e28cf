/*
 * services/lib/src/malloc.c - malloc, free, calloc, realloc over mapped arenas.
 *
 * Memory comes in arenas (64 KiB growing to 1 MiB) from __sl_pages_get, which maps a
 * memory object. An arena is a run of blocks with boundary tags:
 *
 *   arena header | block | block | ... | end marker (size 0, in use)
 *   block: prev_size, size|flags, payload (16-byte aligned)
 *
 * prev_size is the size of the block before (0 for the first), so free() finds both
 * neighbours and merges free ones at once. Free blocks sit on segregated lists: one per
 * 16-byte size below 1 KiB, four per power of two above, with a bitmap of the non-empty
 * ones; a search takes the first block of the first non-empty list that must fit (or
 * scans the one list that may). When a free block covers a whole arena, the arena goes
 * back to the system; one empty arena is kept to absorb alloc/free ping-pong.
 * Requests of 256 KiB and more get their own mapping and go back on free.
 *
 * One lock guards it all. free() of a pointer that is not in use aborts.
 *
 * Layer: services/lib (libc subset).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "malloc_stats.h"

#define ALIGN 16u
#define HDR 16u /* block header */
#define MIN_BLOCK 32u
#define F_INUSE 1u
#define F_LARGE 2u
#define F_MASK 15u
#define ARENA_MIN (64u * 1024u)
#define ARENA_MAX (1024u * 1024u)
#define LARGE_MIN (256u * 1024u)
#define NBINS 128u
#define MAX_REQUEST ((size_t)1 << 40)

struct block {
    size_t prev_size;
    size_t size_flags;
    /* free blocks: the list links live in the payload */
    struct block *next, *prev;
};

struct arena {
    struct arena *next, *prev;
    size_t size;
    size_t pad;
};

#define ARENA_HDR sizeof(struct arena) /* 32: keeps blocks 16-aligned */

static sl_lock_t g_lock;
static struct block *g_bins[NBINS];
static uint64_t g_binmap[NBINS / 64];
static struct arena *g_arenas;
static size_t g_next_arena = ARENA_MIN;
static struct sl_malloc_stats g_stats;

static inline size_t bsize(const struct block *b) { return b->size_flags & ~(size_t)F_MASK; }
static inline bool in_use(const struct block *b) { return b->size_flags & F_INUSE; }
static inline struct block *next_block(struct block *b)
{
    return (struct block *)((char *)b + bsize(b));
}
static inline struct block *prev_block(struct block *b)
{
    return (struct block *)((char *)b - b->prev_size);
}
static inline void *payload(struct block *b) { return (char *)b + HDR; }
static inline struct block *block_of(void *p) { return (struct block *)((char *)p - HDR); }

static size_t round_up(size_t v, size_t a) { return (v + a - 1) & ~(a - 1); }

/* ---- size classes */

static unsigned bin_index(size_t size)
{
    if (size < 1024)
        return (unsigned)(size / ALIGN);
    unsigned lg = 63u - (unsigned)__builtin_clzll(size);
    unsigned idx = 64u + (lg - 10u) * 4u + (unsigned)((size >> (lg - 2u)) & 3u);
    return idx < NBINS ? idx : NBINS - 1;
}

static void bin_insert(struct block *b)
{
    unsigned i = bin_index(bsize(b));
    b->prev = NULL;
    b->next = g_bins[i];
    if (b->next)
        b->next->prev = b;
    g_bins[i] = b;
    g_binmap[i / 64] |= 1ull << (i % 64);
}

static void bin_remove(struct block *b)
{
    unsigned i = bin_index(bsize(b));
    if (b->prev)
        b->prev->next = b->next;
    else
        g_bins[i] = b->next;
    if (b->next)
        b->next->prev = b->prev;
    if (!g_bins[i])
        g_binmap[i / 64] &= ~(1ull << (i % 64));
}

/* The first non-empty bin at or above i, or NBINS. */
static unsigned bin_next(unsigned i)
{
    while (i < NBINS) {
        uint64_t m = g_binmap[i / 64] >> (i % 64);
        if (m)
            return i + (unsigned)__builtin_ctzll(m);
        i = (i / 64 + 1) * 64;
    }
    return NBINS;
}

static struct block *find_free(size_t need)
{
    unsigned i = bin_index(need);
    if (i >= 64) { /* a range bin: its blocks may be smaller than need */
        for (struct block *b = g_bins[i]; b; b = b->next)
            if (bsize(b) >= need)
                return b;
        i++;
    }
    i = bin_next(i);
    return i < NBINS ? g_bins[i] : NULL;
}

/* ---- arenas */

static void set_size(struct block *b, size_t size, size_t flags)
{
    b->size_flags = size | flags;
    next_block(b)->prev_size = size;
}

static struct block *arena_new(size_t need)
{
    size_t size = g_next_arena;
    if (need + ARENA_HDR + HDR > size)
        size = round_up(need + ARENA_HDR + HDR, ARENA_MIN);
    struct arena *a = __sl_pages_get(size);
    if (!a)
        return NULL;
    if (g_next_arena < ARENA_MAX)
        g_next_arena *= 2;
    a->size = size;
    a->prev = NULL;
    a->next = g_arenas;
    if (a->next)
        a->next->prev = a;
    g_arenas = a;
    g_stats.arenas++;
    g_stats.mapped_bytes += size;
    struct block *b = (struct block *)((char *)a + ARENA_HDR);
    struct block *end = (struct block *)((char *)a + size - HDR);
    b->prev_size = 0;
    end->size_flags = F_INUSE; /* the end marker: size 0, never free */
    set_size(b, (size_t)((char *)end - (char *)b), 0);
    bin_insert(b);
    return b;
}

static size_t count_empty_arenas(void)
{
    size_t n = 0;
    for (struct arena *a = g_arenas; a; a = a->next) {
        struct block *b = (struct block *)((char *)a + ARENA_HDR);
        if (!in_use(b) && bsize(next_block(b)) == 0)
            n++;
    }
    return n;
}

static void arena_release(struct arena *a)
{
    struct block *b = (struct block *)((char *)a + ARENA_HDR);
    bin_remove(b);
    if (a->prev)
        a->prev->next = a->next;
    else
        g_arenas = a->next;
    if (a->next)
        a->next->prev = a->prev;
    g_stats.arenas--;
    g_stats.mapped_bytes -= a->size;
    __sl_pages_put(a, a->size);
}

/* b (free, merged) spans its whole arena: return the arena unless it is the only spare. */
static void maybe_release(struct block *b)
{
    if (b->prev_size != 0 || bsize(next_block(b)) != 0)
        return;
    if (count_empty_arenas() > 1)
        arena_release((struct arena *)((char *)b - ARENA_HDR));
}

/* ---- blocks */

/* Use `need` bytes of free block b (already off its list); the rest goes back free. */
static void take(struct block *b, size_t need)
{
    size_t have = bsize(b);
    if (have - need >= MIN_BLOCK) {
        set_size(b, need, F_INUSE);
        struct block *rest = next_block(b);
        set_size(rest, have - need, 0);
        bin_insert(rest);
    } else {
        b->size_flags = have | F_INUSE;
    }
}

/* Mark b free, merge it with free neighbours, list it; returns the merged block. */
static struct block *release(struct block *b)
{
    size_t size = bsize(b);
    struct block *n = next_block(b);
    if (!in_use(n)) {
        bin_remove(n);
        size += bsize(n);
    }
    if (b->prev_size && !in_use(prev_block(b))) {
        struct block *p = prev_block(b);
        bin_remove(p);
        size += bsize(p);
        b = p;
    }
    set_size(b, size, 0);
    bin_insert(b);
    return b;
}

static size_t need_for(size_t req)
{
    size_t n = round_up(req + HDR, ALIGN);
    return n < MIN_BLOCK ? MIN_BLOCK : n;
}

static void *large_alloc(size_t req)
{
    size_t len = round_up(req + HDR, SL_PAGE);
    struct block *b = __sl_pages_get(len);
    if (!b)
        return NULL;
    b->prev_size = 0;
    b->size_flags = len | F_INUSE | F_LARGE;
    g_stats.large++;
    g_stats.mapped_bytes += len;
    return payload(b);
}

__attribute__((noreturn)) static void corrupt(const char *what)
{
    static const char msg[] = "malloc: heap corruption or bad free: ";
    __sl_console_write(msg, sizeof(msg) - 1);
    __sl_console_write(what, strlen(what));
    __sl_console_write("\n", 1);
    abort();
}

/* ---- the API */

void *malloc(size_t req)
{
    if (req > MAX_REQUEST)
        return NULL;
    size_t need = need_for(req);
    if (need >= LARGE_MIN) {
        sl_lock(&g_lock);
        void *p = large_alloc(req);
        sl_unlock(&g_lock);
        return p;
    }
    sl_lock(&g_lock);
    struct block *b = find_free(need);
    if (!b)
        b = arena_new(need);
    void *p = NULL;
    if (b) {
        bin_remove(b);
        take(b, need);
        g_stats.in_use_bytes += bsize(b);
        p = payload(b);
    }
    sl_unlock(&g_lock);
    return p;
}

void free(void *p)
{
    if (!p)
        return;
    if ((uintptr_t)p % ALIGN)
        corrupt("misaligned pointer");
    struct block *b = block_of(p);
    sl_lock(&g_lock);
    if (!in_use(b)) {
        sl_unlock(&g_lock);
        corrupt("pointer not in use (double free?)");
    }
    if (b->size_flags & F_LARGE) {
        g_stats.large--;
        g_stats.mapped_bytes -= bsize(b);
        sl_unlock(&g_lock);
        __sl_pages_put(b, bsize(b));
        return;
    }
    if (next_block(b)->prev_size != bsize(b)) {
        sl_unlock(&g_lock);
        corrupt("block header overwritten");
    }
    g_stats.in_use_bytes -= bsize(b);
    maybe_release(release(b));
    sl_unlock(&g_lock);
}

void *calloc(size_t n, size_t size)
{
    if (size && n > MAX_REQUEST / size)
        return NULL;
    void *p = malloc(n * size);
    if (p)
        memset(p, 0, n * size);
    return p;
}

/* Grow or shrink arena block b in place to `need`; false when it cannot. */
static bool resize_in_place(struct block *b, size_t need)
{
    size_t have = bsize(b);
    struct block *n = next_block(b);
    if (need > have) {
        if (in_use(n) || have + bsize(n) < need)
            return false;
        bin_remove(n);
        set_size(b, have + bsize(n), F_INUSE);
        have = bsize(b);
    }
    if (have - need >= MIN_BLOCK) {
        set_size(b, need, F_INUSE);
        struct block *rest = next_block(b);
        rest->size_flags = (have - need) | F_INUSE;
        next_block(rest)->prev_size = have - need;
        release(rest); /* merges with a free block after it */
    }
    return true;
}

void *realloc(void *p, size_t req)
{
    if (!p)
        return malloc(req);
    if (req == 0) {
        free(p);
        return NULL;
    }
    if (req > MAX_REQUEST)
        return NULL;
    struct block *b = block_of(p);
    size_t need = need_for(req), old = bsize(b) - HDR;
    sl_lock(&g_lock);
    if (!in_use(b)) {
        sl_unlock(&g_lock);
        corrupt("realloc of a pointer not in use");
    }
    bool done;
    if (b->size_flags & F_LARGE) {
        done = need <= bsize(b) && need > bsize(b) / 2 && need >= LARGE_MIN;
    } else {
        size_t before = bsize(b);
        done = need < LARGE_MIN && resize_in_place(b, need);
        if (done)
            g_stats.in_use_bytes += bsize(b) - before;
    }
    sl_unlock(&g_lock);
    if (done)
        return p;
    void *q = malloc(req);
    if (!q)
        return NULL;
    memcpy(q, p, old < req ? old : req);
    free(p);
    return q;
}

/* ---- introspection for tests and diagnostics (malloc_stats.h) */

void __sl_malloc_stats(struct sl_malloc_stats *out)
{
    sl_lock(&g_lock);
    *out = g_stats;
    sl_unlock(&g_lock);
}

void __sl_malloc_trim(void)
{
    sl_lock(&g_lock);
    for (struct arena *a = g_arenas, *next; a; a = next) {
        next = a->next;
        struct block *b = (struct block *)((char *)a + ARENA_HDR);
        if (!in_use(b) && bsize(next_block(b)) == 0)
            arena_release(a);
    }
    sl_unlock(&g_lock);
}

/* Walk every arena and check the boundary tags and lists; 0 when all is consistent. */
int __sl_malloc_check(void)
{
    int bad = 0;
    size_t free_blocks = 0, listed = 0;
    sl_lock(&g_lock);
    for (struct arena *a = g_arenas; a && !bad; a = a->next) {
        struct block *b = (struct block *)((char *)a + ARENA_HDR);
        size_t prev = 0;
        bool prev_free = false;
        while (bsize(b) && !bad) {
            if (b->prev_size != prev || bsize(b) % ALIGN || bsize(b) < MIN_BLOCK ||
                (!in_use(b) && prev_free))
                bad = 1;
            free_blocks += !in_use(b);
            prev_free = !in_use(b);
            prev = bsize(b);
            b = next_block(b);
        }
        if ((char *)b != (char *)a + a->size - HDR)
            bad = 2;
    }
    for (unsigned i = 0; i < NBINS && !bad; i++) {
        bool mapped = (g_binmap[i / 64] >> (i % 64)) & 1;
        if (mapped != (g_bins[i] != NULL))
            bad = 3;
        for (struct block *b = g_bins[i]; b && !bad; b = b->next) {
            if (in_use(b) || bin_index(bsize(b)) != i || (b->next && b->next->prev != b))
                bad = 4;
            listed++;
        }
    }
    if (!bad && listed != free_blocks)
        bad = 5;
    sl_unlock(&g_lock);
    return bad;
}
