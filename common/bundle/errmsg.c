/*
 * errmsg.c - filling a struct errmsg.
 *
 * Formatting goes through k_vsnprintf, the project's one printf engine (common/fmt.c),
 * which common/ builds for the core, userspace and the host tools.
 *
 * Layer: common (freestanding; built for the core, userspace and the host tools).
 */
#include "errmsg.h"

#include <stdarg.h>

#include "hash/hex.h"

/* common/fmt.h; declared here so this file needs no header outside its folder. */
int k_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

int errmsg_set(struct errmsg *m, int code, const char *fmt, ...)
{
    if (!m)
        return code;
    va_list ap;
    va_start(ap, fmt);
    k_vsnprintf(m->msg, sizeof m->msg, fmt, ap);
    va_end(ap);
    m->code = code;
    return code;
}

static int format(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = k_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

static int vat(struct errmsg *m, int code, const char *file, unsigned line, const char *fmt, va_list ap)
{
    if (!m)
        return code;
    int n = file ? format(m->msg, sizeof m->msg, "%s:%u: ", file, line)
                 : format(m->msg, sizeof m->msg, "line %u: ", line);
    if (n < 0 || (size_t)n >= sizeof m->msg)
        n = (int)sizeof m->msg - 1;
    k_vsnprintf(m->msg + n, sizeof m->msg - (size_t)n, fmt, ap);
    m->code = code;
    return code;
}

int errmsg_at(struct errmsg *m, int code, const char *file, unsigned line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vat(m, code, file, line, fmt, ap);
    va_end(ap);
    return code;
}

int errmsg_pos_set(const struct errmsg_pos *pos, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vat(pos->err, code, pos->file, pos->line, fmt, ap);
    va_end(ap);
    return code;
}

void errmsg_prefix(struct errmsg *m, const char *prefix)
{
    if (!m || !prefix)
        return;
    char old[ERRMSG_MAX];
    size_t i = 0;
    for (; i + 1 < sizeof old && m->msg[i]; i++)
        old[i] = m->msg[i];
    old[i] = 0;
    size_t n = 0;
    for (const char *p = prefix; *p && n + 1 < sizeof m->msg; p++)
        m->msg[n++] = *p;
    for (const char *p = ": "; *p && n + 1 < sizeof m->msg; p++)
        m->msg[n++] = *p;
    for (const char *p = old; *p && n + 1 < sizeof m->msg; p++)
        m->msg[n++] = *p;
    m->msg[n] = 0;
}

void errmsg_clear(struct errmsg *m)
{
    if (!m)
        return;
    m->code = 0;
    m->msg[0] = 0;
}

char *errmsg_printable(char *buf, size_t size, const char *s, size_t len)
{
    size_t n = 0;
    if (!size)
        return buf;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x7f && c != '\\') {
            if (n + 1 >= size)
                break;
            buf[n++] = (char)c;
            continue;
        }
        if (n + 4 >= size)
            break;
        buf[n++] = '\\';
        buf[n++] = 'x';
        hex_encode(&c, 1, buf + n);
        n += 2;
    }
    buf[n] = 0;
    return buf;
}
