/*
 * services/network/network.c - the network service: main, its loop, its records.
 *
 * The loop is services/lib's server (endpoint connections and socket channels on one
 * port) plus two sources of work lwIP needs: the card (a watch on net0's READABLE,
 * after which every queued frame is read) and lwIP's timeouts (the port wait ends at
 * the next one, sys_timeouts_sleeptime). Once a second ipconf_tick looks at the link
 * and the lease. Records go to the log (link up/down, lease, DNS failures); heartbeats
 * go to status. A machine without a card gets a service that answers NET_INFO with
 * no card and refuses the rest with BAD_STATE.
 *
 * Layer: services (network).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <proto/status.h>

#include <client/heartbeat.h>
#include <client/logwrite.h>
#include "lwip/init.h"
#include "lwip/sys.h"
#include "lwip/timeouts.h"

#include "network.h"

struct netsvc g_net;
static sl_close_fn g_lib_close;

u32_t sys_now(void) { return (u32_t)(sos_clock_get() / 1000000); }

void net_log(uint32_t severity, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int err = log_vwrite(&g_net.log, severity, fmt, ap);
    va_end(ap);
    if (err && severity >= LOG_WARNING) { /* the log is away: at least the console sees it */
        char msg[LOG_MESSAGE_MAX];
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        printf("network: %s\n", msg); /* one write: no other output lands inside the line */
    }
}

/* A socket's client closed its end: free the socket (the loop closes the channel). */
static void on_close(struct sl_server *s, sos_handle_t ch, void *client)
{
    if (sock_owns(client))
        sock_on_close(client);
    else
        g_lib_close(s, ch, client);
}

static void on_frames(struct sl_server *s, const struct sos_port_packet *pkt, void *arg)
{
    (void)s, (void)pkt, (void)arg; /* the loop reads the card after every packet */
}

static int run(void)
{
    int64_t next_tick = sos_clock_get();
    while (!g_net.srv.stopping) {
        int64_t now = sos_clock_get();
        int64_t wake = now + (int64_t)sys_timeouts_sleeptime() * 1000000;
        if (wake > next_tick || wake < now)
            wake = next_tick;
        int err = sl_server_poll(&g_net.srv, wake);
        if (err && err != SOS_ERR_TIMED_OUT)
            return err;
        link_receive_all();
        sys_check_timeouts();
        if (g_net.addr_kick) {
            g_net.addr_kick = false;
            ops_address_ready();
        }
        if (sos_clock_get() >= next_tick) {
            if (g_net.have_card)
                ipconf_tick();
            next_tick = sos_clock_get() + SOS_MS(1000);
        }
    }
    return g_net.srv.status;
}

int main(void)
{
    sl_conn_to_init(&g_net.log, "log", sos_startup_handle("log"));
    sl_conn_to_init(&g_net.config, "config", 0);
    int err = sl_service_init(&g_net.srv, g_net_ops, g_net_nops, &g_net);
    if (err) {
        printf("network: cannot start its server loop: %s\n", sos_strerror(err));
        return 1;
    }
    g_lib_close = g_net.srv.on_close;
    g_net.srv.on_close = on_close;
    sl_conn_to_keep(&g_net.srv, &g_net.log); /* log restarted: connect again at once */
    /* lwIP's DNS ids and TCP initial sequence numbers (LWIP_RAND): from the system's
     * entropy, not the clock (guessable; and a deterministic simulator run draws
     * entropy from its seed, docs/sim.md) */
    unsigned seed = (unsigned)sos_clock_get();
    if (sos_entropy_read(&seed, sizeof(seed)) < 0)
        seed = (unsigned)sos_clock_get();
    srand(seed);
    lwip_init();
    err = link_open();
    if (!err)
        err = sl_server_watch(&g_net.srv, g_net.dev, SOS_SIG_READABLE, SOS_WAIT_ASYNC_REPEAT,
                              on_frames, NULL);
    static struct heartbeat hb;
    heartbeat_start(&g_net.srv, &hb, STATUS_HEARTBEAT_PERIOD_NS);
    if (sl_service_ready())
        return 1;
    if (err)
        net_log(LOG_WARNING, "no network device (%s): running without one", sos_strerror(err));
    else
        ipconf_start();
    return run();
}
