/*
 * services/storage/fs/cache.c - the block cache, the block allocator and CRC-32C.
 *
 * Cached blocks are clean (a copy of a block on the disk, checked against the checksum in
 * the pointer that led to it) or dirty (allocated since the last commit: the only blocks
 * ever written in place, since no commit refers to them). Dirty blocks stay until the
 * commit; clean ones are evicted least recently used first, only between operations, so
 * a block pointer held during an operation never dangles. Whole data blocks that
 * sfs_write put straight on the disk ("direct") are also allocated since the last
 * commit: never dirty, written in place and freed at once until the commit.
 *
 * The allocator is a bitmap rebuilt at mount from the tree. A committed block that is
 * freed stays marked until the next commit is durable (the last commit still uses it);
 * a block allocated and freed within one transaction is free at once.
 *
 * Layer: services (storage format library).
 */
#include "sfs_impl.h"

/* ---- CRC-32C: slicing by 8, or the CPU's crc32 instruction (x86_64 with SSE4.2) */

static uint32_t g_crc_tab[8][256];
static bool g_crc_ready;

static void crc_init(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0x82f63b78u & (0u - (c & 1)));
        g_crc_tab[0][i] = c;
    }
    for (uint32_t i = 0; i < 256; i++)
        for (int t = 1; t < 8; t++)
            g_crc_tab[t][i] = (g_crc_tab[t - 1][i] >> 8) ^ g_crc_tab[0][g_crc_tab[t - 1][i] & 0xff];
    g_crc_ready = true;
}

/* An 8-byte load; the builtin, since a freestanding build would call memcpy for it. */
static inline void load64(uint64_t *v, const uint8_t *p) { __builtin_memcpy(v, p, 8); }

/* The raw register update (no inversions) over len bytes, in software. */
static uint32_t crc_sw(uint32_t crc, const uint8_t *p, size_t len)
{
    while (len && ((uintptr_t)p & 7)) {
        crc = (crc >> 8) ^ g_crc_tab[0][(crc ^ *p++) & 0xff];
        len--;
    }
    while (len >= 8) {
        uint64_t v;
        load64(&v, p);
        v ^= crc;
        crc = g_crc_tab[7][v & 0xff] ^ g_crc_tab[6][(v >> 8) & 0xff] ^
              g_crc_tab[5][(v >> 16) & 0xff] ^ g_crc_tab[4][(v >> 24) & 0xff] ^
              g_crc_tab[3][(v >> 32) & 0xff] ^ g_crc_tab[2][(v >> 40) & 0xff] ^
              g_crc_tab[1][(v >> 48) & 0xff] ^ g_crc_tab[0][v >> 56];
        p += 8;
        len -= 8;
    }
    while (len--)
        crc = (crc >> 8) ^ g_crc_tab[0][(crc ^ *p++) & 0xff];
    return crc;
}

uint32_t sfs_crc32c_sw(uint32_t crc, const void *buf, size_t len)
{
    if (!g_crc_ready)
        crc_init();
    return ~crc_sw(~crc, buf, len);
}

#if defined(__x86_64__)

/* CPUID leaf `leaf` (the instruction itself: no header, the runtime has none). */
static void cpuid(unsigned leaf, unsigned *a, unsigned *b, unsigned *c, unsigned *d)
{
    __asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(0));
}

/*
 * The crc32 instruction has a latency of 3 cycles and a throughput of 1, so a long
 * buffer goes as three interleaved lanes of CRC_LANE bytes, joined by shifting the
 * first two over the bytes after them: shifting a register over n zero bytes is linear,
 * so a table per byte of the register does it (g_shift, made once from 32 basis bits).
 */
#define CRC_LANE 1360u /* 3 lanes cover 4080 bytes of a 4096-byte block */
static uint32_t g_shift[4][256];
static int g_hw = -1; /* unknown yet */

__attribute__((target("sse4.2"))) static uint32_t crc_hw1(uint32_t crc, const uint8_t *p, size_t len)
{
    uint64_t c = crc;
    while (len && ((uintptr_t)p & 7)) {
        c = __builtin_ia32_crc32qi((uint32_t)c, *p++);
        len--;
    }
    for (; len >= 8; p += 8, len -= 8) {
        uint64_t v;
        load64(&v, p);
        c = __builtin_ia32_crc32di(c, v);
    }
    while (len--)
        c = __builtin_ia32_crc32qi((uint32_t)c, *p++);
    return (uint32_t)c;
}

