/*
 * tests/ktest/cases_chan.c - channels: messages, signals, limits, handle transfer,
 * peer closure, channel_call.
 *
 * Layer: tests (user image).
 */
#include "ktest.h"

static void write_bytes(sos_handle_t ch, const void *p, uint32_t n)
{
    KT_OK(sos_channel_write(ch, p, n, NULL, 0));
}

static void chan_write_read(void)
{
    sos_handle_t a, b;
    kt_channel(&a, &b);
    write_bytes(a, "hello", 5);
    char buf[16] = {0};
    struct sos_chan_read rd = {.bytes = buf, .bytes_cap = sizeof(buf)};
    KT_OK(sos_channel_read(b, &rd));
    KT_EQ(rd.actual_bytes, 5);
    KT_EQ(rd.actual_handles, 0);
    KT_ASSERT(!memcmp(buf, "hello", 5));
    KT_EQ(sos_channel_read(b, &rd), SOS_ERR_SHOULD_WAIT);
    /* both directions */
    write_bytes(b, "back", 4);
    KT_EQ(kt_recv(a, buf, sizeof(buf), 100), 4);
    KT_ASSERT(!memcmp(buf, "back", 4));
}

static void chan_order_and_empty(void)
{
    sos_handle_t a, b;
    kt_channel(&a, &b);
    for (uint32_t i = 0; i < 20; i++)
        write_bytes(a, &i, sizeof(i));
    for (uint32_t i = 0; i < 20; i++) {
        uint32_t v;
        KT_EQ(kt_recv(b, &v, sizeof(v), 100), sizeof(v));
        KT_EQ(v, i);
    }
    KT_OK(sos_channel_write(a, NULL, 0, NULL, 0)); /* an empty message is a message */
    char c;
    KT_EQ(kt_recv(b, &c, 1, 100), 0);
}

static void chan_signals(void)
{
    sos_handle_t a, b;
    kt_channel(&a, &b);
    KT_ASSERT(kt_signaled(a, SOS_SIG_WRITABLE));
    KT_ASSERT(!kt_signaled(b, SOS_SIG_READABLE));
    write_bytes(a, "x", 1);
    KT_ASSERT(kt_signaled(b, SOS_SIG_READABLE));
    char c;
    kt_recv(b, &c, 1, 100);
    KT_ASSERT(!kt_signaled(b, SOS_SIG_READABLE));
    KT_ASSERT(!kt_signaled(a, SOS_SIG_PEER_CLOSED));
    KT_OK(sos_handle_close(b));
    KT_ASSERT(kt_signaled(a, SOS_SIG_PEER_CLOSED));
    KT_ASSERT(!kt_signaled(a, SOS_SIG_WRITABLE));
}

static void chan_max_message(void)
{
    sos_handle_t a, b;
    kt_channel(&a, &b);
    uint8_t *big = malloc(SOS_CHANNEL_MAX_BYTES + 1);
    KT_ASSERT(big);
    for (uint32_t i = 0; i <= SOS_CHANNEL_MAX_BYTES; i++)
        big[i] = (uint8_t)(i * 7);
    KT_EQ(sos_channel_write(a, big, SOS_CHANNEL_MAX_BYTES + 1, NULL, 0), SOS_ERR_OUT_OF_RANGE);
    KT_OK(sos_channel_write(a, big, SOS_CHANNEL_MAX_BYTES, NULL, 0));
    uint8_t *in = malloc(SOS_CHANNEL_MAX_BYTES);
    KT_ASSERT(in);
    KT_EQ(kt_recv(b, in, SOS_CHANNEL_MAX_BYTES, 100), SOS_CHANNEL_MAX_BYTES);
    KT_ASSERT(!memcmp(in, big, SOS_CHANNEL_MAX_BYTES));
    sos_handle_t ev[SOS_CHANNEL_MAX_HANDLES + 1];
    for (uint32_t i = 0; i <= SOS_CHANNEL_MAX_HANDLES; i++)
        ev[i] = kt_event();
    KT_EQ(sos_channel_write(a, "x", 1, ev, SOS_CHANNEL_MAX_HANDLES + 1), SOS_ERR_OUT_OF_RANGE);
    KT_OK(sos_channel_write(a, "x", 1, ev, SOS_CHANNEL_MAX_HANDLES));
}

