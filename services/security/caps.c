/*
 * services/security/caps.c - what the security service can lend on approval (grants.c):
 * the name of each capability a program may ask for and the handle a grant is minted
 * from.
 *
 *   log:write     its own connection to the log (manifest: grant=log:write)
 *   net:connect   its connection to the network service (manifest: lookup=network:
 *                 read+write), looked up at the first grant and kept
 *   storage:<ns>  a new directory handle on apps/<ns> in its own directory
 *                 (/state/security/apps/<ns>, store.c), made when missing; <ns>: 1 to
 *                 23 of [a-z0-9_-], so one program's namespace never reaches another's.
 *                 Its own directory is reopened when storage restarts (stc_kept_dir),
 *                 so no dead handle lingers; a lent handle dies with that storage.
 *
 * A lookup asks the root manager, which may be waiting in a launch check for this very
 * service; the network is looked up only when a grant is minted (the operator's approval
 * or a remembered rule), never in the launch check.
 *
 * Layer: services (security).
 */
#include <string.h>

#include <sl/service.h>
#include <sl/sl.h>

#include "security.h"

#define NS_MAX 23

static struct sl_conn_to g_log, g_net;

void sec_caps_init(void)
{
    sl_conn_to_init(&g_log, "log", sos_startup_handle("log"));
    sl_conn_to_keep(&g_sec.srv, &g_log);
    sl_conn_to_init(&g_net, "network", 0);
}

static bool ns_ok(const char *ns)
{
    size_t n = strlen(ns);
    return n >= 1 && n <= NS_MAX && strspn(ns, "abcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}

bool sec_cap_known(const char *what)
{
    return !strcmp(what, "log:write") || !strcmp(what, "net:connect") ||
           (!strncmp(what, "storage:", 8) && ns_ok(what + 8));
}

/* A live channel of c, looked up again when its service restarted. */
static int live(struct sl_conn_to *c)
{
    int err = sl_conn_to_refresh(c, sos_deadline_after(SOS_MS(3000)));
    if (!err && !c->keep)
        sl_conn_to_keep(&g_sec.srv, c);
    return err;
}

int sec_cap_source(const char *what, sos_handle_t *from, sos_handle_t *held)
{
    *held = 0;
    if (!strcmp(what, "log:write")) {
        int err = g_log.ch ? 0 : live(&g_log);
        *from = g_log.ch;
        return err;
    }
    if (!strcmp(what, "net:connect")) {
        int err = live(&g_net);
        *from = g_net.ch;
        return err;
    }
    int err = sec_cap_known(what) ? sec_store_subdir("apps", what + 8, held) : SOS_ERR_NOT_SUPPORTED;
    *from = *held;
    return err;
}
