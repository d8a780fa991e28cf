/*
 * sos/types.h - basic ABI types shared by the core and userspace.
 *
 * Layer: ABI (core/include/sos). Freestanding: stdint/stddef/stdbool only.
 */
#ifndef SOS_TYPES_H
#define SOS_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint32_t sos_handle_t;  /* slot and generation; 0 is never valid */
typedef int32_t sos_status_t;   /* 0 or a negative SOS_ERR_* */
typedef uint32_t sos_rights_t;  /* SOS_RIGHT_* bits */
typedef uint32_t sos_signals_t; /* SOS_SIG_* bits */
typedef int64_t sos_time_t;     /* nanoseconds of monotonic time */
typedef uint64_t sos_koid_t;    /* kernel object id, never reused */

#define SOS_HANDLE_INVALID ((sos_handle_t)0)
#define SOS_TIME_INFINITE ((sos_time_t)INT64_MAX)
#define SOS_PAGE_SIZE 4096u

#endif
