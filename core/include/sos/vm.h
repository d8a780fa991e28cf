/*
 * sos/vm.h - memory objects and mappings.
 *
 * Layer: ABI.
 */
#ifndef SOS_VM_H
#define SOS_VM_H

#include <sos/types.h>

#define SOS_VM_READ (1u << 0)
#define SOS_VM_WRITE (1u << 1)
#define SOS_VM_EXEC (1u << 2)
#define SOS_VM_PROT_MASK 7u

#define SOS_VMO_RESIZABLE (1u << 0)
#define SOS_VMO_MAX_SIZE (1ull << 32) /* 4 GiB per memory object */

/* vm_map: arguments in, address out. */
struct sos_vm_map {
    sos_handle_t process; /* process to map into (MANAGE right unless it is self) */
    sos_handle_t vmo;     /* needs MAP, plus READ/WRITE/EXECUTE matching prot */
    uint64_t offset;      /* page aligned offset into the vmo */
    uint64_t len;         /* bytes; rounded up to pages */
    uint32_t prot;        /* SOS_VM_*; WRITE and EXEC together are refused (W^X) */
    uint32_t flags;       /* SOS_MAP_* */
    uint64_t addr;        /* in: wanted address with SOS_MAP_FIXED; out: address */
};

#define SOS_MAP_FIXED (1u << 0)

#endif
