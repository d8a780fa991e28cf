/*
 * services/security/records.c - the package service's trust records read field by
 * field, and repository changes between two looks (records.h).
 *
 * Layer: services (security), pure logic.
 */
#include "records.h"

#include <stdio.h>
#include <string.h>

/* The start of the next line of text, or NULL at the end. */
static const char *next_line(const char *l)
{
    const char *nl = strchr(l, '\n');
    return nl ? nl + 1 : NULL;
}

const char *sec_record_field(const char *line, const char *key, char *out, size_t cap)
{
    size_t kl = strlen(key);
    const char *end = strchr(line, '\n');
    out[0] = 0;
    for (const char *f = strchr(line, '\t'); f && (!end || f < end); f = strchr(f + 1, '\t'))
        if (!strncmp(f + 1, key, kl) && f[1 + kl] == '=') {
            const char *v = f + 2 + kl;
            size_t n = strcspn(v, "\t\n");
            snprintf(out, cap, "%.*s", (int)(n < cap ? n : cap - 1), v);
            break;
        }
    return out;
}

size_t sec_repo_summary(const char *text, char *out, size_t cap)
{
    size_t n = 0;
    if (cap)
        out[0] = 0;
    for (const char *line = text; line && *line; line = next_line(line)) {
        if (strncmp(line, "repo\t", 5))
            continue;
        char name[40], url[168], root[16], keys[400];
        int k = snprintf(out + n, cap - n, "%s %s %s %s\n",
                         sec_record_field(line, "name", name, sizeof name),
                         sec_record_field(line, "url", url, sizeof url),
                         sec_record_field(line, "root", root, sizeof root),
                         sec_record_field(line, "keys", keys, sizeof keys));
        if (k < 0 || (size_t)k >= cap - n) {
            out[n] = 0; /* whole lines only */
            break;
        }
        n += (size_t)k;
    }
    return n;
}

/* The line of `set` for repository `name` (its first word), or NULL. */
static const char *repo_line(const char *set, const char *name, size_t nl)
{
    for (const char *l = set; l && *l; l = next_line(l))
        if (!strncmp(l, name, nl) && (l[nl] == ' ' || l[nl] == '\n' || l[nl] == 0))
            return l;
    return NULL;
}

void sec_repo_changes(const char *was, const char *now, sec_repo_change_fn fn, void *ctx)
{
    for (const char *l = now; l && *l; l = next_line(l)) {
        size_t nl = strcspn(l, " \n"), ll = strcspn(l, "\n");
        size_t rl = ll > nl ? ll - nl - 1 : 0;
        const char *old = nl ? repo_line(was, l, nl) : NULL;
        if (nl && !old)
            fn(ctx, "added", l, nl, l + nl + (rl > 0), rl);
        else if (nl && (strcspn(old, "\n") != ll || strncmp(old, l, ll)))
            fn(ctx, "changed", l, nl, l + nl + (rl > 0), rl);
    }
    for (const char *l = was; l && *l; l = next_line(l)) {
        size_t nl = strcspn(l, " \n");
        if (nl && !repo_line(now, l, nl))
            fn(ctx, "removed", l, nl, "", 0);
    }
}
