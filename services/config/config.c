/*
 * services/config/config.c - the config service: its defaults and its loop. The
 * requests are in config_ops.c, the store and the defaults parser in store.c and
 * defaults.c.
 *
 * Keys set at run time persist: config keeps them in its own storage directory
 * (config/config/saved.conf, through a storage:read+write grant that reaches nothing
 * else), rewrites the file atomically after each change, and reads it back over the
 * defaults at start. A damaged or unreadable file is reported, set aside as
 * saved.conf.bad and ignored: the defaults stay (saved.h says what damaged means).
 *
 * Layer: services (config).
 */
#include <stdio.h>
#include <stdlib.h>

#include <sl/service.h>
#include <sl/sl.h>

#include <proto/status.h>

#include <client/heartbeat.h>
#include <client/storage.h>
#include "config_ops.h"
#include "saved.h"

#define DEFAULTS_MAX (256u * 1024u)
#define SAVED_MAX (1024u * 1024u)
#define SAVED_FILE "saved.conf"

static struct sl_conn_to g_storage;
static struct stc_kept_dir g_kept; /* config/config in storage (.dir 0: none) */

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

/* ---- the saved keys */

static void save(void)
{
    size_t need = cfg_saved_format(&g_cfg.saved, NULL, 0) + 1;
    char *text = malloc(need);
    int err = text ? 0 : SOS_ERR_NO_MEMORY;
    if (!err) {
        size_t n = cfg_saved_format(&g_cfg.saved, text, need);
        err = g_kept.dir ? stc_replace_file(g_kept.dir, SAVED_FILE, text, n) : SOS_ERR_BAD_HANDLE;
        if (err && stc_kept_dir_reopen(&g_kept) == 0) /* storage restarted, say: retry once */
            err = stc_replace_file(g_kept.dir, SAVED_FILE, text, n);
    }
    free(text);
    if (err)
        cfg_log(LOG_WARNING, "cannot save the settings to storage: %s", sos_strerror(err));
}

static void load_saved(void)
{
    sl_conn_to_init(&g_storage, "storage", sos_startup_handle("storage"));
    g_cfg.save = save;
    int err = stc_kept_dir_start(&g_kept, &g_cfg.srv, &g_storage, "config");
    if (err) {
        cfg_log(LOG_WARNING, "no storage (%s): settings are not restored; trying again",
                sos_strerror(err));
        return;
    }
    char *text = NULL;
    size_t len = 0;
    err = stc_read_file(g_kept.dir, SAVED_FILE, SAVED_MAX, &text, &len);
    if (err == SOS_ERR_NOT_FOUND)
        return; /* nothing saved yet */
    struct cfg_store got;
    cfg_store_init(&got);
    char why[160] = "";
    if (!err)
        err = cfg_saved_parse(&got, text, len, why, sizeof(why));
    free(text);
    if (err) {
        cfg_log(LOG_ERROR, "stored settings config/config/" SAVED_FILE " are unusable (%s): ignored, "
                "kept as " SAVED_FILE ".bad; the defaults apply",
                why[0] ? why : sos_strerror(err));
        stc_rename(g_kept.dir, SAVED_FILE, SAVED_FILE ".bad");
        cfg_store_free(&got);
        return;
    }
    uint32_t applied = 0;
    for (uint32_t i = 0; i < got.n; i++) {
        const struct cfg_entry *e = &got.e[i];
        if (cfg_store_set(&g_cfg.store, e->key, e->type, e->value, NULL)) {
            cfg_log(LOG_WARNING, "stored setting %s (%s) does not fit its default: dropped", e->key,
                    cfg_type_name(e->type));
            continue;
        }
        cfg_store_set(&g_cfg.saved, e->key, e->type, e->value, NULL);
        applied++;
    }
    cfg_store_free(&got);
    cfg_log(LOG_INFO, "restored %u saved settings from storage", applied);
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
    cfg_store_init(&g_cfg.saved);
    sl_conn_to_keep(&g_cfg.srv, &g_cfg.log); /* log restarted: connect again at once */
    load_defaults();
    load_saved();
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
