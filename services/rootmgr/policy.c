/*
 * services/rootmgr/policy.c - the recovery policy (see policy.h).
 *
 * Layer: services (root manager). Pure logic: also compiled for host unit tests.
 */
#include "policy.h"

static int64_t backoff_for(const struct restart_policy *p, uint32_t consecutive)
{
    if (consecutive <= 1)
        return 0; /* the first crash restarts at once */
    int64_t d = p->backoff_ns > 0 ? p->backoff_ns : POLICY_DEFAULT_BACKOFF_NS;
    for (uint32_t i = 2; i < consecutive && d < POLICY_MAX_BACKOFF_NS; i++)
        d *= 2;
    return d < POLICY_MAX_BACKOFF_NS ? d : POLICY_MAX_BACKOFF_NS;
}

enum policy_action policy_decide(const struct restart_policy *p, struct restart_state *s,
                                 bool crashed, int64_t now, int64_t *delay_ns,
                                 const char **why)
{
    *delay_ns = 0;
    if (!crashed) {
        if (p->kind == RESTART_ALWAYS) {
            s->restarts++;
            *why = "exited; restart=always";
            return POLICY_RESTART;
        }
        *why = "exited cleanly";
        return POLICY_LEAVE_EXITED;
    }
    if (now - s->window_start > POLICY_LOOP_WINDOW_NS || s->recent == 0) {
        s->window_start = now;
        s->recent = 0;
    }
    s->recent++;
    s->crashes++;
    s->consecutive++;
    if (p->kind == RESTART_NEVER || p->kind == RESTART_FAIL_STOP) {
        *why = p->kind == RESTART_NEVER ? "crashed; restart=never" : "crashed; fail-stop";
        return POLICY_GIVE_UP;
    }
    if (s->recent >= POLICY_LOOP_CRASHES) {
        *why = "crash loop: 3 crashes within 10 s";
        return POLICY_GIVE_UP;
    }
    if (p->limit && s->crashes > p->limit) {
        *why = "restart budget spent";
        return POLICY_GIVE_UP;
    }
    *delay_ns = backoff_for(p, s->consecutive);
    s->restarts++;
    *why = *delay_ns ? "crashed; restarting after backoff" : "crashed; restarting";
    return POLICY_RESTART;
}

void policy_ready(struct restart_state *s) { s->consecutive = 0; }

void policy_reset(struct restart_state *s)
{
    uint32_t restarts = s->restarts;
    *s = (struct restart_state){0};
    s->restarts = restarts;
}
