/*
 * services/log/log.c - the log service: start-up and the loop. What it does is in
 * log_ops.c (requests, followers, the kernel's fault records) and ring.c (the records).
 *
 * Layer: services (log).
 */
#include <stdio.h>

#include <sl/service.h>
#include <sl/sl.h>

#include <proto/status.h>

#include "../status/heartbeat.h"
#include "log_ops.h"

#define LOG_CAPACITY 1024 /* records kept */

int main(void)
{
    int err = log_state_init(LOG_CAPACITY);
    if (err) {
        printf("log: out of memory\n");
        return 1;
    }
    err = sl_service_init(&g_log.srv, g_log_ops, 3, &g_log);
    if (err) {
        printf("log: cannot start its server loop: %s\n", sos_strerror(err));
        return 1;
    }
    char msg[96];
    snprintf(msg, sizeof(msg), "log service started: keeping the last %u records in memory",
             LOG_CAPACITY);
    log_append_text(LOG_INFO, "log", msg);
    g_log.faults = sos_startup_handle("faults");
    if (g_log.faults) {
        log_drain_faults(); /* crashes from before we were up (our own last one, say) */
        err = sl_server_watch(&g_log.srv, g_log.faults, SOS_SIG_FAULT_RECORD,
                              SOS_WAIT_ASYNC_REPEAT, log_on_faults, NULL);
    }
    if (!g_log.faults || err)
        log_append_text(LOG_WARNING, "log", "kernel fault records are not available");
    static struct heartbeat hb;
    if (heartbeat_start(&g_log.srv, &hb, STATUS_HEARTBEAT_PERIOD_NS))
        log_append_text(LOG_WARNING, "log", "cannot send heartbeats");
    err = sl_service_ready();
    if (err) {
        printf("log: the root manager did not take our ready: %s\n", sos_strerror(err));
        return 1;
    }
    return sl_server_run(&g_log.srv);
}
