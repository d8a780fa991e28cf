/*
 * hal-hosted/host/stub.h - what the simulator and the stub process (--isolate) share:
 * the fixed addresses of the stub's two control pages, their layout, the fds the stub
 * is started with and the two private "syscall numbers" of its trampoline.
 *
 * The stub runs user code on one runner thread per vCPU. Each runner has a control page
 * (`struct stub_ctl`, read-write in both) holding the user register context and the
 * hand-off word: the runner's signal handler saves the interrupted context there, sets
 * `state` to STUB_EXITED and futex-waits until the core sets STUB_RUN; then it loads the
 * (possibly changed) context and returns into it. The request page (`struct stub_req`,
 * read-only in the stub) says how many runners to start, then holds one mapping request
 * at a time for the stub's mapper thread; the core bumps `seq` and the mapper answers
 * with one byte ('0' done, '1' failed) on the done pipe (docs/sim.md, "--isolate").
 *
 * Included by freestanding stub code and by host code: stdint only.
 *
 * Layer: hal-hosted, host world (and the stub).
 */
#ifndef HAL_HOSTED_STUB_H
#define HAL_HOSTED_STUB_H


#define STUB_MAX_RUNNERS 16          /* one user thread of the stub per vCPU */
#define STUB_REQ_ADDR 0x0e000000     /* page 0: struct stub_req (read-only here) */
#define STUB_CTL_ADDR 0x0e001000     /* pages 1..16: struct stub_ctl of runner 0..15 */
#define STUB_CTL_BYTES (4096 * (1 + STUB_MAX_RUNNERS))

#define STUB_FD_ARENA 3 /* the arena memfd: user pages are mapped from it */
#define STUB_FD_CTL 4   /* the control memfd (the request page, then the runners') */
#define STUB_FD_DONE 5  /* the mapper's answers (write end of a pipe) */

/* rax of the trampoline's `syscall`: beyond any Linux number, trapped by the filter */
#define STUB_NR_CALL 0x5e05 /* a ServiceOS syscall: rdi nr, rsi, rdx, r10, r8, r9 args */
#define STUB_NR_READY 0x5e06 /* the stub is set up: the core may run user code */

/* state: who runs */
#define STUB_EXITED 1u /* user code stopped; the core owns the context */
#define STUB_RUN 2u    /* the core asks the stub to run the context */

/* reason for STUB_EXITED */
#define STUB_WHY_READY 1u
#define STUB_WHY_CALL 2u
#define STUB_WHY_IRQ 3u
#define STUB_WHY_FAULT 4u

/* regs[]: the order of the kernel's struct sigcontext (and of glibc's REG_*) */
#define STUB_R8 0
#define STUB_R9 1
#define STUB_R10 2
#define STUB_RDI 8
#define STUB_RSI 9
#define STUB_RDX 12
#define STUB_RAX 13
#define STUB_RSP 15
#define STUB_RIP 16
#define STUB_EFL 17
#define STUB_NREGS 18

#define STUB_OP_MAP 1     /* mmap(addr, len, prot, MAP_SHARED|MAP_FIXED, arena, off) */
#define STUB_OP_RESERVE 2 /* mmap(addr, len, PROT_NONE, anonymous, fixed, noreserve) */
#define STUB_OP_PROTECT 3 /* mprotect(addr, len, prot) */

#ifndef __ASSEMBLER__
#include <stdint.h>

struct stub_ctl {
    volatile uint32_t state;
    volatile uint32_t reason;
    uint64_t sig, code, addr, err; /* a fault: signal, si_code, si_addr, page-fault error */
    uint64_t entry;                /* READY: the trampoline's address (the syscall entry) */
    uint64_t tid;                  /* READY: the runner's thread id (for tgkill) */
    uint64_t regs[STUB_NREGS];
    uint8_t fx[512] __attribute__((aligned(64))); /* fxsave image: x87 and SSE state */
};

struct stub_req {
    volatile uint32_t seq; /* bumped last: the mapper runs one request per value */
    uint32_t op;
    uint64_t addr, len, prot, off;
    uint32_t runners; /* written before the stub starts: 1..STUB_MAX_RUNNERS */
};

#endif

/* offsets the mapper (stub_x86_64.S) reads */
#define STUB_REQ_SEQ (STUB_REQ_ADDR + 0)
#define STUB_REQ_OP (STUB_REQ_ADDR + 4)
#define STUB_REQ_VA (STUB_REQ_ADDR + 8)
#define STUB_REQ_LEN (STUB_REQ_ADDR + 16)
#define STUB_REQ_PROT (STUB_REQ_ADDR + 24)
#define STUB_REQ_OFF (STUB_REQ_ADDR + 32)

#endif
