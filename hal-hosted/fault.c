/*
 * hal-hosted/fault.c - which fault class a host signal in user code is.
 *
 * SIGSEGV: the page-fault error code says whether it was an instruction fetch; si_code
 * says whether a mapping was there (SEGV_ACCERR) or not (SEGV_MAPERR); SIGSYS is a raw
 * Linux syscall from user code; SIGKILL a --isolate stub the simulator had to kill. The core refines
 * further with what it knows (null guard, unmapped addresses: core/main.c).
 *
 * Layer: hal-hosted, core world (pure: unit-tested on its own).
 */
#include <sos/object.h>

#include "hosted.h"

#define SIGILL_ 4
#define SIGTRAP_ 5
#define SIGBUS_ 7
#define SIGKILL_ 9
#define SIGFPE_ 8
#define SIGSEGV_ 11
#define SIGSYS_ 31
#define SEGV_ACCERR_ 2
#define PF_FETCH 16u

uint32_t hosted_fault_class(unsigned sig, int code, unsigned long err)
{
    switch (sig) {
    case SIGSEGV_:
        if (err & PF_FETCH)
            return code == SEGV_ACCERR_ ? SOS_FAULT_EXEC : SOS_FAULT_WILD_ADDRESS;
        return code == SEGV_ACCERR_ ? SOS_FAULT_PERMISSION : SOS_FAULT_WILD_ADDRESS;
    case SIGBUS_:
        return SOS_FAULT_ALIGN;
    case SIGFPE_:
        return SOS_FAULT_ARITH;
    case SIGTRAP_:
        return SOS_FAULT_BREAK;
    case SIGSYS_: /* Syscall User Dispatch caught a raw syscall (host/vcpu.c) */
        return SOS_FAULT_HOST_SYSCALL;
    case SIGKILL_: /* --isolate: the stub stopped answering and was killed (host/isolate.c) */
        return SOS_FAULT_KILLED;
    case SIGILL_:
    default:
        return SOS_FAULT_ILLEGAL;
    }
}
