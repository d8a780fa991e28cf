/*
 * services/include/client/heartbeat.h - sending heartbeats to the status service, without ever
 * blocking the sender's loop.
 *
 * A periodic timer in the service's loop writes STATUS_HEARTBEAT as a one-way message
 * (SOS_MSG_NO_REPLY). The channel to "status" is looked up asynchronously: DIR_LOOKUP
 * is written on the directory channel with our own transaction id and its answer is
 * taken when it arrives, so a status service that is restarting (or gone for good)
 * delays nothing. The manifest needs lookup=status:write.
 *
 * Layer: services (status client; used by log, config, console).
 */
#ifndef STATUS_HEARTBEAT_H
#define STATUS_HEARTBEAT_H

#include <sl/service.h>
#include <sl/sl.h>

struct heartbeat {
    sos_handle_t status; /* our channel to status, or 0 */
    sos_handle_t timer;
    sos_handle_t dir;    /* the directory channel */
    uint32_t txid;       /* of the lookup in flight, or 0 */
    uint64_t sent, lookups;
};

/* Start beating every period_ns from the loop `srv`. 0 or SOS_ERR_*. */
int heartbeat_start(struct sl_server *srv, struct heartbeat *hb, int64_t period_ns);

#endif
