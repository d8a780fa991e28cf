/*
 * core/calls/system_test.c - the system calls: debug_write, clock_get, entropy_read,
 * system_power, audit_read and object_get_info's topics, the kernel stats' IPC counters
 * among them (console_read, fault_read and the interrupt calls are tested beside their
 * objects in core/obj/).
 */
#include "th.h"

#include "kernel.h"

#define PG 4096u

/* ---- debug_write */

static void test_debug_write_reaches_console(void **state)
{
    (void)state;
    char *s = th_umem(32);
    memcpy(s, "hello, console", 14);
    assert_int_equal(u_debug_write(s, 14), 14);
    assert_string_equal(th_console(), "hello, console");
    assert_int_equal(u_debug_write(s, 5), 5);
    assert_int_equal(u_debug_write(s + 5, 2), 2);
    assert_string_equal(th_console(), "hello, ");
    /* end the line: the next test's process must not find it open (obj/conout.c) */
    s[0] = '\n';
    assert_int_equal(u_debug_write(s, 1), 1);
    th_console();
}

static void test_debug_write_limits(void **state)
{
    (void)state;
    char *s = th_umem(8192);
    for (size_t i = 0; i < 8192; i++)
        s[i] = (char)('a' + i % 26);
    s[4096] = 0;
    assert_int_equal(u_debug_write(s, 4096), 4096); /* many internal chunks */
    const char *out = th_console();
    assert_int_equal(strlen(out), 4096);
    assert_memory_equal(out, s, 4096);
    assert_int_equal(u_debug_write(s, 4097), SOS_ERR_OUT_OF_RANGE);
    assert_int_equal(u_debug_write(s, SIZE_MAX), SOS_ERR_OUT_OF_RANGE);
    assert_int_equal(u_debug_write(s, 0), 0);
    assert_int_equal(u_debug_write(NULL, 0), 0);
    assert_string_equal(th_console(), "");
}

static void test_debug_write_bad_pointers(void **state)
{
    (void)state;
    char local[8] = "local";
    char *edge = th_umem(PG);
    memset(edge, 'e', PG);
    void *none = th_page_with(0, "secret", 6);
    void *wo = th_page_with(SOS_VM_WRITE, "secret", 6);
    assert_int_equal(u_debug_write(NULL, 5), SOS_ERR_BAD_ADDRESS);
    assert_int_equal(u_debug_write((const char *)(uintptr_t)0x5000, 5), SOS_ERR_BAD_ADDRESS);
    assert_int_equal(u_debug_write(local, 5), SOS_ERR_BAD_ADDRESS);
    assert_int_equal(u_debug_write(none, 6), SOS_ERR_BAD_ADDRESS);
    assert_int_equal(u_debug_write(wo, 6), SOS_ERR_BAD_ADDRESS);
    /* running off the end is refused before anything is printed */
    assert_int_equal(u_debug_write(edge + PG - 300, 301), SOS_ERR_BAD_ADDRESS);
    assert_string_equal(th_console(), "");
}

/* ---- clock */

static void test_clock_get_is_virtual_and_monotonic(void **state)
{
    (void)state;
    int64_t t0 = u_clock_get();
    assert_true(t0 > 0);
    assert_int_equal(t0, th_now());
    assert_int_equal(u_clock_get(), t0); /* time stands still while a thread runs */
    assert_int_equal(u_thread_sleep(t0 + 1000), 0);
    assert_int_equal(u_clock_get(), t0 + 1000);
    int64_t prev = u_clock_get();
    for (int i = 1; i <= 20; i++) {
        th_sleep(i * 37);
        int64_t now = u_clock_get();
        assert_int_equal(now, prev + i * 37);
        prev = now;
    }
}

/* ---- entropy */

static void test_entropy_read(void **state)
{
    (void)state;
    uint8_t *a = th_umem(PG), *b = th_umem(PG);
    assert_int_equal(u_entropy_read(a, 32), 32);
    assert_int_equal(u_entropy_read(b, 32), 32);
    assert_false(th_all_zero(a, 32));
    assert_memory_not_equal(a, b, 32); /* the test HAL's source is a counter: conditioned */
    assert_int_equal(u_entropy_read(a, 256), 256);
    assert_memory_not_equal(a, a + 32, 32); /* blocks of one call differ too */
    assert_int_equal(u_entropy_read(b, 7), 7);
    assert_int_equal(u_entropy_read(b, 0), 0);
    assert_int_equal(u_entropy_read(NULL, 0), 0);
}

