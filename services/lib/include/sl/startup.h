/*
 * sl/startup.h - what a process was started with: its startup block, argc/argv, the
 * initial handles by name, and handles to itself.
 *
 * crt0 checks the block (magic and version) before main runs; these calls are valid
 * from main on.
 *
 * Layer: services/lib (runtime).
 */
#ifndef SL_STARTUP_H
#define SL_STARTUP_H

#include <sos/sos.h>

/* The block the kernel passed to _start (read-only). */
const struct sos_startup *sos_startup_block(void);

/*
 * The initial handle named `name` (exact match), or SOS_HANDLE_INVALID when the
 * process was given none by that name.
 */
sos_handle_t sos_startup_handle(const char *name);

/* The number of initial handles and the i-th one (name and value), or NULL. */
uint32_t sos_startup_handle_count(void);
const struct sos_startup_handle *sos_startup_handle_at(uint32_t i);

/* Handles to this process and to its main thread. */
sos_handle_t sos_self_process(void);
sos_handle_t sos_self_thread(void);

/* argc and argv as main got them (argv strings are writable copies). */
int sos_argc(void);
char **sos_argv(void);

#endif
