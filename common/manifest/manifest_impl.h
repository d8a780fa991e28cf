/*
 * manifest_impl.h - helpers shared by the manifest library's files (not an API).
 *
 * Layer: common (freestanding; built for userspace and the host tools).
 */
#ifndef SOS_MANIFEST_IMPL_H
#define SOS_MANIFEST_IMPL_H

#include "manifest.h"

/* Parsing state for one manifest_parse call. */
struct mparse {
    struct manifest_set *set;
    struct errmsg_pos at;   /* the file, the current line, where problems are reported */
    struct manifest *cur;   /* the service being filled, or NULL before service= */
    uint16_t key_line[16];  /* line each single-valued key was set on, 0 = not yet */
};

/* Value parsers, one per key: v is the trimmed, NUL-terminated value. */
int mv_service(struct mparse *p, const char *v);
int mv_image(struct mparse *p, const char *v);
int mv_description(struct mparse *p, const char *v);
int mv_startup(struct mparse *p, const char *v);
int mv_availability(struct mparse *p, const char *v);
int mv_restart(struct mparse *p, const char *v);
int mv_ready_timeout(struct mparse *p, const char *v);
int mv_depends(struct mparse *p, const char *v);
int mv_grant(struct mparse *p, const char *v);
int mv_lookup(struct mparse *p, const char *v);
int mv_resource(struct mparse *p, const char *v);
int mv_provides(struct mparse *p, const char *v);
int mv_critical(struct mparse *p, const char *v);
int mv_emergency(struct mparse *p, const char *v);
int mv_app(struct mparse *p, const char *v);

/* Small string helpers (no libc in the freestanding build). */
size_t m_strlen(const char *s);
bool m_streq(const char *a, const char *b);
void m_strlcpy(char *dst, const char *src, size_t size);
/* Levenshtein distance, saturating at 255; for "did you mean" hints. */
unsigned m_edit_distance(const char *a, const char *b);
/* True when a typo of len bytes at distance d is close enough to suggest. */
bool m_close_enough(size_t len, unsigned d);
/* A service name: 1..31 of [a-z0-9_-], starting with a letter. */
bool m_valid_name(const char *s);

#endif