static void test_entropy_read_refusals(void **state)
{
    (void)state;
    uint8_t *buf = th_umem(PG);
    void *ro = th_page_with(SOS_VM_READ, "secret", 6);
    char local[16];
    assert_int_equal(u_entropy_read(buf, 257), SOS_ERR_OUT_OF_RANGE);
    assert_int_equal(u_entropy_read(buf, SIZE_MAX), SOS_ERR_OUT_OF_RANGE);
    assert_int_equal(u_entropy_read(NULL, 8), SOS_ERR_BAD_ADDRESS);
    assert_int_equal(u_entropy_read(ro, 8), SOS_ERR_BAD_ADDRESS);
    assert_memory_equal(ro, "secret", 6);
    assert_int_equal(u_entropy_read(local, 8), SOS_ERR_BAD_ADDRESS);
    assert_int_equal(u_entropy_read(buf + PG - 4, 8), SOS_ERR_BAD_ADDRESS);
}

/* Without a hardware source the core samples timer jitter; on the test HAL's virtual
 * clock that has no entropy at all, yet outputs still never repeat. */
static void test_entropy_read_without_source(void **state)
{
    (void)state;
    uint8_t *a = th_umem(PG);
    th_entropy_missing = true;
    assert_int_equal(u_entropy_read(a, 64), 64);
    assert_int_equal(u_entropy_read(a + 64, 64), 64);
    th_entropy_missing = false;
    assert_memory_not_equal(a, a + 32, 32);
    assert_memory_not_equal(a, a + 64, 64);
}

/* ---- power */

static void test_power_off(void **state)
{
    (void)state;
    jmp_buf jb;
    th_power_jmp = &jb;
    if (setjmp(jb) == 0) {
        u_system_power(th_root(), SOS_POWER_OFF, 7);
        th_power_jmp = NULL;
        fail_msg("system_power returned");
    }
    th_power_jmp = NULL;
    klock_release(); /* the call held the core lock when it powered off */
    assert_int_equal(th_power_status(), 7);
}

static void test_power_reboot(void **state)
{
    (void)state;
    jmp_buf jb;
    th_power_jmp = &jb;
    if (setjmp(jb) == 0) {
        u_system_power(th_root(), SOS_POWER_REBOOT, 0);
        th_power_jmp = NULL;
        fail_msg("system_power returned");
    }
    th_power_jmp = NULL;
    klock_release();
    assert_int_equal(th_power_status(), -2); /* the test HAL's reboot status */
}

static void test_power_refusals(void **state)
{
    (void)state;
    jmp_buf jb;
    th_power_jmp = &jb; /* a refusal that powered off anyway would land here */
    if (setjmp(jb) != 0) {
        th_power_jmp = NULL;
        klock_release();
        fail_msg("a refused system_power turned the machine off");
    }
    assert_int_equal(u_system_power(th_root(), 2, 0), SOS_ERR_INVALID_ARGS);
    assert_int_equal(u_system_power(th_root(), UINT32_MAX, 0), SOS_ERR_INVALID_ARGS);
    assert_int_equal(u_system_power(0x7272, SOS_POWER_OFF, 0), SOS_ERR_BAD_HANDLE);
    assert_int_equal(u_system_power(th_event(), SOS_POWER_OFF, 0), SOS_ERR_WRONG_TYPE);
    assert_int_equal(u_system_power(th_self(), SOS_POWER_OFF, 0), SOS_ERR_WRONG_TYPE);
    sos_handle_t weak = th_dup(th_root(), SOS_RIGHTS_ALL & ~SOS_RIGHT_MANAGE);
    assert_int_equal(u_system_power(weak, SOS_POWER_OFF, 0), SOS_ERR_ACCESS_DENIED);
    assert_int_equal(u_system_power(weak, SOS_POWER_REBOOT, 0), SOS_ERR_ACCESS_DENIED);
    th_power_jmp = NULL;
}

/* ---- audit_read */

static void test_audit_read_bounds(void **state)
{
    (void)state;
    struct sos_audit_record *r = th_umem(65 * sizeof(*r));
    assert_int_equal(u_audit_read(th_root(), 0, r, 65), SOS_ERR_OUT_OF_RANGE);
    th_event(); /* at least one record exists */
    int64_t n = u_audit_read(th_root(), 0, r, 64);
    assert_true(n > 0 && n <= 64);
    assert_int_equal(sos_audit_verify(r, (size_t)n), -1);
    assert_int_equal(u_audit_read(th_root(), 0, r, 0), 0);
    assert_int_equal(u_audit_read(th_root(), UINT64_MAX, r, 4), 0);
}

