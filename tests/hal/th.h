/*
 * tests/hal/th.h - the unit-test harness: the core booted on the test HAL, with each
 * test body running as a thread of a fresh process on the host's own stack.
 *
 * Time is virtual: it stands still until every thread blocks, then jumps to the next
 * deadline, so tests are deterministic and never sleep for real.
 *
 * u_<name>() calls the syscall <name> through core_syscall(), exactly as user code
 * would; pointers must point into user memory of the current process (th_umem).
 */
#ifndef TESTS_HAL_TH_H
#define TESTS_HAL_TH_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <sos/sos.h>

int64_t core_syscall(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
                     uint64_t a4);

#define SOS_UPTR(T) T
#define SOS_SYSCALL(nr, name, nargs, params, words, ...) \
    static inline int64_t u_##name params { return core_syscall words; }
#include <sos/syscall_expand.h>

/* cmocka group setup/teardown: boot the core once per test program. */
int th_group_setup(void **state);
int th_group_teardown(void **state);

/*
 * cmocka per-test setup/teardown: a fresh process for the body (with the shared helpers'
 * scratch memory mapped), torn down after.
 */
int th_setup(void **state);
int th_teardown(void **state);

#define TH_TEST(fn) cmocka_unit_test_setup_teardown(fn, th_setup, th_teardown)
/*
 * TH_SETUP_UMEM(name, ptr) defines the per-test setup `name`: th_setup, then `ptr` (a
 * pointer of the test file) set to fresh zeroed user memory of sizeof(*ptr) bytes.
 */
#define TH_SETUP_UMEM(name, ptr)         \
    static int name(void **state)        \
    {                                    \
        int r_ = th_setup(state);        \
        (ptr) = th_umem(sizeof(*(ptr))); \
        return r_;                       \
    }
#define TH_RUN(tests) cmocka_run_group_tests(tests, th_group_setup, th_group_teardown)

/* Zeroed user memory of `len` bytes in the current process. */
void *th_umem(size_t len);

/* The root resource handle of the test process (it holds one, like init). */
sos_handle_t th_root(void);

/* The current process's handle to itself. */
sos_handle_t th_self(void);

/*
 * Start fn(arg) as a thread of a new process named `name`; the thread runs when the
 * test body blocks. `handles` are moved to the new process (looked up there with
 * th_child_handle(i)). Returns a process handle in the caller's table.
 */
sos_handle_t th_spawn(const char *name, void (*fn)(void *), void *arg,
                      const sos_handle_t *handles, uint32_t nhandles);
/* Start fn(arg) as another thread of the current process; returns its handle. */
sos_handle_t th_thread(void (*fn)(void *), void *arg);
/* Inside a th_spawn'd thread: the i-th handle it was given. */
sos_handle_t th_child_handle(uint32_t i);

/* Virtual time. */
int64_t th_now(void);
/* Let every other runnable thread run until all block (time does not move). */
void th_settle(void);
/* Sleep the test body for `ns` of virtual time. */
void th_sleep(int64_t ns);

/* Kernel counters for leak checks. */
struct th_counts {
    uint64_t objects[SOS_OBJ_KIND_COUNT];
    uint64_t frames_free;
    uint64_t heap;
    uint64_t handles;
};
void th_counts(struct th_counts *c);
/* Assert that counts are back to `before`. */
void th_assert_counts(const struct th_counts *before);

/*
 * Helpers the tests share (tests/hal/th_util.c). Each asserts that its call succeeds.
 * Their user-memory arguments and results live in scratch memory th_setup maps into
 * the test process, so no helper adds a mapping (or a VMO) in the middle of a test;
 * call them from the test process, not from a th_spawn'd one.
 */
