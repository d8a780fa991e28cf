/*
 * manifest_check.c - a set of manifests as a whole: validation and start waves.
 *
 * Validation looks for what no single manifest can show: two services with one name,
 * two providers of one endpoint, an image the bundle does not hold, a name in depends=,
 * grant= or lookup= that no service has (with a "did you mean"), a storage/<path>
 * resource in a set without the storage service, and cycles. A service needs the
 * services in its depends= and grant= lines to be ready before it starts (a grant hands
 * it their endpoint), and storage when it has a storage/<path> resource (the root
 * manager opens the directory at start); lookup= is resolved later, at run time, so it orders
 * nothing. The root manager ("rootmgr") needs no manifest to be named: it is running
 * before anything starts, so a reference to it orders nothing either. One depth-first
 * walk over the remaining edges finds a cycle, and names it in full,
 * or gives each service its wave: 0 with no dependencies, else one past its latest
 * dependency.
 *
 * Layer: common (freestanding; built for userspace and the host tools).
 */
#include "manifest_impl.h"

#include <sos/errors.h>

int manifest_find(const struct manifest_set *set, const char *name)
{
    for (uint32_t i = 0; i < set->count; i++)
        if (m_streq(set->svc[i].name, name))
            return (int)i;
    return -1;
}

int manifest_storage_resource(const struct manifest *m)
{
    for (unsigned i = 0; i < m->n_resources; i++)
        if (m->resource_dir[i])
            return (int)i;
    return -1;
}

/* Target of dependency edge e of service i (depends first, then grants, then storage
 * for a storage resource), or -1. */
static int edge_target(const struct manifest_set *set, uint32_t i, unsigned e)
{
    const struct manifest *m = &set->svc[i];
    if (e < m->n_depends)
        return manifest_find(set, m->depends[e].name);
    if (e < (unsigned)m->n_depends + m->n_grants)
        return manifest_find(set, m->grants[e - m->n_depends].service);
    return manifest_find(set, MANIFEST_STORAGE_SERVICE);
}

static unsigned edge_count(const struct manifest *m)
{
    return (unsigned)m->n_depends + m->n_grants + (manifest_storage_resource(m) >= 0);
}

static int check_duplicates(const struct manifest_set *set, struct errmsg *err)
{
    for (uint32_t i = 0; i < set->count; i++) {
        const struct manifest *m = &set->svc[i];
        for (uint32_t j = 0; j < i; j++)
            if (m_streq(set->svc[j].name, m->name))
                return errmsg_at(err, SOS_ERR_ALREADY_EXISTS, m->file, m->line,
                                 "duplicate service '%s' (first defined at %s:%u)", m->name,
                                 set->svc[j].file, set->svc[j].line);
    }
    return 0;
}

static int check_provides(const struct manifest_set *set, struct errmsg *err)
{
    for (uint32_t i = 0; i < set->count; i++)
        for (unsigned a = 0; a < set->svc[i].n_provides; a++) {
            const struct manifest_ref *r = &set->svc[i].provides[a];
            for (uint32_t j = 0; j <= i; j++)
                for (unsigned b = 0; b < set->svc[j].n_provides && (j < i || b < a); b++)
                    if (m_streq(set->svc[j].provides[b].name, r->name))
                        return errmsg_at(err, SOS_ERR_ALREADY_EXISTS, set->svc[i].file,
                                         r->line, "endpoint '%s' is provided by both '%s' "
                                         "and '%s'", r->name, set->svc[j].name,
                                         set->svc[i].name);
        }
    return 0;
}

static bool has_image(const char *const *images, size_t n, const char *image)
{
    for (size_t i = 0; i < n; i++)
        if (images[i] && m_streq(images[i], image))
            return true;
    return false;
}

static int check_images(const struct manifest_set *set, const char *const *images, size_t n,
                        struct errmsg *err)
{
    for (uint32_t i = 0; i < set->count; i++) {
        const struct manifest *m = &set->svc[i];
        if (!has_image(images, n, m->image))
            return errmsg_at(err, SOS_ERR_NOT_FOUND, m->file, m->image_line,
                             "service '%s': image '%s' is not in the bundle", m->name,
                             m->image);
    }
    return 0;
}

static int unknown_service(const struct manifest_set *set, const struct manifest *m,
                           const char *how, const char *name, unsigned line, struct errmsg *err)
{
    const char *best = MANIFEST_ROOT_SERVICE;
    unsigned best_d = m_edit_distance(name, MANIFEST_ROOT_SERVICE);
    for (uint32_t i = 0; i < set->count; i++) {
        unsigned d = m_edit_distance(name, set->svc[i].name);
        if (d < best_d) {
            best_d = d;
            best = set->svc[i].name;
        }
    }
    if (m_close_enough(m_strlen(name), best_d))
        return errmsg_at(err, SOS_ERR_NOT_FOUND, m->file, line,
                         "service '%s' %s unknown service '%s' (did you mean '%s'?)", m->name,
                         how, name, best);
    return errmsg_at(err, SOS_ERR_NOT_FOUND, m->file, line,
                     "service '%s' %s unknown service '%s'", m->name, how, name);
}

/* A name a manifest may refer to: a service of the set, or the root manager. */
static bool known(const struct manifest_set *set, const char *name)
{
    return manifest_find(set, name) >= 0 || m_streq(name, MANIFEST_ROOT_SERVICE);
}