/* ---- object_get_info */

static void test_info_handle(void **state)
{
    (void)state;
    struct sos_info_handle *i = th_umem(2 * sizeof(*i));
    sos_handle_t e = th_event();
    assert_int_equal(u_object_get_info(e, SOS_INFO_HANDLE, i, sizeof(*i)), (int64_t)sizeof(*i));
    assert_int_equal(i->kind, SOS_OBJ_EVENT);
    assert_int_equal(i->rights, SOS_RIGHT_DUPLICATE | SOS_RIGHT_TRANSFER | SOS_RIGHT_WAIT |
                                    SOS_RIGHT_READ | SOS_RIGHT_SIGNAL);
    assert_true(i->koid >= 1024);
    assert_int_equal(i->related_koid, 0);
    /* the topic needs no right at all */
    sos_handle_t bare = th_dup(e, 0);
    assert_int_equal(u_object_get_info(bare, SOS_INFO_HANDLE, &i[1], sizeof(*i)),
                     (int64_t)sizeof(*i));
    assert_int_equal(i[1].koid, i[0].koid);
    assert_int_equal(i[1].rights, 0);
    /* channel ends name each other */
    sos_handle_t *ch = th_umem(2 * sizeof(*ch));
    assert_int_equal(u_channel_create(0, ch), 0);
    assert_int_equal(u_object_get_info(ch[0], SOS_INFO_HANDLE, &i[0], sizeof(*i)), (int64_t)sizeof(*i));
    assert_int_equal(u_object_get_info(ch[1], SOS_INFO_HANDLE, &i[1], sizeof(*i)), (int64_t)sizeof(*i));
    assert_int_equal(i[0].kind, SOS_OBJ_CHANNEL);
    assert_int_equal(i[0].related_koid, i[1].koid);
    assert_int_equal(i[1].related_koid, i[0].koid);
    assert_int_equal(u_handle_close(ch[1]), 0);
    assert_int_equal(u_object_get_info(ch[0], SOS_INFO_HANDLE, &i[0], sizeof(*i)), (int64_t)sizeof(*i));
    assert_int_equal(i[0].related_koid, 0); /* no peer any more */
}

static void idle_thread_fn(void *p) { (void)p; }

static void test_info_thread_related(void **state)
{
    (void)state;
    struct sos_info_handle *i = th_umem(2 * sizeof(*i));
    sos_handle_t t = th_thread(idle_thread_fn, NULL);
    assert_int_equal(u_object_get_info(t, SOS_INFO_HANDLE, &i[0], sizeof(*i)), (int64_t)sizeof(*i));
    assert_int_equal(u_object_get_info(th_self(), SOS_INFO_HANDLE, &i[1], sizeof(*i)),
                     (int64_t)sizeof(*i));
    assert_int_equal(i[0].kind, SOS_OBJ_THREAD);
    assert_int_equal(i[0].related_koid, i[1].koid);
    assert_int_equal(i[1].kind, SOS_OBJ_PROCESS);
    struct sos_info_thread *ti = th_umem(sizeof(*ti));
    assert_int_equal(u_object_get_info(t, SOS_INFO_THREAD, ti, sizeof(*ti)), (int64_t)sizeof(*ti));
    assert_int_equal(ti->koid, i[0].koid);
    assert_int_equal(ti->state, 1);
    assert_int_equal(ti->priority, SOS_PRIO_DEFAULT);
    th_settle();
    assert_int_equal(u_object_get_info(t, SOS_INFO_THREAD, ti, sizeof(*ti)), (int64_t)sizeof(*ti));
    assert_int_equal(ti->state, 3);
    assert_int_equal(u_object_get_info(th_self(), SOS_INFO_THREAD, ti, sizeof(*ti)),
                     SOS_ERR_WRONG_TYPE);
}

