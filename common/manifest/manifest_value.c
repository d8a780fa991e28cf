/*
 * manifest_value.c - one parser per manifest key, from trimmed value text to fields.
 *
 * Each parser checks its value completely (syntax, range, limits, repeats within the
 * service) and only then writes the field, so an error never leaves half a value.
 * Names of other services are only checked for syntax here; whether they exist is a
 * question about the whole set (manifest_check.c).
 *
 * Layer: common (freestanding; built for userspace and the host tools).
 */
#include "manifest_impl.h"

#include <sos/errors.h>
#include <sos/rights.h>

#include "../bundle/bundle.h"

#define SHOWN_MAX 96

struct right_name {
    const char *name;
    uint32_t bit;
};

/* A set of right names: handle rights (grant=, lookup=) or directory rights (storage). */
struct right_names {
    const struct right_name *v;
    size_t n;
    const char *list; /* for the message about an unknown one */
};

static const struct right_name g_rights[] = {
    {"read", SOS_RIGHT_READ},         {"write", SOS_RIGHT_WRITE},
    {"map", SOS_RIGHT_MAP},           {"signal", SOS_RIGHT_SIGNAL},
    {"wait", SOS_RIGHT_WAIT},         {"send", SOS_RIGHT_SEND},
    {"receive", SOS_RIGHT_RECEIVE},   {"duplicate", SOS_RIGHT_DUPLICATE},
    {"transfer", SOS_RIGHT_TRANSFER}, {"manage", SOS_RIGHT_MANAGE},
    {"execute", SOS_RIGHT_EXECUTE},
};
#define RIGHTS_COUNT (sizeof g_rights / sizeof g_rights[0])
static const struct right_names g_handle_rights = {
    g_rights, RIGHTS_COUNT,
    "rights: read write map signal wait send receive duplicate transfer manage execute"};

static const struct right_name g_dir_right_v[] = {
    {"enumerate", MANIFEST_DIR_ENUMERATE}, {"read", MANIFEST_DIR_READ},
    {"write", MANIFEST_DIR_WRITE},         {"create", MANIFEST_DIR_CREATE},
    {"delete", MANIFEST_DIR_DELETE},
};
static const struct right_names g_dir_rights = {
    g_dir_right_v, sizeof g_dir_right_v / sizeof g_dir_right_v[0],
    "directory rights: enumerate read write create delete"};

static const char *shown(char buf[SHOWN_MAX], const char *v)
{
    return errmsg_printable(buf, SHOWN_MAX, v, m_strlen(v));
}

static int bad_name(struct mparse *p, const char *what, const char *v)
{
    char b[SHOWN_MAX];
    return errmsg_pos_set(&p->at, SOS_ERR_INVALID_ARGS,
                    "%s '%s' is invalid: use 1-%u of a-z, 0-9, '-', '_', starting with a letter",
                    what, shown(b, v), MANIFEST_NAME_MAX);
}

/* Decimal u32 at most max; false on anything else. */
static bool parse_u32(const char *s, size_t len, uint32_t max, uint32_t *out)
{
    uint64_t v = 0;
    if (!len)
        return false;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (uint64_t)(s[i] - '0');
        if (v > max)
            return false;
    }
    *out = (uint32_t)v;
    return true;
}

/* Copies the next sep-separated item of *s (trimmed) into item; advances *s. */
static bool next_item(const char **s, char sep, char *item, size_t size)
{
    const char *p = *s;
    if (!*p)
        return false;
    size_t n = 0;
    while (p[n] && p[n] != sep)
        n++;
    *s = p[n] ? p + n + 1 : p + n;
    while (n && (*p == ' ' || *p == '\t')) {
        p++;
        n--;
    }
    while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
        n--;
    size_t k = n < size - 1 ? n : size - 1;
    for (size_t i = 0; i < k; i++)
        item[i] = p[i];
    item[k] = 0;
    if (n >= size) /* too long to be valid: make sure it fails validation */
        item[0] = '\x7f';
    return true;
}

