/*
 * tests/progs/lookuprace.c - a lookup of a service that dies before the root manager
 * has seen it die (tests/scenarios/lookup-race.scn).
 *
 * One image, three on-demand services (argv[0] says which):
 *
 *   lookuprace-target  a service that answers PING and, on QUIT, exits at once with
 *                      status 3 (a crash: its manifest restarts it at once);
 *   lookuprace-granted a service granted lookuprace-target: its PING pings the target
 *                      through that grant;
 *   lookuprace         the client. It looks the target up (which starts it), then
 *                      writes a second DIR_LOOKUP of it on its directory channel
 *                      without waiting, and only then asks the target to QUIT. So the
 *                      root manager finds the lookup queued ahead of the target's exit:
 *                      the target is still "ready" in its table, but its process is
 *                      gone. That lookup must wait for the restarted instance and
 *                      answer with a connection to it (PING answers); before, it
 *                      failed with "peer closed", and a client that kept a connection
 *                      that way (the security service's to the package service) lost
 *                      it for good: `chaos` on two vCPUs found a channel missing or
 *                      extra after 1000 kills. Then the same for a start: it writes
 *                      MGR_START of lookuprace-granted and makes the target quit
 *                      again; the start must wait for the target's next instance
 *                      (the grant is a connection to it) and the granted service must
 *                      reach it; before, its launch failed ("launch failed: peer
 *                      closed") and it stayed down for good.
 *
 * Prints a line for each, "lookuprace: ...", and exits 0 when both reached the next
 * instance, 1 otherwise. Deterministic in `--deterministic` runs (one vCPU: the
 * root manager runs only once the client blocks in its QUIT call).
 *
 * Layer: services (tests).
 */
#include <stdio.h>
#include <string.h>

#include <sl/service.h>
#include <sl/sl.h>
#include <sl/startup.h>

#include <proto/dir.h>
#include <proto/mgr.h>

#define TARGET "lookuprace-target"
#define GRANTED "lookuprace-granted"
#define PING 0x7e570001u
#define QUIT 0x7e570002u
#define TXID 0x1234u /* the written lookup's: below the kernel's call txids */
#define WAIT_NS 10000000000ll

/* ---- the target */

static int call_plain(sos_handle_t ch, uint32_t ordinal);

static sos_handle_t g_grant; /* lookuprace-granted's: its grant of the target */

static int do_ping(struct sl_request *r)
{
    (void)r;
    return g_grant ? call_plain(g_grant, PING) : 0;
}

static int do_quit(struct sl_request *r)
{
    (void)r;
    sos_process_exit(3);
    return 0;
}

static int target_main(void)
{
    g_grant = sos_startup_handle(TARGET);
    static const struct sl_op ops[] = {{PING, sizeof(struct sos_msg_hdr), do_ping},
                                       {QUIT, sizeof(struct sos_msg_hdr), do_quit}};
    static struct sl_server srv;
    int err = sl_service_init(&srv, ops, 2, NULL);
    if (!err)
        err = sl_service_ready();
    return err ? 1 : sl_server_run(&srv);
}

/* ---- the client */

static int call_plain(sos_handle_t ch, uint32_t ordinal)
{
    uint8_t b[32], rb[32];
    struct sl_msg req, rep;
    sl_msg_begin(&req, b, sizeof(b), NULL, 0, ordinal);
    sl_msg_begin(&rep, rb, sizeof(rb), NULL, 0, ordinal);
    return sl_call(ch, &req, &rep, sos_deadline_after(WAIT_NS));
}

/* A request (DIR_LOOKUP, MGR_START) naming `name`, written on ch, not waited for. */
static int write_named(sos_handle_t ch, uint32_t ordinal, const char *name)
{
    uint8_t b[96];
    struct sl_msg req;
    sl_msg_begin(&req, b, sizeof(b), NULL, 0, ordinal);
    sl_msg_hdr(&req)->txid = TXID;
    sl_msg_put_str(&req, name);
    int err = sl_msg_finish(&req);
    return err ? err : sl_msg_send(ch, &req);
}

/* The written request's answer: its status, and the handle in *h when there is one. */
static int read_answer(sos_handle_t dir, sos_handle_t *h)
{
    uint8_t b[64];
    sos_handle_t hs[1] = {0};
    struct sos_chan_read rd = {.bytes = b, .handles = hs, .bytes_cap = sizeof(b), .handles_cap = 1};
    int err = (int)sos_object_wait_one(dir, SOS_SIG_READABLE, sos_deadline_after(WAIT_NS), NULL);
    if (!err)
        err = (int)sos_channel_read(dir, &rd);
    struct sos_msg_hdr hdr;
    if (!err && rd.actual_bytes < sizeof(hdr))
        err = SOS_ERR_BAD_FORMAT;
    if (!err)
        memcpy(&hdr, b, sizeof(hdr));
    if (!err && hdr.txid != TXID)
        err = SOS_ERR_BAD_FORMAT;
    if (!err && !hdr.status && h && rd.actual_handles != 1)
        err = SOS_ERR_BAD_FORMAT;
    if (h)
        *h = hs[0];
    return err ? err : hdr.status;
}

/* A lookup of the target queued ahead of its exit: answered with its next instance
 * (in *next); 0 or why not. */
static int lookup_race(sos_handle_t dir, sos_handle_t cur, sos_handle_t *next)
{
    int err = write_named(dir, DIR_LOOKUP, TARGET);
    if (err)
        return err;
    call_plain(cur, QUIT); /* no answer: it is gone */
    err = read_answer(dir, next);
    return err ? err : call_plain(*next, PING);
}

/* A start of a service granted the target queued ahead of the target's exit: it
 * starts with a grant of the next instance; 0 or why not. */
static int start_race(sos_handle_t cur)
{
    sos_handle_t rm = 0, granted = 0;
    int err = sl_service_lookup("rootmgr", &rm, sos_deadline_after(WAIT_NS));
    if (!err)
        err = write_named(rm, MGR_START, GRANTED);
    if (err)
        return err;
    call_plain(cur, QUIT);
    err = read_answer(rm, NULL);
    if (!err)
        err = sl_service_lookup(GRANTED, &granted, sos_deadline_after(WAIT_NS));
    return err ? err : call_plain(granted, PING);
}

static int client_main(void)
{
    sos_handle_t dir = sos_startup_handle("directory"), first = 0, again = 0;
    int err = sl_service_ready();
    if (!err)
        err = sl_service_lookup(TARGET, &first, sos_deadline_after(WAIT_NS));
    if (err) {
        printf("lookuprace: could not set up: %s\n", sos_strerror(err));
        return 1;
    }
    int lk = lookup_race(dir, first, &again);
    if (lk)
        printf("lookuprace: the lookup made while %s died: %s\n", TARGET, sos_strerror(lk));
    else
        printf("lookuprace: the lookup made while %s died answered with its next instance\n",
               TARGET);
    int st = lk ? lk : start_race(again);
    if (st)
        printf("lookuprace: the start of %s made while %s died: %s\n", GRANTED, TARGET,
               sos_strerror(st));
    else
        printf("lookuprace: the start of %s made while %s died reached its next instance\n",
               GRANTED, TARGET);
    return lk || st ? 1 : 0;
}

int main(int argc, char **argv)
{
    bool serves = argc > 0 && (!strcmp(argv[0], TARGET) || !strcmp(argv[0], GRANTED));
    return serves ? target_main() : client_main();
}
