/*
 * tests/packages/greeter.c - the service of the example package greeter-1: it says
 * hello, tells the root manager it is ready and serves (no requests of its own) until
 * it is stopped. It is not in the boot store: it reaches the system only by being
 * installed from the test repository (docs/packages.md).
 *
 * Layer: tests (a packaged service).
 */
#include <stdio.h>

#include <sl/service.h>
#include <sl/sl.h>

static struct sl_server g_srv;

int main(void)
{
    int err = sl_service_init(&g_srv, NULL, 0, NULL);
    if (err) {
        printf("greeter: cannot start its server loop: %s\n", sos_strerror(err));
        return 1;
    }
    printf("greeter: hello from a packaged service\n");
    err = sl_service_ready();
    if (err) {
        printf("greeter: the root manager did not take our ready: %s\n", sos_strerror(err));
        return 1;
    }
    return sl_server_run(&g_srv);
}
