/*
 * services/shell/parse.c - words, numbers and the logs options (see parse.h).
 *
 * Layer: services (shell). Pure: no system calls.
 */
#include "parse.h"

#include <stdio.h>
#include <string.h>

#include <proto/log.h>

static bool blank(char c) { return c == ' ' || c == '\t'; }

/* Copy one word starting at *r to *w; false (with *err) on a quoting error. */
static bool word(char **r, char **w, const char **err)
{
    char *s = *r, *d = *w;
    while (*s && !blank(*s)) {
        if (*s == '\'') {
            char *end = strchr(s + 1, '\'');
            if (!end) {
                *err = "unterminated ' quote";
                return false;
            }
            size_t n = (size_t)(end - s - 1);
            memmove(d, s + 1, n);
            d += n;
            s = end + 1;
        } else if (*s == '"') {
            for (s++; *s && *s != '"'; s++) {
                if (*s == '\\' && (s[1] == '"' || s[1] == '\\'))
                    s++;
                *d++ = *s;
            }
            if (!*s) {
                *err = "unterminated \" quote";
                return false;
            }
            s++;
        } else if (*s == '\\') {
            if (!s[1]) {
                *err = "a backslash at the end of the line";
                return false;
            }
            *d++ = s[1];
            s += 2;
        } else {
            *d++ = *s++;
        }
    }
    *r = s;
    *w = d;
    return true;
}

int sh_tokenize(char *line, char **argv, int max, const char **err)
{
    int argc = 0;
    char *r = line, *w = line; /* the write side never passes the read side */
    for (;;) {
        while (blank(*r))
            r++;
        if (!*r)
            break;
        if (argc == max) {
            *err = "too many words on the line";
            return -1;
        }
        argv[argc++] = w;
        if (!word(&r, &w, err))
            return -1;
        bool more = *r != 0;
        if (more)
            r++; /* the blank after the word: w may write over it now */
        *w++ = 0;
        if (!more)
            break;
    }
    return argc;
}

int sh_split_redirect(char *line, char **path, const char **err)
{
    char *s = line;
    while (*s && *s != '>') { /* skip quoted parts and escapes as the tokenizer would */
        if (*s == '\'') {
            char *end = strchr(s + 1, '\'');
            if (!end)
                return 0; /* the tokenizer reports it */
            s = end + 1;
        } else if (*s == '"') {
            for (s++; *s && *s != '"'; s++)
                if (*s == '\\' && (s[1] == '"' || s[1] == '\\'))
                    s++;
            if (!*s)
                return 0;
            s++;
        } else if (*s == '\\') {
            if (!s[1])
                return 0;
            s += 2;
        } else {
            s++;
        }
    }
    if (!*s)
        return 0;
    *s++ = 0; /* the command ends here */
    if (*s == '>') {
        *err = "'>>' (append) is not supported: use '>'";
        return -1;
    }
    char *argv[2];
    int n = sh_tokenize(s, argv, 2, err);
    if (n < 0) {
        if (!strcmp(*err, "too many words on the line"))
            *err = "'>' takes one path";
        return -1;
    }
    if (n != 1 || !argv[0][0]) {
        *err = "'>' takes one path";
        return -1;
    }
    *path = argv[0];
    return 1;
}

bool sh_parse_u64(const char *s, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;
    if (!s || !*s)
        return false;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return false;
        uint64_t d = (uint64_t)(*s - '0');
        if (v > (max - d) / 10)
            return false;
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

bool sh_join(int argc, char *const *argv, char *buf, size_t size)
{
    size_t n = 0;
    if (size == 0)
        return false;
    buf[0] = 0;
    for (int i = 0; i < argc; i++) {
        size_t k = strlen(argv[i]);
        if (n + k + (i > 0) + 1 > size)
            return false;
        if (i > 0)
            buf[n++] = ' ';
        memcpy(buf + n, argv[i], k + 1);
        n += k;
    }
    return true;
}

static bool severity(const char *s, uint32_t *out)
{
    static const char *const names[] = {"debug", "info", "notice", "warning", "error", "critical"};
    for (uint32_t i = 0; i < LOG_SEVERITY_COUNT; i++)
        if (!strcmp(s, names[i]) || (s[0] == (char)('0' + i) && !s[1])) {
            *out = i;
            return true;
        }
    if (!strcmp(s, "warn") || !strcmp(s, "err") || !strcmp(s, "crit")) {
        *out = s[0] == 'w' ? LOG_WARNING : s[0] == 'e' ? LOG_ERROR : LOG_CRITICAL;
        return true;
    }
    return false;
}

/* The value of --opt V or --opt=V at argv[*i]; NULL when it is missing. */
bool sh_path_clean(const char *in, char *out, size_t size)
{
    size_t len = 0, floor = 0; /* out[0..floor) is "/.." repeated: above the top */
    if (size < 2)
        return false;
    while (*in) {
        const char *end = strchr(in, '/');
        size_t n = end ? (size_t)(end - in) : strlen(in);
        bool up = n == 2 && in[0] == '.' && in[1] == '.';
        if (up && len > floor) {
            while (len > floor && out[--len] != '/') /* back to the parent's slash */
                ;
        } else if (n && !(n == 1 && in[0] == '.')) {
            if (len + 1 + n >= size)
                return false;
            out[len++] = '/';
            memcpy(out + len, in, n);
            len += n;
            floor = up ? len : floor;
        }
        in += n + (end != NULL);
    }
    if (len == 0)
        out[len++] = '/';
    out[len] = 0;
    return true;
}

static const char *opt_value(int argc, char **argv, int *i, const char *opt)
{
    size_t n = strlen(opt);
    if (argv[*i][n] == '=')
        return argv[*i] + n + 1;
    return *i + 1 < argc ? argv[++*i] : NULL;
}

static bool is_opt(const char *arg, const char *opt)
{
    size_t n = strlen(opt);
    return !strncmp(arg, opt, n) && (arg[n] == 0 || arg[n] == '=');
}

int sh_parse_logs(int argc, char **argv, struct logs_args *a, char *err, size_t size)
{
    *a = (struct logs_args){.count = SH_LOGS_DEFAULT, .source = ""};
    bool have_count = false;
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        uint64_t n;
        if (!strcmp(s, "--follow") || !strcmp(s, "-f") || !strcmp(s, "follow")) {
            a->follow = true;
        } else if (is_opt(s, "--service")) {
            const char *v = opt_value(argc, argv, &i, "--service");
            if (!v || !*v || strlen(v) >= 32) {
                snprintf(err, size, "logs: --service needs a service name");
                return -1;
            }
            a->source = v;
        } else if (is_opt(s, "--severity")) {
            const char *v = opt_value(argc, argv, &i, "--severity");
            if (!v || !severity(v, &a->min_severity)) {
                snprintf(err, size, "logs: --severity needs one of debug, info, notice, "
                                    "warning, error, critical");
                return -1;
            }
            a->severity_given = true;
        } else if (s[0] == '-') {
            snprintf(err, size, "logs: unknown option '%.40s'", s);
            return -1;
        } else if (!have_count && sh_parse_u64(s, SH_LOGS_MAX, &n) && n > 0) {
            a->count = (uint32_t)n;
            have_count = true;
        } else {
            snprintf(err, size, "logs: '%.40s' is not a count from 1 to %u", s, SH_LOGS_MAX);
            return -1;
        }
    }
    return 0;
}
