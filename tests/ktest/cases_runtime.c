/*
 * tests/ktest/cases_runtime.c - services/lib on the real kernel: the server loop
 * (dispatch by ordinal, replies, deferred replies, handle ownership, clients closing),
 * message building and parsing, the allocator's memory going back, the startup API.
 *
 * Layer: tests (user image).
 */
#include "ktest.h"

#include <ctype.h>

enum { ORD_PING = 1, ORD_UPPER, ORD_KEEP, ORD_DEFER, ORD_RELEASE, ORD_STOP, ORD_REFUSE };

struct rt_state {
    struct sl_server srv;
    int closes;
    uintptr_t last_closed;
    struct sl_deferred deferred;
    bool have_deferred;
    sos_handle_t kept;
};

static int do_ping(struct sl_request *r)
{
    struct sl_parse p;
    sl_parse_begin(&p, r->bytes, r->len, NULL, 0, NULL);
    uint32_t v = sl_parse_u32(&p);
    sl_msg_put_u32(r->reply, v + 1);
    return sl_parse_end(&p);
}

static int do_upper(struct sl_request *r)
{
    struct sl_parse p;
    sl_parse_begin(&p, r->bytes, r->len, NULL, 0, NULL);
    uint32_t n;
    const char *s = sl_parse_str(&p, &n);
    if (sl_parse_end(&p))
        return SOS_ERR_BAD_FORMAT;
    char up[64];
    if (n >= sizeof(up))
        return SOS_ERR_OUT_OF_RANGE;
    for (uint32_t i = 0; i <= n; i++)
        up[i] = (char)toupper((unsigned char)s[i]);
    sl_msg_put_str(r->reply, up);
    return 0;
}

static int do_keep(struct sl_request *r)
{
    struct rt_state *st = r->srv->ctx;
    if (r->nhandles != 1)
        return SOS_ERR_INVALID_ARGS;
    st->kept = r->handles[0];
    r->handles[0] = SOS_HANDLE_INVALID; /* ours now: the loop must not close it */
    return 0;
}

static int do_defer(struct sl_request *r)
{
    struct rt_state *st = r->srv->ctx;
    sl_request_defer(r, &st->deferred);
    st->have_deferred = true;
    return SL_DEFER;
}

static int do_release(struct sl_request *r)
{
    struct rt_state *st = r->srv->ctx;
    if (!st->have_deferred)
        return SOS_ERR_BAD_STATE;
    uint32_t v = 77;
    st->have_deferred = false;
    return sl_reply_deferred(&st->deferred, 0, &v, sizeof(v), NULL, 0);
}

static int do_stop(struct sl_request *r)
{
    sl_server_stop(r->srv, 42);
    return 0;
}

static int do_refuse(struct sl_request *r) { return SOS_ERR_ACCESS_DENIED; }

static const struct sl_op g_ops[] = {
    {ORD_PING, sizeof(struct sos_msg_hdr) + 4, do_ping},
    {ORD_UPPER, sizeof(struct sos_msg_hdr) + 5, do_upper},
    {ORD_KEEP, sizeof(struct sos_msg_hdr), do_keep},
    {ORD_DEFER, sizeof(struct sos_msg_hdr), do_defer},
    {ORD_RELEASE, sizeof(struct sos_msg_hdr), do_release},
    {ORD_STOP, sizeof(struct sos_msg_hdr), do_stop},
    {ORD_REFUSE, sizeof(struct sos_msg_hdr), do_refuse},
};

static void on_close(struct sl_server *s, sos_handle_t ch, void *client)
{
    struct rt_state *st = s->ctx;
    st->closes++;
    st->last_closed = (uintptr_t)client;
}

static void run_server(void *arg)
{
    struct rt_state *st = arg;
    int status = sl_server_run(&st->srv);
    st->srv.status = status;
}

/* One call: ordinal, an optional u32 or string, an optional handle. */
static int call(sos_handle_t ch, uint32_t ordinal, const uint32_t *v, const char *s,
                sos_handle_t h, uint8_t *rep, uint32_t cap, uint32_t *rep_len)
{
    uint8_t req[128];
    sos_handle_t hs[1];
    struct sl_msg q, p;
    sl_msg_begin(&q, req, sizeof(req), hs, 1, ordinal);
    if (v)
        sl_msg_put_u32(&q, *v);
    if (s)
        sl_msg_put_str(&q, s);
    if (h)
        sl_msg_put_handle(&q, h);
    sl_msg_begin(&p, rep, cap, NULL, 0, 0);
    int err = sl_call(ch, &q, &p, sos_deadline_after(SOS_MS(2000)));
    if (rep_len)
        *rep_len = p.len;
    return err;
}

struct deferred_client {
    sos_handle_t ch;
    int result;
    uint32_t value;
};

static void call_deferred(void *arg)
{
    struct deferred_client *d = arg;
    uint8_t rep[64];
    uint32_t n;
    d->result = call(d->ch, ORD_DEFER, NULL, NULL, 0, rep, sizeof(rep), &n);
    if (n >= sizeof(struct sos_msg_hdr) + 4)
        memcpy(&d->value, rep + sizeof(struct sos_msg_hdr), 4);
}

