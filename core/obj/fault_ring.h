/*
 * core/obj/fault_ring.h - the ring of fault records (the newest 64), drained with
 * fault_read.
 *
 * Layer: core objects. Under g_klock.
 */
#ifndef CORE_OBJ_FAULT_RING_H
#define CORE_OBJ_FAULT_RING_H

#include "kernel.h"

void fault_ring_push(const struct sos_fault_record *r);
uint32_t fault_ring_take(struct sos_fault_record *out, uint32_t max);

#endif
