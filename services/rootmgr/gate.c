/*
 * services/rootmgr/gate.c - the launch gate: before the root manager launches an image
 * that is not in the boot store (`run image`, `run pkg`, and every start of a packaged
 * service), it asks the security service (proto/security.h, SEC_CHECK_LAUNCH) with the
 * image's SHA-256 (and, for a packaged service, its package, repository and signing
 * keys), and refuses the launch unless the answer is allow. Boot-store images never
 * come here: they are the system.
 *
 * A set without a security service has no launch policy: everything is allowed. A set
 * with one whose service is not ready (starting, restarting, given up) refuses: the
 * gate fails closed. The connection is made for the one question and closed at once,
 * so nothing stays open between launches (the chaos test counts kernel objects). The
 * security service never calls the root manager, so the wait is bounded by its own work
 * (its storage writes) and by CHECK_NS.
 *
 * Layer: services (root manager).
 */
#include "rootmgr.h"

#include <stdio.h>
#include <string.h>

#include <proto/security.h>

#include "hash/hex.h"

#define CHECK_NS 5000000000ll

struct verdict {
    uint32_t v;
    uint64_t id;
    char rule[80]; /* the package or publisher rule that decided, or "" */
};

static int ask(sos_handle_t ch, const char *name, const struct rm_origin *o, struct verdict *out)
{
    char hex[65];
    hex_encode(o->hash, 32, hex);
    uint8_t b[768], rb[256];
    struct sl_msg req, rep;
    sl_msg_begin(&req, b, sizeof(b), NULL, 0, SEC_CHECK_LAUNCH);
    sl_msg_put_str(&req, hex);
    sl_msg_put_str(&req, name);
    sl_msg_put_str(&req, o->path);
    sl_msg_put_str(&req, o->package);
    sl_msg_put_str(&req, o->repo);
    sl_msg_put_str(&req, o->keys);
    sl_msg_begin(&rep, rb, sizeof(rb), NULL, 0, SEC_CHECK_LAUNCH);
    int err = sl_msg_finish(&req);
    if (!err)
        err = sl_call(ch, &req, &rep, sos_deadline_after(CHECK_NS));
    struct sl_parse p;
    if (!err && !(err = sl_parse_begin(&p, rep.bytes, rep.len, NULL, 0, NULL))) {
        out->v = sl_parse_u32(&p);
        out->id = sl_parse_u64(&p);
        const char *rule = sl_parse_str(&p, NULL);
        snprintf(out->rule, sizeof(out->rule), "%s", rule ? rule : "");
        err = sl_parse_end(&p);
    }
    return err;
}

struct svc *rm_gatekeeper(void) { return rm_find("security"); }

int rm_launch_check(const char *name, const struct rm_origin *o, char *why, size_t cap)
{
    struct svc *s = rm_gatekeeper();
    if (!s)
        return 0;
    if (s->phase != SVC_READY) {
        snprintf(why, cap, "the security service is not running, so no image from storage may start");
        return SOS_ERR_BAD_STATE;
    }
    sos_handle_t ch;
    int err = rm_connect(s, "rootmgr", SOS_RIGHT_READ | SOS_RIGHT_MANAGE, &ch);
    struct verdict v = {SEC_V_BLOCK, 0, ""};
    if (!err) {
        err = ask(ch, name, o, &v);
        sos_handle_close(ch);
    }
    /* what decided: the package or publisher rule, else the image (its rule or the
     * default); short enough for a service's detail line */
    char sh[17], what[96];
    hex_encode(o->hash, 8, sh);
    if (v.rule[0])
        snprintf(what, sizeof(what), "%s", v.rule);
    else
        snprintf(what, sizeof(what), "image sha256 %s", sh);
    if (err) {
        snprintf(why, cap, "the security service did not answer (%s)", sos_strerror(err));
        return SOS_ERR_BAD_STATE;
    }
    if (v.v == SEC_V_ALLOW)
        return 0;
    if (v.v == SEC_V_ASK && v.id)
        snprintf(why, cap, "waits for the operator's approval: security approve %llu (%s)",
                 (unsigned long long)v.id, what);
    else if (v.v == SEC_V_ASK)
        snprintf(why, cap, "waits for the operator's approval, and too many are pending (%s)", what);
    else
        snprintf(why, cap, "blocked by the launch policy (%s)", what);
    return SOS_ERR_ACCESS_DENIED;
}
