/*
 * services/lib/src/start.c - from the startup block to main and back out: checks the
 * block, keeps it, copies argv to writable memory, runs main, atexit handlers, exit.
 * Also the startup-block API (sl/startup.h), abort and assert.
 *
 * Layer: services/lib (runtime).
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sl/startup.h>
#include <sl/sys.h>

#include "internal.h"

int main(int argc, char **argv);

sos_syscall_fn __sl_syscall_entry;
static const struct sos_startup *g_startup;
static int g_argc;
static char **g_argv;
int __sl_errno;

#define ATEXIT_MAX 32
static void (*g_atexit[ATEXIT_MAX])(void);
static int g_natexit;

__attribute__((noreturn)) void __sl_start(const struct sos_startup *sb);

static bool block_ok(const struct sos_startup *sb)
{
    return sb && sb->magic == SOS_STARTUP_MAGIC && sb->version == SOS_STARTUP_VERSION &&
           sb->syscall_entry != 0;
}

/* argv strings in the block are read-only; C promises main writable ones. */
static int run_main(const struct sos_startup *sb)
{
    const char *const *src = (const char *const *)(uintptr_t)sb->argv;
    uint32_t argc = src ? sb->argc : 0;
    size_t bytes = 0;
    for (uint32_t i = 0; i < argc; i++)
        bytes += strlen(src[i]) + 1;
    char *argv[argc + 1];
    char strings[bytes + 1];
    char *at = strings;
    for (uint32_t i = 0; i < argc; i++) {
        size_t n = strlen(src[i]) + 1;
        memcpy(at, src[i], n);
        argv[i] = at;
        at += n;
    }
    argv[argc] = NULL;
    g_argc = (int)argc;
    g_argv = argv;
    return main((int)argc, argv);
}

void __sl_start(const struct sos_startup *sb)
{
    if (!block_ok(sb))
        __builtin_trap(); /* no usable syscall entry: nothing better to do than fault */
    g_startup = sb;
    __sl_syscall_entry = (sos_syscall_fn)(uintptr_t)sb->syscall_entry;
    exit(run_main(sb));
}

int atexit(void (*fn)(void))
{
    if (g_natexit >= ATEXIT_MAX)
        return -1;
    g_atexit[g_natexit++] = fn;
    return 0;
}

void exit(int status)
{
    while (g_natexit > 0)
        g_atexit[--g_natexit]();
    for (;;)
        sos_process_exit(status);
}

void abort(void)
{
    static const char msg[] = "abort\n";
    __sl_console_write(msg, sizeof(msg) - 1);
    for (;;)
        __builtin_trap(); /* a fault, so whoever supervises us sees a crash */
}

void __sl_assert_fail(const char *expr, const char *file, int line, const char *func)
{
    printf("assertion failed: %s (%s:%d, %s)\n", expr, file, line, func);
    abort();
}

/* ---- sl/startup.h */

const struct sos_startup *sos_startup_block(void) { return g_startup; }

uint32_t sos_startup_handle_count(void) { return g_startup ? g_startup->nhandles : 0; }

const struct sos_startup_handle *sos_startup_handle_at(uint32_t i)
{
    if (i >= sos_startup_handle_count())
        return NULL;
    return &((const struct sos_startup_handle *)(uintptr_t)g_startup->handles)[i];
}

sos_handle_t sos_startup_handle(const char *name)
{
    for (uint32_t i = 0; i < sos_startup_handle_count(); i++) {
        const struct sos_startup_handle *h = sos_startup_handle_at(i);
        if (strncmp(h->name, name, SOS_HANDLE_NAME_MAX) == 0)
            return h->handle;
    }
    return SOS_HANDLE_INVALID;
}

sos_handle_t sos_self_process(void) { return g_startup ? g_startup->self_process : 0; }
sos_handle_t sos_self_thread(void) { return g_startup ? g_startup->self_thread : 0; }
int sos_argc(void) { return g_argc; }
char **sos_argv(void) { return g_argv; }

/*
 * The stack protector. Our own code is built without it, but Debian's static zlib is
 * built with it: x86_64 code reads its canary at %fs:0x28 (the platform provides a
 * thread pointer), aarch64 code reads __stack_chk_guard. A smashed stack ends the
 * process loudly.
 */
uintptr_t __stack_chk_guard = 0x595e9fbd94fda766ull;
void __stack_chk_fail(void);
void __stack_chk_fail(void)
{
    static const char msg[] = "stack smashing detected: process ends\n";
    sos_debug_write(msg, sizeof(msg) - 1);
    sos_process_exit(134);
    for (;;)
        ;
}
