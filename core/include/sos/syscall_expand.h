/*
 * sos/syscall_expand.h - the one expansion of the syscall list (sos/syscalls.def).
 *
 * syscalls.def writes each call as SOS_SYSCALLn(number, name, type0, arg0, ...), n the
 * number of arguments. This file turns every such line into one call of SOS_SYSCALL,
 * which the includer defines, with the pieces already laid out for each use:
 *
 *   SOS_SYSCALL(nr, name, nargs, params, words, casts, types, names)
 *     params  the C parameter list:                 (t0 a0, t1 a1)   or (void)
 *     words   nr and the five raw argument words:   (nr, SOS_WORD(a0), SOS_WORD(a1), 0, 0, 0)
 *     casts   the typed arguments back from words:  (SOS_ARG(0, t0), SOS_ARG(1, t1))
 *     types   the types, as strings:                ("t0", "t1")     or (0)
 *     names   the argument names, as strings:       ("a0", "a1")     or (0)
 *
 * so `int64_t sos_##name params;` declares a wrapper, `entry words` calls an entry that
 * takes (nr, a0..a4), and `sys_##name casts` calls a handler from words in an array,
 * with SOS_ARG(i, t) defined by the includer. SOS_LIST(types) unwraps a group inside
 * braces. The includer also defines SOS_UPTR(T) where it uses params (T in userspace,
 * uintptr_t in the core). Used by the numbers (sos/syscall.h), the core's table and
 * prototypes, libsys, the test harness and the fuzzer, so none can drift.
 *
 * No include guard: included once per expansion; SOS_SYSCALL is undefined at the end.
 *
 * Layer: ABI.
 */
#define SOS_WORD(x) ((uint64_t)(uintptr_t)(x))
#ifndef SOS_LIST
#define SOS_LIST(...) __VA_ARGS__
#endif

#define SOS_SYSCALL0(nr, name) SOS_SYSCALL(nr, name, 0, (void), (nr, 0, 0, 0, 0, 0), (), (0), (0))
#define SOS_SYSCALL1(nr, name, t0, a0)                                                   \
    SOS_SYSCALL(nr, name, 1, (t0 a0), (nr, SOS_WORD(a0), 0, 0, 0, 0), (SOS_ARG(0, t0)),   \
                (#t0), (#a0))
#define SOS_SYSCALL2(nr, name, t0, a0, t1, a1)                                           \
    SOS_SYSCALL(nr, name, 2, (t0 a0, t1 a1), (nr, SOS_WORD(a0), SOS_WORD(a1), 0, 0, 0),  \
                (SOS_ARG(0, t0), SOS_ARG(1, t1)), (#t0, #t1), (#a0, #a1))
#define SOS_SYSCALL3(nr, name, t0, a0, t1, a1, t2, a2)                                   \
    SOS_SYSCALL(nr, name, 3, (t0 a0, t1 a1, t2 a2),                                      \
                (nr, SOS_WORD(a0), SOS_WORD(a1), SOS_WORD(a2), 0, 0),                    \
                (SOS_ARG(0, t0), SOS_ARG(1, t1), SOS_ARG(2, t2)), (#t0, #t1, #t2),       \
                (#a0, #a1, #a2))
#define SOS_SYSCALL4(nr, name, t0, a0, t1, a1, t2, a2, t3, a3)                           \
    SOS_SYSCALL(nr, name, 4, (t0 a0, t1 a1, t2 a2, t3 a3),                               \
                (nr, SOS_WORD(a0), SOS_WORD(a1), SOS_WORD(a2), SOS_WORD(a3), 0),         \
                (SOS_ARG(0, t0), SOS_ARG(1, t1), SOS_ARG(2, t2), SOS_ARG(3, t3)),        \
                (#t0, #t1, #t2, #t3), (#a0, #a1, #a2, #a3))
#define SOS_SYSCALL5(nr, name, t0, a0, t1, a1, t2, a2, t3, a3, t4, a4)                   \
    SOS_SYSCALL(nr, name, 5, (t0 a0, t1 a1, t2 a2, t3 a3, t4 a4),                        \
                (nr, SOS_WORD(a0), SOS_WORD(a1), SOS_WORD(a2), SOS_WORD(a3), SOS_WORD(a4)), \
                (SOS_ARG(0, t0), SOS_ARG(1, t1), SOS_ARG(2, t2), SOS_ARG(3, t3),         \
                 SOS_ARG(4, t4)),                                                        \
                (#t0, #t1, #t2, #t3, #t4), (#a0, #a1, #a2, #a3, #a4))

#include <sos/syscalls.def>

#undef SOS_SYSCALL0
#undef SOS_SYSCALL1
#undef SOS_SYSCALL2
#undef SOS_SYSCALL3
#undef SOS_SYSCALL4
#undef SOS_SYSCALL5
#undef SOS_SYSCALL
#undef SOS_WORD