static int check_refs(const struct manifest_set *set, struct errmsg *err)
{
    for (uint32_t i = 0; i < set->count; i++) {
        const struct manifest *m = &set->svc[i];
        for (unsigned k = 0; k < m->n_depends; k++)
            if (!known(set, m->depends[k].name))
                return unknown_service(set, m, "depends on", m->depends[k].name,
                                       m->depends[k].line, err);
        for (unsigned k = 0; k < m->n_grants; k++)
            if (!known(set, m->grants[k].service))
                return unknown_service(set, m, "is granted", m->grants[k].service,
                                       m->grants[k].line, err);
        for (unsigned k = 0; k < m->n_lookups; k++)
            if (!known(set, m->lookups[k].service))
                return unknown_service(set, m, "may look up", m->lookups[k].service,
                                       m->lookups[k].line, err);
        int r = manifest_storage_resource(m);
        if (r >= 0 && manifest_find(set, MANIFEST_STORAGE_SERVICE) < 0)
            return errmsg_at(err, SOS_ERR_NOT_FOUND, m->file, m->resource_line[r],
                             "service '%s' has resource '%s', but there is no service '%s' "
                             "to open it", m->name, m->resources[r], MANIFEST_STORAGE_SERVICE);
    }
    return 0;
}

/* Names the cycle that closes at stack[from..depth) -> stack[from]. */
static int report_cycle(const struct manifest_set *set, const uint8_t *stack, unsigned from,
                        unsigned depth, struct errmsg *err)
{
    char text[ERRMSG_MAX];
    size_t n = 0;
    for (unsigned k = from; k <= depth; k++) {
        const char *name = set->svc[stack[k < depth ? k : from]].name;
        if (k > from)
            for (const char *s = " -> "; *s && n + 1 < sizeof text; s++)
                text[n++] = *s;
        for (const char *s = name; *s && n + 1 < sizeof text; s++)
            text[n++] = *s;
    }
    text[n] = 0;
    const struct manifest *m = &set->svc[stack[from]];
    return errmsg_at(err, SOS_ERR_BAD_STATE, m->file, m->line, "cycle: %s", text);
}

enum { WHITE, GREY, BLACK };

/* Depth-first from root: gives every reachable service its wave, or names a cycle. */
static int walk(const struct manifest_set *set, uint32_t root, uint8_t *color, uint8_t *wave,
                struct errmsg *err)
{
    uint8_t stack[MANIFEST_MAX_SERVICES];
    uint8_t next[MANIFEST_MAX_SERVICES];
    unsigned depth = 0;
    stack[0] = (uint8_t)root;
    next[0] = 0;
    color[root] = GREY;
    wave[root] = 0;
    for (;;) {
        uint32_t i = stack[depth];
        if (next[depth] == edge_count(&set->svc[i])) {
            color[i] = BLACK;
            if (depth == 0)
                return 0;
            depth--;
            uint32_t parent = stack[depth];
            if (wave[i] + 1 > wave[parent])
                wave[parent] = (uint8_t)(wave[i] + 1);
            continue;
        }
        int t = edge_target(set, i, next[depth]++);
        if (t < 0 || color[t] == BLACK) {
            if (t >= 0 && wave[t] + 1 > wave[i])
                wave[i] = (uint8_t)(wave[t] + 1);
            continue;
        }
        if (color[t] == GREY) {
            unsigned from = 0;
            while (stack[from] != t)
                from++;
            return report_cycle(set, stack, from, depth + 1, err);
        }
        color[t] = GREY;
        wave[t] = 0;
        depth++;
        stack[depth] = (uint8_t)t;
        next[depth] = 0;
    }
}

static int compute_waves(const struct manifest_set *set, uint8_t *wave, struct errmsg *err)
{
    uint8_t color[MANIFEST_MAX_SERVICES] = {0};
    for (uint32_t i = 0; i < set->count; i++) {
        if (color[i] != WHITE)
            continue;
        int rc = walk(set, i, color, wave, err);
        if (rc)
            return rc;
    }
    return 0;
}

int manifest_validate(const struct manifest_set *set, const char *const *images,
                      size_t n_images, struct errmsg *err)
{
    uint8_t wave[MANIFEST_MAX_SERVICES];
    if (!set)
        return errmsg_set(err, SOS_ERR_INVALID_ARGS, "manifest_validate: no set");
    int rc = check_duplicates(set, err);
    if (!rc)
        rc = check_provides(set, err);
    if (!rc && images)
        rc = check_images(set, images, n_images, err);
    if (!rc)
        rc = check_refs(set, err);
    if (!rc)
        rc = compute_waves(set, wave, err);
    return rc;
}

int manifest_plan(const struct manifest_set *set, struct manifest_plan *plan,
                  struct errmsg *err)
{
    if (!set || !plan || set->count > MANIFEST_MAX_SERVICES)
        return errmsg_set(err, SOS_ERR_INVALID_ARGS, "manifest_plan: bad arguments");
    int rc = check_duplicates(set, err);
    if (!rc)
        rc = check_refs(set, err);
    if (!rc)
        rc = compute_waves(set, plan->wave_of, err);
    if (rc)
        return rc;
    plan->count = set->count;
    plan->n_waves = 0;
    uint32_t n = 0;
    for (uint32_t w = 0; n < set->count; w++) {
        plan->wave_start[w] = (uint8_t)n;
        for (uint32_t i = 0; i < set->count; i++)
            if (plan->wave_of[i] == w)
                plan->order[n++] = (uint8_t)i;
        plan->n_waves = w + 1;
    }
    plan->wave_start[plan->n_waves] = (uint8_t)n;
    return 0;
}
