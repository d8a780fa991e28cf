/*
 * services/status/health.c - health rules and the heartbeat table (see health.h).
 *
 * Layer: services (status). Pure: no system calls.
 */
#include "health.h"

#include <string.h>

static int find(const struct hb_table *t, const char *name)
{
    for (uint32_t i = 0; i < t->n; i++)
        if (!strcmp(t->e[i].name, name))
            return (int)i;
    return -1;
}

bool hb_beat(struct hb_table *t, const char *name, int64_t now)
{
    int i = find(t, name);
    if (i < 0) {
        if (t->n == HB_MAX || strlen(name) >= HB_NAME_MAX)
            return false;
        i = (int)t->n++;
        strcpy(t->e[i].name, name);
    }
    t->e[i].last = now;
    return true;
}

void hb_forget(struct hb_table *t, const char *name)
{
    int i = find(t, name);
    if (i < 0)
        return;
    t->e[i] = t->e[--t->n];
}

bool hb_age(const struct hb_table *t, const char *name, int64_t now, int64_t *age)
{
    int i = find(t, name);
    if (i < 0)
        return false;
    *age = now > t->e[i].last ? now - t->e[i].last : 0;
    return true;
}

uint32_t health_of(const struct health_in *in)
{
    switch (in->phase) {
    case SVC_READY:
        return in->beats && in->beat_age > STATUS_MISSED_BEATS * in->period ? HEALTH_DEGRADED
                                                                            : HEALTH_HEALTHY;
    case SVC_DORMANT:
    case SVC_EXITED:
        return HEALTH_DORMANT;
    case SVC_WAITING:
    case SVC_STARTING:
        return in->restarts ? HEALTH_RECOVERING : HEALTH_DORMANT;
    case SVC_BACKOFF:
        return HEALTH_RESTARTING;
    case SVC_DEGRADED:
        return in->flags & MGR_SVC_OPTIONAL ? HEALTH_DEGRADED : HEALTH_FAILING;
    default:
        return HEALTH_FAILING; /* a phase we do not know: assume the worst */
    }
}

uint32_t health_rollup(const uint32_t *health, size_t n)
{
    uint32_t worst = HEALTH_HEALTHY;
    for (size_t i = 0; i < n; i++) {
        uint32_t h = health[i] == HEALTH_DORMANT ? HEALTH_HEALTHY : health[i];
        if (h >= HEALTH_COUNT)
            h = HEALTH_FAILING;
        if (h > worst)
            worst = h;
    }
    return worst;
}