int mv_service(struct mparse *p, const char *v)
{
    if (!m_valid_name(v))
        return bad_name(p, "service name", v);
    if (p->set->count >= MANIFEST_MAX_SERVICES)
        return errmsg_pos_set(&p->at, SOS_ERR_NO_RESOURCES, "too many services (limit %u)",
                        MANIFEST_MAX_SERVICES);
    struct manifest *m = &p->set->svc[p->set->count++];
    *m = (struct manifest){0};
    m_strlcpy(m->name, v, sizeof m->name);
    m_strlcpy(m->file, p->at.file, sizeof m->file);
    m->line = (uint16_t)p->at.line;
    m->startup = MANIFEST_STARTUP_EAGER;
    m->availability = MANIFEST_REQUIRED;
    m->restart = MANIFEST_RESTART_ON_FAILURE;
    m->restart_limit = MANIFEST_DEFAULT_RESTART_LIMIT;
    m->restart_backoff_ms = MANIFEST_DEFAULT_BACKOFF_MS;
    m->ready_timeout_ms = MANIFEST_DEFAULT_READY_TIMEOUT_MS;
    p->cur = m;
    return 0;
}

/* A bundle-style path of at most MANIFEST_PATH_MAX bytes. */
static int check_path(struct mparse *p, const char *what, const char *path)
{
    char b[SHOWN_MAX];
    size_t len = m_strlen(path);
    struct errmsg why;
    if (len > MANIFEST_PATH_MAX)
        return errmsg_pos_set(&p->at, SOS_ERR_INVALID_ARGS, "%s '%s' is longer than %u bytes", what,
                        shown(b, path), MANIFEST_PATH_MAX);
    if (bundle_check_name(path, len, &why))
        return errmsg_pos_set(&p->at, SOS_ERR_INVALID_ARGS, "%s is invalid: %s", what, why.msg);
    return 0;
}

int mv_image(struct mparse *p, const char *v)
{
    char path[MANIFEST_PATH_MAX + 8];
    bool bare = true;
    for (const char *s = v; *s; s++)
        bare = bare && *s != '/';
    if (bare && m_strlen(v) <= MANIFEST_PATH_MAX) {
        m_strlcpy(path, "bin/", sizeof path);
        m_strlcpy(path + 4, v, sizeof path - 4);
    } else {
        m_strlcpy(path, v, sizeof path);
        if (m_strlen(v) >= sizeof path)
            path[MANIFEST_PATH_MAX + 1] = 'x'; /* keep it over the limit */
    }
    int rc = check_path(p, "image", path);
    if (rc)
        return rc;
    m_strlcpy(p->cur->image, path, sizeof p->cur->image);
    p->cur->image_line = (uint16_t)p->at.line;
    return 0;
}

int mv_description(struct mparse *p, const char *v)
{
    size_t len = m_strlen(v);
    if (len > MANIFEST_TEXT_MAX)
        return errmsg_pos_set(&p->at, SOS_ERR_INVALID_ARGS, "description is %zu bytes long (limit %u)",
                        len, MANIFEST_TEXT_MAX);
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)v[i] < 0x20 || (unsigned char)v[i] > 0x7e)
            return errmsg_pos_set(&p->at, SOS_ERR_INVALID_ARGS,
                            "description has a non-printable byte 0x%02x at %zu",
                            (unsigned char)v[i], i);
    m_strlcpy(p->cur->description, v, sizeof p->cur->description);
    return 0;
}

int mv_startup(struct mparse *p, const char *v)
{
    char b[SHOWN_MAX];
    if (m_streq(v, "eager"))
        p->cur->startup = MANIFEST_STARTUP_EAGER;
    else if (m_streq(v, "on-demand"))
        p->cur->startup = MANIFEST_STARTUP_ON_DEMAND;
    else
        return errmsg_pos_set(&p->at, SOS_ERR_INVALID_ARGS, "startup must be eager or on-demand, not '%s'",
                        shown(b, v));
    return 0;
}

