/*
 * services/security/records.h - reading the package service's trust records
 * (proto/pkg.h PKG_TRUSTINFO: one record a line, tab-separated "key=value" fields after
 * the record's kind) and telling what changed among the repositories between two looks.
 *
 * Pure logic: no system calls, unit-tested on the host (records_test.c).
 *
 * Layer: services (security).
 */
#ifndef SECURITY_RECORDS_H
#define SECURITY_RECORDS_H

#include <stddef.h>

/* The value of field `key` of the record starting at `line` (up to its line end) into
 * out[cap] (cut to fit; "" when the record has no such field); returns out. */
const char *sec_record_field(const char *line, const char *key, char *out, size_t cap);

/* One line "<name> <url> <root version> <keys>" per repo record of text, into out[cap]
 * (whole lines only); the length written. */
size_t sec_repo_summary(const char *text, char *out, size_t cap);

/* Compares two summaries: fn(ctx, "added" | "changed", name, rest) for each repository
 * of now that was not in was or differs, fn(ctx, "removed", name, "") for each of was
 * no longer in now. name and rest are not NUL-terminated: their lengths are given. */
typedef void (*sec_repo_change_fn)(void *ctx, const char *what, const char *name, size_t nl,
                                   const char *rest, size_t rl);
void sec_repo_changes(const char *was, const char *now, sec_repo_change_fn fn, void *ctx);

#endif