static void test_info_kernel_stats(void **state)
{
    (void)state;
    struct sos_info_kstats *k = th_umem(2 * sizeof(*k));
    struct th_counts c;
    assert_int_equal(u_object_get_info(th_root(), SOS_INFO_KERNEL_STATS, &k[0], sizeof(*k)),
                     (int64_t)sizeof(*k));
    th_counts(&c);
    for (unsigned i = 0; i < SOS_OBJ_KIND_COUNT; i++)
        assert_int_equal(k[0].objects[i], c.objects[i]);
    assert_int_equal(k[0].handles, c.handles);
    assert_int_equal(k[0].frames_free, c.frames_free);
    assert_int_equal(k[0].heap_bytes, c.heap);
    assert_int_equal(k[0].processes, k[0].objects[SOS_OBJ_PROCESS]);
    assert_int_equal(k[0].threads, k[0].objects[SOS_OBJ_THREAD]);
    assert_true(k[0].processes >= 1);
    assert_true(k[0].frames_total > k[0].frames_free);
    assert_int_equal(k[0].cpus, 1);
    assert_int_equal(k[0].uptime_ns, th_now());
    assert_int_equal(k[0].wall_clock_s, th_wall_clock_s); /* the HAL's clock of day */
    assert_true(k[0].audit_records > 0);
    assert_true(k[0].object_bytes[SOS_OBJ_EVENT] > 0);
    assert_true(k[0].object_bytes[SOS_OBJ_THREAD] >= 8 * PG); /* its kernel stack */
    /* it moves with the system */
    sos_handle_t e = th_event();
    (void)e;
    th_thread(idle_thread_fn, NULL);
    th_settle();
    assert_int_equal(u_object_get_info(th_root(), SOS_INFO_KERNEL_STATS, &k[1], sizeof(*k)),
                     (int64_t)sizeof(*k));
    assert_int_equal(k[1].objects[SOS_OBJ_EVENT], k[0].objects[SOS_OBJ_EVENT] + 1);
    assert_true(k[1].handles >= k[0].handles + 2);
    assert_true(k[1].context_switches >= k[0].context_switches + 2);
    assert_true(k[1].syscalls > k[0].syscalls);
    assert_true(k[1].uptime_ns > k[0].uptime_ns);
    /* only through the resource, with INSPECT */
    assert_int_equal(u_object_get_info(e, SOS_INFO_KERNEL_STATS, k, sizeof(*k)),
                     SOS_ERR_ACCESS_DENIED); /* no other object's handle carries INSPECT */
    assert_int_equal(u_object_get_info(th_dup(th_root(), SOS_RIGHT_WAIT), SOS_INFO_KERNEL_STATS, k,
                                       sizeof(*k)),
                     SOS_ERR_ACCESS_DENIED);
    assert_int_equal(u_object_get_info(th_dup(th_root(), SOS_RIGHT_READ | SOS_RIGHT_WAIT), SOS_INFO_KERNEL_STATS,
                                       k, sizeof(*k)),
                     SOS_ERR_ACCESS_DENIED);
}

/* `resource=stats`: the root resource with INSPECT alone reads the statistics and
   nothing that READ opens (the audit, fault and console rings). */
static void test_inspect_reads_stats_only(void **state)
{
    (void)state;
    struct sos_info_kstats *k = th_umem(sizeof(*k));
    sos_handle_t stats = th_dup(th_root(), SOS_RIGHT_INSPECT);
    assert_int_equal(u_object_get_info(stats, SOS_INFO_KERNEL_STATS, k, sizeof(*k)), (int64_t)sizeof(*k));
    assert_true(k->processes >= 1);
    assert_int_equal(u_audit_read(stats, 0, (void *)k, 1), SOS_ERR_ACCESS_DENIED);
    assert_int_equal(u_fault_read(stats, (void *)k, 1), SOS_ERR_ACCESS_DENIED);
    assert_int_equal(u_console_read(stats, (void *)k, 1), SOS_ERR_ACCESS_DENIED);
    struct sos_info_handle *h = th_umem(sizeof(*h));
    assert_int_equal(u_object_get_info(stats, SOS_INFO_HANDLE, h, sizeof(*h)), (int64_t)sizeof(*h));
    assert_int_equal(h->rights, SOS_RIGHT_INSPECT);
}

/* ---- the IPC counters of the kernel stats */

/* User memory of test_kstats_count_ipc and its server thread. */
struct ipc_mem {
    struct sos_info_kstats k[2];
    struct sos_chan_call call;
    struct sos_chan_read rd;
    sos_handle_t ch[2], ev[3], rh[4];
    uint8_t wb[64], rb[64], sb[64];
};
static struct ipc_mem *g_im;

/* Answer one call on g_im->ch[1] with a 20-byte reply carrying no handle. */
static void reply_once(void *p)
{
    (void)p;
    struct ipc_mem *m = g_im;
    u_object_wait_one(m->ch[1], SOS_SIG_READABLE, SOS_TIME_INFINITE, NULL);
    m->rd = (struct sos_chan_read){m->sb, m->rh, sizeof(m->sb), 4, 0, 0};
    if (u_channel_read(m->ch[1], &m->rd) == 0)
        u_channel_write(m->ch[1], m->sb, 20, NULL, 0); /* the txid comes back first */
}

