/*
 * tests/ktest/cases_sys.c - the system calls around the edges: bad numbers, the debug
 * console, what the root resource guards, kernel statistics (the IPC counters among
 * them) and the audit chain.
 *
 * Layer: tests (user image).
 */
#include "ktest.h"

static void sys_bad_numbers(void)
{
    KT_EQ(sos_syscall_raw(SOS_SYS_COUNT, 0, 0, 0, 0, 0), SOS_ERR_BAD_SYSCALL);
    KT_EQ(sos_syscall_raw(9999, 1, 2, 3, 4, 5), SOS_ERR_BAD_SYSCALL);
    KT_EQ(sos_syscall_raw(UINT64_MAX, 0, 0, 0, 0, 0), SOS_ERR_BAD_SYSCALL);
    KT_EQ(sos_syscall_raw((uint64_t)-5, 0, 0, 0, 0, 0), SOS_ERR_BAD_SYSCALL);
}

static void sys_debug_write(void)
{
    KT_EQ(sos_debug_write("", 0), 0);
    KT_EQ(sos_debug_write((const char *)kt_opaque(16), 4), SOS_ERR_BAD_ADDRESS);
    KT_EQ(sos_debug_write(NULL, 1), SOS_ERR_BAD_ADDRESS);
    static char big[4097];
    KT_EQ(sos_debug_write(big, sizeof(big)), SOS_ERR_OUT_OF_RANGE);
}

static void sys_root_resource_required(void)
{
    sos_handle_t e = kt_event(), irq;
    struct sos_audit_record rec;
    struct sos_fault_record fr;
    char c;
    KT_EQ(sos_interrupt_create(e, 40, &irq), SOS_ERR_WRONG_TYPE);
    KT_EQ(sos_audit_read(0, 0, &rec, 1), SOS_ERR_BAD_HANDLE);
    KT_EQ(sos_audit_read(e, 0, &rec, 1), SOS_ERR_WRONG_TYPE);
    KT_EQ(sos_fault_read(e, &fr, 1), SOS_ERR_WRONG_TYPE);
    KT_EQ(sos_console_read(e, &c, 1), SOS_ERR_WRONG_TYPE);
    KT_EQ(sos_system_power(e, SOS_POWER_OFF, 0), SOS_ERR_WRONG_TYPE);
    KT_EQ(sos_system_power(0, SOS_POWER_REBOOT, 0), SOS_ERR_BAD_HANDLE);
    struct sos_info_kstats k;
    /* no handle but the root resource's carries INSPECT */
    KT_EQ(sos_object_get_info(e, SOS_INFO_KERNEL_STATS, &k, sizeof(k)), SOS_ERR_ACCESS_DENIED);
}

static void sys_root_read_only(void)
{
    sos_handle_t root = sos_startup_handle("root-resource");
    KT_ASSERT(root);
    KT_EQ(kt_rights(root), KT_ROOT_RIGHTS);
    sos_handle_t irq;
    KT_EQ(sos_system_power(root, SOS_POWER_OFF, 0), SOS_ERR_ACCESS_DENIED);
    KT_EQ(sos_interrupt_create(root, 40, &irq), SOS_ERR_ACCESS_DENIED);
    sos_handle_t d;
    KT_EQ(sos_handle_duplicate(root, SOS_RIGHT_SAME_RIGHTS, &d), SOS_ERR_ACCESS_DENIED);
}

static void sys_kernel_stats(void)
{
    sos_handle_t root = sos_startup_handle("root-resource");
    struct sos_info_kstats a, b;
    KT_EQ(sos_object_get_info(root, SOS_INFO_KERNEL_STATS, &a, sizeof(a)), sizeof(a));
    KT_ASSERT(a.processes >= 2); /* the runner and us */
    KT_EQ(a.objects[SOS_OBJ_PROCESS], a.processes);
    KT_ASSERT(a.cpus >= 1);
    KT_ASSERT(a.frames_free <= a.frames_total);
    KT_ASSERT(a.handles > 0);
    sos_handle_t e[10];
    for (int i = 0; i < 10; i++)
        e[i] = kt_event();
    KT_EQ(sos_object_get_info(root, SOS_INFO_KERNEL_STATS, &b, sizeof(b)), sizeof(b));
    KT_EQ(b.objects[SOS_OBJ_EVENT], a.objects[SOS_OBJ_EVENT] + 10);
    KT_ASSERT(b.syscalls > a.syscalls);
    KT_ASSERT(b.uptime_ns >= a.uptime_ns);
    for (int i = 0; i < 10; i++)
        KT_OK(sos_handle_close(e[i]));
    KT_EQ(sos_object_get_info(root, SOS_INFO_KERNEL_STATS, &b, sizeof(b)), sizeof(b));
    KT_EQ(b.objects[SOS_OBJ_EVENT], a.objects[SOS_OBJ_EVENT]); /* freed with the handles */
}

