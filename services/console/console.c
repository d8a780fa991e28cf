/*
 * services/console/console.c - the console service: start-up and the loop. Sessions,
 * input and requests are in console_ops.c; line editing in edit.c.
 *
 * Layer: services (console).
 */
#include <stdio.h>

#include <sl/service.h>
#include <sl/sl.h>

#include <proto/status.h>

#include <client/heartbeat.h>
#include "console_ops.h"

int main(void)
{
    con_init();
    int err = sl_service_init(&g_con.srv, g_con_ops, 4, &g_con);
    if (err) {
        printf("console: cannot start its server loop: %s\n", sos_strerror(err));
        return 1;
    }
    g_con.lib_close = g_con.srv.on_close; /* frees the peer records: keep it in the chain */
    g_con.srv.on_close = con_on_close;
    con_restore(sos_startup_handle("state")); /* none: a restart may lose read-ahead input */
    g_con.input = sos_startup_handle("console");
    if (!g_con.input) {
        printf("console: no console resource was granted: output only\n");
    } else {
        err = sl_server_watch(&g_con.srv, g_con.input, SOS_SIG_READABLE, SOS_WAIT_ASYNC_REPEAT,
                              con_on_input, NULL);
        if (err)
            printf("console: cannot wait for input: %s\n", sos_strerror(err));
    }
    static struct heartbeat hb;
    if (heartbeat_start(&g_con.srv, &hb, STATUS_HEARTBEAT_PERIOD_NS))
        printf("console: cannot send heartbeats\n");
    err = sl_service_ready();
    if (err) {
        printf("console: the root manager did not take our ready: %s\n", sos_strerror(err));
        return 1;
    }
    return sl_server_run(&g_con.srv);
}
