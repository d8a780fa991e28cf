/*
 * hal-hosted/host/host.h - the host side of hal-hosted: plain functions over plain
 * types that see only libc (and, in their own files, SDL2 and libuv). Nothing here
 * includes a core header; the files in hal-hosted/ that do see the core call these.
 *
 * Layer: hal-hosted, host world.
 */
#ifndef HAL_HOSTED_HOST_H
#define HAL_HOSTED_HOST_H

#include <stddef.h>
#include <stdint.h>

/* ---- the memory arena: "physical memory" is one shared memory file */

#define HOST_PHYS_BASE 0x100000000ull /* physical address of the arena's first byte */

/* Create the arena of `bytes` and reserve room for `spaces` user windows. 0 or -1. */
int host_arena_init(size_t bytes, unsigned spaces, size_t window_bytes);
void *host_arena_base(void);
size_t host_arena_size(void);

/* User windows: disjoint ranges of host address space, one per address space. */
int host_window_alloc(uintptr_t *base); /* 0, or -1 when none is free */
void host_window_free(uintptr_t base);
size_t host_window_size(void);

#define HOST_PROT_R 1u
#define HOST_PROT_W 2u
#define HOST_PROT_X 4u

/* Map arena bytes [off, off+len) at va (inside a window), or unmap / reprotect. */
int host_map(uintptr_t va, uint64_t arena_off, size_t len, unsigned prot);
int host_unmap(uintptr_t va, size_t len);
int host_protect(uintptr_t va, size_t len, unsigned prot);

/* ---- contexts (ctx_<arch>.S) */

/* Save callee-saved registers on the current stack, store sp in *from_sp, load to_sp. */
void host_ctx_switch(uintptr_t *from_sp, uintptr_t to_sp);

/* A stack pointer that starts fn(arg) when switched to; fn must not return. */
uintptr_t host_ctx_init(void *stack, size_t size, void (*fn)(void *), void *arg);

#endif
