/*
 * services/lib/test/host_sys.c - fake system calls for host tests of request handlers (see
 * host_sys.h).
 *
 * Layer: services host tests (never in an image).
 */
#include "host_sys.h"

#include <stdlib.h>
#include <string.h>

struct fake_sys g_fake;

void fake_reset(void)
{
    memset(&g_fake, 0, sizeof(g_fake));
    g_fake.now = 1000;
}

int64_t sos_clock_get(void) { return g_fake.now++; }

sos_time_t sos_deadline_after(sos_time_t ns) { return g_fake.now + ns; }

int64_t sos_channel_write(sos_handle_t h, const void *bytes, uint32_t n, const sos_handle_t *hs,
                          uint32_t nh)
{
    (void)hs;
    (void)nh;
    if (h == 0)
        return SOS_ERR_BAD_HANDLE;
    if (g_fake.write_fail_ch && h == g_fake.write_fail_ch) {
        if (g_fake.write_fail_times && !--g_fake.write_fail_times)
            g_fake.write_fail_ch = 0; /* the last refusal */
        return g_fake.write_fail_err;
    }
    if (g_fake.nwrites < FAKE_MAX_WRITES) {
        struct fake_write *w = &g_fake.writes[g_fake.nwrites++];
        w->ch = h;
        w->len = n;
        memcpy(w->bytes, bytes, n < sizeof(w->bytes) ? n : sizeof(w->bytes));
        w->ordinal = n >= sizeof(struct sos_msg_hdr) ? ((const struct sos_msg_hdr *)bytes)->ordinal : 0;
    }
    return 0;
}

int64_t sos_channel_call(sos_handle_t h, sos_time_t deadline, struct sos_chan_call *c)
{
    (void)h;
    (void)deadline;
    (void)c;
    return SOS_ERR_PEER_CLOSED;
}

int64_t sos_handle_close(sos_handle_t h)
{
    (void)h;
    g_fake.closes++;
    return 0;
}

int64_t sos_object_wait_one(sos_handle_t h, sos_signals_t signals, sos_time_t deadline,
                            sos_signals_t *observed)
{
    (void)signals;
    (void)deadline;
    if (observed)
        *observed = h && h == g_fake.peer_closed_ch ? SOS_SIG_PEER_CLOSED : SOS_SIG_WRITABLE;
    return SOS_ERR_TIMED_OUT;
}

int64_t sos_fault_read(sos_handle_t resource, struct sos_fault_record *buf, uint32_t count)
{
    (void)resource;
    uint32_t n = g_fake.nfaults < count ? g_fake.nfaults : count;
    memcpy(buf, g_fake.faults, n * sizeof(*buf));
    memmove(g_fake.faults, g_fake.faults + n, (g_fake.nfaults - n) * sizeof(*buf));
    g_fake.nfaults -= n;
    return n;
}

int64_t sos_debug_write(const char *buf, size_t len)
{
    size_t room = sizeof(g_fake.out) - g_fake.out_len;
    size_t k = len < room ? len : room;
    memcpy(g_fake.out + g_fake.out_len, buf, k);
    g_fake.out_len += k;
    return (int64_t)len;
}

int64_t sos_console_read(sos_handle_t resource, void *buf, size_t len)
{
    (void)resource;
    size_t k = g_fake.in_len - g_fake.in_pos;
    if (k == 0)
        return SOS_ERR_SHOULD_WAIT;
    k = k < len ? k : len;
    memcpy(buf, g_fake.in + g_fake.in_pos, k);
    g_fake.in_pos += k;
    return (int64_t)k;
}

sos_handle_t sos_startup_handle(const char *name)
{
    (void)name;
    return SOS_HANDLE_INVALID;
}

int sl_conn_to_call(struct sl_conn_to *c, const struct sl_msg *req, struct sl_msg *rep,
                    sos_time_t deadline)
{
    (void)c;
    (void)req;
    (void)deadline;
    g_fake.conn_calls++;
    rep->len = sizeof(struct sos_msg_hdr);
    if (g_fake.conn_reply) {
        rep->len = g_fake.conn_reply_len < rep->cap ? g_fake.conn_reply_len : rep->cap;
        memcpy(rep->bytes, g_fake.conn_reply, rep->len);
    }
    return g_fake.conn_result;
}

void fake_request(struct fake_req *q, const void *bytes, uint32_t len, const sos_handle_t *handles,
                  uint32_t nhandles, sos_rights_t rights, const char *client_name)
{
    memset(&q->srv, 0, sizeof(q->srv));
    memset(&q->peer, 0, sizeof(q->peer));
    strncpy(q->peer.name, client_name ? client_name : "client", sizeof(q->peer.name) - 1);
    q->peer.rights = rights;
    if (nhandles)
        memcpy(q->handles, handles, nhandles * sizeof(*handles));
    q->r = (struct sl_request){.srv = &q->srv, .channel = 7, .client = &q->peer, .bytes = bytes,
                               .len = len, .handles = q->handles, .nhandles = nhandles,
                               .reply = &q->reply};
    if (len >= sizeof(struct sos_msg_hdr))
        memcpy(&q->r.hdr, bytes, sizeof(q->r.hdr));
    sl_msg_begin(&q->reply, q->reply_buf, sizeof(q->reply_buf), q->reply_handles, 64,
                 q->r.hdr.ordinal);
}

static void aim(struct fake_req *q, sos_handle_t channel, void *client)
{
    if (channel) {
        q->r.channel = channel;
        q->r.client = client;
    }
}

uint32_t fake_mangle_on(sl_handler_fn fn, const struct sl_msg *msg, sos_rights_t rights,
                        uint32_t rounds, sos_handle_t channel, void *client)
{
    static struct fake_req q;
    uint32_t ok = 0;
    uint64_t seed = 0x9e3779b97f4a7c15ull;
    for (uint32_t len = sizeof(struct sos_msg_hdr); len < msg->len; len++) {
        uint8_t *cut = malloc(len); /* exactly len long: a read past it is caught (ASan) */
        memcpy(cut, msg->bytes, len);
        fake_request(&q, cut, len, msg->handles, msg->nhandles, rights, NULL);
        aim(&q, channel, client);
        ok += fn(&q.r) == 0;
        free(cut);
    }
    uint8_t *buf = malloc(msg->len);
    for (uint32_t i = 0; i < rounds; i++) {
        memcpy(buf, msg->bytes, msg->len);
        for (int k = 0; k < 3; k++) {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            uint32_t at = sizeof(struct sos_msg_hdr) +
                          (uint32_t)(seed % (msg->len - sizeof(struct sos_msg_hdr)));
            buf[at] = (uint8_t)(seed >> 32);
        }
        fake_request(&q, buf, msg->len, msg->handles, msg->nhandles, rights, NULL);
        aim(&q, channel, client);
        ok += fn(&q.r) == 0;
    }
    free(buf);
    return ok;
}

uint32_t fake_mangle(sl_handler_fn fn, const struct sl_msg *msg, sos_rights_t rights, uint32_t rounds)
{
    return fake_mangle_on(fn, msg, rights, rounds, 0, NULL);
}