static void rt_server_loop(void)
{
    static struct rt_state st;
    KT_OK(sl_server_init(&st.srv, g_ops, sizeof(g_ops) / sizeof(g_ops[0]), &st));
    st.srv.on_close = on_close;
    sos_handle_t c1, s1, c2, s2;
    kt_channel(&c1, &s1);
    kt_channel(&c2, &s2);
    KT_OK(sl_server_add_channel(&st.srv, s1, (void *)1));
    KT_OK(sl_server_add_channel(&st.srv, s2, (void *)2));
    struct sl_thread t;
    KT_OK(sl_thread_start(&t, run_server, &st, 0));

    uint8_t rep[128];
    uint32_t n, v = 41;
    KT_EQ(call(c1, ORD_PING, &v, NULL, 0, rep, sizeof(rep), &n), 0);
    KT_EQ(n, sizeof(struct sos_msg_hdr) + 4);
    uint32_t got;
    memcpy(&got, rep + sizeof(struct sos_msg_hdr), 4);
    KT_EQ(got, 42);

    KT_EQ(call(c2, ORD_UPPER, NULL, "mixed Case", 0, rep, sizeof(rep), &n), 0);
    struct sl_parse p;
    KT_OK(sl_parse_begin(&p, rep, n, NULL, 0, NULL));
    const char *s = sl_parse_str(&p, NULL);
    KT_OK(sl_parse_end(&p));
    KT_ASSERT(s && !strcmp(s, "MIXED CASE"));

    KT_EQ(call(c1, 99, NULL, NULL, 0, rep, sizeof(rep), NULL), SOS_ERR_NOT_SUPPORTED);
    KT_EQ(call(c1, ORD_PING, NULL, NULL, 0, rep, sizeof(rep), NULL), SOS_ERR_INVALID_ARGS);
    KT_EQ(call(c1, ORD_REFUSE, NULL, NULL, 0, rep, sizeof(rep), NULL), SOS_ERR_ACCESS_DENIED);

    /* handles: an unknown request's handle is closed, a kept one stays open */
    sos_handle_t w, x, y, z;
    kt_channel(&w, &x);
    kt_channel(&y, &z);
    KT_EQ(call(c1, 98, NULL, NULL, x, rep, sizeof(rep), NULL), SOS_ERR_NOT_SUPPORTED);
    kt_wait(w, SOS_SIG_PEER_CLOSED, 1000); /* closed right after the reply went out */
    KT_EQ(call(c1, ORD_KEEP, NULL, NULL, z, rep, sizeof(rep), NULL), 0);
    KT_EQ(call(c1, ORD_PING, &v, NULL, 0, rep, sizeof(rep), NULL), 0); /* KEEP is done */
    KT_ASSERT(!kt_signaled(y, SOS_SIG_PEER_CLOSED));

    /* a message too short for a header is dropped without an answer */
    KT_OK(sos_channel_write(c1, "xy", 2, NULL, 0));
    v = 1;
    KT_EQ(call(c1, ORD_PING, &v, NULL, 0, rep, sizeof(rep), NULL), 0);
    KT_ASSERT(!kt_signaled(c1, SOS_SIG_READABLE));

    /* a deferred reply: c1's call waits until a request on c2 releases it */
    struct deferred_client d = {c1, 1, 0};
    struct sl_thread dt;
    KT_OK(sl_thread_start(&dt, call_deferred, &d, 0));
    sos_thread_sleep(sos_deadline_after(SOS_MS(10)));
    KT_EQ(d.result, 1); /* still waiting */
    KT_EQ(call(c2, ORD_RELEASE, NULL, NULL, 0, rep, sizeof(rep), NULL), 0);
    KT_OK(sl_thread_join(&dt, sos_deadline_after(SOS_MS(2000))));
    KT_EQ(d.result, 0);
    KT_EQ(d.value, 77);

    /* a client going away is noticed, then the server is stopped */
    KT_OK(sos_handle_close(c2));
    KT_EQ(call(c1, ORD_STOP, NULL, NULL, 0, rep, sizeof(rep), NULL), 0);
    KT_OK(sl_thread_join(&t, sos_deadline_after(SOS_MS(2000))));
    KT_EQ(st.srv.status, 42);
    KT_EQ(st.closes, 1);
    KT_EQ(st.last_closed, 2);
    KT_EQ(st.srv.dropped, 1);
    KT_EQ(kt_handle_info(st.kept).kind, SOS_OBJ_CHANNEL);
    sl_server_destroy(&st.srv);
    KT_ASSERT(kt_signaled(c1, SOS_SIG_PEER_CLOSED)); /* destroy closed the server's ends */
}