static uint32_t crc_shift(uint32_t c)
{
    return g_shift[0][c & 0xff] ^ g_shift[1][(c >> 8) & 0xff] ^ g_shift[2][(c >> 16) & 0xff] ^
           g_shift[3][c >> 24];
}

__attribute__((target("sse4.2"))) static uint32_t crc_hw(uint32_t crc, const uint8_t *p, size_t len)
{
    while (len >= 3 * CRC_LANE) {
        uint64_t a = crc, b = 0, c = 0;
        const uint8_t *q = p;
        for (unsigned i = 0; i < CRC_LANE; i += 8, q += 8) {
            uint64_t x, y, z;
            load64(&x, q);
            load64(&y, q + CRC_LANE);
            load64(&z, q + 2 * CRC_LANE);
            a = __builtin_ia32_crc32di(a, x);
            b = __builtin_ia32_crc32di(b, y);
            c = __builtin_ia32_crc32di(c, z);
        }
        crc = crc_shift(crc_shift((uint32_t)a) ^ (uint32_t)b) ^ (uint32_t)c;
        p += 3 * CRC_LANE;
        len -= 3 * CRC_LANE;
    }
    return crc_hw1(crc, p, len);
}

/* Under QEMU's TCG the instruction is emulated, slower than the tables. */
static bool under_tcg(unsigned ecx1)
{
    unsigned a, b, c, d;
    if (!(ecx1 & (1u << 31))) /* no hypervisor */
        return false;
    cpuid(0x40000000, &a, &b, &c, &d);
    return b == 0x54474354u && c == 0x43544743u && d == 0x47435447u; /* "TCGTCGTCGTCG" */
}

static void crc_hw_init(void)
{
    unsigned a, b, c, d;
    cpuid(0, &a, &b, &c, &d);
    unsigned max_leaf = a;
    g_hw = 0;
    if (max_leaf >= 1) {
        cpuid(1, &a, &b, &c, &d);
        g_hw = (c & (1u << 20)) && !under_tcg(c); /* ECX bit 20: SSE4.2 */
    }
    if (!g_hw)
        return;
    static const uint8_t zero[CRC_LANE];
    uint32_t basis[32];
    for (unsigned i = 0; i < 32; i++)
        basis[i] = crc_hw1(1u << i, zero, CRC_LANE);
    for (unsigned k = 0; k < 4; k++)
        for (unsigned v = 0; v < 256; v++) {
            uint32_t s = 0;
            for (unsigned bit = 0; bit < 8; bit++)
                if (v & (1u << bit))
                    s ^= basis[8 * k + bit];
            g_shift[k][v] = s;
        }
}
#endif

uint32_t sfs_crc32c(uint32_t crc, const void *buf, size_t len)
{
#if defined(__x86_64__)
    if (g_hw < 0)
        crc_hw_init();
    if (g_hw)
        return ~crc_hw(~crc, buf, len);
#endif
    return sfs_crc32c_sw(crc, buf, len);
}

/* ---- bitmaps and growing arrays */

void *array_grow(void *p, size_t *cap, size_t size)
{
    size_t c = *cap ? *cap * 2 : 64;
    void *q = realloc(p, c * size);
    if (q)
        *cap = c;
    return q;
}

bool bit_get(const uint8_t *m, uint64_t i) { return (m[i >> 3] >> (i & 7)) & 1; }
void bit_set(uint8_t *m, uint64_t i) { m[i >> 3] |= (uint8_t)(1u << (i & 7)); }
void bit_clear(uint8_t *m, uint64_t i) { m[i >> 3] &= (uint8_t)~(1u << (i & 7)); }

/* ---- lists */

static void list_del(struct buf *b)
{
    b->prev->next = b->next;
    b->next->prev = b->prev;
    b->prev = b->next = b;
}

static void list_push(struct buf *head, struct buf *b)
{
    b->next = head->next;
    b->prev = head;
    head->next->prev = b;
    head->next = b;
}

