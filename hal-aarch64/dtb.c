/*
 * hal-aarch64/dtb.c - the validating device-tree reader (see dtb.h).
 *
 * Two layers: dtb_open() validates the header and walks every token once; the
 * navigation functions below it trust that walk and stay simple. Everything is
 * bounded: nesting by DTB_MAX_DEPTH, translation by the depth, lookups by the blob.
 *
 * Layer: hal-aarch64, platform-neutral (also built for the host unit tests).
 */
#include "dtb.h"

#define TOK_BEGIN_NODE 1u
#define TOK_END_NODE 2u
#define TOK_PROP 3u
#define TOK_NOP 4u
#define TOK_END 9u
#define HEADER_SIZE 40u

uint32_t dtb_be32(const void *p)
{
    const uint8_t *b = p;
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

uint64_t dtb_cells(const void *p, unsigned ncells)
{
    const uint8_t *b = p;
    uint64_t v = 0;
    for (unsigned i = 0; i < ncells; i++)
        v = v << 32 | dtb_be32(b + 4 * i);
    return v;
}

static bool str_eq(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

/* `n` bytes of a equal the NUL-terminated b. */
static bool str_eq_n(const char *a, size_t n, const char *b)
{
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i] || !b[i])
            return false;
    return b[n] == 0;
}

/* Length of a string within [s, s+max), or -1 when it has no NUL there. */
static long str_len_in(const char *s, uint32_t max)
{
    for (uint32_t i = 0; i < max; i++)
        if (!s[i])
            return (long)i;
    return -1;
}

static uint32_t align4(uint32_t x) { return (x + 3u) & ~3u; }

/* ---------------------------------------------------------------- validation */

static int bad(const char **why, const char *msg)
{
    *why = msg;
    return -1;
}

static bool range_ok(uint32_t off, uint32_t len, uint32_t total)
{
    return off <= total && len <= total - off;
}

static int check_header(struct dtb *d, const uint8_t *b, size_t avail, const char **why)
{
    if (!b || avail < HEADER_SIZE)
        return bad(why, "the blob is smaller than a device-tree header");
    if (dtb_be32(b) != DTB_MAGIC)
        return bad(why, "bad magic (not a device tree)");
    uint32_t total = dtb_be32(b + 4);
    if (total < HEADER_SIZE || total > avail)
        return bad(why, "totalsize is larger than the blob (truncated)");
    d->base = b;
    d->size = total;
    d->off_struct = dtb_be32(b + 8);
    d->off_strings = dtb_be32(b + 12);
    d->off_rsvmap = dtb_be32(b + 16);
    uint32_t version = dtb_be32(b + 20), last_comp = dtb_be32(b + 24);
    d->size_strings = dtb_be32(b + 32);
    d->size_struct = dtb_be32(b + 36);
    if (version < 17 || last_comp > 17)
        return bad(why, "unsupported version (need 17, compatible with 16)");
    if (!range_ok(d->off_struct, d->size_struct, total) || (d->off_struct & 3) ||
        (d->size_struct & 3) || d->off_struct < HEADER_SIZE)
        return bad(why, "the structure block lies outside the blob");
    if (!range_ok(d->off_strings, d->size_strings, total) || d->off_strings < HEADER_SIZE)
        return bad(why, "the strings block lies outside the blob");
    if (d->off_rsvmap < HEADER_SIZE || (d->off_rsvmap & 7) || d->off_rsvmap > total)
        return bad(why, "the memory reservation block lies outside the blob");
    for (uint32_t o = d->off_rsvmap;; o += 16) {
        if (!range_ok(o, 16, total))
            return bad(why, "the memory reservation block is not terminated");
        if (!dtb_cells(b + o, 2) && !dtb_cells(b + o + 8, 2))
            break;
    }
    return 0;
}

static int check_prop(const struct dtb *d, uint32_t *pos, const char **why)
{
    const uint8_t *s = d->base + d->off_struct;
    if (!range_ok(*pos, 8, d->size_struct))
        return bad(why, "a property header runs past the structure block");
    uint32_t len = dtb_be32(s + *pos), nameoff = dtb_be32(s + *pos + 4);
    *pos += 8;
    if (!range_ok(*pos, len, d->size_struct))
        return bad(why, "a property value runs past the structure block");
    if (nameoff >= d->size_strings)
        return bad(why, "a property name offset lies outside the strings block");
    const char *name = (const char *)d->base + d->off_strings + nameoff;
    if (str_len_in(name, d->size_strings - nameoff) < 0)
        return bad(why, "a property name is not terminated inside the strings block");
    *pos = align4(*pos + len);
    return 0;
}

