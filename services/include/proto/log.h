/*
 * services/include/proto/log.h - the log service.
 *
 *   LOG_WRITE   (u32 severity, str message)            -> ()           [write]
 *   LOG_QUERY   (u32 max, u32 min_severity, str source) -> (u32 n, n x record)  [read]
 *               the newest `max` records at or above min_severity, from `source`
 *               ("" for all), oldest first
 *   LOG_FOLLOW  (u32 min_severity, str source) + handle -> ()          [read]
 *               from now on every matching record is written to the channel given,
 *               as a LOG_RECORD message, until that channel closes
 *   LOG_RECORD  record (no reply; only on a follow channel)
 *
 * record = (u64 seq, u64 time_ns, u32 severity, str source, str message). The source is
 * the name the root manager gave the connection, never what the writer claims.
 * Kernel fault records are logged with source "kernel" and severity LOG_ERROR.
 *
 * Layer: services protocols.
 */
#ifndef PROTO_LOG_H
#define PROTO_LOG_H

#include <proto/proto.h>

#define LOG_VERSION 1
#define LOG_WRITE SOS_ORD(PROTO_LOG, LOG_VERSION, 1)
#define LOG_QUERY SOS_ORD(PROTO_LOG, LOG_VERSION, 2)
#define LOG_FOLLOW SOS_ORD(PROTO_LOG, LOG_VERSION, 3)
#define LOG_RECORD SOS_ORD(PROTO_LOG, LOG_VERSION, 4)

enum log_severity {
    LOG_DEBUG = 0,
    LOG_INFO = 1,
    LOG_NOTICE = 2,
    LOG_WARNING = 3,
    LOG_ERROR = 4,
    LOG_CRITICAL = 5,
    LOG_SEVERITY_COUNT
};

#define LOG_MESSAGE_MAX 512

static inline const char *log_severity_name(uint32_t s)
{
    static const char *const n[LOG_SEVERITY_COUNT] = {"debug", "info", "notice",
                                                      "warning", "error", "critical"};
    return s < LOG_SEVERITY_COUNT ? n[s] : "?";
}

#endif