static int64_t kstats_ipc(struct sos_info_kstats *k)
{
    return u_object_get_info(th_root(), SOS_INFO_KERNEL_STATS, k, sizeof(*k));
}

/* Exactly the messages delivered count, with their bytes and handles: plain writes, a
   call's request and its reply, a call whose reply never came; refused writes, reads
   and creating channels do not. */
static void test_kstats_count_ipc(void **state)
{
    (void)state;
    struct ipc_mem *m = g_im = th_umem(sizeof(*m));
    assert_int_equal(u_channel_create(0, m->ch), 0);
    for (int i = 0; i < 3; i++)
        assert_int_equal(u_event_create(0, &m->ev[i]), 0);
    assert_int_equal(kstats_ipc(&m->k[0]), (int64_t)sizeof(m->k[0]));
    assert_int_equal(u_channel_write(m->ch[0], m->wb, 10, NULL, 0), 0);
    assert_int_equal(u_channel_write(m->ch[0], m->wb, 0, NULL, 0), 0);
    assert_int_equal(u_channel_write(m->ch[0], m->wb, 30, m->ev, 2), 0);
    /* refused: nothing is carried */
    assert_int_equal(u_channel_write(m->ch[0], m->wb, 8, m->ev, 2), SOS_ERR_BAD_HANDLE);
    assert_int_equal(u_channel_write(m->ch[0], m->wb, SOS_CHANNEL_MAX_BYTES + 1, NULL, 0),
                     SOS_ERR_OUT_OF_RANGE);
    for (int i = 0; i < 3; i++) { /* reading moves nothing more */
        m->rd = (struct sos_chan_read){m->rb, m->rh, sizeof(m->rb), 4, 0, 0};
        assert_int_equal(u_channel_read(m->ch[1], &m->rd), 0);
    }
    /* a call: the request (12 bytes, one handle) and the reply (20 bytes) */
    th_thread(reply_once, NULL);
    m->call = (struct sos_chan_call){m->wb, &m->ev[2], 12, 1, {m->rb, m->rh, sizeof(m->rb), 4, 0, 0}};
    assert_int_equal(u_channel_call(m->ch[0], th_now() + 1000000000ll, &m->call), 0);
    assert_int_equal(m->call.rd.actual_bytes, 20);
    /* a call nobody answers: its request was carried all the same */
    m->call = (struct sos_chan_call){m->wb, NULL, 16, 0, {m->rb, m->rh, sizeof(m->rb), 4, 0, 0}};
    assert_int_equal(u_channel_call(m->ch[0], th_now() + 1000, &m->call), SOS_ERR_TIMED_OUT);
    assert_int_equal(kstats_ipc(&m->k[1]), (int64_t)sizeof(m->k[1]));
    assert_int_equal(m->k[1].ipc_messages - m->k[0].ipc_messages, 3 + 2 + 1);
    assert_int_equal(m->k[1].ipc_bytes - m->k[0].ipc_bytes, 10 + 0 + 30 + 12 + 20 + 16);
    assert_int_equal(m->k[1].ipc_handles - m->k[0].ipc_handles, 2 + 1);
}

/* A caller built before the IPC counters asks with the first version's size: it gets
   exactly those fields, the same as the whole record's. */
static void test_kstats_first_version_size(void **state)
{
    (void)state;
    struct sos_info_kstats *k = th_umem(2 * sizeof(*k));
    memset(k, 0xa5, 2 * sizeof(*k));
    assert_int_equal(u_object_get_info(th_root(), SOS_INFO_KERNEL_STATS, &k[0], SOS_INFO_KSTATS_V1_SIZE),
                     (int64_t)SOS_INFO_KSTATS_V1_SIZE);
    assert_int_equal(k[0].ipc_messages, 0xa5a5a5a5a5a5a5a5ull); /* not written */
    assert_int_equal(u_object_get_info(th_root(), SOS_INFO_KERNEL_STATS, &k[1], sizeof(*k) - 1),
                     (int64_t)SOS_INFO_KSTATS_V1_SIZE);
    assert_int_equal(k[0].processes, k[1].processes);
    assert_int_equal(k[0].frames_total, k[1].frames_total);
    assert_int_equal(k[0].cpus, k[1].cpus);
    assert_int_equal(u_object_get_info(th_root(), SOS_INFO_KERNEL_STATS, &k[1], SOS_INFO_KSTATS_V1_SIZE - 1),
                     SOS_ERR_BUFFER_TOO_SMALL);
}

