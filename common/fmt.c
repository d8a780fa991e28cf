/*
 * common/fmt.c - the formatter behind kprintf and userspace snprintf.
 *
 * Layer: common (core, user and host builds). Freestanding.
 */
#include "fmt.h"

#include <stdbool.h>
#include <stdint.h>

struct out {
    char *buf;
    size_t size;
    size_t len;
};

static void put(struct out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

static void pad(struct out *o, char c, int n)
{
    while (n-- > 0)
        put(o, c);
}

struct spec {
    bool left, plus, space, zero, alt;
    int width;
    int prec; /* -1: none */
};

static void emit_str(struct out *o, const struct spec *sp, const char *s)
{
    if (!s)
        s = "(null)";
    int n = 0;
    while (s[n] && (sp->prec < 0 || n < sp->prec))
        n++;
    if (!sp->left)
        pad(o, ' ', sp->width - n);
    for (int i = 0; i < n; i++)
        put(o, s[i]);
    if (sp->left)
        pad(o, ' ', sp->width - n);
}

static void emit_num(struct out *o, const struct spec *sp, uint64_t v, bool neg,
                     unsigned base, bool upper, const char *prefix)
{
    char digits[24];
    int nd = 0;
    const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    while (v) {
        digits[nd++] = set[v % base];
        v /= base;
    }
    int zeros = sp->prec > nd ? sp->prec - nd : 0;
    if (nd == 0 && sp->prec != 0)
        zeros = zeros ? zeros : 1;
    char sign = neg ? '-' : sp->plus ? '+' : sp->space ? ' ' : 0;
    int plen = 0;
    while (prefix && prefix[plen])
        plen++;
    int body = nd + zeros + (sign ? 1 : 0) + plen;
    bool zpad = sp->zero && !sp->left && sp->prec < 0;
    if (!sp->left && !zpad)
        pad(o, ' ', sp->width - body);
    if (sign)
        put(o, sign);
    for (int i = 0; i < plen; i++)
        put(o, prefix[i]);
    if (zpad)
        pad(o, '0', sp->width - body);
    pad(o, '0', zeros);
    while (nd)
        put(o, digits[--nd]);
    if (sp->left)
        pad(o, ' ', sp->width - body);
}

static const char *parse_spec(const char *f, struct spec *sp, va_list *ap)
{
    *sp = (struct spec){.prec = -1};
    for (;; f++) {
        if (*f == '-') sp->left = true;
        else if (*f == '+') sp->plus = true;
        else if (*f == ' ') sp->space = true;
        else if (*f == '0') sp->zero = true;
        else if (*f == '#') sp->alt = true;
        else break;
    }
    if (*f == '*') {
        sp->width = va_arg(*ap, int);
        if (sp->width < 0) {
            sp->left = true;
            sp->width = -sp->width;
        }
        f++;
    } else {
        while (*f >= '0' && *f <= '9')
            sp->width = sp->width * 10 + (*f++ - '0');
    }
    if (*f == '.') {
        f++;
        sp->prec = 0;
        if (*f == '*') {
            sp->prec = va_arg(*ap, int);
            if (sp->prec < 0)
                sp->prec = -1;
            f++;
        } else {
            while (*f >= '0' && *f <= '9')
                sp->prec = sp->prec * 10 + (*f++ - '0');
        }
    }
    return f;
}

/* Length modifier: returns the number of bytes of the argument (0: int). */
static const char *parse_len(const char *f, int *len)
{
    *len = 0;
    if (f[0] == 'h') {
        *len = f[1] == 'h' ? 1 : 2;
        return f + (f[1] == 'h' ? 2 : 1);
    }
    if (f[0] == 'l') {
        *len = 8;
        return f + (f[1] == 'l' ? 2 : 1);
    }
    if (f[0] == 'z' || f[0] == 't' || f[0] == 'j') {
        *len = 8;
        return f + 1;
    }
    return f;
}

static int64_t arg_signed(va_list *ap, int len)
{
    if (len == 8)
        return va_arg(*ap, int64_t);
    int v = va_arg(*ap, int);
    return len == 1 ? (signed char)v : len == 2 ? (short)v : v;
}

static uint64_t arg_unsigned(va_list *ap, int len)
{
    if (len == 8)
        return va_arg(*ap, uint64_t);
    unsigned v = va_arg(*ap, unsigned);
    return len == 1 ? (unsigned char)v : len == 2 ? (unsigned short)v : v;
}

static void convert(struct out *o, char c, struct spec *sp, int len, va_list *ap)
{
    if (c != 'd' && c != 'i')
        sp->plus = sp->space = false; /* a sign only for signed conversions */
    switch (c) {
    case 'd':
    case 'i': {
        int64_t v = arg_signed(ap, len);
        emit_num(o, sp, v < 0 ? -(uint64_t)v : (uint64_t)v, v < 0, 10, false, NULL);
        break;
    }
    case 'u':
        emit_num(o, sp, arg_unsigned(ap, len), false, 10, false, NULL);
        break;
    case 'x':
    case 'X': {
        uint64_t v = arg_unsigned(ap, len);
        emit_num(o, sp, v, false, 16, c == 'X', sp->alt && v ? (c == 'X' ? "0X" : "0x") : NULL);
        break;
    }
    case 'o': {
        uint64_t v = arg_unsigned(ap, len);
        int nd = 0;
        for (uint64_t t = v; t; t >>= 3)
            nd++;
        /* '#': the first digit must be a 0; add one only if the precision did not */
        bool lead = sp->alt && v && sp->prec <= nd;
        if (sp->alt && !v && sp->prec == 0)
            sp->prec = 1;
        emit_num(o, sp, v, false, 8, false, lead ? "0" : NULL);
        break;
    }
    case 'p':
        emit_num(o, sp, (uintptr_t)va_arg(*ap, void *), false, 16, false, "0x");
        break;
    case 'c': {
        char ch = (char)va_arg(*ap, int);
        if (!sp->left)
            pad(o, ' ', sp->width - 1);
        put(o, ch);
        if (sp->left)
            pad(o, ' ', sp->width - 1);
        break;
    }
    case 's':
        emit_str(o, sp, va_arg(*ap, const char *));
        break;
    case '%':
        put(o, '%');
        break;
    default: /* unknown conversion: print it as it stands */
        put(o, '%');
        if (c)
            put(o, c);
        break;
    }
}

int k_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = {buf, size, 0};
    va_list aq;
    va_copy(aq, ap);
    for (const char *f = fmt; *f; f++) {
        if (*f != '%') {
            put(&o, *f);
            continue;
        }
        struct spec sp;
        int len;
        f = parse_spec(f + 1, &sp, &aq);
        f = parse_len(f, &len);
        convert(&o, *f, &sp, len, &aq);
        if (!*f)
            break;
    }
    va_end(aq);
    if (size)
        buf[o.len < size ? o.len : size - 1] = 0;
    return (int)o.len;
}

int k_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = k_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
