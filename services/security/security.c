/*
 * services/security/security.c - the security service: launch policy, approvals and
 * the persisted audit history (docs/security.md). The requests are in security_ops.c,
 * the files in store.c, the policy table and the hash chain in policy.c and chain.c.
 *
 * It never calls the root manager: the root manager calls it (SEC_CHECK_LAUNCH) while
 * it waits, before every launch of an image that is not in the boot store.
 *
 * Layer: services (security).
 */
#include <stdio.h>

#include <sl/service.h>
#include <sl/sl.h>

#include "security.h"

int main(void)
{
    int err = sl_service_init(&g_sec.srv, g_sec_ops, 12, &g_sec);
    if (err) {
        printf("security: cannot start its server loop: %s\n", sos_strerror(err));
        return 1;
    }
    sec_grants_init();
    sec_kaudit_init();
    err = sec_store_open();
    if (err)
        printf("security: no storage (%s): the history is not kept until it is back\n",
               sos_strerror(err));
    sec_audit("security service started: %u policy rules, default %s, history at record %llu",
              g_sec.policy.n, sec_verdict_name(g_sec.policy.dflt),
              (unsigned long long)g_sec.chain.seq);
    err = sl_service_ready();
    if (err) {
        printf("security: the root manager did not take our ready: %s\n", sos_strerror(err));
        return 1;
    }
    sec_trust_init(); /* after ready: the package service may wait for nothing of ours */
    return sl_server_run(&g_sec.srv);
}
