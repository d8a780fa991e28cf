/*
 * services/include/proto/dir.h - the directory: a service and the root manager.
 *
 * Every service gets a startup handle "directory": its own channel to the root
 * manager, so the root manager always knows who is asking.
 *
 *   DIR_READY      ()                      -> ()          the service is ready to serve
 *   DIR_LOOKUP     (str name)              -> (handle)    a new channel to `name`, with
 *                                                         the rights the caller's manifest
 *                                                         allows (lookup= or grant=);
 *                                                         waits while `name` (re)starts;
 *                                                         a name that is one of the caller's
 *                                                         storage/<path> resources: that
 *                                                         directory opened again (after a
 *                                                         restart of storage), its rights
 *   DIR_LOG        (u32 severity, str msg) -> ()          early log lines, before the log
 *                                                         service is up (kept and replayed)
 *
 * A service that provides an endpoint also gets "serve": the channel on which the root
 * manager hands it new client connections (PROTO_SVC):
 *
 *   SVC_CONNECT    (str client, u32 rights [, str image]) + handle
 *                                                          a client's channel: serve it;
 *                  image: the client's image SHA-256 in hex, told only to the security
 *                  service (it remembers approvals per image)
 *   SVC_STOP       ()                      -> ()          orderly shutdown: reply, then exit
 *
 * Layer: services protocols.
 */
#ifndef PROTO_DIR_H
#define PROTO_DIR_H

#include <proto/proto.h>

#define DIR_VERSION 1
#define DIR_READY SOS_ORD(PROTO_DIR, DIR_VERSION, 1)
#define DIR_LOOKUP SOS_ORD(PROTO_DIR, DIR_VERSION, 2)
#define DIR_LOG SOS_ORD(PROTO_DIR, DIR_VERSION, 3)

#define SVC_VERSION 1
#define SVC_CONNECT SOS_ORD(PROTO_SVC, SVC_VERSION, 1)
#define SVC_STOP SOS_ORD(PROTO_SVC, SVC_VERSION, 2)

#define DIR_NAME_MAX 32

#endif
