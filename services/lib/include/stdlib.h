/*
 * stdlib.h - memory allocation, conversions, sorting and process exit of the
 * services/lib libc subset.
 *
 * Layer: services/lib (libc subset). malloc hands out 16-byte aligned blocks from arenas
 * of memory objects mapped into the process; it is safe to call from several threads.
 */
#ifndef SL_STDLIB_H
#define SL_STDLIB_H

#include <stddef.h>

#define EXIT_SUCCESS 0
#define EXIT_FAILURE 1
#define RAND_MAX 0x7fffffff

void *malloc(size_t size) __attribute__((__malloc__));
void free(void *p);
void *calloc(size_t n, size_t size) __attribute__((__malloc__));
void *realloc(void *p, size_t size);

long strtol(const char *restrict s, char **restrict end, int base);
unsigned long strtoul(const char *restrict s, char **restrict end, int base);
long long strtoll(const char *restrict s, char **restrict end, int base);
unsigned long long strtoull(const char *restrict s, char **restrict end, int base);
int atoi(const char *s);
long atol(const char *s);
long long atoll(const char *s);

int abs(int v);
long labs(long v);
long long llabs(long long v);

void qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));
void *bsearch(const void *key, const void *base, size_t n, size_t size,
              int (*cmp)(const void *, const void *));

int rand(void);
void srand(unsigned seed);

__attribute__((noreturn)) void exit(int status);
__attribute__((noreturn)) void abort(void);
int atexit(void (*fn)(void));

#endif