static void chan_too_small_buffer(void)
{
    sos_handle_t a, b;
    kt_channel(&a, &b);
    char msg[100];
    memset(msg, 'm', sizeof(msg));
    write_bytes(a, msg, sizeof(msg));
    char small[10];
    struct sos_chan_read rd = {.bytes = small, .bytes_cap = sizeof(small)};
    KT_EQ(sos_channel_read(b, &rd), SOS_ERR_BUFFER_TOO_SMALL);
    KT_EQ(rd.actual_bytes, 100); /* the sizes needed */
    KT_ASSERT(kt_signaled(b, SOS_SIG_READABLE)); /* and the message is still there */
    char big[100];
    rd = (struct sos_chan_read){.bytes = big, .bytes_cap = sizeof(big)};
    KT_OK(sos_channel_read(b, &rd));
    KT_ASSERT(!memcmp(big, msg, sizeof(msg)));
}

static void chan_too_few_handle_slots(void)
{
    sos_handle_t a, b;
    kt_channel(&a, &b);
    sos_handle_t ev[2] = {kt_event(), kt_event()};
    KT_OK(sos_channel_write(a, "hh", 2, ev, 2));
    char buf[4];
    sos_handle_t got[2] = {0, 0};
    struct sos_chan_read rd = {.bytes = buf, .handles = got, .bytes_cap = 4, .handles_cap = 1};
    KT_EQ(sos_channel_read(b, &rd), SOS_ERR_BUFFER_TOO_SMALL);
    KT_EQ(rd.actual_handles, 2);
    KT_EQ(got[0], 0); /* nothing was installed */
    rd.handles_cap = 2;
    KT_OK(sos_channel_read(b, &rd));
    KT_EQ(kt_handle_info(got[0]).kind, SOS_OBJ_EVENT);
    KT_EQ(kt_handle_info(got[1]).kind, SOS_OBJ_EVENT);
}

static void chan_queue_full_messages(void)
{
    sos_handle_t a, b;
    kt_channel(&a, &b);
    for (uint32_t i = 0; i < SOS_CHANNEL_MAX_MSGS; i++)
        write_bytes(a, &i, sizeof(i));
    KT_EQ(sos_channel_write(a, "x", 1, NULL, 0), SOS_ERR_QUEUE_FULL);
    KT_ASSERT(!kt_signaled(a, SOS_SIG_WRITABLE));
    uint32_t v;
    KT_EQ(kt_recv(b, &v, sizeof(v), 100), sizeof(v));
    KT_EQ(v, 0);
    KT_ASSERT(kt_signaled(a, SOS_SIG_WRITABLE));
    write_bytes(a, "x", 1);
}

static void chan_queue_full_bytes(void)
{
    sos_handle_t a, b;
    kt_channel(&a, &b);
    uint8_t *big = calloc(1, SOS_CHANNEL_MAX_BYTES);
    KT_ASSERT(big);
    uint32_t fit = SOS_CHANNEL_MAX_QUEUED / SOS_CHANNEL_MAX_BYTES;
    for (uint32_t i = 0; i < fit; i++)
        KT_OK(sos_channel_write(a, big, SOS_CHANNEL_MAX_BYTES, NULL, 0));
    KT_EQ(sos_channel_write(a, big, 1, NULL, 0), SOS_ERR_QUEUE_FULL);
}

static void chan_full_queue_keeps_handles(void)
{
    sos_handle_t a, b;
    kt_channel(&a, &b);
    for (uint32_t i = 0; i < SOS_CHANNEL_MAX_MSGS; i++)
        write_bytes(a, &i, sizeof(i));
    sos_handle_t e = kt_event();
    KT_EQ(sos_channel_write(a, "x", 1, &e, 1), SOS_ERR_QUEUE_FULL);
    KT_OK(sos_object_signal(e, 0, SOS_SIG_SIGNALED)); /* still ours */
}

static void chan_peer_closed(void)
{
    sos_handle_t a, b;
    kt_channel(&a, &b);
    KT_OK(sos_handle_close(b));
    sos_handle_t e = kt_event();
    KT_EQ(sos_channel_write(a, "x", 1, &e, 1), SOS_ERR_PEER_CLOSED);
    KT_OK(sos_object_signal(e, 0, SOS_SIG_SIGNALED)); /* nothing moved */
    char c;
    struct sos_chan_read rd = {.bytes = &c, .bytes_cap = 1};
    KT_EQ(sos_channel_read(a, &rd), SOS_ERR_PEER_CLOSED);
}