static int check_structure(struct dtb *d, const char **why)
{
    const uint8_t *s = d->base + d->off_struct;
    uint32_t pos = 0;
    int depth = 0;
    bool root_done = false;
    for (;;) {
        if (!range_ok(pos, 4, d->size_struct))
            return bad(why, "the structure block has no END token");
        uint32_t tok = dtb_be32(s + pos);
        uint32_t at = pos;
        pos += 4;
        if (tok == TOK_NOP)
            continue;
        if (tok == TOK_END) {
            if (depth != 0 || !root_done)
                return bad(why, "the structure block ends inside a node");
            return 0;
        }
        if (tok == TOK_BEGIN_NODE) {
            if (root_done)
                return bad(why, "a node follows the root node");
            if (depth == 0)
                d->root = at;
            if (++depth > DTB_MAX_DEPTH)
                return bad(why, "nodes are nested too deeply (a loop?)");
            long n = str_len_in((const char *)s + pos, d->size_struct - pos);
            if (n < 0)
                return bad(why, "a node name is not terminated");
            if (depth == 1 && n != 0)
                return bad(why, "the root node has a name");
            pos = align4(pos + (uint32_t)n + 1);
        } else if (tok == TOK_END_NODE) {
            if (depth == 0)
                return bad(why, "END_NODE without a node");
            if (--depth == 0)
                root_done = true;
        } else if (tok == TOK_PROP) {
            if (depth == 0)
                return bad(why, "a property outside any node");
            if (check_prop(d, &pos, why))
                return -1;
        } else {
            return bad(why, "an unknown token in the structure block");
        }
    }
}

int dtb_open(struct dtb *d, const void *blob, size_t avail, const char **why)
{
    const char *dummy;
    if (!why)
        why = &dummy;
    *why = "";
    d->ph_cache[0] = d->ph_cache[1] = 0;
    if (check_header(d, blob, avail, why))
        return -1;
    return check_structure(d, why);
}

/* ---------------------------------------------------------------- navigation */

static const uint8_t *sblk(const struct dtb *d) { return d->base + d->off_struct; }
static uint32_t tok_at(const struct dtb *d, uint32_t pos) { return dtb_be32(sblk(d) + pos); }

/* Position after a BEGIN_NODE token and its name. */
static uint32_t after_name(const struct dtb *d, uint32_t node)
{
    const char *name = (const char *)sblk(d) + node + 4;
    uint32_t n = 0;
    while (name[n])
        n++;
    return align4(node + 4 + n + 1);
}

/* Position after the token at pos (a validated blob: always inside it). */
static uint32_t skip_token(const struct dtb *d, uint32_t pos)
{
    uint32_t tok = tok_at(d, pos);
    if (tok == TOK_BEGIN_NODE)
        return after_name(d, pos);
    if (tok == TOK_PROP)
        return align4(pos + 12 + dtb_be32(sblk(d) + pos + 4));
    return pos + 4;
}

int dtb_root(const struct dtb *d) { return (int)d->root; }

const char *dtb_name(const struct dtb *d, int node)
{
    return (const char *)sblk(d) + node + 4;
}

int dtb_first_child(const struct dtb *d, int node)
{
    uint32_t pos = after_name(d, (uint32_t)node);
    for (;;) {
        uint32_t tok = tok_at(d, pos);
        if (tok == TOK_BEGIN_NODE)
            return (int)pos;
        if (tok != TOK_PROP && tok != TOK_NOP)
            return -1;
        pos = skip_token(d, pos);
    }
}

/* Position just after the END_NODE that closes `node`. */
static uint32_t node_end(const struct dtb *d, uint32_t node)
{
    uint32_t pos = after_name(d, node);
    int depth = 1;
    while (depth > 0) {
        uint32_t tok = tok_at(d, pos);
        if (tok == TOK_BEGIN_NODE)
            depth++;
        else if (tok == TOK_END_NODE)
            depth--;
        pos = skip_token(d, pos);
    }
    return pos;
}

