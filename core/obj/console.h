/*
 * core/obj/console.h - the console input ring (filled by core_console_input, see hal.h).
 *
 * Layer: core objects. Under g_klock.
 */
#ifndef CORE_OBJ_CONSOLE_H
#define CORE_OBJ_CONSOLE_H

#include "kernel.h"

/* Take up to len bytes of console input, oldest first; drained with console_read. */
size_t console_take(char *buf, size_t len);

#endif
