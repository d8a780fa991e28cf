/*
 * core/obj/handle.c - handle records, handle tables and revocation.
 *
 * Handle values. A value is ((slot + 1) << 12) | gen: the slot's index in the process's
 * table, plus one so that no valid value is 0 (SOS_HANDLE_INVALID), in the upper 20
 * bits, and the slot's generation in the low 12. Every slot carries a generation in
 * 1..4095 (never 0), bumped each time the slot is emptied (htable_take). A lookup
 * (slot_of) accepts a value only if its slot is in range, occupied, and of the same
 * generation; so a closed or moved handle's value fails with BAD_HANDLE even when its
 * slot already holds something new, until that one slot has been reused 4095 times, and
 * a guessed value hits only by luck of 1 in 4095. Free slots form a list through
 * next_free (index + 1, 0 ends it); a freed slot goes to its head and is reused first,
 * which keeps tables small, while the generation keeps the reuse harmless. Tables grow
 * by doubling up to HTABLE_MAX slots; htable_reserve lets a call grow first and then
 * install without failing.
 *
 * htable_get is the one rights check in the core: every syscall looks its handles up
 * through it (and a denial is audited there).
 *
 * Layer: core objects.
 */
#include "obj/handle.h"

#include "audit.h"
#include "mm/heap.h"
#include "proc/process.h"

#define SLOT_BITS 20u
#define GEN_BITS 12u
#define GEN_MASK ((1u << GEN_BITS) - 1)

static struct kcache *g_handle_cache;
static struct kcache *g_revoker_cache;

static void revoker_destroy(struct object *o);
static const struct obj_ops g_revoker_ops = {"revoker", revoker_destroy, NULL};

static void handle_caches_init(void)
{
    if (!g_handle_cache) {
        g_handle_cache = kcache_create("handle", sizeof(struct handle));
        g_revoker_cache = kcache_create("revoker", sizeof(struct revoker));
        g_obj_bytes[SOS_OBJ_REVOKER] = kcache_obj_size(g_revoker_cache);
    }
}

static void rev_link(struct handle *h, struct revoker *r)
{
    h->rev = r;
    list_init(&h->rev_node);
    if (r) {
        obj_ref(&r->obj);
        list_add_tail(&r->handles, &h->rev_node);
    }
}

struct handle *handle_new(struct object *o, sos_rights_t rights)
{
    handle_caches_init();
    struct handle *h = kcache_alloc(g_handle_cache);
    if (!h)
        return NULL;
    h->obj = o;
    h->rights = rights;
    rev_link(h, NULL);
    obj_ref(o);
    o->handles++;
    g_kstats.handles++;
    return h;
}

struct handle *handle_derive(const struct handle *src, sos_rights_t rights)
{
    ASSERT(!src->revoked);
    struct handle *h = handle_new(src->obj, rights);
    if (h && src->rev)
        rev_link(h, src->rev);
    return h;
}

/* Drop the object side of a handle (close or revoke). */
static void handle_drop_object(struct handle *h)
{
    struct object *o = h->obj;
    if (!o)
        return;
    h->obj = NULL;
    ASSERT(o->handles > 0);
    if (--o->handles == 0 && o->ops->on_zero_handles)
        o->ops->on_zero_handles(o);
    obj_unref(o);
}

static void handle_unlink_rev(struct handle *h)
{
    struct revoker *r = h->rev;
    if (!r)
        return;
    list_remove(&h->rev_node);
    h->rev = NULL;
    obj_unref(&r->obj);
}

void handle_free(struct handle *h)
{
    handle_unlink_rev(h);
    handle_drop_object(h);
    g_kstats.handles--;
    kcache_free(g_handle_cache, h);
}

/* ---- tables */

static inline uint32_t value_slot(sos_handle_t v) { return (v >> GEN_BITS) - 1; }
static inline sos_handle_t make_value(uint32_t slot, uint32_t gen)
{
    return ((slot + 1) << GEN_BITS) | gen;
}

void htable_init(struct htable *t) { *t = (struct htable){0}; }

static int htable_grow(struct htable *t)
{
    uint32_t ncap = t->cap ? t->cap * 2 : 32;
    if (ncap > HTABLE_MAX)
        ncap = HTABLE_MAX;
    if (ncap <= t->cap)
        return SOS_ERR_NO_RESOURCES;
    struct hslot *ns = kmalloc(ncap * sizeof(*ns));
    if (!ns)
        return SOS_ERR_NO_MEMORY;
    if (t->slots)
        memcpy(ns, t->slots, t->cap * sizeof(*ns));
    /* new slots go on the free list in index order */
    for (uint32_t i = ncap; i-- > t->cap;) {
        ns[i].gen = 1;
        ns[i].next_free = t->free_head;
        t->free_head = i + 1;
    }
    kfree(t->slots);
    t->slots = ns;
    t->cap = ncap;
    return 0;
}

uint32_t htable_room(const struct htable *t);

int htable_reserve(struct htable *t, uint32_t n)
{
    if (n > htable_room(t))
        return SOS_ERR_NO_RESOURCES;
    while (t->cap - t->count < n) {
        int err = htable_grow(t);
        if (err)
            return err;
    }
    return 0;
}