int cache_init(struct sfs *fs)
{
    fs->hmask = 1023;
    fs->hash = calloc(fs->hmask + 1, sizeof(*fs->hash));
    fs->lru.prev = fs->lru.next = &fs->lru;
    fs->dirty.prev = fs->dirty.next = &fs->dirty;
    fs->clean_max = 256;
    fs->dirty_max = 1024;
    return fs->hash ? 0 : SOS_ERR_NO_MEMORY;
}

static uint32_t hslot(const struct sfs *fs, uint64_t a)
{
    return (uint32_t)((a * 0x9e3779b97f4a7c15ull) >> 40) & fs->hmask;
}

struct buf *buf_find(struct sfs *fs, uint64_t addr)
{
    for (struct buf *b = fs->hash[hslot(fs, addr)]; b; b = b->hnext)
        if (b->addr == addr)
            return b;
    return NULL;
}

static struct buf *buf_make(struct sfs *fs, uint64_t addr)
{
    struct buf *b = malloc(sizeof(*b));
    uint8_t *d = malloc(SFS_BLOCK);
    if (!b || !d) {
        free(b);
        free(d);
        return NULL;
    }
    b->addr = addr;
    b->data = d;
    b->dirty = false;
    b->dir_ok = false;
    b->prev = b->next = b;
    uint32_t h = hslot(fs, addr);
    b->hnext = fs->hash[h];
    fs->hash[h] = b;
    return b;
}

static void buf_forget(struct sfs *fs, struct buf *b)
{
    struct buf **pp = &fs->hash[hslot(fs, b->addr)];
    while (*pp != b)
        pp = &(*pp)->hnext;
    *pp = b->hnext;
    list_del(b);
    if (b->dirty)
        fs->ndirty--;
    else
        fs->nclean--;
    free(b->data);
    free(b);
}

void cache_free_all(struct sfs *fs)
{
    if (!fs->hash)
        return;
    for (uint32_t i = 0; i <= fs->hmask; i++)
        while (fs->hash[i])
            buf_forget(fs, fs->hash[i]);
    free(fs->hash);
    fs->hash = NULL;
}

int dev_read(struct sfs *fs, uint64_t block, uint32_t n, void *buf)
{
    if (block >= fs->dev.nblocks || n > fs->dev.nblocks - block)
        return SOS_ERR_CORRUPT;
    int err = fs->dev.read(fs->dev.ctx, block, n, buf);
    return err ? (err == SOS_ERR_CORRUPT ? err : SOS_ERR_IO) : 0;
}

int dev_write(struct sfs *fs, uint64_t block, uint32_t n, const void *buf)
{
    return fs->dev.write(fs->dev.ctx, block, n, buf) ? SOS_ERR_IO : 0;
}

/* ---- data blocks written straight to the disk (see sfs_write) */

bool block_direct(const struct sfs *fs, uint64_t addr)
{
    return fs->direct && addr < fs->sb.nblocks && bit_get(fs->direct, addr);
}

/* Note that `addr` (allocated in this transaction) now holds data written directly. */
int direct_note(struct sfs *fs, uint64_t addr)
{
    if (!fs->direct && !(fs->direct = calloc(1, (fs->sb.nblocks + 7) / 8)))
        return SOS_ERR_NO_MEMORY;
    if (bit_get(fs->direct, addr))
        return 0;
    if (fs->ndirect == fs->cap_direct) {
        size_t k = 0; /* first drop freed and repeated addresses */
        for (size_t i = 0; i < fs->ndirect; i++)
            if (bit_get(fs->direct, fs->direct_list[i])) {
                bit_clear(fs->direct, fs->direct_list[i]);
                fs->direct_list[k++] = fs->direct_list[i];
            }
        for (size_t i = 0; i < k; i++)
            bit_set(fs->direct, fs->direct_list[i]);
        fs->ndirect = k;
        if (k >= fs->cap_direct / 2) {
            uint64_t *l = array_grow(fs->direct_list, &fs->cap_direct, sizeof(*l));
            if (!l)
                return SOS_ERR_NO_MEMORY;
            fs->direct_list = l;
        }
    }
    bit_set(fs->direct, addr);
    fs->direct_list[fs->ndirect++] = addr;
    return 0;
}

