/*
 * services/config/config.c - the config service: its defaults and its loop. The
 * requests are in config_ops.c, the store and the defaults parser in store.c and
 * defaults.c.
 *
 * Settings live in memory: a restart goes back to the defaults. Persistence arrives
 * with the storage service (docs/services.md).
 *
 * Layer: services (config).
 */
#include <stdio.h>
#include <stdlib.h>

#include <sl/service.h>
#include <sl/sl.h>

#include <proto/status.h>

#include "../status/heartbeat.h"
#include "config_ops.h"

#define DEFAULTS_MAX (256u * 1024u)

/* ---- defaults */

static void defaults_error(void *arg, const char *msg)
{
    (void)arg;
    cfg_log(LOG_WARNING, "%s (line skipped)", msg);
}

static void load_defaults(void)
{
    sos_handle_t vmo = sos_startup_handle("defaults.conf");
    uint64_t size = 0;
    if (!vmo || sos_vmo_get_size(vmo, &size) || size > DEFAULTS_MAX) {
        cfg_log(LOG_WARNING, "no usable config/defaults.conf in the boot store: starting empty");
        return;
    }
    char *text = malloc(size + 1);
    int64_t err = text ? sos_vmo_read(vmo, text, 0, size) : SOS_ERR_NO_MEMORY;
    sos_handle_close(vmo);
    if (err < 0) {
        cfg_log(LOG_WARNING, "cannot read config/defaults.conf: %s", sos_strerror((int)err));
        free(text);
        return;
    }
    while (size && text[size - 1] == 0) /* the VMO may be rounded up to whole pages */
        size--;
    int bad = cfg_load_defaults(&g_cfg.store, "defaults.conf", text, size, defaults_error, NULL);
    free(text);
    cfg_log(bad ? LOG_WARNING : LOG_INFO, "loaded %u keys from config/defaults.conf%s",
            g_cfg.store.n, bad ? " (some lines skipped)" : "");
}

int main(void)
{
    cfg_store_init(&g_cfg.store);
    sl_conn_to_init(&g_cfg.log, "log", sos_startup_handle("log"));
    int err = sl_service_init(&g_cfg.srv, g_cfg_ops, 4, &g_cfg);
    if (err) {
        printf("config: cannot start its server loop: %s\n", sos_strerror(err));
        return 1;
    }
    load_defaults();
    static struct heartbeat hb;
    if (heartbeat_start(&g_cfg.srv, &hb, STATUS_HEARTBEAT_PERIOD_NS))
        cfg_log(LOG_WARNING, "cannot send heartbeats");
    err = sl_service_ready();
    if (err) {
        printf("config: the root manager did not take our ready: %s\n", sos_strerror(err));
        return 1;
    }
    return sl_server_run(&g_cfg.srv);
}
