/*
 * services/lib/test/sl_api.h - the runtime's libc as the host tests see it: every
 * public function under its sl_ name (see rename.h), beside glibc's.
 *
 * Layer: services/lib host tests.
 */
#ifndef SL_TEST_API_H
#define SL_TEST_API_H

#include <stdarg.h>
#include <stddef.h>

void *sl_memcpy(void *restrict dst, const void *restrict src, size_t n);
void *sl_memmove(void *dst, const void *src, size_t n);
void *sl_memset(void *dst, int c, size_t n);
int sl_memcmp(const void *a, const void *b, size_t n);
void *sl_memchr(const void *s, int c, size_t n);
void *sl_memrchr(const void *s, int c, size_t n);
size_t sl_strlen(const char *s);
size_t sl_strnlen(const char *s, size_t max);
int sl_strcmp(const char *a, const char *b);
int sl_strncmp(const char *a, const char *b, size_t n);
int sl_strcasecmp(const char *a, const char *b);
int sl_strncasecmp(const char *a, const char *b, size_t n);
char *sl_strcpy(char *restrict dst, const char *restrict src);
char *sl_strncpy(char *restrict dst, const char *restrict src, size_t n);
char *sl_stpcpy(char *restrict dst, const char *restrict src);
size_t sl_strlcpy(char *restrict dst, const char *restrict src, size_t size);
size_t sl_strlcat(char *restrict dst, const char *restrict src, size_t size);
char *sl_strcat(char *restrict dst, const char *restrict src);
char *sl_strncat(char *restrict dst, const char *restrict src, size_t n);
char *sl_strchr(const char *s, int c);
char *sl_strrchr(const char *s, int c);
char *sl_strstr(const char *haystack, const char *needle);
size_t sl_strspn(const char *s, const char *accept);
size_t sl_strcspn(const char *s, const char *reject);
char *sl_strpbrk(const char *s, const char *accept);
char *sl_strtok_r(char *restrict s, const char *restrict delim, char **restrict save);
char *sl_strdup(const char *s);
char *sl_strndup(const char *s, size_t n);

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

int sl_snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...);
int sl_vsnprintf(char *restrict buf, size_t size, const char *restrict fmt, va_list ap);
int sl_sprintf(char *restrict buf, const char *restrict fmt, ...);
int sl_printf(const char *restrict fmt, ...);
int sl_puts(const char *s);
int sl_putchar(int c);

void *sl_malloc(size_t size);
void sl_free(void *p);
void *sl_calloc(size_t n, size_t size);
void *sl_realloc(void *p, size_t size);

long sl_strtol(const char *restrict s, char **restrict end, int base);
unsigned long sl_strtoul(const char *restrict s, char **restrict end, int base);
long long sl_strtoll(const char *restrict s, char **restrict end, int base);
unsigned long long sl_strtoull(const char *restrict s, char **restrict end, int base);
int sl_atoi(const char *s);
long sl_atol(const char *s);
long long sl_atoll(const char *s);
int sl_abs(int v);
long sl_labs(long v);
long long sl_llabs(long long v);
void sl_qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));
void *sl_bsearch(const void *key, const void *base, size_t n, size_t size,
                 int (*cmp)(const void *, const void *));
int sl_rand(void);
void sl_srand(unsigned seed);

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
