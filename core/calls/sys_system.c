/*
 * core/calls/sys_system.c - console, clock, entropy, interrupts, audit, faults and power.
 *
 * Layer: core syscalls.
 */
#include "calls/calls.h"

#include "audit.h"
#include "entropy.h"
#include "mm/heap.h"
#include "obj/console.h"
#include "obj/conout.h"
#include "obj/fault_ring.h"
#include "obj/interrupt.h"

#define DEBUG_WRITE_MAX 4096u

int64_t sys_debug_write(uintptr_t buf, size_t len)
{
    char tmp[256];
    if (len > DEBUG_WRITE_MAX)
        return SOS_ERR_OUT_OF_RANGE;
    if (!vm_check(cur_proc()->vm, buf, len, SOS_VM_READ) || (!buf && len))
        return SOS_ERR_BAD_ADDRESS;
    for (size_t done = 0; done < len;) {
        size_t n = MIN(len - done, sizeof(tmp));
        int err = copy_from_user(tmp, buf + done, n);
        if (err)
            return err;
        conout_write(cur_proc()->obj.koid, tmp, n);
        done += n;
    }
    return (int64_t)len;
}

int64_t sys_clock_get(void) { return hal_time_now(); }

/* Random bytes need no capability: they reveal nothing and change nothing. */
int64_t sys_entropy_read(uintptr_t buf, size_t len)
{
    uint8_t tmp[ENTROPY_READ_MAX];
    if (len > ENTROPY_READ_MAX)
        return SOS_ERR_OUT_OF_RANGE;
    int err = check_user_out(buf, len);
    if (err)
        return err;
    entropy_read(tmp, len);
    err = copy_to_user(buf, tmp, len);
    memset(tmp, 0, sizeof(tmp));
    return err ? err : (int64_t)len;
}

int64_t sys_interrupt_create(sos_handle_t resource, uint32_t line, uintptr_t out)
{
    int err = check_resource(resource, SOS_RIGHT_MANAGE);
    if (!err)
        err = check_user_out(out, sizeof(sos_handle_t));
    if (err)
        return err;
    struct interrupt *irq;
    err = interrupt_new(line, &irq);
    if (err)
        return err;
    return give_handle(&irq->obj, default_rights(SOS_OBJ_INTERRUPT), out);
}

int64_t sys_interrupt_ack(sos_handle_t irq)
{
    struct interrupt *i;
    int err = GET_OBJ(irq, SOS_OBJ_INTERRUPT, SOS_RIGHT_WRITE, struct interrupt, &i);
    if (err)
        return err;
    interrupt_ack(i);
    return 0;
}

#define AUDIT_BATCH 64u

int64_t sys_audit_read(sos_handle_t resource, uint64_t first_seq, uintptr_t buf, uint32_t count)
{
    int err = check_resource(resource, SOS_RIGHT_READ);
    if (!err)
        err = count > AUDIT_BATCH ? SOS_ERR_OUT_OF_RANGE : 0;
    if (!err)
        err = check_user_out(buf, (size_t)count * sizeof(struct sos_audit_record));
    if (err)
        return err;
    struct sos_audit_record *tmp = kmalloc(AUDIT_BATCH * sizeof(*tmp));
    if (!tmp)
        return SOS_ERR_NO_MEMORY;
    uint32_t n = audit_copy(first_seq, tmp, count);
    err = copy_to_user(buf, tmp, n * sizeof(*tmp));
    kfree(tmp);
    return err ? err : (int64_t)n;
}

int64_t sys_fault_read(sos_handle_t resource, uintptr_t buf, uint32_t count)
{
    struct sos_fault_record tmp[16];
    int err = check_resource(resource, SOS_RIGHT_READ);
    if (!err)
        err = check_user_out(buf, MIN(count, 16u) * sizeof(tmp[0]));
    if (err)
        return err;
    uint32_t n = fault_ring_take(tmp, MIN(count, 16u));
    err = copy_to_user(buf, tmp, n * sizeof(tmp[0]));
    return err ? err : (int64_t)n;
}

int64_t sys_console_read(sos_handle_t resource, uintptr_t buf, size_t len)
{
    char tmp[256];
    int err = check_resource(resource, SOS_RIGHT_READ);
    len = MIN(len, sizeof(tmp));
    if (!err)
        err = check_user_out(buf, len);
    if (err)
        return err;
    size_t n = console_take(tmp, len);
    if (n == 0 && len)
        return SOS_ERR_SHOULD_WAIT;
    err = copy_to_user(buf, tmp, n);
    return err ? err : (int64_t)n;
}

int64_t sys_system_power(sos_handle_t resource, uint32_t mode, int64_t status)
{
    int err = check_resource(resource, SOS_RIGHT_MANAGE);
    if (err)
        return err;
    if (mode == SOS_POWER_OFF)
        hal_power_off((int)status);
    if (mode == SOS_POWER_REBOOT)
        hal_reboot();
    return SOS_ERR_INVALID_ARGS;
}
