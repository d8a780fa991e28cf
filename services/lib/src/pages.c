/*
 * services/lib/src/pages.c - the allocator's page provider: each request is one memory
 * object mapped read-write into this process. The mapping keeps the object alive, so
 * the handle is closed at once; unmapping frees the memory.
 *
 * Layer: services/lib (runtime).
 */
#include <sl/startup.h>
#include <sl/sys.h>

#include "internal.h"

void *__sl_pages_get(size_t len)
{
    sos_handle_t vmo;
    if (sos_vmo_create(len, 0, &vmo) < 0)
        return NULL;
    struct sos_vm_map m = {.process = sos_self_process(), .vmo = vmo, .offset = 0,
                           .len = len, .prot = SOS_VM_READ | SOS_VM_WRITE};
    int64_t err = sos_vm_map(&m);
    sos_handle_close(vmo);
    return err < 0 ? NULL : (void *)(uintptr_t)m.addr;
}

void __sl_pages_put(void *p, size_t len)
{
    sos_vm_unmap(sos_self_process(), (uint64_t)(uintptr_t)p, len);
}

void __sl_yield(void) { sos_thread_yield(); }
