/*
 * pkg_resolve.c - dependency resolution: what to install so that every installed
 * package's dependencies hold, decided before anything is written.
 *
 * The world is what is installed with the planned choices laid over it. Starting from
 * the requested package, every dependency of every package in the world is checked
 * against the version the world has; one that fails (or is missing) makes the resolver
 * choose, for that name, the newest version in the index that suits the architecture
 * and meets every constraint the world puts on the name, and start the check again.
 * Installed packages take part, so an update that would break one of them is refused,
 * or replaces it when a newer version fits. There is no backtracking: a choice is never
 * revisited for an older one that would let a third package fit (docs/packages.md).
 * The plan installs as one generation, so its order (dependencies first) is only what
 * the service follows when it unpacks.
 *
 * Layer: common (freestanding; built for userspace and the host tools).
 */
#include "pkg.h"

#include <sos/errors.h>

#include "../manifest/manifest_impl.h"

#define WORLD_MAX (PKG_MAX_INSTALLED + PKG_INDEX_MAX)

/* One package of the world: installed (have) and/or chosen (avail). */
struct member {
    const char *name;
    const struct pkg_version *version;
    const struct pkg_dep *dep;
    uint32_t dep_count;
    const struct pkg_avail *chosen; /* NULL: as installed */
};

struct world {
    struct member m[WORLD_MAX];
    uint32_t n;
};

static struct member *member(struct world *w, const char *name)
{
    for (uint32_t i = 0; i < w->n; i++)
        if (m_streq(w->m[i].name, name))
            return &w->m[i];
    return NULL;
}

static void choose(struct world *w, const struct pkg_avail *a)
{
    struct member *m = member(w, a->name);
    if (!m)
        m = &w->m[w->n++];
    *m = (struct member){a->name, &a->version, a->dep, a->dep_count, a};
}

/* True when v meets every dependency on name in the world (and the request). */
static bool acceptable(const struct world *w, const char *name, const struct pkg_version *v,
                       const struct pkg_dep **broken_by, const char **owner)
{
    for (uint32_t i = 0; i < w->n; i++)
        for (uint32_t k = 0; k < w->m[i].dep_count; k++) {
            const struct pkg_dep *d = &w->m[i].dep[k];
            if (m_streq(d->name, name) && !pkg_dep_matches(d, v)) {
                *broken_by = d;
                *owner = w->m[i].name;
                return false;
            }
        }
    return true;
}

static bool arch_ok(const struct pkg_avail *a, const char *arch)
{
    return m_streq(a->arch, "any") || m_streq(a->arch, arch);
}

/* The newest entry for name that the world accepts. */
static const struct pkg_avail *newest_fit(const struct pkg_index *ix, const struct world *w,
                                          const char *name, const char *arch)
{
    const struct pkg_avail *best = NULL;
    const struct pkg_dep *d;
    const char *o;
    for (uint32_t i = 0; i < ix->count; i++) {
        const struct pkg_avail *a = &ix->pkg[i];
        if (m_streq(a->name, name) && arch_ok(a, arch) && acceptable(w, name, &a->version, &d, &o))
            best = a;
    }
    return best;
}

static int unmet(const struct world *w, const struct pkg_index *ix, const char *owner,
                 const struct pkg_dep *d, struct errmsg *err)
{
    char want[160];
    pkg_dep_format(d, want, sizeof want);
    if (!pkg_index_find(ix, d->name, NULL))
        return errmsg_set(err, SOS_ERR_NOT_FOUND, "%s needs '%s': no such package in the "
                          "repository", owner, want);
    return errmsg_set(err, SOS_ERR_NOT_FOUND, "%s needs '%s': no version in the repository "
                      "meets it and every other package's dependency on %s", owner, want,
                      d->name);
}

