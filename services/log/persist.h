/*
 * services/log/persist.h - the log's records in storage: the line format and the marks
 * on records from earlier boots.
 *
 * The log keeps its records in state/log/ (its own directory: a storage:read+write
 * grant reaches nothing else) in two files: log.0, appended to, and log.1, the one
 * before it. When log.0 would pass LOG_FILE_MAX it becomes log.1 (replacing the older
 * one) and a new log.0 starts, so at most 2 x LOG_FILE_MAX bytes are kept. One line a
 * record, fields separated by tabs (which no field holds: control bytes are spaces):
 *
 *     <fnv-1a 32 of the rest, 8 hex>\t<boot>\t<time_ns>\t<severity>\t<source>\t<message>\n
 *
 * boot counts the boots that logged (the highest boot in the files, plus one, at the
 * first start in a boot; log.c keeps it in tmp/log/boot for restarts). At start the log reads log.1 then log.0 back into its ring, each record's
 * message marked "[previous boot] " (or "[N boots ago] "), with its original time; a line
 * that does not check is skipped and counted. Pure logic: tested on the host.
 *
 * Layer: services (log).
 */
#ifndef LOG_PERSIST_H
#define LOG_PERSIST_H

#include <stddef.h>
#include <stdint.h>

#include "ring.h"

#define LOG_FILE_MAX (64u * 1024u)
#define LOG_LINE_MAX (LOG_SOURCE_MAX + LOG_MESSAGE_MAX + 96)

/* The line for rec (NUL-terminated in out[LOG_LINE_MAX]); returns its length. */
size_t log_line_format(const struct log_rec *rec, uint64_t boot, char *out);

/*
 * Parse one line (len bytes, without its '\n'). 0 and *boot, rec's time, severity,
 * source and message (seq left 0); SOS_ERR_CORRUPT when it does not check.
 */
int log_line_parse(const char *line, size_t len, uint64_t *boot, struct log_rec *rec);

/* Calls fn for every line of text[0..len) that checks; returns how many did not. A
 * last line without its '\n' (cut short) counts as bad. */
typedef void (*log_line_fn)(void *arg, uint64_t boot, const struct log_rec *rec);
uint32_t log_lines_parse(const char *text, size_t len, log_line_fn fn, void *arg);

/* The mark for a record of boot `boot` seen in boot `now` ("" for this boot). */
void log_boot_mark(uint64_t boot, uint64_t now, char *out, size_t size);

/* Whether appending `add` bytes to a file of `size` bytes should rotate it first. */
int log_should_rotate(uint64_t size, size_t add);

#endif
