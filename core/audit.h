/*
 * core/audit.h - the capability audit ring (records and hash chain in sos/audit.h).
 *
 * Layer: core.
 */
#ifndef CORE_AUDIT_H
#define CORE_AUDIT_H

#include "obj/object.h"

/* Record an event by the current process on `obj` (may be NULL), under g_klock. */
void audit_log(uint32_t event, const struct object *obj, sos_koid_t target,
               sos_rights_t rights, int status);

/* Copy up to `max` records starting at `first_seq` (or the oldest kept) into `out`. */
uint32_t audit_copy(uint64_t first_seq, struct sos_audit_record *out, uint32_t max);
uint64_t audit_count(void);

#endif