/* One pass: fixes the first broken dependency. 1 changed, 0 settled, <0 error. */
static int settle_one(struct world *w, const struct pkg_index *ix, const char *arch,
                      struct errmsg *err)
{
    for (uint32_t i = 0; i < w->n; i++)
        for (uint32_t k = 0; k < w->m[i].dep_count; k++) {
            const struct pkg_dep *d = &w->m[i].dep[k];
            const struct member *m = member(w, d->name);
            const struct pkg_dep *bd;
            const char *o;
            if (m && acceptable(w, d->name, m->version, &bd, &o))
                continue;
            const struct pkg_avail *a = newest_fit(ix, w, d->name, arch);
            if (!a || (m && m->chosen == a))
                return unmet(w, ix, w->m[i].name, d, err);
            choose(w, a);
            return 1;
        }
    return 0;
}

/* Appends chosen members to the plan, each after the chosen ones it depends on. */
static void order(struct world *w, struct member *m, struct pkg_plan *plan, uint8_t *mark)
{
    uint32_t at = (uint32_t)(m - w->m);
    if (mark[at])
        return;
    mark[at] = 1;
    for (uint32_t k = 0; k < m->dep_count; k++) {
        struct member *d = member(w, m->dep[k].name);
        if (d)
            order(w, d, plan, mark);
    }
    if (m->chosen)
        plan->step[plan->count++] = m->chosen;
}

static int first_choice(struct world *w, const struct pkg_index *ix, const char *name,
                        const struct pkg_version *want, const char *arch, struct errmsg *err)
{
    const struct pkg_avail *a = want ? pkg_index_find(ix, name, want)
                                     : newest_fit(ix, w, name, arch);
    const struct pkg_dep *d;
    const char *owner;
    if (!pkg_index_find(ix, name, NULL))
        return errmsg_set(err, SOS_ERR_NOT_FOUND, "no package '%s' in the repository", name);
    if (!a)
        return errmsg_set(err, SOS_ERR_NOT_FOUND, "%s: no version in the repository fits "
                          "(architecture %s, or what installed packages need)", name, arch);
    if (!arch_ok(a, arch))
        return errmsg_set(err, SOS_ERR_NOT_SUPPORTED, "%s %s is for %s, this machine is %s",
                          name, a->version_text, a->arch, arch);
    if (!acceptable(w, name, &a->version, &d, &owner)) {
        char dep[160];
        pkg_dep_format(d, dep, sizeof dep);
        return errmsg_set(err, SOS_ERR_BAD_STATE, "%s %s would break %s, which needs '%s'",
                          name, a->version_text, owner, dep);
    }
    const struct member *m = member(w, name);
    if (!m || pkg_version_cmp(m->version, &a->version) != 0)
        choose(w, a);
    return 0;
}

int pkg_resolve(const struct pkg_index *ix, const struct pkg_have *have, uint32_t n,
                const char *name, const struct pkg_version *want, const char *arch,
                struct pkg_plan *plan, struct errmsg *err)
{
    static struct world w; /* about 4 KiB: kept off the service's stack; not reentrant */
    plan->count = 0;
    w.n = 0;
    for (uint32_t i = 0; i < n && i < PKG_MAX_INSTALLED; i++)
        w.m[w.n++] = (struct member){have[i].name, &have[i].version, have[i].dep,
                                     have[i].dep_count, NULL};
    int rc = first_choice(&w, ix, name, want, arch, err);
    for (int round = 0; !rc; round++) {
        if (round > 4 * PKG_INDEX_MAX)
            return errmsg_set(err, SOS_ERR_BAD_STATE, "dependencies of %s do not settle",
                              name);
        rc = settle_one(&w, ix, arch, err);
        if (rc == 0)
            break;
        rc = rc > 0 ? 0 : rc;
    }
    if (rc)
        return rc;
    uint8_t mark[WORLD_MAX] = {0};
    for (uint32_t i = 0; i < w.n; i++)
        order(&w, &w.m[i], plan, mark);
    return 0;
}

int pkg_check_remove(const struct pkg_have *have, uint32_t n, const char *name,
                     struct errmsg *err)
{
    for (uint32_t i = 0; i < n; i++)
        for (uint32_t k = 0; k < have[i].dep_count; k++)
            if (m_streq(have[i].dep[k].name, name) && !m_streq(have[i].name, name))
                return errmsg_set(err, SOS_ERR_BAD_STATE, "%s is needed by %s", name,
                                  have[i].name);
    return 0;
}
