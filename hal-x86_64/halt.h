/*
 * hal-x86_64/halt.h - stopping a CPU for good (halt.c).
 *
 * Layer: hal-x86_64.
 */
#ifndef HAL_X86_64_HALT_H
#define HAL_X86_64_HALT_H

#include <stdint.h>

/* Stop this CPU for good (panic=exit: leave QEMU with status 125 first). */
__attribute__((noreturn)) void x86_halt(void);
/* A broken HAL invariant: print, backtrace, halt. */
__attribute__((noreturn)) void x86_fatal(const char *fmt, ...);
void x86_backtrace(uint64_t rbp, uint64_t rip);
/* On QEMU, leave through isa-debug-exit with `status` (run.sh maps the code back). */
void x86_qemu_exit(int status);

#endif
