/*
 * desktop/apps/software/catalog.c - the package service's records (client/pkgrec.h)
 * gathered into the software center's entries, and an entry's details written as lines
 * (catalog.h). The records arrive decoded and checked: nothing here reads the service's
 * text.
 *
 * Layer: desktop (an application).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "catalog.h"

static bool digit(char c) { return c >= '0' && c <= '9'; }

int cat_version_cmp(const char *a, const char *b)
{
    while (*a || *b) {
        if (digit(*a) && digit(*b)) { /* numbers compare by value */
            unsigned long x = 0, y = 0;
            while (digit(*a))
                x = x * 10 + (unsigned long)(*a++ - '0');
            while (digit(*b))
                y = y * 10 + (unsigned long)(*b++ - '0');
            if (x != y)
                return x < y ? -1 : 1;
        } else if (*a != *b) {
            return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
        } else {
            a++, b++;
        }
    }
    return 0;
}

static struct cat_entry *entry(struct catalog *c, const char *name, bool add)
{
    for (unsigned i = 0; i < c->n; i++)
        if (!strcmp(c->e[i].name, name))
            return &c->e[i];
    if (!add || c->n == CAT_MAX)
        return NULL;
    struct cat_entry *e = &c->e[c->n++];
    memset(e, 0, sizeof *e);
    snprintf(e->name, sizeof e->name, "%s", name);
    return e;
}

void cat_add_offered(struct catalog *c, const struct pkgc_package *p)
{
    struct cat_entry *e = entry(c, p->name, true);
    if (!e)
        return;
    if (!e->newest[0] || cat_version_cmp(p->version, e->newest) > 0) {
        snprintf(e->newest, sizeof e->newest, "%s", p->version);
        snprintf(e->desc, sizeof e->desc, "%s", p->desc);
        snprintf(e->repo, sizeof e->repo, "%s", p->repo);
        e->channel = p->channel;
        e->size = p->size;
        snprintf(e->depends, sizeof e->depends, "%s", p->depends);
    }
    if (p->installed[0])
        snprintf(e->installed, sizeof e->installed, "%s", p->installed);
}

void cat_add_installed(struct catalog *c, const struct pkgc_package *p, bool add)
{
    struct cat_entry *e = entry(c, p->name, add);
    if (!e)
        return;
    snprintf(e->installed, sizeof e->installed, "%s", p->version);
    if (!e->desc[0])
        snprintf(e->desc, sizeof e->desc, "%s", p->desc);
}

enum cat_state cat_state(const struct cat_entry *e)
{
    if (!e->installed[0])
        return CAT_AVAILABLE;
    return e->newest[0] && cat_version_cmp(e->newest, e->installed) > 0 ? CAT_UPDATE : CAT_INSTALLED;
}

const struct cat_entry *cat_find(const struct catalog *c, const char *name)
{
    for (unsigned i = 0; i < c->n; i++)
        if (!strcmp(c->e[i].name, name))
            return &c->e[i];
    return NULL;
}

void cat_row(const struct cat_entry *e, char *out, size_t cap)
{
    switch (cat_state(e)) {
    case CAT_AVAILABLE: snprintf(out, cap, "%s  %s  available", e->name, e->newest); break;
    case CAT_INSTALLED: snprintf(out, cap, "%s  %s  installed", e->name, e->installed); break;
    case CAT_UPDATE: snprintf(out, cap, "%s  %s  update to %s", e->name, e->installed, e->newest); break;
    }
}

/* ---- details */

struct text {
    char *out;
    size_t cap, len;
};

/* Appends one line (printf) when it fits whole. */
static void line(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void line(struct text *t, const char *fmt, ...)
{
    char l[2048];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(l, sizeof l, fmt, ap);
    va_end(ap);
    if (n >= (int)sizeof l)
        n = (int)sizeof l - 1; /* cut: longer than any record's fields together */
    if (n < 0 || t->len + (size_t)n + 2 > t->cap)
        return;
    memcpy(t->out + t->len, l, (size_t)n);
    t->len += (size_t)n;
    t->out[t->len++] = '\n';
    t->out[t->len] = 0;
}

static void origin_lines(struct text *t, const struct pkgc_origin *o)
{
    if (!(o->flags & PKG_ORIGIN_RECORDED)) {
        line(t, "  provenance not recorded");
        return;
    }
    line(t, "  from %s (%s), root version %u, keys %s", o->repo, o->url, (unsigned)o->root_version, o->keys);
    line(t, "  verified %s; package sha256 %.16s...", o->verified[0] ? o->verified : "(not recorded)", o->sha256);
    line(t, "  installed in generation %u by %s", (unsigned)o->generation, o->who[0] ? o->who : "(unknown)");
    line(t, "  still listed by its repository: %s", o->flags & PKG_ORIGIN_LISTED ? "yes" : "no");
    if (o->policy[0])
        line(t, "  allowed by: %s", o->policy);
}

static void repo_lines(struct text *t, const struct pkgc_repo *r)
{
    static const char *const clock[PKG_CLOCK_COUNT] = {"not checked: no clock of day", "valid", "expired"};
    line(t, "%s  %s", r->name, r->url);
    line(t, "  root version %u, expires %llu (%s)", (unsigned)r->root_version, (unsigned long long)r->expires,
         clock[r->clock]);
    line(t, "  last verified: snapshot %u, %u packages (targets %u)", (unsigned)r->snapshot, (unsigned)r->packages,
         (unsigned)r->targets);
    line(t, "  keys %s", r->keys[0] ? r->keys : "(none)");
}

void cat_details(const struct cat_entry *e, const struct pkgc_trust *t, char *out, size_t cap)
{
    struct text x = {out, cap, 0};
    if (cap)
        out[0] = 0;
    line(&x, "%s: %s", e->name, e->desc);
    line(&x, "installed: %s   offered: %s", e->installed[0] ? e->installed : "no",
         e->newest[0] ? e->newest : "(no repository offers it)");
    if (e->repo[0])
        line(&x, "%s %s in %s (%s%s%llu bytes)", e->name, e->newest, e->repo, e->channel ? "testing" : "",
             e->channel ? ", " : "", (unsigned long long)e->size);
    if (e->depends[0])
        line(&x, "depends on %s", e->depends);
    if (!t)
        return;
    const char *repo = e->repo;
    if (t->has_origin && !strcmp(t->origin.name, e->name)) {
        line(&x, "provenance of %s %s:", t->origin.name, t->origin.version);
        origin_lines(&x, &t->origin);
        if (t->origin.repo[0])
            repo = t->origin.repo;
    }
    const struct pkgc_repo *r = pkgc_trust_repo(t, repo);
    if (r) {
        line(&x, "trust of its repository:");
        repo_lines(&x, r);
    }
}
