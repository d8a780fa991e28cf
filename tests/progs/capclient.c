/*
 * tests/progs/capclient.c - a program that asks for a capability it was not granted
 * (docs/security.md, runtime approvals). On demand, under three names with the same
 * image (manifests capclient.svc, capnet.svc, capstore.svc: a lookup of the security
 * service with write, nothing else), each asking for one capability:
 *
 *   capclient  log:write      uses it: one log record (LOG_WRITE)
 *   capnet     net:connect    uses it: the network's state (NET_INFO) and a TCP connect
 *                             to 127.0.0.1:9 (any answer but "revoked" counts: this is
 *                             about the capability, not about a peer being there)
 *   capstore   storage:capstore  uses it: writes and reads back a file in its
 *                             namespace, /state/security/apps/capstore
 *
 * It tells the root manager it is ready, asks the security service and waits for the
 * operator's answer. Granted: it uses the handle once, then checks it every 20 ms until
 * the kernel says it was revoked, uses it once more (which must fail with "revoked") and
 * exits 0. Denied: it says so and exits 0. Anything else (no answer in 60 s, a use that
 * fails before the revocation, a use that works after it) exits 1.
 *
 * Layer: services (a test program).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sl/service.h>
#include <sl/sl.h>

#include <client/storage.h>
#include <proto/log.h>
#include <proto/net.h>
#include <proto/security.h>
#include <proto/storage.h>

static int log_write(sos_handle_t h, const char *text)
{
    uint8_t b[256], rb[64];
    struct sl_msg req, rep;
    sl_msg_begin(&req, b, sizeof(b), NULL, 0, LOG_WRITE);
    sl_msg_put_u32(&req, LOG_NOTICE);
    sl_msg_put_str(&req, text);
    sl_msg_begin(&rep, rb, sizeof(rb), NULL, 0, LOG_WRITE);
    int err = sl_msg_finish(&req);
    return err ? err : sl_call(h, &req, &rep, sos_deadline_after(SOS_MS(5000)));
}

static int net_use(sos_handle_t h, const char *text)
{
    uint8_t b[128], rb[512];
    sos_handle_t hs[1];
    struct sl_msg req, rep;
    sl_msg_begin(&req, b, sizeof(b), NULL, 0, NET_INFO);
    sl_msg_begin(&rep, rb, sizeof(rb), NULL, 0, NET_INFO);
    int err = sl_msg_finish(&req);
    if (!err)
        err = sl_call(h, &req, &rep, sos_deadline_after(SOS_MS(5000)));
    if (err)
        return err;
    sl_msg_begin(&req, b, sizeof(b), NULL, 0, NET_CONNECT);
    sl_msg_put_str(&req, "127.0.0.1");
    sl_msg_put_u32(&req, 9);
    sl_msg_put_u32(&req, 500);
    sl_msg_begin(&rep, rb, sizeof(rb), hs, 1, NET_CONNECT);
    err = sl_msg_finish(&req);
    if (!err)
        err = sl_call(h, &req, &rep, sos_deadline_after(SOS_MS(5000)));
    if (!err && rep.nhandles == 1)
        sos_handle_close(hs[0]);
    (void)text;
    printf("capclient: a connect to 127.0.0.1:9 answers: %s\n", err ? sos_strerror(err) : "connected");
    return err == SOS_ERR_REVOKED ? err : 0;
}

static int store_use(sos_handle_t dir, const char *text)
{
    char *back = NULL;
    size_t len = 0;
    int err = stc_replace_file(dir, "note", text, strlen(text));
    if (!err)
        err = stc_read_file(dir, "note", 256, &back, &len);
    if (!err && (len != strlen(text) || memcmp(back, text, len)))
        err = SOS_ERR_IO;
    free(back);
    return err;
}

/* The capability this instance asks for, by its service name, and how it uses it. */
static const struct {
    const char *name, *what;
    int (*use)(sos_handle_t h, const char *text);
} g_kinds[] = {
    {"capclient", "log:write", log_write},
    {"capnet", "net:connect", net_use},
    {"capstore", "storage:capstore", store_use},
};
static unsigned g_kind;

/* SEC_REQUEST_CAP: the handle granted, or the refusal. */
static int ask(sos_handle_t sec, sos_handle_t *out)
{
    uint8_t b[64], rb[64];
    sos_handle_t hs[1];
    struct sl_msg req, rep;
    sl_msg_begin(&req, b, sizeof(b), NULL, 0, SEC_REQUEST_CAP);
    sl_msg_put_str(&req, g_kinds[g_kind].what);
    sl_msg_begin(&rep, rb, sizeof(rb), hs, 1, SEC_REQUEST_CAP);
    int err = sl_msg_finish(&req);
    if (!err)
        err = sl_call(sec, &req, &rep, sos_deadline_after(SOS_MS(60000)));
    if (!err && rep.nhandles != 1)
        err = SOS_ERR_BAD_STATE;
    if (!err)
        *out = hs[0];
    return err;
}

static int until_revoked(sos_handle_t h)
{
    for (int i = 0; i < 3000; i++) { /* 60 s */
        struct sos_info_handle info;
        int64_t err = sos_object_get_info(h, SOS_INFO_HANDLE, &info, sizeof(info));
        if (err == SOS_ERR_REVOKED) {
            int w = g_kinds[g_kind].use(h, "capclient: writing after the revocation");
            printf("capclient: the handle was revoked; a %s use now fails: %s\n",
                   g_kinds[g_kind].what, sos_strerror(w));
            return w == SOS_ERR_REVOKED ? 0 : 1;
        }
        if (err < 0) {
            printf("capclient: the handle failed otherwise: %s\n", sos_strerror((int)err));
            return 1;
        }
        sos_thread_sleep(sos_clock_get() + SOS_MS(20));
    }
    printf("capclient: never revoked\n");
    return 1;
}

int main(int argc, char **argv)
{
    sos_handle_t sec, h;
    for (unsigned i = 0; argc > 0 && i < sizeof(g_kinds) / sizeof(g_kinds[0]); i++)
        if (!strcmp(argv[0], g_kinds[i].name))
            g_kind = i;
    if (sl_service_ready() || sl_service_lookup("security", &sec, sos_deadline_after(SOS_MS(5000)))) {
        printf("capclient: no security service\n");
        return 1;
    }
    printf("capclient: asking for %s\n", g_kinds[g_kind].what);
    int err = ask(sec, &h);
    if (err == SOS_ERR_ACCESS_DENIED) {
        printf("capclient: denied\n");
        return 0;
    }
    if (err) {
        printf("capclient: no answer: %s\n", sos_strerror(err));
        return 1;
    }
    err = g_kinds[g_kind].use(h, "capclient: written through a granted handle");
    printf("capclient: granted %s; a use %s\n", g_kinds[g_kind].what,
           err ? sos_strerror(err) : "worked");
    return err ? 1 : until_revoked(h);
}