int mv_availability(struct mparse *p, const char *v)
{
    char b[SHOWN_MAX];
    if (m_streq(v, "required"))
        p->cur->availability = MANIFEST_REQUIRED;
    else if (m_streq(v, "optional"))
        p->cur->availability = MANIFEST_OPTIONAL;
    else
        return errmsg_pos_set(&p->at, SOS_ERR_INVALID_ARGS,
                        "availability must be required or optional, not '%s'", shown(b, v));
    return 0;
}

static int restart_kind(const char *word, uint8_t *kind)
{
    static const char *const names[] = {"never", "always", "on-failure", "fail-stop"};
    for (uint8_t k = 0; k < 4; k++)
        if (m_streq(word, names[k])) {
            *kind = k;
            return 0;
        }
    return -1;
}

int mv_restart(struct mparse *p, const char *v)
{
    char b[SHOWN_MAX], word[16], num[16], ms[16];
    const char *s = v;
    uint8_t kind;
    uint32_t limit = MANIFEST_DEFAULT_RESTART_LIMIT, backoff = MANIFEST_DEFAULT_BACKOFF_MS;
    if (v[m_strlen(v) - 1] == ':')
        return errmsg_pos_set(&p->at, SOS_ERR_INVALID_ARGS, "restart '%s' ends with an empty field",
                        shown(b, v));
    next_item(&s, ':', word, sizeof word);
    if (restart_kind(word, &kind))
        return errmsg_pos_set(&p->at, SOS_ERR_INVALID_ARGS,
                        "restart must be never, always[:N[:ms]], on-failure[:N[:ms]] or "
                        "fail-stop, not '%s'", shown(b, v));
    bool has_n = next_item(&s, ':', num, sizeof num), has_ms = next_item(&s, ':', ms, sizeof ms);
    if (*s)
        return errmsg_pos_set(&p->at, SOS_ERR_INVALID_ARGS, "restart '%s' has too many ':' fields",
                        shown(b, v));
    if ((has_n || has_ms) && (kind == MANIFEST_RESTART_NEVER || kind == MANIFEST_RESTART_FAIL_STOP))
        return errmsg_pos_set(&p->at, SOS_ERR_INVALID_ARGS, "restart=%s takes no count or backoff", word);
    if (has_n && !parse_u32(num, m_strlen(num), MANIFEST_MAX_RESTART_LIMIT, &limit))
        return errmsg_pos_set(&p->at, SOS_ERR_INVALID_ARGS,
                        "restart count '%s' is not a number from 0 to %u", shown(b, num),
                        MANIFEST_MAX_RESTART_LIMIT);
    if (has_ms && !parse_u32(ms, m_strlen(ms), MANIFEST_MAX_TIME_MS, &backoff))
        return errmsg_pos_set(&p->at, SOS_ERR_INVALID_ARGS,
                        "restart backoff '%s' is not a number of milliseconds up to %u",
                        shown(b, ms), MANIFEST_MAX_TIME_MS);
    p->cur->restart = kind;
    p->cur->restart_limit = kind == MANIFEST_RESTART_NEVER || kind == MANIFEST_RESTART_FAIL_STOP
                                ? 0 : limit;
    p->cur->restart_backoff_ms = backoff;
    return 0;
}

int mv_ready_timeout(struct mparse *p, const char *v)
{
    char b[SHOWN_MAX];
    size_t len = m_strlen(v), digits = 0;
    while (digits < len && v[digits] >= '0' && v[digits] <= '9')
        digits++;
    const char *unit = v + digits;
    uint32_t scale = m_streq(unit, "") || m_streq(unit, "ms") ? 1 : m_streq(unit, "s") ? 1000 : 0;
    uint32_t n = 0;
    if (!scale || !parse_u32(v, digits, MANIFEST_MAX_TIME_MS, &n) || n == 0 ||
        (uint64_t)n * scale > MANIFEST_MAX_TIME_MS)
        return errmsg_pos_set(&p->at, SOS_ERR_INVALID_ARGS,
                        "ready_timeout '%s' must be 1ms to 3600s, written as N, Nms or Ns",
                        shown(b, v));
    p->cur->ready_timeout_ms = n * scale;
    return 0;
}