static void test_info_bad_topic(void **state)
{
    (void)state;
    uint8_t *buf = th_umem(PG);
    static const uint32_t topics[] = {0, SOS_INFO_NET + 1, 99, UINT32_MAX};
    sos_handle_t e = th_event();
    for (size_t i = 0; i < sizeof(topics) / sizeof(topics[0]); i++) {
        assert_int_equal(u_object_get_info(e, topics[i], buf, PG), SOS_ERR_INVALID_ARGS);
        assert_int_equal(u_object_get_info(th_root(), topics[i], buf, PG), SOS_ERR_INVALID_ARGS);
    }
    /* a known topic on the wrong kind of object */
    assert_int_equal(u_object_get_info(e, SOS_INFO_NET, buf, PG), SOS_ERR_WRONG_TYPE);
    /* topics that need READ are refused first without it */
    assert_int_equal(u_object_get_info(th_dup(e, SOS_RIGHT_WAIT), 99, buf, PG),
                     SOS_ERR_ACCESS_DENIED);
}

static void test_info_buffer_too_small(void **state)
{
    (void)state;
    static const struct {
        uint32_t topic;
        size_t size;
    } t[] = {{SOS_INFO_HANDLE, sizeof(struct sos_info_handle)},
             {SOS_INFO_PROCESS, sizeof(struct sos_info_process)},
             {SOS_INFO_KERNEL_STATS, sizeof(struct sos_info_kstats)},
             {SOS_INFO_THREAD, sizeof(struct sos_info_thread)},
             {SOS_INFO_VMO, sizeof(struct sos_info_vmo)}};
    sos_handle_t *v = th_umem(sizeof(*v));
    assert_int_equal(u_vmo_create(PG, 0, v), 0);
    sos_handle_t h[5] = {*v, th_self(), th_root(), th_thread(idle_thread_fn, NULL), *v};
    uint8_t *buf = th_umem(PG);
    for (size_t i = 0; i < 5; i++) {
        memset(buf, 0xa5, PG);
        /* the kernel stats take a buffer for their first version's fields too */
        size_t least = t[i].topic == SOS_INFO_KERNEL_STATS ? SOS_INFO_KSTATS_V1_SIZE : t[i].size;
        assert_int_equal(u_object_get_info(h[i], t[i].topic, buf, least - 1),
                         SOS_ERR_BUFFER_TOO_SMALL);
        assert_int_equal(u_object_get_info(h[i], t[i].topic, buf, 0), SOS_ERR_BUFFER_TOO_SMALL);
        assert_int_equal(buf[0], 0xa5); /* nothing was written */
        /* a bigger buffer gets exactly the record, and nothing past it */
        assert_int_equal(u_object_get_info(h[i], t[i].topic, buf, PG), (int64_t)t[i].size);
        assert_int_equal(buf[t[i].size], 0xa5);
        /* and a bad one fails as such */
        assert_int_equal(u_object_get_info(h[i], t[i].topic, NULL, t[i].size), SOS_ERR_BAD_ADDRESS);
        assert_int_equal(u_object_get_info(h[i], t[i].topic, buf + PG - t[i].size + 1, t[i].size),
                         SOS_ERR_BAD_ADDRESS);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        TH_TEST(test_debug_write_reaches_console),
        TH_TEST(test_debug_write_limits),
        TH_TEST(test_debug_write_bad_pointers),
        TH_TEST(test_clock_get_is_virtual_and_monotonic),
        TH_TEST(test_entropy_read),
        TH_TEST(test_entropy_read_refusals),
        TH_TEST(test_entropy_read_without_source),
        TH_TEST(test_power_off),
        TH_TEST(test_power_reboot),
        TH_TEST(test_power_refusals),
        TH_TEST(test_audit_read_bounds),
        TH_TEST(test_info_handle),
        TH_TEST(test_info_thread_related),
        TH_TEST(test_info_kernel_stats),
        TH_TEST(test_inspect_reads_stats_only),
        TH_TEST(test_kstats_count_ipc),
        TH_TEST(test_kstats_first_version_size),
        TH_TEST(test_info_bad_topic),
        TH_TEST(test_info_buffer_too_small),
    };
    return TH_RUN(tests);
}
