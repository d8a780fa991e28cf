/*
 * pkg_impl.h - what the text parsers of the package library share (package.info and
 * the repository index): the key=value line walk, words, hex digests and sizes, and
 * messages that say "file:line: what is wrong".
 *
 * Layer: common (freestanding; built for userspace and the host tools).
 */
#ifndef SOS_PKG_IMPL_H
#define SOS_PKG_IMPL_H

#include "pkg.h"

#define PKG_LINE_MAX 512

/* Puts "file:line: " in front of the message a value parser left in p->err. */
int pkg_relabel(struct errmsg_pos *p, int rc);

/* Calls fn for every key=value line of text (blanks trimmed, '#' lines and blank
 * lines skipped); stops at the first non-zero return. Refuses NUL bytes, lines over
 * PKG_LINE_MAX - 1 bytes and lines without '='. */
typedef int (*pkg_line_fn)(void *ctx, const char *key, size_t kl, const char *v, size_t vn);
int pkg_each_line(struct errmsg_pos *p, const char *text, size_t len, pkg_line_fn fn,
                  void *ctx);

/* The next blank-separated word of v[*i..n) in *out; its length (0 at the end). */
size_t pkg_word(const char *v, size_t n, size_t *i, const char **out);

/* Exactly 2n lower-case hex digits into out[0..n); 0 or -1. */
int pkg_unhex(const char *w, size_t len, uint8_t *out, size_t n);

/* 64 lower-case hex digits; 0 or -1. */
int pkg_parse_hex(const char *w, size_t len, uint8_t out[SHA256_SIZE]);

/* A decimal below 2^32 without leading zeros; 0 or -1. */
int pkg_parse_size(const char *w, size_t len, uint32_t *out);

/* True when key[0..kl) is name. */
bool pkg_key_is(const char *key, size_t kl, const char *name);

/* Copies printable v[0..n) into dst[cap]; what names the field in the message. */
int pkg_copy_text(struct errmsg_pos *p, const char *what, const char *v, size_t n, char *dst,
                  size_t cap);

/* Appends printf output to out[0..cap) at *at; false (nothing appended) when full. */
bool pkg_put(char *out, size_t cap, size_t *at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