/* Appends names from a comma list to refs (depends=, provides=). */
static int add_refs(struct mparse *p, const char *what, const char *v, struct manifest_ref *refs,
                    uint8_t *count, unsigned max)
{
    char item[MANIFEST_NAME_MAX + 2], b[SHOWN_MAX];
    const char *s = v;
    while (next_item(&s, ',', item, sizeof item)) {
        if (!m_valid_name(item))
            return bad_name(p, what, item);
        for (unsigned i = 0; i < *count; i++)
            if (m_streq(refs[i].name, item))
                return errmsg_pos_set(&p->at, SOS_ERR_ALREADY_EXISTS, "%s '%s' listed twice (line %u)",
                                what, shown(b, item), refs[i].line);
        if (*count >= max)
            return errmsg_pos_set(&p->at, SOS_ERR_NO_RESOURCES, "too many %s names (limit %u)", what, max);
        m_strlcpy(refs[*count].name, item, sizeof refs[*count].name);
        refs[*count].line = (uint16_t)p->at.line;
        (*count)++;
    }
    return 0;
}

int mv_depends(struct mparse *p, const char *v)
{
    return add_refs(p, "depends", v, p->cur->depends, &p->cur->n_depends, MANIFEST_MAX_DEPENDS);
}

int mv_provides(struct mparse *p, const char *v)
{
    return add_refs(p, "provides", v, p->cur->provides, &p->cur->n_provides,
                    MANIFEST_MAX_PROVIDES);
}

static int unknown_right(struct mparse *p, const char *key, const char *r,
                         const struct right_names *names)
{
    char b[SHOWN_MAX];
    const char *best = 0;
    unsigned best_d = 255;
    for (size_t i = 0; i < names->n; i++) {
        unsigned d = m_edit_distance(r, names->v[i].name);
        if (d < best_d) {
            best_d = d;
            best = names->v[i].name;
        }
    }
    if (m_close_enough(m_strlen(r), best_d))
        return errmsg_pos_set(&p->at, SOS_ERR_INVALID_ARGS, "%s: unknown right '%s' (did you mean '%s'?)",
                        key, shown(b, r), best);
    return errmsg_pos_set(&p->at, SOS_ERR_INVALID_ARGS, "%s: unknown right '%s' (%s, joined with '+')", key,
                    shown(b, r), names->list);
}

static int parse_rights(struct mparse *p, const char *key, const char *s,
                        const struct right_names *names, uint32_t *out)
{
    char item[16];
    uint32_t rights = 0;
    size_t len = m_strlen(s);
    if (len && s[len - 1] == '+') /* "read+": an empty last right */
        return unknown_right(p, key, "", names);
    while (next_item(&s, '+', item, sizeof item)) {
        size_t i = 0;
        while (i < names->n && !m_streq(item, names->v[i].name))
            i++;
        if (i == names->n)
            return unknown_right(p, key, item, names);
        rights |= names->v[i].bit;
    }
    *out = rights;
    return 0;
}

static int add_cap(struct mparse *p, const char *key, const char *v, struct manifest_cap *caps,
                   uint8_t *count)
{
    char name[MANIFEST_NAME_MAX + 2], b[SHOWN_MAX];
    const char *s = v;
    next_item(&s, ':', name, sizeof name);
    if (!*s)
        return errmsg_pos_set(&p->at, SOS_ERR_INVALID_ARGS, "%s '%s' needs rights: %s=<service>:<rights>, "
                        "e.g. %s=log:send+wait", key, shown(b, v), key, key);
    if (!m_valid_name(name))
        return bad_name(p, key, name);
    uint32_t rights = 0;
    int rc = parse_rights(p, key, s, &g_handle_rights, &rights);
    if (rc)
        return rc;
    for (unsigned i = 0; i < *count; i++)
        if (m_streq(caps[i].service, name))
            return errmsg_pos_set(&p->at, SOS_ERR_ALREADY_EXISTS, "%s for '%s' given twice (line %u)", key,
                            name, caps[i].line);
    if (*count >= MANIFEST_MAX_GRANTS)
        return errmsg_pos_set(&p->at, SOS_ERR_NO_RESOURCES, "too many %s lines (limit %u)", key,
                        MANIFEST_MAX_GRANTS);
    m_strlcpy(caps[*count].service, name, sizeof caps[*count].service);
    caps[*count].rights = rights;
    caps[*count].line = (uint16_t)p->at.line;
    (*count)++;
    return 0;
}

