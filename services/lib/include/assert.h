/*
 * assert.h - assert(): print the failed expression and abort (a fault the root manager
 * sees). NDEBUG turns it off, as usual.
 *
 * Layer: services/lib (libc subset).
 */
#ifndef SL_ASSERT_H
#define SL_ASSERT_H

__attribute__((noreturn)) void __sl_assert_fail(const char *expr, const char *file, int line,
                                                const char *func);

#define static_assert _Static_assert

#endif

/* Outside the guard: assert follows NDEBUG at each inclusion, as C requires. */
#undef assert
#ifdef NDEBUG
#define assert(e) ((void)0)
#else
#define assert(e) ((e) ? (void)0 : __sl_assert_fail(#e, __FILE__, __LINE__, __func__))
#endif