uint32_t htable_room(const struct htable *t) { return HTABLE_MAX - t->count; }

int htable_install(struct htable *t, struct handle *h, sos_handle_t *value)
{
    if (!t->free_head) {
        int err = htable_grow(t);
        if (err)
            return err;
    }
    uint32_t i = t->free_head - 1;
    struct hslot *s = &t->slots[i];
    t->free_head = s->next_free;
    s->next_free = 0;
    s->h = h;
    t->count++;
    *value = make_value(i, s->gen);
    return 0;
}

static struct hslot *slot_of(struct htable *t, sos_handle_t v)
{
    uint32_t i = value_slot(v);
    if (v == 0 || i >= t->cap)
        return NULL;
    struct hslot *s = &t->slots[i];
    if (!s->h || s->gen != (v & GEN_MASK))
        return NULL;
    return s;
}

struct handle *htable_peek(struct htable *t, sos_handle_t v)
{
    struct hslot *s = slot_of(t, v);
    return s ? s->h : NULL;
}

int htable_get(struct htable *t, sos_handle_t v, uint32_t kind, sos_rights_t rights,
               struct handle **out)
{
    struct hslot *s = slot_of(t, v);
    if (!s)
        return SOS_ERR_BAD_HANDLE;
    struct handle *h = s->h;
    if (h->revoked)
        return SOS_ERR_REVOKED;
    if (kind != SOS_OBJ_NONE && h->obj->kind != kind)
        return SOS_ERR_WRONG_TYPE;
    if ((h->rights & rights) != rights) {
        audit_log(SOS_AUDIT_DENIED, h->obj, 0, rights, SOS_ERR_ACCESS_DENIED);
        return SOS_ERR_ACCESS_DENIED;
    }
    *out = h;
    return 0;
}

struct handle *htable_take(struct htable *t, sos_handle_t v)
{
    struct hslot *s = slot_of(t, v);
    if (!s)
        return NULL;
    struct handle *h = s->h;
    s->h = NULL;
    s->gen = (s->gen % GEN_MASK) + 1; /* 1..4095, never 0 */
    s->next_free = t->free_head;
    t->free_head = (uint32_t)(s - t->slots) + 1;
    t->count--;
    return h;
}

void htable_destroy(struct htable *t)
{
    for (uint32_t i = 0; i < t->cap; i++) {
        struct handle *h = t->slots[i].h;
        if (h) {
            t->slots[i].h = NULL;
            t->count--;
            handle_free(h);
        }
    }
    kfree(t->slots);
    *t = (struct htable){0};
}

/* ---- revokers */

struct revoker *revoker_new(void)
{
    handle_caches_init();
    struct revoker *r = kcache_alloc(g_revoker_cache);
    if (!r)
        return NULL;
    obj_init(&r->obj, SOS_OBJ_REVOKER, &g_revoker_ops);
    list_init(&r->handles);
    list_init(&r->children);
    list_init(&r->child_node);
    return r;
}

static void revoker_destroy(struct object *o)
{
    struct revoker *r = (struct revoker *)o;
    ASSERT(list_empty(&r->handles) && list_empty(&r->children));
    if (r->parent) {
        list_remove(&r->child_node);
        obj_unref(&r->parent->obj);
    }
    kcache_free(g_revoker_cache, r);
}

void revoker_revoke(struct revoker *r)
{
    obj_ref(&r->obj); /* keep r alive while its handles let go of it */
    r->revoked = true;
    struct list_node *n;
    while ((n = list_pop_head(&r->handles))) {
        struct handle *h = list_entry(n, struct handle, rev_node);
        list_init(&h->rev_node);
        h->rev = NULL;
        h->revoked = true;
        audit_log(SOS_AUDIT_REVOKE, h->obj, r->obj.koid, h->rights, 0);
        handle_drop_object(h);
        obj_unref(&r->obj);
    }
    struct list_node *c, *t;
    list_for_each_safe(c, t, &r->children) {
        struct revoker *child = list_entry(c, struct revoker, child_node);
        obj_ref(&child->obj);
        revoker_revoke(child);
        obj_unref(&child->obj);
    }
    obj_unref(&r->obj);
}

struct handle *handle_mint(const struct handle *h, struct revoker *r, sos_rights_t rights,
                           int *err)
{
    if (r->revoked) {
        *err = SOS_ERR_BAD_STATE;
        return NULL;
    }
    struct revoker *parent = h->rev;
    if (parent && parent != r) {
        /* r joins the chain below the source's revoker: revoking that reaches r too */
        if (r->parent && r->parent != parent) {
            *err = SOS_ERR_BAD_STATE;
            return NULL;
        }
        for (struct revoker *a = parent; a; a = a->parent)
            if (a == r) {
                *err = SOS_ERR_BAD_STATE; /* would make a cycle */
                return NULL;
            }
        if (!r->parent) {
            r->parent = parent;
            obj_ref(&parent->obj);
            list_add_tail(&parent->children, &r->child_node);
        }
    }
    struct handle *nh = handle_new(h->obj, rights);
    if (!nh) {
        *err = SOS_ERR_NO_MEMORY;
        return NULL;
    }
    rev_link(nh, r);
    return nh;
}
