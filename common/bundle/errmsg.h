/*
 * errmsg.h - an error code with the sentence that explains it.
 *
 * The bootstore libraries (bundle, manifest) return a negative SOS_ERR_* and, when the
 * caller passes a struct errmsg, say exactly what is wrong in words a person can act
 * on ("bundle truncated: index ends at 4096, file is 2000 bytes"). The struct is plain
 * storage: no allocation, usable in the core, in services and in host tools.
 *
 * Layer: common (freestanding; built for the core, userspace and the host tools).
 */
#ifndef SOS_ERRMSG_H
#define SOS_ERRMSG_H

#include <stddef.h>

#define ERRMSG_MAX 240

struct errmsg {
    int code;              /* 0 or the SOS_ERR_* last set */
    char msg[ERRMSG_MAX];  /* NUL-terminated; truncated when longer */
};

/* Records code and the formatted message in m (m may be NULL) and returns code, so a
 * failure reads `return errmsg_set(err, SOS_ERR_CORRUPT, "...", ...);`. */
int errmsg_set(struct errmsg *m, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Like errmsg_set, with "file:line: " in front (file may be NULL: "line N: "). */
int errmsg_at(struct errmsg *m, int code, const char *file, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Where a text parser is, for its messages: the file they name, the line, and the
 * errmsg they go to (NULL: nowhere). The manifest parser and the package formats'
 * parsers each keep one. */
struct errmsg_pos {
    const char *file;
    unsigned line;
    struct errmsg *err;
};

/* errmsg_at at pos: "file:line: <message>" into pos->err; returns code. */
int errmsg_pos_set(const struct errmsg_pos *pos, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Puts "prefix: " in front of the message already in m (for a file name or context). */
void errmsg_prefix(struct errmsg *m, const char *prefix);

/* Empties m: code 0, msg "". */
void errmsg_clear(struct errmsg *m);

/* Renders the len bytes of s into buf (size bytes, always terminated) as printable
 * text: bytes outside 0x20..0x7e, NUL included, and '\\' become \xHH, so a corrupt
 * name cannot garble a terminal. Stops early when buf is full. Returns buf. */
char *errmsg_printable(char *buf, size_t size, const char *s, size_t len);

#endif