static void chan_peer_closed_drains(void)
{
    sos_handle_t a, b;
    kt_channel(&a, &b);
    write_bytes(a, "1", 1);
    write_bytes(a, "2", 1);
    KT_OK(sos_handle_close(a));
    KT_ASSERT(kt_signaled(b, SOS_SIG_PEER_CLOSED));
    char c;
    KT_EQ(kt_recv(b, &c, 1, 100), 1);
    KT_EQ(c, '1');
    KT_EQ(kt_recv(b, &c, 1, 100), 1);
    KT_EQ(c, '2');
    struct sos_chan_read rd = {.bytes = &c, .bytes_cap = 1};
    KT_EQ(sos_channel_read(b, &rd), SOS_ERR_PEER_CLOSED);
}

static void chan_handle_transfer(void)
{
    sos_handle_t a, b;
    kt_channel(&a, &b);
    sos_handle_t e = kt_event();
    struct sos_info_handle before = kt_handle_info(e);
    KT_OK(sos_channel_write(a, "e", 1, &e, 1));
    KT_EQ(sos_object_signal(e, 0, SOS_SIG_SIGNALED), SOS_ERR_BAD_HANDLE); /* it left */
    char c;
    sos_handle_t got = 0;
    struct sos_chan_read rd = {.bytes = &c, .handles = &got, .bytes_cap = 1, .handles_cap = 1};
    KT_OK(sos_channel_read(b, &rd));
    KT_EQ(rd.actual_handles, 1);
    struct sos_info_handle after = kt_handle_info(got);
    KT_EQ(after.koid, before.koid);
    KT_EQ(after.rights, before.rights);
    KT_OK(sos_object_signal(got, 0, SOS_SIG_SIGNALED));
}

static void chan_transfer_needs_right(void)
{
    sos_handle_t a, b;
    kt_channel(&a, &b);
    sos_handle_t e = kt_dup(kt_event(), SOS_RIGHT_WAIT | SOS_RIGHT_SIGNAL);
    KT_EQ(sos_channel_write(a, "x", 1, &e, 1), SOS_ERR_ACCESS_DENIED);
    KT_OK(sos_object_signal(e, 0, SOS_SIG_SIGNALED));
    KT_ASSERT(!kt_signaled(b, SOS_SIG_READABLE));
}

static void chan_transfer_is_atomic(void)
{
    sos_handle_t a, b;
    kt_channel(&a, &b);
    sos_handle_t hs[3] = {kt_event(), kt_event(), 0xdead0001u};
    KT_EQ(sos_channel_write(a, "x", 1, hs, 3), SOS_ERR_BAD_HANDLE);
    KT_OK(sos_object_signal(hs[0], 0, SOS_SIG_SIGNALED));
    KT_OK(sos_object_signal(hs[1], 0, SOS_SIG_SIGNALED));
    KT_ASSERT(!kt_signaled(b, SOS_SIG_READABLE));
    sos_handle_t twice[2] = {hs[0], hs[0]};
    KT_EQ(sos_channel_write(a, "x", 1, twice, 2), SOS_ERR_INVALID_ARGS);
    KT_OK(sos_object_signal(hs[0], 0, SOS_SIG_SIGNALED));
}

static void chan_cannot_carry_itself(void)
{
    sos_handle_t a, b;
    kt_channel(&a, &b);
    KT_EQ(sos_channel_write(a, "x", 1, &a, 1), SOS_ERR_NOT_SUPPORTED);
    KT_EQ(sos_channel_write(a, "x", 1, &b, 1), SOS_ERR_NOT_SUPPORTED);
    write_bytes(a, "ok", 2); /* both ends still work */
}

static void chan_transfer_channel_end(void)
{
    sos_handle_t a, b, c, d;
    kt_channel(&a, &b);
    kt_channel(&c, &d);
    KT_OK(sos_channel_write(a, "d", 1, &d, 1));
    char x;
    sos_handle_t got = 0;
    struct sos_chan_read rd = {.bytes = &x, .handles = &got, .bytes_cap = 1, .handles_cap = 1};
    KT_OK(sos_channel_read(b, &rd));
    write_bytes(c, "via", 3);
    char buf[4];
    KT_EQ(kt_recv(got, buf, sizeof(buf), 100), 3);
    KT_ASSERT(!memcmp(buf, "via", 3));
}

