/*
 * services/config/defaults.c - the defaults file parser (grammar in store.h).
 *
 * One line at a time: a line that does not parse is reported with its number and
 * skipped, so one typo never costs the whole configuration. Every length is bounded
 * and every byte checked; the input may be anything.
 *
 * Layer: services (config). Pure: no system calls.
 */
#include "store.h"

#include <stdio.h>
#include <string.h>

#include <sos/errors.h>

struct dparse {
    struct cfg_store *s;
    const char *file;
    unsigned line;
    char section[CONFIG_KEY_MAX];
    cfg_error_fn err;
    void *arg;
    int errors;
};

static void report(struct dparse *p, const char *what, const char *detail)
{
    p->errors++;
    if (!p->err)
        return;
    char msg[256];
    snprintf(msg, sizeof(msg), "%s:%u: %s%s%s", p->file, p->line, what, detail ? ": " : "",
             detail ? detail : "");
    p->err(p->arg, msg);
}

static bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

static char *trim(char *s)
{
    while (is_blank(*s))
        s++;
    size_t n = strlen(s);
    while (n && is_blank(s[n - 1]))
        s[--n] = 0;
    return s;
}

/* "[a.b]": the section every later key goes under ("[]" ends sections). */
static void parse_section(struct dparse *p, char *s)
{
    char *close = strchr(s, ']');
    if (!close) {
        report(p, "a section line must end with ']'", NULL);
        return;
    }
    *close = 0;
    char *rest = close + 1;
    while (is_blank(*rest))
        rest++;
    if (*rest && *rest != '#') {
        report(p, "text after a section", NULL);
        return;
    }
    char *name = trim(s + 1);
    if (*name && cfg_key_check(name)) {
        report(p, "bad section name", "use dot-separated a-z, 0-9, '_', '-'");
        return;
    }
    strcpy(p->section, name); /* cfg_key_check bounds it */
}

/* A quoted value: unescape into out; false (reported) on a bad quote. */
static bool unquote(struct dparse *p, const char *s, char *out, size_t size)
{
    size_t n = 0;
    for (s++; *s && *s != '"'; s++) {
        char c = *s;
        if (c == '\\') {
            c = *++s;
            if (c != '"' && c != '\\') {
                report(p, "unknown escape in a quoted value", "only \\\" and \\\\");
                return false;
            }
        }
        if (n + 1 >= size) {
            report(p, "value too long", NULL);
            return false;
        }
        out[n++] = c;
    }
    out[n] = 0;
    if (*s != '"') {
        report(p, "unterminated quoted value", NULL);
        return false;
    }
    const char *rest = s + 1;
    while (is_blank(*rest))
        rest++;
    if (*rest && *rest != '#') {
        report(p, "text after a quoted value", NULL);
        return false;
    }
    return true;
}

/* A bare value: up to a '#' that follows whitespace. */
static bool bare(struct dparse *p, char *s, char *out, size_t size)
{
    for (char *c = s; *c; c++)
        if (*c == '#' && (c == s || is_blank(c[-1]))) {
            *c = 0;
            break;
        }
    s = trim(s);
    if (strlen(s) + 1 > size) {
        report(p, "value too long", NULL);
        return false;
    }
    strcpy(out, s);
    return true;
}

/* "[type] key = value" */
static void parse_assignment(struct dparse *p, char *s)
{
    char *eq = strchr(s, '=');
    if (!eq) {
        report(p, "expected 'key = value'", NULL);
        return;
    }
    *eq = 0;
    char *lhs = trim(s), *rhs = eq + 1;
    while (is_blank(*rhs))
        rhs++;
    uint32_t type = 0;
    char *sp = strpbrk(lhs, " \t");
    if (sp) { /* a declared type before the key */
        *sp = 0;
        type = cfg_type_parse(lhs);
        if (!type) {
            report(p, "unknown type", "use string, int or bool");
            return;
        }
        lhs = trim(sp + 1);
    }
    char key[CONFIG_KEY_MAX], value[CONFIG_VALUE_MAX];
    int n = snprintf(key, sizeof(key), "%s%s%s", p->section, *p->section ? "." : "", lhs);
    if (!*lhs || n < 0 || (size_t)n >= sizeof(key) || cfg_key_check(key)) {
        report(p, "bad key", "use dot-separated a-z, 0-9, '_', '-'");
        return;
    }
    bool quoted = *rhs == '"';
    if (quoted ? !unquote(p, rhs, value, sizeof(value)) : !bare(p, rhs, value, sizeof(value)))
        return;
    if (quoted && !type)
        type = CONFIG_STRING;
    int err = cfg_store_set(p->s, key, type, value, NULL);
    if (err == SOS_ERR_INVALID_ARGS)
        report(p, "value does not fit the key's type", key);
    else if (err)
        report(p, "cannot store the key", key);
}

static void parse_line(struct dparse *p, char *s)
{
    s = trim(s);
    if (!*s || *s == '#')
        return;
    if (*s == '[')
        parse_section(p, s);
    else
        parse_assignment(p, s);
}

int cfg_load_defaults(struct cfg_store *s, const char *file, const char *text, size_t len,
                      cfg_error_fn err, void *arg)
{
    struct dparse p = {.s = s, .file = file, .err = err, .arg = arg};
    char line[CFG_LINE_MAX];
    size_t pos = 0;
    while (pos < len) {
        p.line++;
        size_t n = 0;
        bool bad_byte = false, too_long = false;
        for (; pos < len && text[pos] != '\n'; pos++) {
            bad_byte |= text[pos] == 0;
            if (n + 1 < sizeof(line))
                line[n++] = text[pos];
            else
                too_long = true;
        }
        pos++; /* the newline */
        line[n] = 0;
        if (bad_byte)
            report(&p, "NUL byte in the line", NULL);
        else if (too_long)
            report(&p, "line too long", NULL);
        else
            parse_line(&p, line);
    }
    return p.errors;
}