int mv_grant(struct mparse *p, const char *v)
{
    return add_cap(p, "grant", v, p->cur->grants, &p->cur->n_grants);
}

int mv_lookup(struct mparse *p, const char *v)
{
    return add_cap(p, "lookup", v, p->cur->lookups, &p->cur->n_lookups);
}

/*
 * storage/<path>[:<rights>]: a directory in storage. The path follows the bundle's name
 * rules (no empty, '.' or '..' component; a-z A-Z 0-9 . _ - +), is not the boot store
 * (read-only, reached as bootstore or bundle:<entry>), and the resource without its
 * rights names the startup handle, so it fits MANIFEST_HANDLE_NAME_MAX. name gets that
 * name, *dir the directory rights.
 */
static int check_storage(struct mparse *p, const char *v, char *name, uint8_t *dir)
{
    char b[SHOWN_MAX], path[MANIFEST_PATH_MAX + 1];
    size_t plen = m_strlen(MANIFEST_STORAGE_PREFIX), colon = plen;
    bool slash = v[plen - 1] == '/';
    while (slash && v[colon] && v[colon] != ':')
        colon++;
    if (!slash || colon == plen)
        return errmsg_pos_set(&p->at, SOS_ERR_INVALID_ARGS,
                        "resource '%s' names no directory: write storage/<path>[:<rights>], "
                        "e.g. storage/home/app:read", shown(b, v));
    for (size_t i = plen; i < colon; i++)
        path[i - plen] = v[i];
    path[colon - plen] = 0;
    int rc = check_path(p, "resource", path);
    if (rc)
        return rc;
    char first[5];
    m_strlcpy(first, path, sizeof first);
    if (m_streq(first, "boot") && (!path[4] || path[4] == '/'))
        return errmsg_pos_set(&p->at, SOS_ERR_INVALID_ARGS,
                        "resource '%s': /boot is the read-only boot store, not a storage "
                        "directory (use bootstore or bundle:<entry>)", shown(b, v));
    if (colon > MANIFEST_HANDLE_NAME_MAX)
        return errmsg_pos_set(&p->at, SOS_ERR_INVALID_ARGS,
                        "resource '%s': a storage resource names its startup handle, so "
                        "storage/<path> is at most %u bytes", shown(b, v),
                        MANIFEST_HANDLE_NAME_MAX);
    uint32_t rights = MANIFEST_DIR_ALL;
    if (v[colon] == ':') {
        if (!v[colon + 1])
            return errmsg_pos_set(&p->at, SOS_ERR_INVALID_ARGS,
                            "resource '%s' has no rights after ':' (%s, joined with '+')",
                            shown(b, v), g_dir_rights.list);
        rc = parse_rights(p, "resource", v + colon + 1, &g_dir_rights, &rights);
        if (rc)
            return rc;
    }
    for (size_t i = 0; i < colon; i++)
        name[i] = v[i];
    name[colon] = 0;
    *dir = (uint8_t)rights;
    return 0;
}

/* A resource is a path, optionally behind a scheme: "console", "storage/home/app:read",
 * "bundle:config/defaults.conf". The root manager gives the names their meaning; only
 * storage/... is understood here (its rights and its ordering after storage). */
