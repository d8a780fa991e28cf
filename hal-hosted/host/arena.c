/*
 * hal-hosted/host/arena.c - physical memory as a memfd, user windows as mappings of it.
 *
 * The arena is a memfd of the simulated RAM size, mapped once as the kernel's direct
 * map. Each user address space owns a window of a large PROT_NONE reservation; mapping
 * a page maps the arena file at that place (MAP_SHARED|MAP_FIXED), so several windows
 * can share frames exactly as page tables would, and unmapped places fault.
 *
 * Layer: hal-hosted, host world (libc only).
 */
#define _GNU_SOURCE
#include "host.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static int g_fd = -1;
static void *g_base;
static size_t g_size;
static uintptr_t g_windows;
static size_t g_window_bytes;
static unsigned g_nwindows;
static bool g_used[4096];
static bool g_fixed;

void host_arena_fixed(void) { g_fixed = true; }

int host_arena_init(size_t bytes, unsigned spaces, size_t window_bytes)
{
    if (spaces > 4096)
        spaces = 4096;
    g_fd = memfd_create("serviceos-ram", MFD_CLOEXEC);
    if (g_fd < 0 || ftruncate(g_fd, (off_t)bytes) != 0) {
        perror("serviceos: memfd for guest memory");
        return -1;
    }
    /* A deterministic run puts memory where every run finds it: addresses reach the
     * guest (and the trace), and the host's layout is random. */
    int fixed = g_fixed ? MAP_FIXED_NOREPLACE : 0;
    g_base = mmap(g_fixed ? (void *)HOST_DET_ARENA_VA : NULL, bytes, PROT_READ | PROT_WRITE,
                  MAP_SHARED | fixed, g_fd, 0);
    if (g_base == MAP_FAILED) {
        perror("serviceos: mapping guest memory");
        return -1;
    }
    g_size = bytes;
    g_window_bytes = window_bytes;
    g_nwindows = spaces;
    void *w = mmap(g_fixed ? (void *)HOST_DET_WINDOWS_VA : NULL, (size_t)spaces * window_bytes,
                   PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | fixed, -1, 0);
    if (w == MAP_FAILED) {
        perror("serviceos: reserving user address space");
        return -1;
    }
    g_windows = (uintptr_t)w;
    return 0;
}

void *host_arena_base(void) { return g_base; }
int host_arena_fd(void) { return g_fd; }
const struct host_isolate_ops *host_isolate; /* set by --isolate (isolate.c) */
size_t host_arena_size(void) { return g_size; }
size_t host_window_size(void) { return g_window_bytes; }

int host_window_alloc(uintptr_t *base)
{
    for (unsigned i = 0; i < g_nwindows; i++) {
        if (!g_used[i]) {
            g_used[i] = true;
            *base = g_windows + (uintptr_t)i * g_window_bytes;
            return 0;
        }
    }
    return -1;
}

void host_window_free(uintptr_t base)
{
    unsigned i = (unsigned)((base - g_windows) / g_window_bytes);
    host_unmap(base, g_window_bytes);
    if (i < g_nwindows)
        g_used[i] = false;
}

static int to_prot(unsigned p)
{
    return ((p & HOST_PROT_R) ? PROT_READ : 0) | ((p & HOST_PROT_W) ? PROT_WRITE : 0) |
           ((p & HOST_PROT_X) ? PROT_EXEC : 0);
}

int host_map(uintptr_t va, uint64_t arena_off, size_t len, unsigned prot)
{
    void *p = mmap((void *)va, len, to_prot(prot), MAP_SHARED | MAP_FIXED, g_fd,
                   (off_t)arena_off);
    return p == MAP_FAILED ? -1 : 0;
}

int host_unmap(uintptr_t va, size_t len)
{
    void *p = mmap((void *)va, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED |
                   MAP_NORESERVE, -1, 0);
    return p == MAP_FAILED ? -1 : 0;
}

int host_protect(uintptr_t va, size_t len, unsigned prot)
{
    return mprotect((void *)va, len, to_prot(prot));
}
