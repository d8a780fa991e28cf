/*
 * desktop/apps/software/catalog.c - the package service's reports read into the
 * software center's entries (catalog.h).
 *
 * Layer: desktop (an application).
 */
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

/* The next word of *p (spaces before it skipped) into out; false at the end. */
static bool word(const char **p, char *out, size_t cap)
{
    const char *s = *p;
    while (*s == ' ')
        s++;
    size_t n = 0;
    while (s[n] && s[n] != ' ' && s[n] != '\n')
        n++;
    if (!n)
        return false;
    snprintf(out, cap, "%.*s", (int)n, s);
    *p = s + n;
    return true;
}

/* One report line: name, version, the description (without " [installed]"). */
static bool parse_line(const char *line, size_t len, char *name, char *ver, char *desc)
{
    char copy[256];
    snprintf(copy, sizeof copy, "%.*s", (int)len, line);
    const char *p = copy;
    if (!word(&p, name, CAT_NAME) || !word(&p, ver, CAT_VERSION) || !digit(ver[0]))
        return false; /* "(none)", "nothing matches x": not a package */
    while (*p == ' ')
        p++;
    snprintf(desc, CAT_DESC, "%s", p);
    char *mark = strstr(desc, " [installed]");
    if (mark)
        *mark = 0;
    return true;
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

/* Calls fn for each package line of a report. */
static void each_line(struct catalog *c, const char *report, bool add,
                      void (*fn)(struct catalog *, const char *, const char *, const char *, bool))
{
    while (report && *report) {
        const char *end = strchr(report, '\n');
        size_t len = end ? (size_t)(end - report) : strlen(report);
        char name[CAT_NAME], ver[CAT_VERSION], desc[CAT_DESC];
        if (parse_line(report, len, name, ver, desc))
            fn(c, name, ver, desc, add);
        report += len + (end ? 1 : 0);
    }
}

static void offered(struct catalog *c, const char *name, const char *ver, const char *desc, bool add)
{
    struct cat_entry *e = entry(c, name, add);
    if (e && (!e->newest[0] || cat_version_cmp(ver, e->newest) > 0)) {
        snprintf(e->newest, sizeof e->newest, "%s", ver);
        snprintf(e->desc, sizeof e->desc, "%s", desc);
    }
}

static void installed(struct catalog *c, const char *name, const char *ver, const char *desc, bool add)
{
    struct cat_entry *e = entry(c, name, add);
    if (!e)
        return;
    snprintf(e->installed, sizeof e->installed, "%s", ver);
    if (!e->desc[0])
        snprintf(e->desc, sizeof e->desc, "%s", desc);
}

void cat_add_offered(struct catalog *c, const char *report) { each_line(c, report, true, offered); }

void cat_add_installed(struct catalog *c, const char *report, bool add) { each_line(c, report, add, installed); }

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

bool cat_trust_block(const char *report, const char *repo, char *out, size_t cap)
{
    size_t n = strlen(repo), len = 0;
    bool in = false, found = false;
    out[0] = 0;
    while (report && *report) {
        const char *end = strchr(report, '\n');
        size_t l = end ? (size_t)(end - report) + 1 : strlen(report);
        if (report[0] != ' ') /* a repository's first line: "name  url" */
            in = !strncmp(report, repo, n) && report[n] == ' ';
        if (in && len + l < cap) {
            memcpy(out + len, report, l);
            out[len += l] = 0;
            found = true;
        }
        report += l;
    }
    return found;
}

bool cat_show_repo(const char *report, char *repo, size_t cap)
{
    const char *keys[] = {"  from ", " in "};
    for (int k = 0; k < 2; k++) {
        const char *p = strstr(report, keys[k]);
        if (p && word(&(const char *){p + strlen(keys[k])}, repo, cap))
            return true;
    }
    return false;
}
