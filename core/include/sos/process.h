/*
 * sos/process.h - process launch, the startup block, and power control.
 *
 * Layer: ABI.
 */
#ifndef SOS_PROCESS_H
#define SOS_PROCESS_H

#include <sos/types.h>

#define SOS_SPAWN_MAX_HANDLES 64u
#define SOS_SPAWN_MAX_ARGS_BYTES 4096u
#define SOS_HANDLE_NAME_MAX 24u

/* A handle handed to a new process, with the name it is found by. */
struct sos_spawn_handle {
    sos_handle_t handle; /* moved into the child (needs TRANSFER) */
    char name[SOS_HANDLE_NAME_MAX];
};

struct sos_spawn_args {
    sos_handle_t image;  /* vmo holding a static-PIE ELF64 (READ) */
    uint32_t nhandles;
    const char *name;    /* process name, at most SOS_NAME_MAX-1 bytes used */
    const char *args;    /* argv as NUL-separated strings, args_len bytes in all */
    uint32_t args_len;
    uint32_t priority;   /* 0 for the default */
    const struct sos_spawn_handle *handles; /* moved into the child on success */
    sos_handle_t thread_out; /* out: the main thread's handle (0 when not wanted) */
    uint32_t flags;
    char *reason;        /* out: why the image was refused (NULL when not wanted) */
    uint32_t reason_len; /* bytes at reason, the NUL included */
};

#define SOS_SPAWN_WANT_THREAD (1u << 0)

/*
 * The reason buffer. When the arguments were accepted but the spawn failed, the kernel
 * writes there what is wrong with the image ("not an ELF file"), or "" when the failure
 * was not the image's (out of memory), cut to reason_len - 1 bytes and NUL-terminated.
 * It is checked with the other arguments, before anything is done: a buffer that is not
 * writable for reason_len bytes is SOS_ERR_BAD_ADDRESS, a reason_len of 0 with a
 * pointer SOS_ERR_INVALID_ARGS. A successful spawn leaves it alone. Every reason the
 * loader gives fits in SOS_SPAWN_REASON_MAX bytes.
 */
#define SOS_SPAWN_REASON_MAX 96u

/*
 * The startup block. The kernel maps it read-only into a new process and passes its
 * address as the first argument of the entry point.
 */
#define SOS_STARTUP_MAGIC 0x534f5342u /* "SOSB" */
#define SOS_STARTUP_VERSION 1u

struct sos_startup_handle {
    sos_handle_t handle;
    char name[SOS_HANDLE_NAME_MAX];
};

struct sos_startup {
    uint32_t magic;
    uint32_t version;
    uint64_t syscall_entry; /* int64_t (*)(uint64_t nr, uint64_t a0..a4) */
    uint64_t image_base;
    uint64_t stack_base;
    uint64_t stack_size;
    uint32_t argc;
    uint32_t nhandles;
    uint64_t argv;    /* const char *const *, argc entries */
    uint64_t handles; /* const struct sos_startup_handle *, nhandles entries */
    sos_handle_t self_process;
    sos_handle_t self_thread;
    uint64_t tls_area; /* reserved */
};

/* system_power modes */
#define SOS_POWER_OFF 0u
#define SOS_POWER_REBOOT 1u

/* Default thread priorities: 0 (lowest) .. 31 (highest). */
#define SOS_PRIO_MIN 0u
#define SOS_PRIO_DEFAULT 16u
#define SOS_PRIO_MAX 31u

#endif
