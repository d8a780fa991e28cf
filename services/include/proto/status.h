/*
 * services/include/proto/status.h - the status service: heartbeats and health.
 *
 *   STATUS_HEARTBEAT ()   -> ()                                             [write]
 *       the calling service is alive (its name comes from the connection)
 *   STATUS_QUERY     ()   -> (u64 uptime_ns, u32 overall, u32 n, n x entry)  [read]
 *       entry = (str name, u32 health, u32 phase, u64 pid, u32 restarts,
 *                u64 heartbeat_age_ns (~0: never), u64 cpu_ns, u64 mapped_bytes, str detail)
 *
 * Health is derived from the root manager's phases (it polls MGR_LIST and MGR_PS) and
 * from heartbeats: a ready service that sends heartbeats and misses three periods is
 * degraded. The overall health is the worst of the services'.
 *
 * Layer: services protocols.
 */
#ifndef PROTO_STATUS_H
#define PROTO_STATUS_H

#include <proto/proto.h>

#define STATUS_VERSION 1
#define STATUS_HEARTBEAT SOS_ORD(PROTO_STATUS, STATUS_VERSION, 1)
#define STATUS_QUERY SOS_ORD(PROTO_STATUS, STATUS_VERSION, 2)

enum health {
    HEALTH_HEALTHY = 0,
    HEALTH_DORMANT = 1,
    HEALTH_RECOVERING = 2, /* starting again after a crash */
    HEALTH_RESTARTING = 3, /* in backoff, a restart is scheduled */
    HEALTH_DEGRADED = 4,
    HEALTH_FAILING = 5,
    HEALTH_COUNT
};

static inline const char *health_name(uint32_t h)
{
    static const char *const n[HEALTH_COUNT] = {"healthy", "dormant", "recovering",
                                                "restarting", "degraded", "failing"};
    return h < HEALTH_COUNT ? n[h] : "?";
}

#define STATUS_HEARTBEAT_PERIOD_NS 1000000000ll

#endif
