/*
 * manifest_stop.c - the order a set of services is stopped in (power-off, reboot).
 *
 * A service is stopped before the services it needs: those of its depends= and grant=
 * lines and storage for a storage/<path> resource (the edges that order the start),
 * and also those of its lookup= lines, which order no start (a lookup is made at run
 * time) but matter at the stop: a service still running calls what it looked up, and
 * finding it gone it would look it up again from the root manager, which is busy
 * stopping services and cannot answer.
 *
 * Start edges never form a cycle (manifest_plan refuses them); lookups may (two
 * services that look each other up, or a lookup against a dependency). Such a cycle
 * is broken the same way every time: the lookup edges are added to the start edges
 * one by one, the services' in the reverse of the start plan, each service's in the
 * order of its lines, and a lookup that would close a cycle with the edges taken so
 * far is left out. So a start edge always wins over a lookup, and between two
 * services that look each other up the later started is stopped first. Among the
 * services free to stop, the later started goes first: without lookups the order is
 * the reverse of the start plan, as before.
 *
 * The transitive closure is kept as one 64-bit row per service (MANIFEST_MAX_SERVICES
 * is 64), so adding an edge and testing for a cycle cost a pass over the rows.
 *
 * Layer: common (freestanding; built for userspace and the host tools).
 */
#include "manifest_impl.h"

_Static_assert(MANIFEST_MAX_SERVICES <= 64, "one uint64_t row per service");

/* reach[x]: the services x needs, directly or not. */
struct closure {
    uint32_t n;
    uint64_t reach[MANIFEST_MAX_SERVICES];
};

static bool needs(const struct closure *c, uint32_t u, uint32_t v)
{
    return (c->reach[u] >> v) & 1u;
}

/* Adds u -> v (u needs v) unless it closes a cycle. Returns false when left out. */
static bool add_edge(struct closure *c, int u, int v)
{
    if (u < 0 || v < 0 || (uint32_t)u >= c->n || (uint32_t)v >= c->n || u == v ||
        needs(c, (uint32_t)v, (uint32_t)u))
        return false;
    uint64_t gained = c->reach[v] | (1ull << v);
    for (uint32_t x = 0; x < c->n; x++)
        if (x == (uint32_t)u || needs(c, x, (uint32_t)u))
            c->reach[x] |= gained;
    return true;
}

/* The start edges of service i: depends=, grant=, storage for a storage resource. */
static void add_start_edges(struct closure *c, const struct manifest_set *set, uint32_t i)
{
    const struct manifest *m = &set->svc[i];
    for (unsigned k = 0; k < m->n_depends; k++)
        add_edge(c, (int)i, manifest_find(set, m->depends[k].name));
    for (unsigned k = 0; k < m->n_grants; k++)
        add_edge(c, (int)i, manifest_find(set, m->grants[k].service));
    if (manifest_storage_resource(m) >= 0)
        add_edge(c, (int)i, manifest_find(set, MANIFEST_STORAGE_SERVICE));
}

uint32_t manifest_stop_order(const struct manifest_set *set, const struct manifest_plan *plan,
                             uint8_t *order)
{
    struct closure c = {.n = plan->count <= set->count ? plan->count : set->count};
    for (uint32_t i = 0; i < c.n; i++)
        add_start_edges(&c, set, i);
    for (uint32_t k = plan->count; k-- > 0;) {
        uint32_t i = plan->order[k];
        for (unsigned l = 0; i < c.n && l < set->svc[i].n_lookups; l++)
            add_edge(&c, (int)i, manifest_find(set, set->svc[i].lookups[l].service));
    }
    /* repeatedly: the latest started of the services no remaining service needs */
    uint64_t left = 0;
    for (uint32_t k = 0; k < plan->count; k++)
        if (plan->order[k] < c.n)
            left |= 1ull << plan->order[k];
    uint32_t n = 0;
    while (left) {
        uint64_t needed = 0;
        for (uint32_t x = 0; x < c.n; x++)
            if ((left >> x) & 1u)
                needed |= c.reach[x];
        uint64_t before = left;
        for (uint32_t k = plan->count; k-- > 0 && left == before;) {
            uint32_t i = plan->order[k];
            if (i < c.n && ((left >> i) & 1u) && !((needed >> i) & 1u)) {
                order[n++] = (uint8_t)i;
                left &= ~(1ull << i);
            }
        }
        if (left == before) /* cannot happen: the closure has no cycle */
            break;
    }
    return n;
}