static void chan_close_frees_queued_handles(void)
{
    sos_handle_t a, b, c, d;
    kt_channel(&a, &b);
    kt_channel(&c, &d);
    KT_OK(sos_channel_write(a, "d", 1, &d, 1)); /* d sits in b's queue */
    KT_ASSERT(!kt_signaled(c, SOS_SIG_PEER_CLOSED));
    KT_OK(sos_handle_close(b)); /* the unread message goes, and d with it */
    KT_ASSERT(kt_signaled(c, SOS_SIG_PEER_CLOSED));
}

static void chan_bad_arguments(void)
{
    sos_handle_t a, b;
    kt_channel(&a, &b);
    KT_EQ(sos_channel_write(a, (const void *)kt_opaque(8), 4, NULL, 0), SOS_ERR_BAD_ADDRESS);
    KT_EQ(sos_channel_write(a, "x", 1, (const sos_handle_t *)kt_opaque(8), 1),
          SOS_ERR_BAD_ADDRESS);
    KT_EQ(sos_channel_read(b, (struct sos_chan_read *)kt_opaque(8)), SOS_ERR_BAD_ADDRESS);
    KT_EQ(sos_channel_create(0, NULL), SOS_ERR_BAD_ADDRESS);
    sos_handle_t h[2];
    KT_EQ(sos_channel_create(1, h), SOS_ERR_INVALID_ARGS);
    /* an out pointer into read-only memory */
    KT_EQ(sos_channel_create(0, (sos_handle_t *)(uintptr_t)"read-only"), SOS_ERR_BAD_ADDRESS);
    write_bytes(a, "x", 1);
    struct sos_chan_read rd = {.bytes = (void *)kt_opaque(8), .bytes_cap = 16};
    KT_EQ(sos_channel_read(b, &rd), SOS_ERR_BAD_ADDRESS);
    KT_ASSERT(kt_signaled(b, SOS_SIG_READABLE)); /* the message was not lost */
}

static void chan_wrong_type_and_rights(void)
{
    sos_handle_t a, b;
    kt_channel(&a, &b);
    sos_handle_t e = kt_event();
    KT_EQ(sos_channel_write(e, "x", 1, NULL, 0), SOS_ERR_WRONG_TYPE);
    sos_handle_t no_send = kt_dup(a, SOS_RIGHT_RECEIVE | SOS_RIGHT_WAIT);
    KT_EQ(sos_channel_write(no_send, "x", 1, NULL, 0), SOS_ERR_ACCESS_DENIED);
    write_bytes(a, "x", 1);
    sos_handle_t no_recv = kt_dup(b, SOS_RIGHT_SEND | SOS_RIGHT_WAIT);
    char c;
    struct sos_chan_read rd = {.bytes = &c, .bytes_cap = 1};
    KT_EQ(sos_channel_read(no_recv, &rd), SOS_ERR_ACCESS_DENIED);
}

/* ---- channel_call against a server thread in this process */

struct server {
    sos_handle_t ch;
    int mode; /* 0 echo with a tag, 1 read then close, 2 big reply, 3 swap handles */
    uint32_t seen_txid;
};

static void server_thread(void *arg)
{
    struct server *s = arg;
    uint8_t buf[256];
    sos_handle_t hs[4];
    for (;;) {
        sos_signals_t seen;
        if (sos_object_wait_one(s->ch, SOS_SIG_READABLE | SOS_SIG_PEER_CLOSED,
                                SOS_TIME_INFINITE, &seen))
            return;
        struct sos_chan_read rd = {.bytes = buf, .handles = hs, .bytes_cap = sizeof(buf),
                                   .handles_cap = 4};
        if (sos_channel_read(s->ch, &rd))
            return;
        memcpy(&s->seen_txid, buf, sizeof(uint32_t));
        if (s->mode == 1) {
            sos_handle_close(s->ch);
            return;
        }
        if (s->mode == 2) {
            uint8_t reply[100] = {0};
            memcpy(reply, buf, 4);
            sos_channel_write(s->ch, reply, sizeof(reply), NULL, 0);
            continue;
        }
        if (s->mode == 3 && rd.actual_handles == 1) {
            sos_handle_close(hs[0]);
            sos_event_create(0, &hs[0]);
        }
        buf[rd.actual_bytes - 1] ^= 0x20; /* answer with the last byte's case flipped */
        sos_channel_write(s->ch, buf, rd.actual_bytes, hs, rd.actual_handles);
    }
}

static void start_server(struct server *s, struct sl_thread *t, sos_handle_t ch, int mode)
{
    *s = (struct server){.ch = ch, .mode = mode};
    KT_OK(sl_thread_start(t, server_thread, s, 0));
}