/* A commit made them part of the store: from now on they are copied on write. */
void direct_clear(struct sfs *fs)
{
    for (size_t i = 0; i < fs->ndirect; i++)
        bit_clear(fs->direct, fs->direct_list[i]);
    fs->ndirect = 0;
}

int buf_read(struct sfs *fs, const struct sfs_bp *bp, struct buf **out)
{
    struct buf *b = buf_find(fs, bp->addr);
    if (b) {
        if (!b->dirty) { /* most recently used first */
            list_del(b);
            list_push(&fs->lru, b);
        }
        *out = b;
        return 0;
    }
    if (bp->addr < SFS_FIRST_BLOCK || bp->addr >= fs->sb.nblocks)
        return SOS_ERR_CORRUPT;
    b = buf_make(fs, bp->addr);
    if (!b)
        return SOS_ERR_NO_MEMORY;
    fs->nclean++;
    list_push(&fs->lru, b);
    int err = dev_read(fs, bp->addr, 1, b->data);
    if (!err && !fs->nocrc && sfs_crc32c(0, b->data, SFS_BLOCK) != bp->crc)
        err = SOS_ERR_CORRUPT;
    if (err) {
        buf_forget(fs, b);
        return err;
    }
    *out = b;
    return 0;
}

int buf_new(struct sfs *fs, struct buf **out)
{
    uint64_t addr;
    int err = block_alloc(fs, &addr);
    if (err)
        return err;
    struct buf *b = buf_make(fs, addr);
    if (!b) {
        bit_clear(fs->used, addr);
        fs->nused--;
        return SOS_ERR_NO_MEMORY;
    }
    memset(b->data, 0, SFS_BLOCK);
    b->dirty = true;
    fs->ndirty++;
    list_push(&fs->dirty, b);
    *out = b;
    return 0;
}

void buf_mark_clean(struct sfs *fs, struct buf *b)
{
    list_del(b);
    b->dirty = false;
    fs->ndirty--;
    fs->nclean++;
    list_push(&fs->lru, b);
}

void cache_trim(struct sfs *fs)
{
    while (fs->nclean > fs->clean_max && fs->lru.prev != &fs->lru)
        buf_forget(fs, fs->lru.prev);
}

/* ---- allocation */

uint64_t free_blocks(const struct sfs *fs) { return fs->sb.nblocks - fs->nused; }

int block_alloc(struct sfs *fs, uint64_t *out)
{
    uint64_t n = fs->sb.nblocks;
    if (fs->nused >= n)
        return SOS_ERR_NO_SPACE;
    uint64_t i = fs->cursor < n && fs->cursor >= SFS_FIRST_BLOCK ? fs->cursor : SFS_FIRST_BLOCK;
    for (uint64_t tried = 0; tried < n; tried++, i++) {
        if (i >= n)
            i = SFS_FIRST_BLOCK;
        if ((i & 7) == 0 && fs->used[i >> 3] == 0xff && i + 8 <= n) {
            i += 7; /* a full byte: skip it */
            tried += 7;
            continue;
        }
        if (!bit_get(fs->used, i)) {
            bit_set(fs->used, i);
            fs->nused++;
            fs->cursor = i + 1;
            fs->op_mutated = true;
            *out = i;
            return 0;
        }
    }
    return SOS_ERR_NO_SPACE;
}

void block_free(struct sfs *fs, uint64_t addr)
{
    fs->op_mutated = true;
    struct buf *b = buf_find(fs, addr);
    bool direct = block_direct(fs, addr);
    if ((b && b->dirty) || direct) { /* never committed: free now */
        if (b)
            buf_forget(fs, b);
        if (direct)
            bit_clear(fs->direct, addr);
        bit_clear(fs->used, addr);
        fs->nused--;
        return;
    }
    if (b)
        buf_forget(fs, b);
    if (fs->npending == fs->cap_pending) {
        uint64_t *p = array_grow(fs->pending, &fs->cap_pending, sizeof(*p));
        if (!p) /* cannot remember it: leak the block until the next mount */
            return;
        fs->pending = p;
    }
    fs->pending[fs->npending++] = addr;
}
