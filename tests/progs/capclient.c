/*
 * tests/progs/capclient.c - a program that asks for a capability it was not granted
 * (docs/security.md, runtime approvals). On demand (`start capclient`; manifest
 * capclient.svc: a lookup of the security service with write, nothing else).
 *
 * It tells the root manager it is ready, asks the security service for "log:write"
 * and waits for the operator's answer. Granted: it writes one log record through the
 * handle it got, then checks the handle every 20 ms until the kernel says it was
 * revoked, tries one more write (which must fail the same way) and exits 0. Denied: it
 * says so and exits 0. Anything else (no answer in 60 s, a write that fails before the
 * revocation, a write that works after it) exits 1.
 *
 * Layer: services (a test program).
 */
#include <stdio.h>
#include <string.h>

#include <sl/service.h>
#include <sl/sl.h>

#include <proto/log.h>
#include <proto/security.h>

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

/* SEC_REQUEST_CAP: the handle granted, or the refusal. */
static int ask(sos_handle_t sec, sos_handle_t *out)
{
    uint8_t b[64], rb[64];
    sos_handle_t hs[1];
    struct sl_msg req, rep;
    sl_msg_begin(&req, b, sizeof(b), NULL, 0, SEC_REQUEST_CAP);
    sl_msg_put_str(&req, "log:write");
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
            int w = log_write(h, "capclient: writing after the revocation");
            printf("capclient: the handle was revoked; a log write now fails: %s\n", sos_strerror(w));
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

int main(void)
{
    sos_handle_t sec, h;
    if (sl_service_ready() || sl_service_lookup("security", &sec, sos_deadline_after(SOS_MS(5000)))) {
        printf("capclient: no security service\n");
        return 1;
    }
    printf("capclient: asking for log:write\n");
    int err = ask(sec, &h);
    if (err == SOS_ERR_ACCESS_DENIED) {
        printf("capclient: denied\n");
        return 0;
    }
    if (err) {
        printf("capclient: no answer: %s\n", sos_strerror(err));
        return 1;
    }
    err = log_write(h, "capclient: written through a granted handle");
    printf("capclient: granted; a log write %s\n", err ? sos_strerror(err) : "worked");
    return err ? 1 : until_revoked(h);
}