static void chan_call_reply(void)
{
    sos_handle_t a, b;
    kt_channel(&a, &b);
    struct server s;
    struct sl_thread t;
    start_server(&s, &t, b, 0);
    for (int i = 0; i < 50; i++) {
        char req[8] = "TXIDabc", rep[8] = {0};
        struct sos_chan_call c = {.wr_bytes = req, .wr_nbytes = 7,
                                  .rd = {.bytes = rep, .bytes_cap = sizeof(rep)}};
        KT_OK(sos_channel_call(a, sos_deadline_after(SOS_MS(2000)), &c));
        KT_EQ(c.rd.actual_bytes, 7);
        KT_ASSERT(!memcmp(rep + 4, "abC", 3));
        uint32_t txid;
        memcpy(&txid, rep, 4);
        KT_EQ(txid, s.seen_txid);
        KT_ASSERT(txid & 0x80000000u); /* the kernel's txids have the top bit */
    }
    KT_ASSERT(!kt_signaled(a, SOS_SIG_READABLE)); /* replies went to the caller only */
    KT_OK(sos_handle_close(a));
    KT_OK(sl_thread_join(&t, sos_deadline_after(SOS_MS(2000))));
}

static void chan_call_timeout(void)
{
    sos_handle_t a, b;
    kt_channel(&a, &b);
    char req[8] = "....", rep[8];
    struct sos_chan_call c = {.wr_bytes = req, .wr_nbytes = 4,
                              .rd = {.bytes = rep, .bytes_cap = sizeof(rep)}};
    sos_time_t start = sos_clock_get();
    KT_EQ(sos_channel_call(a, sos_deadline_after(SOS_MS(20)), &c), SOS_ERR_TIMED_OUT);
    KT_ASSERT(sos_clock_get() - start >= SOS_MS(20));
    KT_ASSERT(kt_signaled(b, SOS_SIG_READABLE)); /* the request was delivered */
    c.wr_nbytes = 3;
    KT_EQ(sos_channel_call(a, SOS_TIME_INFINITE, &c), SOS_ERR_INVALID_ARGS); /* no txid room */
}

static void chan_call_peer_closed(void)
{
    sos_handle_t a, b;
    kt_channel(&a, &b);
    struct server s;
    struct sl_thread t;
    start_server(&s, &t, b, 1);
    char req[8] = "....", rep[8];
    struct sos_chan_call c = {.wr_bytes = req, .wr_nbytes = 4,
                              .rd = {.bytes = rep, .bytes_cap = sizeof(rep)}};
    KT_EQ(sos_channel_call(a, sos_deadline_after(SOS_MS(2000)), &c), SOS_ERR_PEER_CLOSED);
    KT_OK(sl_thread_join(&t, sos_deadline_after(SOS_MS(2000))));
}

static void chan_call_small_reply_buffer(void)
{
    sos_handle_t a, b;
    kt_channel(&a, &b);
    struct server s;
    struct sl_thread t;
    start_server(&s, &t, b, 2);
    char req[8] = "....", rep[10];
    struct sos_chan_call c = {.wr_bytes = req, .wr_nbytes = 4,
                              .rd = {.bytes = rep, .bytes_cap = sizeof(rep)}};
    KT_EQ(sos_channel_call(a, sos_deadline_after(SOS_MS(2000)), &c), SOS_ERR_BUFFER_TOO_SMALL);
    KT_EQ(c.rd.actual_bytes, 100);
    char big[100];
    KT_EQ(kt_recv(a, big, sizeof(big), 100), 100); /* the reply waits on the channel */
    KT_OK(sos_handle_close(a));
    KT_OK(sl_thread_join(&t, sos_deadline_after(SOS_MS(2000))));
}

static void chan_call_with_handles(void)
{
    sos_handle_t a, b;
    kt_channel(&a, &b);
    struct server s;
    struct sl_thread t;
    start_server(&s, &t, b, 3);
    sos_handle_t e = kt_event();
    sos_koid_t sent = kt_handle_info(e).koid;
    char req[8] = "....x", rep[8];
    sos_handle_t got = 0;
    struct sos_chan_call c = {.wr_bytes = req, .wr_nbytes = 5, .wr_handles = &e,
                              .wr_nhandles = 1,
                              .rd = {.bytes = rep, .handles = &got, .bytes_cap = sizeof(rep),
                                     .handles_cap = 1}};
    KT_OK(sos_channel_call(a, sos_deadline_after(SOS_MS(2000)), &c));
    KT_EQ(c.rd.actual_handles, 1);
    struct sos_info_handle gi = kt_handle_info(got);
    KT_EQ(gi.kind, SOS_OBJ_EVENT);
    KT_ASSERT(gi.koid != sent); /* the server's own event came back */
    KT_OK(sos_handle_close(a));
    KT_OK(sl_thread_join(&t, sos_deadline_after(SOS_MS(2000))));
}

