/*
 * tests/fuzz/fz_gen.h - reading a fuzz input (fz_gen.c): the shared byte stream, the
 * syscall table as syscalls.def describes it, and argument values that need no process
 * context. The input format itself is described in fuzz_syscalls.c.
 *
 * Layer: tests.
 */
#ifndef TESTS_FUZZ_FZ_GEN_H
#define TESTS_FUZZ_FZ_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sos/sos.h>

/* The input: one stream for every fuzz thread; bytes past the end read as 0. */
void fz_stream_start(const uint8_t *data, size_t size);
bool fz_stream_more(void);
uint8_t fz_rd8(void);
uint16_t fz_rd16(void); /* little-endian, byte by byte */
uint32_t fz_rd32(void);
uint64_t fz_rd64(void);

/* What a syscall parameter is, from its type and name in syscalls.def. */
enum fz_akind { A_U32, A_U64, A_HANDLE, A_PTR, A_ADDR, A_SIZE, A_RIGHTS, A_SIGNALS, A_TIME };
/* The ABI struct (or array) a pointer parameter points at, if the fuzzer fills one. */
enum fz_tmpl { T_NONE, T_CHAN_READ, T_CHAN_CALL, T_VM_MAP, T_SPAWN, T_SPAWN_HANDLES, T_PACKET,
               T_HANDLES, T_COUNT };

struct fz_arg {
    uint8_t kind; /* enum fz_akind */
    uint8_t tmpl; /* enum fz_tmpl */
};

struct fz_sys {
    const char *name;
    unsigned nargs;
    const char *type[5]; /* as spelled in syscalls.def, e.g. "SOS_UPTR(sos_handle_t *)" */
    const char *arg[5];
    struct fz_arg kind[5];
};

/* Syscall `nr`, or NULL for a number past the table. */
const struct fz_sys *fz_sys(uint64_t nr);

/* Values for parameter p (0..31) of an argument selector; some read more bytes. */
uint64_t fz_gen_size(unsigned p);    /* sizes and counts at the limits */
uint64_t fz_gen_time(unsigned p);    /* deadlines: past, now, soon, never, wild */
uint64_t fz_gen_rights(unsigned p);  /* SAME_RIGHTS, all, one right, random masks */
uint64_t fz_gen_signals(unsigned p);
uint64_t fz_gen_int(unsigned p, bool wide); /* options, topics, lines, priorities, codes */

#endif
