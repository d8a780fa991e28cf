/*
 * services/lib/src/ipc.c - message building and parsing, and the synchronous call
 * (sl/ipc.h).
 *
 * Layer: services/lib (IPC helpers).
 */
#include <string.h>

#include <sl/ipc.h>
#include <sl/sys.h>

/* ---- building */

void sl_msg_begin(struct sl_msg *m, void *buf, uint32_t cap, sos_handle_t *hbuf,
                  uint32_t hcap, uint32_t ordinal)
{
    *m = (struct sl_msg){.bytes = buf, .cap = cap, .handles = hbuf, .hcap = hbuf ? hcap : 0};
    struct sos_msg_hdr h = {.ordinal = ordinal};
    sl_msg_put(m, &h, sizeof(h));
}

struct sos_msg_hdr *sl_msg_hdr(struct sl_msg *m)
{
    return m->len >= sizeof(struct sos_msg_hdr) ? (struct sos_msg_hdr *)m->bytes : NULL;
}

void sl_msg_put(struct sl_msg *m, const void *data, uint32_t len)
{
    if (m->overflow || len > m->cap - m->len) {
        m->overflow = true;
        return;
    }
    if (len)
        memcpy(m->bytes + m->len, data, len);
    m->len += len;
}

void sl_msg_put_u32(struct sl_msg *m, uint32_t v) { sl_msg_put(m, &v, sizeof(v)); }
void sl_msg_put_u64(struct sl_msg *m, uint64_t v) { sl_msg_put(m, &v, sizeof(v)); }

void sl_msg_put_str(struct sl_msg *m, const char *s)
{
    size_t n = strlen(s);
    if (n >= SOS_CHANNEL_MAX_BYTES) {
        m->overflow = true;
        return;
    }
    sl_msg_put_u32(m, (uint32_t)n);
    sl_msg_put(m, s, (uint32_t)n + 1);
}

void sl_msg_put_handle(struct sl_msg *m, sos_handle_t h)
{
    if (m->nhandles >= m->hcap) {
        m->overflow = true;
        return;
    }
    m->handles[m->nhandles++] = h;
}

int sl_msg_finish(const struct sl_msg *m)
{
    return m->overflow ? SOS_ERR_BUFFER_TOO_SMALL : 0;
}

int sl_msg_send(sos_handle_t ch, const struct sl_msg *m)
{
    int err = sl_msg_finish(m);
    if (err)
        return err;
    return (int)sos_channel_write(ch, m->bytes, m->len, m->handles, m->nhandles);
}

/* ---- parsing */

int sl_parse_begin(struct sl_parse *p, const void *bytes, uint32_t len,
                   const sos_handle_t *handles, uint32_t nhandles, struct sos_msg_hdr *hdr)
{
    *p = (struct sl_parse){.bytes = bytes, .len = len, .handles = handles, .nhandles = nhandles};
    const void *h = sl_parse_bytes(p, sizeof(struct sos_msg_hdr));
    if (!h)
        return SOS_ERR_BAD_FORMAT;
    if (hdr)
        memcpy(hdr, h, sizeof(*hdr));
    return 0;
}

const void *sl_parse_bytes(struct sl_parse *p, uint32_t len)
{
    if (p->bad || len > p->len - p->pos) {
        p->bad = true;
        return NULL;
    }
    const void *at = p->bytes + p->pos;
    p->pos += len;
    return at;
}

uint32_t sl_parse_u32(struct sl_parse *p)
{
    uint32_t v = 0;
    const void *at = sl_parse_bytes(p, sizeof(v));
    if (at)
        memcpy(&v, at, sizeof(v));
    return v;
}

uint64_t sl_parse_u64(struct sl_parse *p)
{
    uint64_t v = 0;
    const void *at = sl_parse_bytes(p, sizeof(v));
    if (at)
        memcpy(&v, at, sizeof(v));
    return v;
}

const char *sl_parse_str(struct sl_parse *p, uint32_t *len)
{
    uint32_t n = sl_parse_u32(p);
    const char *s = p->bad || n == UINT32_MAX ? NULL : sl_parse_bytes(p, n + 1);
    if (!s || s[n] != 0 || memchr(s, 0, n)) {
        p->bad = true;
        return NULL;
    }
    if (len)
        *len = n;
    return s;
}

const char *sl_parse_str_opt(struct sl_parse *p)
{
    const char *s = p->bad || p->pos >= p->len ? "" : sl_parse_str(p, NULL);
    return s ? s : "";
}

sos_handle_t sl_parse_handle(struct sl_parse *p)
{
    if (p->bad || p->hpos >= p->nhandles) {
        p->bad = true;
        return SOS_HANDLE_INVALID;
    }
    return p->handles[p->hpos++];
}

int sl_parse_end(const struct sl_parse *p) { return p->bad ? SOS_ERR_BAD_FORMAT : 0; }

/* ---- calls */

static int reply_status(const void *rep, uint32_t len, uint32_t ordinal)
{
    struct sos_msg_hdr h;
    if (len < sizeof(h))
        return SOS_ERR_BAD_FORMAT;
    memcpy(&h, rep, sizeof(h));
    if (h.ordinal != ordinal)
        return SOS_ERR_BAD_FORMAT;
    return h.status > 0 ? SOS_ERR_BAD_FORMAT : h.status;
}

int sl_call(sos_handle_t ch, const struct sl_msg *req, struct sl_msg *rep, sos_time_t deadline)
{
    int err = sl_msg_finish(req);
    if (err)
        return err;
    if (req->len < sizeof(struct sos_msg_hdr))
        return SOS_ERR_INVALID_ARGS;
    struct sos_chan_call c = {
        .wr_bytes = req->bytes, .wr_handles = req->handles, .wr_nbytes = req->len,
        .wr_nhandles = req->nhandles,
        .rd = {.bytes = rep->bytes, .handles = rep->handles, .bytes_cap = rep->cap,
               .handles_cap = rep->hcap}};
    rep->len = rep->nhandles = 0;
    rep->overflow = false;
    err = (int)sos_channel_call(ch, deadline, &c);
    if (err)
        return err;
    rep->len = c.rd.actual_bytes;
    rep->nhandles = c.rd.actual_handles;
    return reply_status(rep->bytes, rep->len, ((const struct sos_msg_hdr *)req->bytes)->ordinal);
}

int sl_call_bytes(sos_handle_t ch, const void *req, uint32_t req_len, void *rep,
                  uint32_t rep_cap, uint32_t *rep_len, sos_time_t deadline)
{
    if (req_len < sizeof(struct sos_msg_hdr))
        return SOS_ERR_INVALID_ARGS;
    struct sos_chan_call c = {
        .wr_bytes = req, .wr_nbytes = req_len,
        .rd = {.bytes = rep, .bytes_cap = rep_cap}};
    int err = (int)sos_channel_call(ch, deadline, &c);
    if (rep_len)
        *rep_len = err ? 0 : c.rd.actual_bytes;
    if (err)
        return err;
    struct sos_msg_hdr h;
    memcpy(&h, req, sizeof(h));
    return reply_status(rep, c.rd.actual_bytes, h.ordinal);
}
