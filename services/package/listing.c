/*
 * listing.c - the packages as records (client/pkgrec.h struct pkgc_package): what the
 * repositories offer on the channels policy follows, or what the current generation
 * installed, each with its installed version, channel and repository. PKG_PACKAGES
 * encodes these records for programs (the software center); PKG_LIST and PKG_SEARCH
 * write the same records as lines for a person (package.c), so the two never disagree
 * about what is offered or installed.
 *
 * Layer: services (package).
 */
#include <stdio.h>
#include <string.h>

#include "pkgsvc.h"

_Static_assert(PKG_NAME_MAX < PKG_REC_NAME && PKG_VERSION_MAX < PKG_REC_VERSION &&
               PKG_TEXT_MAX < PKG_REC_TEXT, "proto/pkg.h's record sizes hold the package format's");
_Static_assert(PKG_CHANNELS == PKG_CHANNEL_COUNT, "proto/pkg.h knows every channel");

/* The installed version of name, or NULL. */
static const struct pkg_avail *installed(const char *name)
{
    for (uint32_t j = 0; j < g_pkg.db.cur.set.count; j++)
        if (!strcmp(g_pkg.db.cur.set.pkg[j].name, name))
            return &g_pkg.db.cur.set.pkg[j];
    return NULL;
}

/* a as a record; repo: the repository offering it ("" none), with its entry at. */
static void record(const struct pkg_avail *a, const char *repo, const struct pkg_avail *at,
                   struct pkgc_package *out)
{
    const struct pkg_avail *have = installed(a->name);
    memset(out, 0, sizeof *out);
    snprintf(out->name, sizeof out->name, "%s", a->name);
    snprintf(out->version, sizeof out->version, "%s", a->version_text);
    snprintf(out->desc, sizeof out->desc, "%s", a->description);
    snprintf(out->installed, sizeof out->installed, "%s", have ? have->version_text : "");
    snprintf(out->repo, sizeof out->repo, "%s", repo);
    out->flags = have && !pkg_version_cmp(&have->version, &a->version) ? PKG_PACKAGE_INSTALLED : 0;
    out->channel = at ? at->channel : PKG_CHANNEL_STABLE;
    out->size = a->size;
    size_t len = 0;
    for (uint32_t i = 0; i < a->dep_count; i++) {
        char dep[PKG_REC_LINE];
        pkg_dep_format(&a->dep[i], dep, sizeof dep);
        int n = snprintf(out->depends + len, sizeof out->depends - len, "%s%s", i ? ", " : "", dep);
        if (n < 0 || (size_t)n >= sizeof out->depends - len) { /* cut at a whole dependency */
            out->depends[len] = 0;
            break;
        }
        len += (size_t)n;
    }
}

static bool matches(const struct pkg_avail *a, const char *word)
{
    return !word[0] || strstr(a->name, word) || strstr(a->description, word);
}

/* The first repository whose verified index lists a at its version, and that entry. */
static const char *listed_by(const struct pkg_avail *a, const struct pkg_avail **at)
{
    for (int k = 0; k < PKGSVC_REPOS; k++)
        if (g_pkg.repo[k].name[0] && (*at = pkg_index_find(&g_pkg.repo[k].index, a->name, &a->version)))
            return g_pkg.repo[k].name;
    *at = NULL;
    return "";
}

uint32_t pkgsvc_each_package(uint32_t flags, const char *word, pkgsvc_package_fn fn, void *ctx)
{
    struct pkgc_package p;
    uint32_t n = 0;
    for (uint32_t i = 0; !(flags & PKG_LIST_AVAILABLE) && i < g_pkg.db.cur.set.count; i++) {
        const struct pkg_avail *a = &g_pkg.db.cur.set.pkg[i], *at;
        if (!matches(a, word))
            continue;
        const char *repo = listed_by(a, &at);
        record(a, repo, at, &p);
        fn(ctx, n++, &p);
    }
    for (int k = 0; (flags & PKG_LIST_AVAILABLE) && k < PKGSVC_REPOS; k++) {
        const struct pkg_index *ix = pkgsvc_repo_offers(&g_pkg.repo[k]);
        for (uint32_t i = 0; i < ix->count; i++) {
            if (!matches(&ix->pkg[i], word))
                continue;
            record(&ix->pkg[i], g_pkg.repo[k].name, &ix->pkg[i], &p);
            fn(ctx, n++, &p);
        }
    }
    return n;
}

/* ---- PKG_PACKAGES: one page */

struct page {
    uint32_t start, n, total;
    struct pkgc_package rec[PKG_PAGE_MAX];
};

static void collect(void *ctx, uint32_t index, const struct pkgc_package *p)
{
    struct page *pg = ctx;
    pg->total = index + 1;
    if (index >= pg->start && pg->n < PKG_PAGE_MAX)
        pg->rec[pg->n++] = *p;
}

void pkgsvc_packages_page(uint32_t flags, const char *word, uint32_t start, struct sl_msg *m)
{
    static struct page pg;
    pg.start = start;
    pg.n = pg.total = 0;
    pkgsvc_each_package(flags, word, collect, &pg);
    sl_msg_put_u32(m, start + pg.n < pg.total ? start + pg.n : 0);
    sl_msg_put_u32(m, pg.n);
    for (uint32_t i = 0; i < pg.n; i++)
        pkgc_package_put(m, &pg.rec[i]);
}