/* ---- across processes, with the echo helper */

static sos_handle_t start_echo(sos_handle_t *mine)
{
    sos_handle_t theirs;
    kt_channel(mine, &theirs);
    struct sos_spawn_handle hs[1] = {{theirs, "chan"}};
    return kt_spawn("echo", NULL, hs, 1);
}

static void chan_pingpong_process(void)
{
    sos_handle_t ch;
    sos_handle_t proc = start_echo(&ch);
    for (uint32_t i = 0; i < 200; i++) {
        uint32_t msg[2] = {0, i}, back[2];
        KT_OK(sos_channel_write(ch, msg, sizeof(msg), NULL, 0));
        KT_EQ(kt_recv(ch, back, sizeof(back), 2000), sizeof(back));
        KT_EQ(back[1], i);
    }
    KT_OK(sos_handle_close(ch));
    struct sos_info_process pi = kt_join(proc, 2000);
    KT_EQ(pi.state, SOS_PROC_EXITED);
    KT_EQ(pi.exit_code, 0);
}

static void chan_call_process(void)
{
    sos_handle_t ch;
    sos_handle_t proc = start_echo(&ch);
    for (uint32_t i = 0; i < 300; i++) {
        struct {
            struct sos_msg_hdr h;
            uint32_t v;
        } req = {{0, 9, 0, 0}, i}, rep;
        uint32_t n;
        KT_OK(sl_call_bytes(ch, &req, sizeof(req), &rep, sizeof(rep), &n,
                            sos_deadline_after(SOS_MS(2000))));
        KT_EQ(n, sizeof(rep));
        KT_EQ(rep.v, i);
    }
    KT_OK(sos_handle_close(ch));
    kt_join(proc, 2000);
}

static void chan_handles_across_processes(void)
{
    sos_handle_t ch;
    sos_handle_t proc = start_echo(&ch);
    sos_handle_t e = kt_event();
    sos_koid_t k = kt_handle_info(e).koid;
    KT_OK(sos_channel_write(ch, "ev", 2, &e, 1));
    kt_wait(ch, SOS_SIG_READABLE, 2000);
    char buf[4];
    sos_handle_t got = 0;
    struct sos_chan_read rd = {.bytes = buf, .handles = &got, .bytes_cap = 4, .handles_cap = 1};
    KT_OK(sos_channel_read(ch, &rd));
    KT_EQ(kt_handle_info(got).koid, k); /* there and back */
    KT_OK(sos_handle_close(ch));
    kt_join(proc, 2000);
}

const struct kt_case kt_chan_cases[] = {
    KT_CASE(chan_write_read),
    KT_CASE(chan_order_and_empty),
    KT_CASE(chan_signals),
    KT_CASE(chan_max_message),
    KT_CASE(chan_too_small_buffer),
    KT_CASE(chan_too_few_handle_slots),
    KT_CASE(chan_queue_full_messages),
    KT_CASE(chan_queue_full_bytes),
    KT_CASE(chan_full_queue_keeps_handles),
    KT_CASE(chan_peer_closed),
    KT_CASE(chan_peer_closed_drains),
    KT_CASE(chan_handle_transfer),
    KT_CASE(chan_transfer_needs_right),
    KT_CASE(chan_transfer_is_atomic),
    KT_CASE(chan_cannot_carry_itself),
    KT_CASE(chan_transfer_channel_end),
    KT_CASE(chan_close_frees_queued_handles),
    KT_CASE(chan_bad_arguments),
    KT_CASE(chan_wrong_type_and_rights),
    KT_CASE(chan_call_reply),
    KT_CASE(chan_call_timeout),
    KT_CASE(chan_call_peer_closed),
    KT_CASE(chan_call_small_reply_buffer),
    KT_CASE(chan_call_with_handles),
    KT_CASE(chan_pingpong_process),
    KT_CASE(chan_call_process),
    KT_CASE(chan_handles_across_processes),
};
const size_t kt_chan_count = sizeof(kt_chan_cases) / sizeof(kt_chan_cases[0]);
