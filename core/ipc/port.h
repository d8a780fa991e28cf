/*
 * core/ipc/port.h - ports: queues of packets from many objects, and the waits on them.
 *
 * object_wait_async binds an object's signals to a port: when a wanted signal rises a
 * packet is queued (one per binding at a time: a binding whose packet is still queued
 * only updates it, so signal packets never overflow a port). User packets are bounded
 * by SOS_PORT_MAX_PACKETS.
 *
 * Layer: core IPC. Under g_klock.
 */
#ifndef CORE_IPC_PORT_H
#define CORE_IPC_PORT_H

#include "obj/object.h"
#include "proc/sched.h"

struct port {
    struct object obj;
    struct list_node packets; /* struct port_pkt */
    uint32_t npackets;
    uint32_t nuser;
    struct waitq waiters;
    struct list_node bindings; /* struct port_binding.port_node */
};

int port_new(struct port **out);
int port_queue_user(struct port *p, const struct sos_port_packet *pkt);
/* Wait for a packet until `deadline`; copies it to *out. */
int port_wait(struct port *p, sos_time_t deadline, struct sos_port_packet *out);
/* Bind o's `signals` (non-zero) to p under `key`; options is 0 or SOS_WAIT_ASYNC_REPEAT
   (the caller checked both). Only NO_MEMORY can fail. */
int port_bind(struct port *p, struct object *o, uint64_t key, sos_signals_t signals,
              uint32_t options);
void port_cache_init(void);

#endif
