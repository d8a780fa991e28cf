/*
 * services/status/status.c - the status service (proto/status.h).
 *
 * Takes heartbeats from services and answers STATUS_QUERY with the system's health:
 * each service's phase, restarts, pid, CPU time and memory come from the root manager
 * (MGR_LIST and MGR_PS, asked at query time over a read-only lookup of "rootmgr"),
 * and health.c turns them and the heartbeats into a health and an overall rollup.
 *
 * Layer: services (status).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sl/service.h>
#include <sl/sl.h>

#include <proto/status.h>

#include "health.h"
#include <client/mgrinfo.h>

struct statussvc {
    struct sl_server srv;
    struct sl_conn_to rm;
    struct hb_table beats;
    sl_close_fn lib_close;
    struct mgr_svc svcs[MGRINFO_MAX];
    struct mgr_proc procs[MGRINFO_MAX];
    uint32_t nprocs;
};

static struct statussvc g_st;

static struct sl_peer *peer_with(struct sl_request *r, sos_rights_t need)
{
    struct sl_peer *p = r->client;
    if (!p || r->client == (void *)r->srv || (p->rights & need) != need)
        return NULL;
    return p;
}

static int do_heartbeat(struct sl_request *r)
{
    struct sl_peer *p = peer_with(r, SOS_RIGHT_WRITE);
    if (!p)
        return SOS_ERR_ACCESS_DENIED;
    return hb_beat(&g_st.beats, p->name, sos_clock_get()) ? 0 : SOS_ERR_NO_RESOURCES;
}

static void put_entry(struct sl_msg *m, const struct mgr_svc *s, uint32_t health, int64_t now)
{
    const struct mgr_proc *pr = s->pid ? mgr_proc_of(g_st.procs, g_st.nprocs, s->name) : NULL;
    int64_t age;
    bool beats = hb_age(&g_st.beats, s->name, now, &age);
    sl_msg_put_str(m, s->name);
    sl_msg_put_u32(m, health);
    sl_msg_put_u32(m, s->phase);
    sl_msg_put_u64(m, s->pid);
    sl_msg_put_u32(m, s->restarts);
    sl_msg_put_u64(m, beats ? (uint64_t)age : ~0ull);
    sl_msg_put_u64(m, pr ? pr->cpu_ns : 0);
    sl_msg_put_u64(m, pr ? pr->mapped_bytes : 0);
    sl_msg_put_str(m, s->detail);
}

static int do_query(struct sl_request *r)
{
    if (!peer_with(r, SOS_RIGHT_READ))
        return SOS_ERR_ACCESS_DENIED;
    uint32_t ns;
    int err = mgr_list(&g_st.rm, g_st.svcs, MGRINFO_MAX, &ns);
    if (!err)
        err = mgr_ps(&g_st.rm, g_st.procs, MGRINFO_MAX, &g_st.nprocs);
    if (err)
        return err;
    int64_t now = sos_clock_get();
    uint32_t health[MGRINFO_MAX];
    for (uint32_t i = 0; i < ns; i++) {
        int64_t age = 0;
        struct health_in in = {g_st.svcs[i].phase, g_st.svcs[i].flags, g_st.svcs[i].restarts,
                               false, 0, STATUS_HEARTBEAT_PERIOD_NS};
        in.beats = hb_age(&g_st.beats, g_st.svcs[i].name, now, &age);
        in.beat_age = age;
        health[i] = health_of(&in);
    }
    sl_msg_put_u64(r->reply, (uint64_t)now);
    sl_msg_put_u32(r->reply, health_rollup(health, ns));
    sl_msg_put_u32(r->reply, ns);
    for (uint32_t i = 0; i < ns; i++)
        put_entry(r->reply, &g_st.svcs[i], health[i], now);
    return 0;
}

static const struct sl_op g_ops[] = {
    {STATUS_HEARTBEAT, sizeof(struct sos_msg_hdr), do_heartbeat},
    {STATUS_QUERY, sizeof(struct sos_msg_hdr), do_query},
};

/* A client went away: its heartbeats were for an instance that is gone. */
static void on_close(struct sl_server *s, sos_handle_t ch, void *client)
{
    if (client && client != (void *)s)
        hb_forget(&g_st.beats, ((struct sl_peer *)client)->name);
    g_st.lib_close(s, ch, client);
}

int main(void)
{
    sl_conn_to_init(&g_st.rm, "rootmgr", 0);
    int err = sl_service_init(&g_st.srv, g_ops, sizeof(g_ops) / sizeof(g_ops[0]), &g_st);
    if (err) {
        printf("status: cannot start its server loop: %s\n", sos_strerror(err));
        return 1;
    }
    g_st.lib_close = g_st.srv.on_close;
    g_st.srv.on_close = on_close;
    err = sl_service_ready();
    if (err) {
        printf("status: the root manager did not take our ready: %s\n", sos_strerror(err));
        return 1;
    }
    return sl_server_run(&g_st.srv);
}