static void rt_server_watch(void)
{
    static struct rt_state st;
    KT_OK(sl_server_init(&st.srv, g_ops, 0, &st));
    sos_handle_t tm;
    KT_OK(sos_timer_create(0, &tm));
    KT_OK(sl_server_watch(&st.srv, tm, SOS_SIG_SIGNALED, SOS_WAIT_ASYNC_ONCE, NULL, NULL));
    KT_EQ(sl_server_poll(&st.srv, sos_deadline_after(SOS_MS(5))), SOS_ERR_TIMED_OUT);
    KT_OK(sos_timer_set(tm, sos_deadline_after(SOS_MS(2)), 0));
    KT_OK(sl_server_poll(&st.srv, sos_deadline_after(SOS_MS(2000))));
    sl_server_destroy(&st.srv);
}

static void rt_msg_build_parse(void)
{
    uint8_t buf[64];
    sos_handle_t hs[2];
    struct sl_msg m;
    sl_msg_begin(&m, buf, sizeof(buf), hs, 2, 0x01000007u);
    sl_msg_put_u32(&m, 5);
    sl_msg_put_u64(&m, 0x1122334455667788ull);
    sl_msg_put_str(&m, "name");
    sl_msg_put_handle(&m, 0x3001);
    KT_OK(sl_msg_finish(&m));
    KT_EQ(sl_msg_hdr(&m)->ordinal, 0x01000007u);
    KT_EQ(m.len, sizeof(struct sos_msg_hdr) + 4 + 8 + 4 + 5);
    struct sl_parse p;
    struct sos_msg_hdr h;
    KT_OK(sl_parse_begin(&p, buf, m.len, hs, m.nhandles, &h));
    KT_EQ(h.ordinal, 0x01000007u);
    KT_EQ(sl_parse_u32(&p), 5);
    KT_EQ(sl_parse_u64(&p), 0x1122334455667788ull);
    uint32_t n;
    KT_ASSERT(!strcmp(sl_parse_str(&p, &n), "name"));
    KT_EQ(n, 4);
    KT_EQ(sl_parse_handle(&p), 0x3001);
    KT_OK(sl_parse_end(&p));
    KT_EQ(sl_parse_u32(&p), 0); /* past the end: zero, and the parser is bad */
    KT_EQ(sl_parse_end(&p), SOS_ERR_BAD_FORMAT);
    /* a builder that runs out of room says so */
    sl_msg_begin(&m, buf, 20, NULL, 0, 1);
    sl_msg_put_u64(&m, 1);
    KT_EQ(sl_msg_finish(&m), SOS_ERR_BUFFER_TOO_SMALL);
    KT_EQ(sl_parse_begin(&p, buf, 8, NULL, 0, NULL), SOS_ERR_BAD_FORMAT);
}

static void rt_malloc_returns_memory(void)
{
    uint64_t base = kt_process_info(sos_self_process()).mapped_bytes;
    char *big = malloc(4u << 20);
    KT_ASSERT(big);
    memset(big, 0x5a, 4u << 20);
    KT_ASSERT(kt_process_info(sos_self_process()).mapped_bytes >= base + (4u << 20));
    free(big);
    KT_EQ(kt_process_info(sos_self_process()).mapped_bytes, base);
    void *small[2000];
    for (int i = 0; i < 2000; i++) {
        small[i] = malloc(100 + (size_t)i);
        KT_ASSERT(small[i]);
        memset(small[i], i & 0xff, 100);
    }
    for (int i = 0; i < 2000; i++)
        free(small[i]);
    /* arenas went back, but for one kept spare (at most 1 MiB) */
    KT_ASSERT(kt_process_info(sos_self_process()).mapped_bytes <= base + (1u << 20));
    KT_ASSERT(calloc((size_t)1 << 62, 4) == NULL);
}

static void rt_startup_and_stdio(void)
{
    KT_EQ(sos_argc(), 2);
    KT_ASSERT(!strcmp(sos_argv()[0], "ktest"));
    KT_ASSERT(!strcmp(sos_argv()[1], "case:rt_startup_and_stdio"));
    KT_EQ(sos_argv()[2], 0);
    KT_ASSERT(sos_startup_handle("ktest-ctl") != 0);
    KT_ASSERT(sos_startup_handle("image") == kt_image());
    KT_EQ(sos_startup_handle("nope"), 0);
    KT_EQ(sos_startup_handle_at(sos_startup_handle_count()), 0);
    char buf[32];
    KT_EQ(snprintf(buf, sizeof(buf), "%s-%04x-%lld", "id", 0xbeefu, -5LL), 10);
    KT_ASSERT(!strcmp(buf, "id-beef--5"));
    KT_EQ(strtol("  -0x1f", NULL, 0), -31);
    KT_EQ(printf("%s", ""), 0);
}

const struct kt_case kt_runtime_cases[] = {
    KT_CASE(rt_server_loop),
    KT_CASE(rt_server_watch),
    KT_CASE(rt_msg_build_parse),
    KT_CASE(rt_malloc_returns_memory),
    KT_CASE(rt_startup_and_stdio),
};
const size_t kt_runtime_count = sizeof(kt_runtime_cases) / sizeof(kt_runtime_cases[0]);
