/*
 * services/rootmgr/policy.h - the recovery policy: what to do when a service ends.
 *
 * Pure logic (no syscalls), unit-tested on the host.
 *  - A clean exit (status 0) never uses the restart budget: the service is restarted
 *    only with restart=always, else it is left exited.
 *  - A crash (fault, kill, non-zero status) with restart=on-failure or always is
 *    restarted at once the first time, then after backoff, 2*backoff, 4*backoff ...
 *    (capped at POLICY_MAX_BACKOFF_NS); the budget of N restarts counts crashes.
 *  - A crash loop, POLICY_LOOP_CRASHES crashes within POLICY_LOOP_WINDOW_NS, forces
 *    fail-stop whatever the policy says; so does an exhausted budget.
 *  - restart=never and fail-stop leave a crashed service degraded.
 *  - An operator restart ignores all of this and resets the counters.
 *
 * Layer: services (root manager).
 */
#ifndef ROOTMGR_POLICY_H
#define ROOTMGR_POLICY_H

#include <stdbool.h>
#include <stdint.h>

#define POLICY_LOOP_CRASHES 3u
#define POLICY_LOOP_WINDOW_NS 10000000000ll /* 10 s */
#define POLICY_MAX_BACKOFF_NS 30000000000ll /* 30 s */
#define POLICY_DEFAULT_BACKOFF_NS 100000000ll /* 100 ms */

enum restart_kind {
    RESTART_NEVER = 0,
    RESTART_ON_FAILURE = 1,
    RESTART_ALWAYS = 2,
    RESTART_FAIL_STOP = 3,
};

struct restart_policy {
    uint32_t kind;        /* enum restart_kind */
    uint32_t limit;       /* restarts allowed after crashes; 0 = unlimited */
    int64_t backoff_ns;   /* the first delayed restart waits this long */
};

struct restart_state {
    uint32_t crashes;        /* counted against the limit */
    uint32_t recent;         /* crashes inside the loop window */
    int64_t window_start;
    uint32_t consecutive;    /* crashes since the last time it became ready */
    uint32_t restarts;       /* every restart, for display */
};

enum policy_action {
    POLICY_RESTART = 0,   /* restart after *delay_ns (0: now) */
    POLICY_LEAVE_EXITED,  /* clean exit, not restarted */
    POLICY_GIVE_UP,       /* degraded: fail-stop, budget spent, or crash loop */
};

/*
 * Decide after the service ended. `crashed` is false for a clean exit (status 0).
 * *why gets a short reason for the log.
 */
enum policy_action policy_decide(const struct restart_policy *p, struct restart_state *s,
                                 bool crashed, int64_t now, int64_t *delay_ns,
                                 const char **why);

/* The service became ready: a later crash restarts at once again. */
void policy_ready(struct restart_state *s);

/* An operator restart: counters start afresh. */
void policy_reset(struct restart_state *s);

#endif
