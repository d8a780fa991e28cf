/*
 * services/rootmgr/symtab.c - read an image's compact symbol table and walk a faulted
 * stack's frame pointers (symtab.h; the format is in image/symtab/mksym.py).
 *
 * Everything is bounds-checked against the bytes given: the table comes from the boot
 * store and the stack from a process that just crashed, and either may be garbage.
 *
 * Layer: services (root manager).
 */
#include "symtab.h"

#include <string.h>

#define HEAD 24
#define FUNC 12

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t rd64(const uint8_t *p) { return rd32(p) | (uint64_t)rd32(p + 4) << 32; }

int symtab_open(struct symtab *t, const void *buf, size_t len)
{
    const uint8_t *b = buf;
    if (len < HEAD || memcmp(b, "SOSSYM1", 8))
        return -1;
    uint64_t nf = rd32(b + 8), ll = rd32(b + 12), sl = rd32(b + 16);
    if (HEAD + nf * FUNC + ll + sl != len || sl == 0 || b[len - 1] != 0)
        return -1;
    *t = (struct symtab){b + HEAD, b + HEAD + nf * FUNC, (const char *)b + HEAD + nf * FUNC + ll,
                         (uint32_t)nf, (uint32_t)ll, (uint32_t)sl};
    for (uint32_t i = 0; i < t->nfuncs; i++)
        if (rd32(t->funcs + i * FUNC + 8) >= t->str_len)
            return -1;
    return 0;
}

static const char *str_at(const struct symtab *t, uint64_t off)
{
    return off < t->str_len ? t->strs + off : NULL; /* the last byte is a NUL: checked */
}

/* The last function starting at or below addr (binary search), if it holds addr. */
static void find_func(const struct symtab *t, uint64_t addr, struct sym_loc *out)
{
    uint32_t lo = 0, hi = t->nfuncs;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (rd32(t->funcs + mid * FUNC) <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return;
    const uint8_t *f = t->funcs + (lo - 1) * FUNC;
    uint64_t start = rd32(f), size = rd32(f + 4);
    if (addr < start + size) {
        out->func = str_at(t, rd32(f + 8));
        out->off = addr - start;
    }
}

/* One unsigned LEB128 from p[*i..n); false when it runs off the end or is too long. */
static bool uleb(const uint8_t *p, uint32_t n, uint32_t *i, uint64_t *v)
{
    *v = 0;
    for (unsigned shift = 0; *i < n && shift < 64; shift += 7) {
        uint8_t b = p[(*i)++];
        *v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80))
            return true;
    }
    return false;
}

/* Run the line program up to addr: the last row at or below it. */
static void find_line(const struct symtab *t, uint64_t addr, struct sym_loc *out)
{
    uint64_t a = 0, line = 0, v, d;
    const char *file = NULL;
    uint32_t i = 0;
    while (i < t->lines_len && uleb(t->lines, t->lines_len, &i, &v)) {
        if (v & 1) {
            file = str_at(t, v >> 1);
            continue;
        }
        if (!uleb(t->lines, t->lines_len, &i, &d) || a + (v >> 1) > addr)
            break;
        a += v >> 1;
        line += (d & 1) ? -(int64_t)((d + 1) >> 1) : (int64_t)(d >> 1);
        out->file = line && file && file[0] ? file : NULL;
        out->line = out->file ? (uint32_t)line : 0;
    }
}

bool symtab_lookup(const struct symtab *t, uint64_t addr, struct sym_loc *out)
{
    *out = (struct sym_loc){0};
    find_func(t, addr, out);
    find_line(t, addr, out);
    return out->func || out->file;
}

unsigned bt_walk(const struct bt_stack *s, uint64_t pc, uint64_t fp, uint64_t *pcs,
                 unsigned max)
{
    unsigned n = 0;
    if (max == 0)
        return 0;
    pcs[n++] = pc;
    while (n < max && !(fp & 7) && fp >= s->addr && fp - s->addr <= (uint64_t)s->len &&
           s->len - (fp - s->addr) >= 16) {
        const uint8_t *f = s->bytes + (fp - s->addr);
        uint64_t next = rd64(f), ret = rd64(f + 8);
        if (ret == 0)
            break;
        pcs[n++] = ret;
        if (next <= fp) /* a chain must climb: this also ends every loop */
            break;
        fp = next;
    }
    return n;
}
