/*
 * services/lib/test/sl_api.h - the runtime's libc as the host tests see it: every
 * public function under its sl_ name (see rename.h), beside glibc's.
 *
 * The declarations are the runtime's own headers, read through rename.h; then SL_RENAME
 * becomes the identity, so a plain name in a test (memcpy) is glibc's again. Include it
 * after the glibc headers (host.h does). ctype.h cannot be read that way: glibc's
 * <ctype.h> defines isalpha() and the rest as function-like macros, which the renaming
 * macros would redefine; its declarations are restated below.
 *
 * Layer: services/lib host tests.
 */
#ifndef SL_TEST_API_H
#define SL_TEST_API_H

#define SL_RENAME_NO_CTYPE
#include "rename.h"
#undef RAND_MAX /* glibc spells it 2147483647; the runtime's 0x7fffffff is the same value */
#include "../include/stdio.h"
#include "../include/stdlib.h"
#include "../include/string.h"
#undef SL_RENAME
#define SL_RENAME(name) name

int sl_isalnum(int c);
int sl_isalpha(int c);
int sl_isblank(int c);
int sl_iscntrl(int c);
int sl_isdigit(int c);
int sl_isgraph(int c);
int sl_islower(int c);
int sl_isprint(int c);
int sl_ispunct(int c);
int sl_isspace(int c);
int sl_isupper(int c);
int sl_isxdigit(int c);
int sl_tolower(int c);
int sl_toupper(int c);

extern int __sl_errno;

/* The allocator's introspection. */
#include "malloc_stats.h"

/* Provided by the tests (fakes.c): the page provider and the console. */
extern size_t g_fake_pages_out; /* bytes handed out and not yet given back */
extern size_t g_fake_pages_calls;
extern int g_fake_pages_fail;   /* > 0: fail that many requests from now */
extern char g_fake_console[8192];
extern size_t g_fake_console_len;

#endif
