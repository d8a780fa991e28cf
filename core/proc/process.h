/*
 * core/proc/process.h - processes: an address space, a handle table and threads.
 *
 * A process ends when its last thread ends, by process_exit, by a kill, or by a fault.
 * Then every handle it held is closed (peers see PEER_CLOSED), its address space goes,
 * and TERMINATED is raised; the object lives on while handles to it remain, so its exit
 * code or fault record can still be read.
 *
 * Layer: core processes.
 */
#ifndef CORE_PROC_PROCESS_H
#define CORE_PROC_PROCESS_H

#include "mm/vm.h"
#include "obj/handle.h"

struct thread;

struct process {
    struct object obj;
    char name[SOS_NAME_MAX];
    struct htable handles;
    struct vmspace *vm;
    struct list_node threads; /* struct thread.proc_node */
    uint32_t nthreads;
    uint32_t state; /* SOS_PROC_* */
    int64_t exit_code;
    struct sos_fault_record fault;
    bool finalized;
    struct list_node all_node; /* g_processes */
    uint64_t cpu_ns;
    uint64_t image_base, image_size, image_entry; /* where spawn loaded its image */
    struct fault_snap *snap; /* registers and stack kept at its fault (proc/fault.c) */
};

extern struct list_node g_processes;

struct process *process_new(const char *name, int *err);

/*
 * End the process: record `state` and `code` (first end wins), kill every thread.
 * Finalises at once when no thread is left.
 */
void process_kill(struct process *p, uint32_t state, int64_t code);

/* A thread of p ended (called by the thread exit path). */
void process_thread_gone(struct process *p);

void process_cache_init(void);

/* Install a handle for `h` in p's table; on failure frees h. */
int process_install(struct process *p, struct handle *h, sos_handle_t *value);

#endif
