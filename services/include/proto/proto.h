/*
 * services/include/proto/proto.h - conventions every ServiceOS protocol follows.
 *
 * A message starts with struct sos_msg_hdr. Its ordinal names the protocol, the
 * protocol's version and the message: SOS_ORD(protocol, version, number). A server
 * answers a message of a version it does not know with SOS_ERR_NOT_SUPPORTED. Fields
 * after the header are encoded with services/lib's sl_msg_* / sl_parse_* (u32, u64,
 * length-prefixed strings, handles), in the order each message documents.
 *
 * The rights a client holds on a service travel with its connection (SVC_CONNECT in
 * proto/dir.h); a server checks them in its handlers.
 *
 * Layer: services protocols.
 */
#ifndef PROTO_PROTO_H
#define PROTO_PROTO_H

#include <sos/sos.h>

#define SOS_ORD(proto, version, n) (((uint32_t)(version) << 24) | ((uint32_t)(proto) << 16) | (n))
#define SOS_ORD_PROTO(o) (((o) >> 16) & 0xffu)
#define SOS_ORD_VERSION(o) ((o) >> 24)

enum sos_protocol {
    PROTO_DIR = 1,     /* a service and the root manager: readiness, lookups */
    PROTO_SVC = 2,     /* the root manager to a service: new connections, stop */
    PROTO_MGR = 3,     /* operators (the shell) to the root manager */
    PROTO_LOG = 4,
    PROTO_CONFIG = 5,
    PROTO_CONSOLE = 6,
    PROTO_STATUS = 7,
    PROTO_STORAGE = 8,
    PROTO_NET = 9,
    PROTO_AUDIO = 10,
    PROTO_PKG = 12,    /* packages (services/package) */
    PROTO_GRAPHICS = 16, /* the compositor (proto/graphics.h) */
    PROTO_SESSION = 17,  /* input focus (proto/session.h) */
    PROTO_DESKTOP = 18,  /* the desktop shell (proto/desktop.h) */
    PROTO_SECURITY = 20, /* launch policy, approvals, audit history (proto/security.h) */
};

/*
 * A connection's rights are the SOS_RIGHT_* bits the client's manifest was granted on
 * the service (grant= or lookup=). Services read them as: READ to query, WRITE to
 * change, MANAGE to administer (start/stop, follow, power).
 */

#endif
