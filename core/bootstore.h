/*
 * core/bootstore.h - boot policy for every platform: the boot store is checked whole and
 * the first process is chosen in core, not in the HALs (core/bootstore.c).
 *
 * Layer: core.
 */
#ifndef CORE_BOOTSTORE_H
#define CORE_BOOTSTORE_H

#include "hal.h"

/*
 * Check the boot store `bi` reports (if any) and, when the HAL gave no init image, make
 * the store's bin/rootmgr the first process: sets init_base/init_size and argv[0]
 * "rootmgr" (the HAL's further arguments follow). A corrupt store, or one without a
 * root manager to start, stops the boot: a message on the console, then
 * hal_power_off(BOOTSTORE_FAIL_STATUS). Call after the console works, before the first
 * process starts.
 */
void bootstore_select(struct boot_info *bi);

#define BOOTSTORE_FAIL_STATUS 4

#endif
