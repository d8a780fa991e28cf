/*
 * services/shell/format.h - the shell's output lines.
 *
 * Every line keeps text columns (names, phases, health) first, padded to fixed widths,
 * and puts numbers after them as "word value" pairs that are never padded, so a test
 * that normalises numbers sees the same line every run.
 *
 * Pure logic (no system calls): unit-tested on the host (format_test.c).
 *
 * Layer: services (shell).
 */
#ifndef SHELL_FORMAT_H
#define SHELL_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#include <sos/sos.h>

/* "1.234 ms" */
const char *fmt_ms(char *buf, size_t size, uint64_t ns);
/* "12.345 s" */
const char *fmt_s(char *buf, size_t size, uint64_t ns);
/* "123 KiB" (rounded up) */
const char *fmt_kib(char *buf, size_t size, uint64_t bytes);
/* "read+write+manage", or "none" */
const char *fmt_rights(char *buf, size_t size, uint32_t rights);

const char *fmt_audit_event(uint32_t event);
const char *fmt_object_kind(uint32_t kind);

/* "crashme: faulted (null dereference at 0x0)", "crashme: exited with status 3", ... */
void fmt_run_result(char *buf, size_t size, const char *name, uint32_t state, int64_t code,
                    const struct sos_fault_record *f);

/* "#12 0.123456 info     rootmgr    text" */
void fmt_log_line(char *buf, size_t size, uint64_t seq, uint64_t time_ns, uint32_t severity,
                  const char *source, const char *message);

/* "#5 duplicate channel  actor 1 object 9 target 0 rights read+write" */
void fmt_audit_line(char *buf, size_t size, const struct sos_audit_record *r);

#endif
