/*
 * services/shell/format.c - numbers, names and lines for the shell's output.
 *
 * Layer: services (shell). Pure: no system calls.
 */
#include "format.h"

#include <stdio.h>
#include <string.h>

#include <proto/log.h>
#include <proto/mgr.h>

const char *fmt_ms(char *buf, size_t size, uint64_t ns)
{
    snprintf(buf, size, "%llu.%03llu ms", (unsigned long long)(ns / 1000000),
             (unsigned long long)(ns / 1000 % 1000));
    return buf;
}

const char *fmt_s(char *buf, size_t size, uint64_t ns)
{
    snprintf(buf, size, "%llu.%03llu s", (unsigned long long)(ns / 1000000000),
             (unsigned long long)(ns / 1000000 % 1000));
    return buf;
}

const char *fmt_kib(char *buf, size_t size, uint64_t bytes)
{
    snprintf(buf, size, "%llu KiB", (unsigned long long)(bytes / 1024 + (bytes % 1024 != 0)));
    return buf;
}

const char *fmt_rights(char *buf, size_t size, uint32_t rights)
{
    static const char *const names[] = {"read", "write", "map", "signal", "wait", "send",
                                        "receive", "duplicate", "transfer", "manage", "execute", "inspect"};
    size_t n = 0;
    buf[0] = 0;
    for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (!(rights & (1u << i)))
            continue;
        int k = snprintf(buf + n, size - n, "%s%s", n ? "+" : "", names[i]);
        if (k < 0 || (size_t)k >= size - n) {
            buf[n] = 0; /* no half names */
            break;
        }
        n += (size_t)k;
    }
    if (rights & ~SOS_RIGHTS_ALL && n + 6 < size)
        n += (size_t)snprintf(buf + n, size - n, "%s0x%x", n ? "+" : "", rights & ~SOS_RIGHTS_ALL);
    if (n == 0)
        snprintf(buf, size, "none");
    return buf;
}

const char *fmt_audit_event(uint32_t event)
{
    static const char *const n[] = {"?", "create", "duplicate", "transfer", "revoke",
                                    "denied", "spawn", "mint"};
    return event < sizeof(n) / sizeof(n[0]) ? n[event] : "?";
}

const char *fmt_object_kind(uint32_t kind)
{
    static const char *const n[SOS_OBJ_KIND_COUNT] = {
        "none", "process", "thread", "channel", "port", "event", "vmo", "timer", "interrupt",
        "resource", "revoker", "device"};
    return kind < SOS_OBJ_KIND_COUNT ? n[kind] : "?";
}

void fmt_run_result(char *buf, size_t size, const char *name, uint32_t state, int64_t code,
                    const struct sos_fault_record *f)
{
    if (state == SOS_PROC_FAULTED)
        snprintf(buf, size, "%s: faulted (%s at 0x%llx)", name, sos_fault_class_name(f->fault_class),
                 (unsigned long long)f->address);
    else if (state == SOS_PROC_KILLED)
        snprintf(buf, size, "%s: killed", name);
    else if (state == SOS_PROC_EXITED)
        snprintf(buf, size, "%s: exited with status %lld", name, (long long)code);
    else
        snprintf(buf, size, "%s: ended in state %u", name, state);
}

void fmt_log_line(char *buf, size_t size, uint64_t seq, uint64_t time_ns, uint32_t severity,
                  const char *source, const char *message)
{
    snprintf(buf, size, "#%llu %llu.%06llu %-8s %-10s %s", (unsigned long long)seq,
             (unsigned long long)(time_ns / 1000000000),
             (unsigned long long)(time_ns / 1000 % 1000000), log_severity_name(severity), source,
             message);
}

void fmt_audit_line(char *buf, size_t size, const struct sos_audit_record *r)
{
    char rights[96];
    int n = snprintf(buf, size, "#%llu %-9s %-9s actor %llu object %llu target %llu rights %s",
                     (unsigned long long)r->seq, fmt_audit_event(r->event),
                     fmt_object_kind(r->kind), (unsigned long long)r->actor,
                     (unsigned long long)r->object, (unsigned long long)r->target,
                     fmt_rights(rights, sizeof(rights), r->rights));
    if (r->event == SOS_AUDIT_DENIED && n > 0 && (size_t)n < size)
        snprintf(buf + n, size - (size_t)n, " (%s)", sos_strerror(r->status));
}
