/*
 * hal-hosted/memory.c - the simulated machine's memory: physical memory is the host
 * arena (a memfd), and each user address space is a window of host address space over
 * it (host/arena.c). Shared by the simulator and the unit tests' HAL, which differ only
 * in their syscall entry.
 *
 * Layer: hal-hosted, core world.
 */
#include <sos/sos.h>

#include "hal.h"
#include "host.h"

#define MAX_SPACES 1024u

struct hal_as {
    uintptr_t base;
    uint32_t used;
    struct host_stub *stub; /* --isolate: the stub process holding this space */
};

static struct hal_as g_spaces[MAX_SPACES];

unsigned hal_elf_machine(void)
{
#if defined(__x86_64__)
    return 62; /* EM_X86_64 */
#else
    return 183; /* EM_AARCH64 */
#endif
}

int hal_as_create(struct hal_as **out)
{
    for (unsigned i = 0; i < MAX_SPACES; i++) {
        struct hal_as *as = &g_spaces[i];
        if (as->used)
            continue;
        if (host_window_alloc(&as->base))
            return SOS_ERR_NO_RESOURCES;
        if (host_isolate && host_isolate->create(as->base, host_window_size(), &as->stub)) {
            host_window_free(as->base);
            return SOS_ERR_NO_RESOURCES;
        }
        as->used = 1;
        *out = as;
        return 0;
    }
    return SOS_ERR_NO_RESOURCES;
}

void hal_as_destroy(struct hal_as *as)
{
    if (as->stub)
        host_isolate->destroy(as->stub);
    as->stub = NULL;
    host_window_free(as->base);
    as->used = 0;
}

void hal_as_range(struct hal_as *as, uintptr_t *base, uintptr_t *size)
{
    *base = as->base;
    *size = host_window_size();
}

static unsigned host_prot(unsigned p)
{
    return ((p & HAL_PROT_READ) ? HOST_PROT_R : 0) | ((p & HAL_PROT_WRITE) ? HOST_PROT_W : 0) |
           ((p & HAL_PROT_EXEC) ? HOST_PROT_X : 0);
}

int hal_as_map(struct hal_as *as, uintptr_t va, paddr_t pa, size_t npages, unsigned prot)
{
    uint64_t off = pa - HOST_PHYS_BASE;
    size_t len = npages * HAL_PAGE_SIZE;
    if (host_map(va, off, len, host_prot(prot)))
        return SOS_ERR_NO_MEMORY;
    if (as->stub && host_isolate->map(as->stub, va, off, len, host_prot(prot))) {
        host_unmap(va, len); /* as if it never happened: the core frees the frames */
        return SOS_ERR_NO_MEMORY;
    }
    return 0;
}

void hal_as_unmap(struct hal_as *as, uintptr_t va, size_t npages)
{
    host_unmap(va, npages * HAL_PAGE_SIZE);
    if (as->stub)
        host_isolate->unmap(as->stub, va, npages * HAL_PAGE_SIZE);
}

void hal_as_protect(struct hal_as *as, uintptr_t va, size_t npages, unsigned prot)
{
    host_protect(va, npages * HAL_PAGE_SIZE, host_prot(prot));
    if (as->stub)
        host_isolate->protect(as->stub, va, npages * HAL_PAGE_SIZE, host_prot(prot));
}

/* Every window is mapped at once in the one host address space: nothing to switch
 * (with --isolate, the stub whose user code this vCPU runs next). */
void hal_as_activate(struct hal_as *as)
{
    if (host_isolate)
        host_isolate->activate(as ? as->stub : NULL);
}

/* The core has checked the range against its mappings, so these cannot fault. */
int hal_copy_from_user(void *dst, uintptr_t usrc, size_t len)
{
    __builtin_memcpy(dst, (const void *)usrc, len);
    return 0;
}

int hal_copy_to_user(uintptr_t udst, const void *src, size_t len)
{
    __builtin_memcpy((void *)udst, src, len);
    return 0;
}

void *hal_phys_to_virt(paddr_t pa) { return (char *)host_arena_base() + (pa - HOST_PHYS_BASE); }

paddr_t hal_virt_to_phys(const void *va)
{
    return (paddr_t)((const char *)va - (const char *)host_arena_base()) + HOST_PHYS_BASE;
}