static int check_resource(struct mparse *p, const char *v, char *name, uint8_t *dir)
{
    char b[SHOWN_MAX];
    size_t colon = 0, len = m_strlen(v), plen = m_strlen(MANIFEST_STORAGE_PREFIX);
    while (v[colon] && v[colon] != ':')
        colon++;
    if (len > MANIFEST_PATH_MAX)
        return errmsg_pos_set(&p->at, SOS_ERR_INVALID_ARGS, "resource '%s' is longer than %u bytes",
                        shown(b, v), MANIFEST_PATH_MAX);
    *dir = 0;
    m_strlcpy(name, v, MANIFEST_PATH_MAX + 1);
    bool storage = colon >= plen - 1;
    for (size_t i = 0; i < plen - 1 && storage; i++)
        storage = v[i] == MANIFEST_STORAGE_PREFIX[i];
    if (storage && (colon == plen - 1 || v[plen - 1] == '/'))
        return check_storage(p, v, name, dir); /* "storage", "storage:..." or storage/... */
    if (colon == len)
        return check_path(p, "resource", v);
    bool scheme_ok = colon > 0 && v[0] >= 'a' && v[0] <= 'z';
    for (size_t i = 1; i < colon; i++)
        scheme_ok = scheme_ok && ((v[i] >= 'a' && v[i] <= 'z') || (v[i] >= '0' && v[i] <= '9') ||
                                  v[i] == '-');
    if (!scheme_ok)
        return errmsg_pos_set(&p->at, SOS_ERR_INVALID_ARGS,
                        "resource '%s': the part before ':' must be a lowercase word",
                        shown(b, v));
    return check_path(p, "resource", v + colon + 1);
}

int mv_resource(struct mparse *p, const char *v)
{
    char b[SHOWN_MAX], name[MANIFEST_PATH_MAX + 1];
    uint8_t dir;
    int rc = check_resource(p, v, name, &dir);
    if (rc)
        return rc;
    struct manifest *m = p->cur;
    for (unsigned i = 0; i < m->n_resources; i++)
        if (m_streq(m->resources[i], name))
            return errmsg_pos_set(&p->at, SOS_ERR_ALREADY_EXISTS, "resource '%s' listed twice (line %u)",
                            shown(b, name), m->resource_line[i]);
    if (m->n_resources >= MANIFEST_MAX_RESOURCES)
        return errmsg_pos_set(&p->at, SOS_ERR_NO_RESOURCES, "too many resource lines (limit %u)",
                        MANIFEST_MAX_RESOURCES);
    m_strlcpy(m->resources[m->n_resources], name, sizeof m->resources[0]);
    m->resource_dir[m->n_resources] = dir;
    m->resource_line[m->n_resources] = (uint16_t)p->at.line;
    m->n_resources++;
    return 0;
}

/* A flag key: bare, or true/yes/1, false/no/0. */
static int flag(struct mparse *p, const char *key, const char *v, bool *out)
{
    char b[SHOWN_MAX];
    if (!*v || m_streq(v, "true") || m_streq(v, "yes") || m_streq(v, "1"))
        *out = true;
    else if (m_streq(v, "false") || m_streq(v, "no") || m_streq(v, "0"))
        *out = false;
    else
        return errmsg_pos_set(&p->at, SOS_ERR_INVALID_ARGS,
                        "%s must be true or false (or stand alone), not '%s'", key, shown(b, v));
    return 0;
}

int mv_critical(struct mparse *p, const char *v) { return flag(p, "critical", v, &p->cur->critical); }

int mv_emergency(struct mparse *p, const char *v) { return flag(p, "emergency", v, &p->cur->emergency); }

int mv_app(struct mparse *p, const char *v) { return flag(p, "app", v, &p->cur->app); }

char *manifest_rights_format(sos_rights_t rights, char *buf, size_t size)
{
    size_t n = 0;
    if (!size)
        return buf;
    buf[0] = 0;
    for (size_t i = 0; i < RIGHTS_COUNT; i++) {
        if (!(rights & g_rights[i].bit))
            continue;
        if (n && n + 1 < size)
            buf[n++] = '+';
        for (const char *s = g_rights[i].name; *s && n + 1 < size; s++)
            buf[n++] = *s;
        buf[n] = 0;
    }
    if (!n)
        m_strlcpy(buf, "none", size);
    return buf;
}
