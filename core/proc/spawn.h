/*
 * core/proc/spawn.h - start a process from an ELF image with its startup block.
 *
 * Layer: core processes.
 */
#ifndef CORE_PROC_SPAWN_H
#define CORE_PROC_SPAWN_H

#include "elf_load.h"
#include "proc/process.h"
#include "proc/thread.h"

#define USER_STACK_SIZE (256u * 1024u)

struct spawn_req {
    struct vmo *image;
    const char *name;
    const char *args; /* NUL-separated */
    uint32_t args_len;
    uint32_t priority;
    uint32_t nhandles;
    struct handle **handles; /* moved into the child on success */
    const char (*names)[SOS_HANDLE_NAME_MAX];
};

/*
 * Create the process, load the image, build the startup block and install the handles;
 * the main thread is created but not started. On error nothing was taken from `req`, and
 * *why says what is wrong with the image ("" when the failure was not the image's).
 */
int spawn_process(const struct spawn_req *req, struct process **pout, struct thread **tout,
                  const char **why);

#endif
