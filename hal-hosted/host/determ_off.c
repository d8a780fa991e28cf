/*
 * hal-hosted/host/determ_off.c - deterministic mode absent: what vcpu.c calls of it,
 * for host tests that link vcpu.c without the rest of the simulator (hosted-signals).
 * host_det stays HOST_DET_OFF, so none of these is ever reached.
 *
 * Layer: tests (host).
 */
#include "host.h"

#include <stdlib.h>

int host_det;

int64_t host_det_now(void) { abort(); }
int64_t host_det_wall_s(void) { abort(); }
int host_det_entropy(void *buf, size_t len) { (void)buf, (void)len; abort(); }
void host_det_foreign_raise(unsigned line) { (void)line; abort(); }
void host_det_idle(void) { abort(); }
void host_det_timer_set(int64_t deadline) { (void)deadline; abort(); }