int dtb_next_sibling(const struct dtb *d, int node)
{
    if (node < 0 || (uint32_t)node == d->root)
        return -1;
    uint32_t pos = node_end(d, (uint32_t)node);
    for (;;) {
        uint32_t tok = tok_at(d, pos);
        if (tok == TOK_BEGIN_NODE)
            return (int)pos;
        if (tok != TOK_NOP && tok != TOK_PROP)
            return -1;
        pos = skip_token(d, pos);
    }
}

int dtb_parent(const struct dtb *d, int node)
{
    uint32_t stack[DTB_MAX_DEPTH];
    int depth = 0;
    for (uint32_t pos = d->root;;) {
        uint32_t tok = tok_at(d, pos);
        if (tok == TOK_END)
            return -1;
        if (tok == TOK_BEGIN_NODE) {
            if (pos == (uint32_t)node)
                return depth ? (int)stack[depth - 1] : -1;
            stack[depth++] = pos;
        } else if (tok == TOK_END_NODE) {
            depth--;
        }
        pos = skip_token(d, pos);
    }
}

const void *dtb_prop(const struct dtb *d, int node, const char *name, uint32_t *len)
{
    if (node < 0)
        return NULL;
    for (uint32_t pos = after_name(d, (uint32_t)node);; pos = skip_token(d, pos)) {
        uint32_t tok = tok_at(d, pos);
        if (tok == TOK_NOP)
            continue;
        if (tok != TOK_PROP)
            return NULL;
        uint32_t plen = dtb_be32(sblk(d) + pos + 4);
        const char *pname = (const char *)d->base + d->off_strings + dtb_be32(sblk(d) + pos + 8);
        if (str_eq(pname, name)) {
            if (len)
                *len = plen;
            return sblk(d) + pos + 12;
        }
    }
}

uint32_t dtb_prop_u32(const struct dtb *d, int node, const char *name, uint32_t dflt)
{
    uint32_t len;
    const void *p = dtb_prop(d, node, name, &len);
    return p && len == 4 ? dtb_be32(p) : dflt;
}

const char *dtb_prop_str(const struct dtb *d, int node, const char *name)
{
    uint32_t len;
    const char *p = dtb_prop(d, node, name, &len);
    if (!p || len == 0 || p[len - 1] != 0)
        return NULL;
    return p;
}

bool dtb_is_compatible(const struct dtb *d, int node, const char *compat)
{
    uint32_t len;
    const char *p = dtb_prop(d, node, "compatible", &len);
    if (!p)
        return false;
    for (uint32_t i = 0; i < len;) {
        long n = str_len_in(p + i, len - i);
        if (n < 0)
            return false;
        if (str_eq(p + i, compat))
            return true;
        i += (uint32_t)n + 1;
    }
    return false;
}

bool dtb_is_enabled(const struct dtb *d, int node)
{
    const char *s = dtb_prop_str(d, node, "status");
    return !s || str_eq(s, "okay") || str_eq(s, "ok");
}

int dtb_find_compatible(const struct dtb *d, int after, const char *compat)
{
    uint32_t pos = after < 0 ? d->root : skip_token(d, (uint32_t)after);
    for (;; pos = skip_token(d, pos)) {
        uint32_t tok = tok_at(d, pos);
        if (tok == TOK_END)
            return -1;
        if (tok == TOK_BEGIN_NODE && dtb_is_compatible(d, (int)pos, compat))
            return (int)pos;
    }
}

int dtb_find_phandle(const struct dtb *d, uint32_t phandle)
{
    if (phandle == 0 || phandle == 0xffffffffu)
        return -1;
    if (d->ph_cache[0] == phandle && d->ph_cache[1]) /* interrupt parents repeat */
        return (int)d->ph_cache[1] - 1;
    for (uint32_t pos = d->root;; pos = skip_token(d, pos)) {
        uint32_t tok = tok_at(d, pos);
        if (tok == TOK_END)
            return -1;
        if (tok != TOK_BEGIN_NODE)
            continue;
        uint32_t ph = dtb_prop_u32(d, (int)pos, "phandle", 0);
        if (!ph)
            ph = dtb_prop_u32(d, (int)pos, "linux,phandle", 0);
        if (ph == phandle) {
            struct dtb *w = (struct dtb *)d; /* the cache only: the blob is untouched */
            w->ph_cache[0] = phandle;
            w->ph_cache[1] = pos + 1;
            return (int)pos;
        }
    }
}

