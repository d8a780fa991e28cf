/*
 * services/config/config_ops.h - the config service's state and request handlers,
 * apart from its main so that a host test can drive them (config_ops_test.c).
 *
 * Layer: services (config).
 */
#ifndef CONFIG_CONFIG_OPS_H
#define CONFIG_CONFIG_OPS_H

#include <sl/service.h>
#include <sl/sl.h>

#include <proto/log.h>

#include "store.h"

#define MAX_WATCHERS 32

struct watcher {
    sos_handle_t ch; /* 0: free */
    char prefix[CONFIG_KEY_MAX];
};

struct configsvc {
    struct sl_server srv;
    struct cfg_store store;
    struct watcher watchers[MAX_WATCHERS];
    struct sl_conn_to log;
    struct cfg_store saved;  /* the keys set at run time (what goes to storage) */
    void (*save)(void);      /* writes `saved` to storage after a change (NULL: none) */
};

extern struct configsvc g_cfg;
extern const struct sl_op g_cfg_ops[4];

/* A log record from config (the console too, when the log is away and it matters). */
void cfg_log(uint32_t severity, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

int cfg_do_get(struct sl_request *r);
int cfg_do_set(struct sl_request *r);
int cfg_do_list(struct sl_request *r);
int cfg_do_watch(struct sl_request *r);

#endif