/* The IPC counters move by exactly what this process carries: three messages, their
   bytes and handles; a refused write and the reads add nothing (nothing else talks
   while a case runs: the runner waits for it). */
static void sys_kernel_stats_ipc(void)
{
    sos_handle_t root = sos_startup_handle("root-resource");
    sos_handle_t a, b, ev[2] = {kt_event(), kt_event()}, got[2];
    static uint8_t buf[100];
    struct sos_info_kstats k0, k1;
    kt_channel(&a, &b);
    KT_EQ(sos_object_get_info(root, SOS_INFO_KERNEL_STATS, &k0, sizeof(k0)), sizeof(k0));
    KT_OK(sos_channel_write(a, buf, 100, NULL, 0));
    KT_OK(sos_channel_write(a, buf, 7, ev, 2));
    KT_OK(sos_channel_write(b, buf, 1, NULL, 0));
    KT_EQ(sos_channel_write(a, buf, 1, ev, 1), SOS_ERR_BAD_HANDLE); /* moved already */
    for (int i = 0; i < 2; i++) {
        struct sos_chan_read rd = {buf, got, sizeof(buf), 2, 0, 0};
        KT_OK(sos_channel_read(b, &rd));
    }
    KT_EQ(sos_object_get_info(root, SOS_INFO_KERNEL_STATS, &k1, sizeof(k1)), sizeof(k1));
    KT_EQ(k1.ipc_messages - k0.ipc_messages, 3);
    KT_EQ(k1.ipc_bytes - k0.ipc_bytes, 108);
    KT_EQ(k1.ipc_handles - k0.ipc_handles, 2);
}

static void sys_audit_chain(void)
{
    sos_handle_t root = sos_startup_handle("root-resource");
    sos_handle_t e = kt_event();
    sos_koid_t ek = kt_handle_info(e).koid, me = kt_process_info(sos_self_process()).koid;
    static struct sos_audit_record recs[64];
    uint64_t next = 0, prev_hash = 0;
    bool have_prev = false, saw_create = false;
    int64_t n;
    KT_EQ(sos_audit_read(root, 0, recs, 65), SOS_ERR_OUT_OF_RANGE);
    while ((n = sos_audit_read(root, next, recs, 64)) > 0) {
        long bad = sos_audit_verify(recs, (size_t)n);
        if (bad >= 0)
            kt_fail(__LINE__, "the chain breaks at record %llu",
                    (unsigned long long)recs[bad].seq);
        if (have_prev)
            KT_EQ(recs[0].prev_hash, prev_hash); /* batches join up */
        for (int64_t i = 0; i < n; i++)
            if (recs[i].event == SOS_AUDIT_CREATE && recs[i].object == ek && recs[i].actor == me)
                saw_create = true;
        prev_hash = recs[n - 1].hash;
        have_prev = true;
        next = recs[n - 1].seq + 1;
    }
    KT_OK(n);
    KT_ASSERT(have_prev);
    KT_ASSERT(saw_create); /* our event's creation is on record */
    /* and a changed record does not verify */
    KT_OK(sos_audit_read(root, next > 8 ? next - 8 : 0, recs, 8));
    recs[3].rights ^= SOS_RIGHT_MANAGE;
    KT_EQ(sos_audit_verify(recs, 8), 3);
}

const struct kt_case kt_sys_cases[] = {
    KT_CASE(sys_bad_numbers),
    KT_CASE(sys_debug_write),
    KT_CASE(sys_root_resource_required),
    KT_CASE_F(sys_root_read_only, KT_ROOT_READ),
    KT_CASE_F(sys_kernel_stats, KT_ROOT_READ),
    KT_CASE_F(sys_kernel_stats_ipc, KT_ROOT_READ),
    KT_CASE_F(sys_audit_chain, KT_ROOT_READ),
};
const size_t kt_sys_count = sizeof(kt_sys_cases) / sizeof(kt_sys_cases[0]);