/* A child of `node` named by the path component [c, c+n). */
static int find_child(const struct dtb *d, int node, const char *c, size_t n)
{
    bool has_unit = false;
    for (size_t i = 0; i < n; i++)
        has_unit |= c[i] == '@';
    for (int ch = dtb_first_child(d, node); ch >= 0; ch = dtb_next_sibling(d, ch)) {
        const char *name = dtb_name(d, ch);
        if (str_eq_n(c, n, name))
            return ch;
        if (!has_unit) { /* "memory" matches "memory@40000000" */
            size_t k = 0;
            while (k < n && name[k] == c[k])
                k++;
            if (k == n && name[k] == '@')
                return ch;
        }
    }
    return -1;
}

int dtb_find_path(const struct dtb *d, const char *path, size_t len)
{
    if (len == 0 || path[0] != '/')
        return -1;
    int node = (int)d->root;
    size_t i = 1;
    while (i < len && node >= 0) {
        size_t j = i;
        while (j < len && path[j] != '/')
            j++;
        if (j > i)
            node = find_child(d, node, path + i, j - i);
        i = j + 1;
    }
    return node;
}

unsigned dtb_rsv_count(const struct dtb *d)
{
    unsigned n = 0;
    for (uint32_t o = d->off_rsvmap;; o += 16, n++)
        if (!dtb_cells(d->base + o, 2) && !dtb_cells(d->base + o + 8, 2))
            return n;
}

void dtb_rsv_get(const struct dtb *d, unsigned i, uint64_t *addr, uint64_t *size)
{
    *addr = dtb_cells(d->base + d->off_rsvmap + 16 * i, 2);
    *size = dtb_cells(d->base + d->off_rsvmap + 16 * i + 8, 2);
}

uint32_t dtb_addr_cells(const struct dtb *d, int bus)
{
    return dtb_prop_u32(d, bus, "#address-cells", 2);
}

uint32_t dtb_size_cells(const struct dtb *d, int bus)
{
    return dtb_prop_u32(d, bus, "#size-cells", 1);
}

/* Translate a bus address of `bus`'s children into its parent's space. */
static int translate_once(const struct dtb *d, int bus, uint64_t *addr)
{
    uint32_t len;
    const uint8_t *r = dtb_prop(d, bus, "ranges", &len);
    if (!r)
        return -1; /* no ranges: the bus is not memory mapped */
    if (len == 0)
        return 0; /* identity */
    int parent = dtb_parent(d, bus);
    uint32_t cac = dtb_addr_cells(d, bus), csc = dtb_size_cells(d, bus);
    uint32_t pac = parent >= 0 ? dtb_addr_cells(d, parent) : 2;
    if (cac == 0 || cac > 2 || pac == 0 || pac > 2 || csc > 2)
        return -1;
    uint32_t entry = 4 * (cac + pac + csc);
    for (uint32_t o = 0; o + entry <= len; o += entry) {
        uint64_t child = dtb_cells(r + o, cac), par = dtb_cells(r + o + 4 * cac, pac);
        uint64_t size = dtb_cells(r + o + 4 * (cac + pac), csc);
        if (*addr >= child && *addr - child < size) {
            *addr = *addr - child + par;
            return 0;
        }
    }
    return -1;
}

int dtb_reg(const struct dtb *d, int node, unsigned i, uint64_t *addr, uint64_t *size)
{
    int parent = dtb_parent(d, node);
    if (parent < 0)
        return -1;
    uint32_t ac = dtb_addr_cells(d, parent), sc = dtb_size_cells(d, parent), len;
    if (ac == 0 || ac > 2 || sc > 2)
        return -1;
    const uint8_t *r = dtb_prop(d, node, "reg", &len);
    uint32_t entry = 4 * (ac + sc);
    if (!r || (uint64_t)(i + 1) * entry > len)
        return -1;
    *addr = dtb_cells(r + i * entry, ac);
    *size = dtb_cells(r + i * entry + 4 * ac, sc);
    for (int bus = parent; bus >= 0 && (uint32_t)bus != d->root; bus = dtb_parent(d, bus))
        if (translate_once(d, bus, addr))
            return -1;
    return 0;
}
