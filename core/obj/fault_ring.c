/*
 * core/obj/fault_ring.c - the fault record ring: one record per process killed by a
 * fault, drained by fault_read (the root manager reads them to explain a crash). The
 * root resource raises FAULT_RECORD while records wait; a full ring drops the oldest.
 *
 * Layer: core objects.
 */
#include "obj/fault_ring.h"

#include "obj/resource.h"

#define FAULT_RING 64u
static struct sos_fault_record g_faults[FAULT_RING];
static uint32_t g_fault_head, g_fault_tail;

void fault_ring_push(const struct sos_fault_record *r)
{
    if (g_fault_head - g_fault_tail == FAULT_RING)
        g_fault_tail++; /* keep the newest */
    g_faults[g_fault_head++ % FAULT_RING] = *r;
    obj_signal(&g_root_resource->obj, 0, SOS_SIG_FAULT_RECORD);
}

uint32_t fault_ring_take(struct sos_fault_record *out, uint32_t max)
{
    uint32_t n = 0;
    while (n < max && g_fault_tail != g_fault_head)
        out[n++] = g_faults[g_fault_tail++ % FAULT_RING];
    if (g_fault_tail == g_fault_head)
        obj_signal(&g_root_resource->obj, SOS_SIG_FAULT_RECORD, 0);
    return n;
}
