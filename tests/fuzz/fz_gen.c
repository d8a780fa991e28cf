/*
 * tests/fuzz/fz_gen.c - reading a fuzz input: the byte stream every fuzz thread shares,
 * the syscall table as syscalls.def describes it, and the argument values that need no
 * process context (sizes, deadlines, rights, signals, small integers). See fz_gen.h.
 *
 * Layer: tests.
 */
#include <string.h>

#include "fz_gen.h"
#include "th.h"

/* ---- the stream */

static struct {
    const uint8_t *d;
    size_t n, pos;
} g;

void fz_stream_start(const uint8_t *data, size_t size)
{
    g.d = data;
    g.n = size;
    g.pos = 0;
}

bool fz_stream_more(void) { return g.pos < g.n; }

uint8_t fz_rd8(void) { return g.pos < g.n ? g.d[g.pos++] : 0; }

/* Little-endian; each byte read in its own statement (argument order is unspecified). */
static uint64_t rd_le(unsigned nbytes)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < nbytes; i++)
        v |= (uint64_t)fz_rd8() << (8 * i);
    return v;
}
uint16_t fz_rd16(void) { return (uint16_t)rd_le(2); }
uint32_t fz_rd32(void) { return (uint32_t)rd_le(4); }
uint64_t fz_rd64(void) { return rd_le(8); }

/* ---- the syscall table, described from syscalls.def */

#define SOS_SYSCALL(nr, name, nargs, params, words, casts, types, names) \
    [nr] = {#name, nargs, {SOS_LIST types}, {SOS_LIST names}},
static struct fz_sys g_sys[SOS_SYS_COUNT] = {
#include <sos/syscall_expand.h>
};

static bool has(const char *s, const char *sub) { return strstr(s, sub) != NULL; }

static bool named(const char *s, const char *const *names)
{
    for (; *names; names++)
        if (!strcmp(s, *names))
            return true;
    return false;
}

static struct fz_arg classify(const char *type, const char *arg)
{
    static const char *const addrs[] = {"addr", "entry", "stack_top", NULL};
    static const char *const sizes[] = {"len", "size", "count", "nbytes", "nhandles",
                                        "offset", "first_seq", NULL};
    if (has(type, "SOS_UPTR")) {
        uint8_t t = has(type, "sos_chan_read")    ? T_CHAN_READ
                    : has(type, "sos_chan_call")  ? T_CHAN_CALL
                    : has(type, "sos_vm_map")     ? T_VM_MAP
                    : has(type, "sos_spawn_args") ? T_SPAWN
                    : has(type, "const struct sos_port_packet") ? T_PACKET
                    : has(type, "const sos_handle_t") ? T_HANDLES
                                                      : T_NONE;
        return (struct fz_arg){A_PTR, t};
    }
    uint8_t k = has(type, "sos_handle_t")    ? A_HANDLE
                : has(type, "sos_rights_t")  ? A_RIGHTS
                : has(type, "sos_signals_t") ? A_SIGNALS
                : has(type, "sos_time_t")    ? A_TIME
                : named(arg, addrs)          ? A_ADDR
                : named(arg, sizes) || !strcmp(type, "size_t") ? A_SIZE
                : has(type, "64")                              ? A_U64
                                                               : A_U32;
    return (struct fz_arg){k, T_NONE};
}

const struct fz_sys *fz_sys(uint64_t nr)
{
    static bool ready;
    if (!ready) {
        for (unsigned n = 0; n < SOS_SYS_COUNT; n++)
            for (unsigned i = 0; i < g_sys[n].nargs; i++)
                g_sys[n].kind[i] = classify(g_sys[n].type[i], g_sys[n].arg[i]);
        ready = true;
    }
    return nr < SOS_SYS_COUNT ? &g_sys[nr] : NULL;
}

/* ---- values without a process context */

uint64_t fz_gen_size(unsigned p)
{
    static const uint64_t sizes[32] = {
        0, 1, 2, 3, 4, 7, 8, 16, 24, 32, 40, 63, 64, 65, 255, 256, 1024, 4095, 4096, 4097,
        8192, 65535, 65536, 65537, 262144, 1u << 20, (1ull << 32) - 1, 1ull << 32,
        (1ull << 32) + 1, UINT32_MAX, UINT64_MAX, UINT64_MAX / 2};
    return p == 31 ? fz_rd16() : sizes[p];
}

uint64_t fz_gen_time(unsigned p)
{
    int64_t now = th_now();
    switch (p) {
    case 0: return 0;
    case 1: return (uint64_t)(now - 1);
    case 2: return (uint64_t)now;
    case 3: return (uint64_t)(now + 1);
    case 4: return (uint64_t)(now + fz_rd8() * 1000);
    case 5: return (uint64_t)(now + fz_rd16() * 1000);
    case 6: return (uint64_t)SOS_TIME_INFINITE;
    case 7: return (uint64_t)INT64_MIN;
    case 8: return UINT64_MAX; /* -1 */
    case 9: return (uint64_t)(INT64_MAX - 1);
    case 10: return fz_rd64();
    default: return (uint64_t)(now + (int64_t)(p - 10) * 250000);
    }
}

uint64_t fz_gen_rights(unsigned p)
{
    if (p >= 3 && p < 14)
        return 1u << (p - 3);
    switch (p) {
    case 0: return SOS_RIGHT_SAME_RIGHTS;
    case 1: return SOS_RIGHTS_ALL;
    case 2: return 0;
    case 14: return SOS_RIGHTS_ALL & ~SOS_RIGHT_DUPLICATE;
    case 15: return SOS_RIGHTS_ALL & ~SOS_RIGHT_TRANSFER;
    case 30: return fz_rd32();
    case 31: return SOS_RIGHTS_ALL + 1;
    default: return fz_rd16() & SOS_RIGHTS_ALL;
    }
}

uint64_t fz_gen_signals(unsigned p)
{
    static const uint32_t sigs[16] = {
        0, SOS_SIG_SIGNALED, SOS_SIG_READABLE, SOS_SIG_WRITABLE, SOS_SIG_PEER_CLOSED,
        SOS_SIG_TERMINATED, SOS_SIG_USER(0), SOS_SIG_USER(7), SOS_SIG_USER_ALL,
        SOS_SIG_READABLE | SOS_SIG_PEER_CLOSED, SOS_SIG_FAULT_RECORD,
        SOS_SIG_SIGNALED | SOS_SIG_USER(1), UINT32_MAX, 0x00ffffffu, 1u << 23, 1u << 6};
    return p < 16 ? sigs[p] : fz_rd32();
}

uint64_t fz_gen_int(unsigned p, bool wide)
{
    if (p < 20)
        return p;
    switch (p) {
    case 20: return fz_rd8();
    case 21: return fz_rd16();
    case 22: return fz_rd32();
    case 23: return UINT32_MAX;
    case 24: return 0x80000000u;
    case 25: return wide ? UINT64_MAX : UINT32_MAX - 1;
    case 26: return wide ? (uint64_t)INT64_MAX : 0x7fffffffu;
    case 27: return wide ? (uint64_t)INT64_MIN : 256;
    case 28: return wide ? fz_rd64() : fz_rd32();
    default: return 16 + fz_rd8() % 240; /* interrupt lines, priorities, topics */
    }
}
