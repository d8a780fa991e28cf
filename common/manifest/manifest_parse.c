/*
 * manifest_parse.c - manifest text to struct manifest: lines, keys, service blocks.
 *
 * The grammar is line-based: blank lines and lines starting with '#' are skipped;
 * every other line is `key=value` (spaces around either side ignored) or a bare flag
 * key (`critical`). A `service=` line starts a new service; the keys after it, up to
 * the next `service=`, describe it. Values are parsed by manifest_value.c.
 *
 * The parse works on a copy of the set's count: services are written in place but the
 * count only moves forward when the whole text parsed, so a failed parse leaves the set
 * as it was.
 *
 * Layer: common (freestanding; built for userspace and the host tools).
 */
#include "manifest_impl.h"

#include <stdarg.h>

#include <sos/errors.h>

#define LINE_MAX_BYTES 512

int k_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

struct key {
    const char *name;
    int (*parse)(struct mparse *p, const char *v);
    bool repeats; /* list keys may appear many times */
    bool flag;    /* may appear without "=value" */
};

static const struct key g_keys[] = {
    {"service", mv_service, false, false},
    {"image", mv_image, false, false},
    {"description", mv_description, false, false},
    {"startup", mv_startup, false, false},
    {"availability", mv_availability, false, false},
    {"restart", mv_restart, false, false},
    {"ready_timeout", mv_ready_timeout, false, false},
    {"critical", mv_critical, false, true},
    {"emergency", mv_emergency, false, true},
    {"app", mv_app, false, true},
    {"depends", mv_depends, true, false},
    {"grant", mv_grant, true, false},
    {"lookup", mv_lookup, true, false},
    {"resource", mv_resource, true, false},
    {"provides", mv_provides, true, false},
};
#define KEY_COUNT (sizeof g_keys / sizeof g_keys[0])
_Static_assert(KEY_COUNT <= 16, "mparse.key_line holds 16 keys");

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* Trims s[0..*len) in place (returns the new start). */
static const char *trim(const char *s, size_t *len)
{
    while (*len && is_space(*s)) {
        s++;
        (*len)--;
    }
    while (*len && is_space(s[*len - 1]))
        (*len)--;
    return s;
}

static int unknown_key(struct mparse *p, const char *key)
{
    const char *best = 0;
    unsigned best_d = 255;
    for (size_t i = 0; i < KEY_COUNT; i++) {
        unsigned d = m_edit_distance(key, g_keys[i].name);
        if (d < best_d) {
            best_d = d;
            best = g_keys[i].name;
        }
    }
    if (best && m_close_enough(m_strlen(key), best_d))
        return errmsg_pos_set(&p->at, SOS_ERR_INVALID_ARGS, "unknown key '%s' (did you mean '%s'?)", key,
                        best);
    return errmsg_pos_set(&p->at, SOS_ERR_INVALID_ARGS, "unknown key '%s'", key);
}

static int apply_key(struct mparse *p, size_t k, const char *value, bool has_value)
{
    const struct key *key = &g_keys[k];
    if (!has_value && !key->flag)
        return errmsg_pos_set(&p->at, SOS_ERR_INVALID_ARGS, "'%s' needs a value: %s=...", key->name,
                        key->name);
    if (k != 0 && !p->cur)
        return errmsg_pos_set(&p->at, SOS_ERR_INVALID_ARGS,
                        "'%s' before any 'service=' line (each service starts with service=)",
                        key->name);
    if (k != 0 && !key->repeats && p->key_line[k])
        return errmsg_pos_set(&p->at, SOS_ERR_ALREADY_EXISTS, "'%s' given twice for service '%s' (first on line %u)",
                        key->name, p->cur->name, p->key_line[k]);
    if (!has_value)
        value = "";
    else if (!*value && !key->flag)
        return errmsg_pos_set(&p->at, SOS_ERR_INVALID_ARGS, "'%s' has an empty value", key->name);
    int rc = key->parse(p, value);
    if (!rc && k != 0)
        p->key_line[k] = (uint16_t)p->at.line;
    return rc;
}

/* Checks the service just finished: the keys it must have, contradictions. */
static int finish_service(struct mparse *p)
{
    struct manifest *m = p->cur;
    if (!m)
        return 0;
    if (!m->image[0])
        return errmsg_at(p->at.err, SOS_ERR_INVALID_ARGS, p->at.file, m->line,
                         "service '%s' has no image= line", m->name);
    if (m->critical && m->availability == MANIFEST_OPTIONAL)
        return errmsg_at(p->at.err, SOS_ERR_INVALID_ARGS, p->at.file, m->line,
                         "service '%s' is critical but availability=optional", m->name);
    return 0;
}

static int parse_line(struct mparse *p, const char *s, size_t len)
{
    char key[40], value[LINE_MAX_BYTES];
    s = trim(s, &len);
    if (!len || s[0] == '#')
        return 0;
    size_t eq = 0;
    while (eq < len && s[eq] != '=')
        eq++;
    size_t klen = eq, vlen = eq < len ? len - eq - 1 : 0;
    const char *k = trim(s, &klen), *v = trim(s + eq + (eq < len), &vlen);
    if (!klen)
        return errmsg_pos_set(&p->at, SOS_ERR_INVALID_ARGS, "expected key=value, found '=' with no key");
    if (klen >= sizeof key)
        return errmsg_pos_set(&p->at, SOS_ERR_INVALID_ARGS, "expected key=value, found a %zu-byte word",
                        klen);
    for (size_t i = 0; i < klen; i++)
        key[i] = k[i];
    key[klen] = 0;
    for (size_t i = 0; i < vlen; i++)
        value[i] = v[i];
    value[vlen] = 0;
    for (size_t i = 0; i < KEY_COUNT; i++)
        if (m_streq(key, g_keys[i].name)) {
            if (i == 0) {
                int rc = finish_service(p);
                if (rc)
                    return rc;
                for (size_t j = 0; j < KEY_COUNT; j++)
                    p->key_line[j] = 0;
            }
            return apply_key(p, i, value, eq < len);
        }
    return unknown_key(p, key);
}

/* Walks the lines of text; a NUL byte or an over-long line is an error. */
static int parse_text(struct mparse *p, const char *text, size_t len)
{
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && text[i] == 0) {
            p->at.line++;
            return errmsg_pos_set(&p->at, SOS_ERR_INVALID_ARGS, "NUL byte in manifest text");
        }
        if (i < len && text[i] != '\n')
            continue;
        p->at.line++;
        if (i - start >= LINE_MAX_BYTES)
            return errmsg_pos_set(&p->at, SOS_ERR_INVALID_ARGS, "line is %zu bytes long (limit %u)",
                            i - start, LINE_MAX_BYTES - 1);
        int rc = parse_line(p, text + start, i - start);
        if (rc)
            return rc;
        start = i + 1;
    }
    return finish_service(p);
}

void manifest_set_init(struct manifest_set *set)
{
    set->count = 0;
}

int manifest_parse(struct manifest_set *set, const char *file, const char *text, size_t len,
                   struct errmsg *err)
{
    if (!set || (!text && len))
        return errmsg_set(err, SOS_ERR_INVALID_ARGS, "manifest_parse: missing argument");
    uint32_t before = set->count;
    struct mparse p = {.set = set, .at = {.file = file ? file : "manifest", .err = err}};
    int rc = parse_text(&p, text, len);
    if (rc)
        set->count = before;
    return rc;
}
