/*
 * services/clients/mgrinfo.c - MGR_LIST and MGR_PS, fetched and decoded (client/mgrinfo.h).
 *
 * Layer: services (root manager client; used by status, shell).
 */
#include <client/mgrinfo.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void copy(char *dst, size_t size, const char *src)
{
    snprintf(dst, size, "%s", src ? src : "");
}

/* Call `ordinal` (no arguments) and start parsing the reply; *buf must be freed. */
static int call(struct sl_conn_to *rm, uint32_t ordinal, uint8_t **buf, struct sl_parse *p)
{
    uint8_t req_b[32];
    struct sl_msg req, rep;
    *buf = malloc(SOS_CHANNEL_MAX_BYTES);
    if (!*buf)
        return SOS_ERR_NO_MEMORY;
    sl_msg_begin(&req, req_b, sizeof(req_b), NULL, 0, ordinal);
    sl_msg_begin(&rep, *buf, SOS_CHANNEL_MAX_BYTES, NULL, 0, ordinal);
    int err = sl_conn_to_call(rm, &req, &rep, sos_deadline_after(MGRINFO_TIMEOUT_NS));
    if (!err)
        err = sl_parse_begin(p, rep.bytes, rep.len, NULL, 0, NULL);
    return err;
}

int mgr_list(struct sl_conn_to *rm, struct mgr_svc *out, uint32_t cap, uint32_t *n)
{
    uint8_t *buf;
    struct sl_parse p;
    *n = 0;
    int err = call(rm, MGR_LIST, &buf, &p);
    uint32_t count = err ? 0 : sl_parse_u32(&p);
    for (uint32_t i = 0; i < count && !p.bad; i++) {
        struct mgr_svc s;
        copy(s.name, sizeof(s.name), sl_parse_str(&p, NULL));
        s.phase = sl_parse_u32(&p);
        s.pid = sl_parse_u64(&p);
        s.restarts = sl_parse_u32(&p);
        s.ready_ns = sl_parse_u64(&p);
        s.flags = sl_parse_u32(&p);
        copy(s.detail, sizeof(s.detail), sl_parse_str(&p, NULL));
        if (!p.bad && *n < cap)
            out[(*n)++] = s;
    }
    if (!err)
        err = sl_parse_end(&p);
    free(buf);
    return err;
}

int mgr_ps(struct sl_conn_to *rm, struct mgr_proc *out, uint32_t cap, uint32_t *n)
{
    uint8_t *buf;
    struct sl_parse p;
    *n = 0;
    int err = call(rm, MGR_PS, &buf, &p);
    uint32_t count = err ? 0 : sl_parse_u32(&p);
    for (uint32_t i = 0; i < count && !p.bad; i++) {
        struct mgr_proc s;
        s.pid = sl_parse_u64(&p);
        copy(s.name, sizeof(s.name), sl_parse_str(&p, NULL));
        s.state = sl_parse_u32(&p);
        s.cpu_ns = sl_parse_u64(&p);
        s.mapped_bytes = sl_parse_u64(&p);
        s.threads = sl_parse_u32(&p);
        s.handles = sl_parse_u32(&p);
        copy(s.service, sizeof(s.service), sl_parse_str(&p, NULL));
        if (!p.bad && *n < cap)
            out[(*n)++] = s;
    }
    if (!err)
        err = sl_parse_end(&p);
    free(buf);
    return err;
}

const struct mgr_proc *mgr_proc_of(const struct mgr_proc *ps, uint32_t n, const char *name)
{
    for (uint32_t i = 0; i < n; i++)
        if (!strcmp(ps[i].service, name))
            return &ps[i];
    return NULL;
}
