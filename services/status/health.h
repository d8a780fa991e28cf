/*
 * services/status/health.h - health from phases and heartbeats, and the rollup.
 *
 * A service's health comes from its phase in the root manager (proto/mgr.h) and, for
 * services that send heartbeats, from how long ago the last one came:
 *
 *   ready                      healthy, or degraded when it sends heartbeats and has
 *                              missed STATUS_MISSED_BEATS periods
 *   dormant, exited            dormant (not started yet, stopped, or finished)
 *   waiting, starting          recovering after a crash (restarts > 0), else dormant
 *   backoff                    restarting
 *   degraded (the manager      failing for a required service, degraded for an
 *   gave up)                   optional one
 *
 * The overall health is the worst of the services' (dormant counts as healthy there:
 * an on-demand service that nobody has asked for is not a problem).
 *
 * Pure logic (no system calls): unit-tested on the host (health_test.c).
 *
 * Layer: services (status).
 */
#ifndef STATUS_HEALTH_H
#define STATUS_HEALTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <proto/mgr.h>
#include <proto/status.h>

#define STATUS_MISSED_BEATS 3
#define HB_MAX 64
#define HB_NAME_MAX 32

struct hb_table {
    struct {
        char name[HB_NAME_MAX];
        int64_t last; /* time of the last heartbeat */
    } e[HB_MAX];
    uint32_t n;
};

/* Record a heartbeat from `name` at `now`; false when the table is full. */
bool hb_beat(struct hb_table *t, const char *name, int64_t now);
/* Forget `name` (its connection closed: a new instance starts afresh). */
void hb_forget(struct hb_table *t, const char *name);
/* The age of name's last heartbeat, or false when it never sent one. */
bool hb_age(const struct hb_table *t, const char *name, int64_t now, int64_t *age);

struct health_in {
    uint32_t phase;    /* enum svc_phase */
    uint32_t flags;    /* MGR_SVC_* */
    uint32_t restarts;
    bool beats;        /* it has sent heartbeats */
    int64_t beat_age;  /* ns since the last one (when beats) */
    int64_t period;    /* the heartbeat period, ns */
};

uint32_t health_of(const struct health_in *in);
uint32_t health_rollup(const uint32_t *health, size_t n);

#endif
