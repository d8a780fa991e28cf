/*
 * tests/hal/th_internal.h - what the test HAL and the harness share.
 */
#ifndef TESTS_HAL_TH_INTERNAL_H
#define TESTS_HAL_TH_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "hal.h"

int th_hal_init(size_t mem_bytes, struct boot_info *bi);
bool th_irq_enabled(unsigned line);
void th_advance(int64_t ns);
extern void (*th_user_main)(uintptr_t startup);
void core_init(const struct boot_info *bi);
/* Map the shared helpers' user memory into the (new) test process (th_util.c). */
void th_scratch_map(void);
/* The fake network device (th_net.c): deliver what is on the wire, free transmit room
   (true when it raised its line); hal_dev_get's helper. */
bool th_fake_net_idle(void);
bool th_fake_net_get(const struct hal_dev_ops **ops, void **dev);

#endif