/* A new event, port or timer (options 0). */
sos_handle_t th_event(void);
sos_handle_t th_port(void);
sos_handle_t th_timer(void);
/* handle_duplicate(h, rights). */
sos_handle_t th_dup(sos_handle_t h, sos_rights_t rights);
/* A fresh page mapped into the test process with `prot` only, holding `content`. */
void *th_page_with(uint32_t prot, const void *content, size_t len);
/* Is any of `s` raised on h now (a wait that does not block)? */
bool th_has_signal(sos_handle_t h, sos_signals_t s);
/* object_get_info: SOS_INFO_HANDLE (and its koid), SOS_INFO_PROCESS, SOS_INFO_VMO. */
struct sos_info_handle th_handle_info(sos_handle_t h);
sos_koid_t th_koid(sos_handle_t h);
struct sos_info_process th_proc_info(sos_handle_t p);
struct sos_info_vmo th_vmo_info(sos_handle_t v);
/* The object's current signals (a wait with a deadline in the past). */
sos_signals_t th_signals(sos_handle_t h);
/* Wait with no deadline until h is TERMINATED (and the wait observed it). */
void th_wait_terminated(sos_handle_t h);
/* A VMO handle with every right, EXECUTE too (what an image handle has), made in the core. */
sos_handle_t th_vmo_all_rights(uint64_t size);

/* Plain memory and strings (any memory). */
bool th_all_zero(const void *p, size_t len);
/* p[i] = seed + 7 * i (mod 256). */
void th_fill(uint8_t *p, size_t len, unsigned seed);
/* Does s contain sub? */
bool th_contains(const char *s, const char *sub);

/* Console output the core produced since the last call (NUL-terminated, static). */

/* hal_power_off in tests longjmps here when set; th_power_status() gives the status. */
const char *th_console(void);
extern jmp_buf *th_power_jmp;

/* hal_entropy_fill says SOS_ERR_NOT_SUPPORTED while this is set. */
extern bool th_entropy_missing;
/* What hal_wall_clock_s says (seconds since 1970; 0: no clock of day). */
extern int64_t th_wall_clock_s;
int th_power_status(void);

/* The test HAL's fake block devices (index 0: line TH_FAKE_BLK_LINE; 1: polled). */
#define TH_FAKE_BLK_LINE 45u
struct th_fake_blk {
    bool present;  /* set before the first device_open: devices are probed once */
    bool instant;  /* complete in submit, without an interrupt */
    bool hold;     /* never complete (until cleared) */
    unsigned busy; /* submits answered with SHOULD_WAIT */
    int fail_status; /* the next request completes with this status */
    unsigned submits, flushes;
    uint8_t data[64 * 512];
};
extern struct th_fake_blk th_fake_blk[2];

/* The test HAL's fake network device (th_net.c; after the block devices, line
   TH_FAKE_NET_LINE). Frames given to th_fake_net_arrive come in when the CPU next idles. */
#define TH_FAKE_NET_LINE 46u
#define TH_NET_FRAME_MAX 1514u
struct th_fake_net {
    bool present;  /* set before the first device_open */
    bool tx_full;  /* WRITE submits say SHOULD_WAIT until the CPU next idles */
    unsigned submits, tx_count;
    uint8_t tx[TH_NET_FRAME_MAX]; /* the last frame sent */
    size_t tx_len;
    uint64_t rx_dropped;
};
extern struct th_fake_net th_fake_net;
void th_fake_net_arrive(const void *frame, size_t len);

/* The test HAL's fake audio output (after the block devices and the network device;
 * polled): S16 stereo at 48 kHz, its writes complete at once; data holds the last write
 * (its last 4 KiB). */
struct th_fake_audio {
    bool present; /* set before the first device_open */
    uint64_t bytes; /* written so far */
    uint8_t data[4096];
};
extern struct th_fake_audio th_fake_audio;

/* Build a minimal static-PIE ELF64 image in a VMO (for spawn and ELF tests). */
struct th_elf_opts {
    uint16_t machine;   /* 0: the host's */
    uint16_t type;      /* 0: ET_DYN */
    uint32_t text_flags; /* 0: R|X */
    uint64_t entry_off; /* offset of the entry in the text page */
    int nrelocs;        /* RELATIVE relocations into the data page */
    uint32_t bad_reloc_type; /* nonzero: use this type for the first relocation */
};
size_t th_elf_build(uint8_t *buf, size_t cap, const struct th_elf_opts *o);
sos_handle_t th_elf_vmo(const struct th_elf_opts *o, size_t *len);

#endif
