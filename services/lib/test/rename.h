/*
 * services/lib/test/rename.h - forced into every libc source compiled for the host tests:
 * each public name becomes sl_<name>, so the runtime's libc links beside glibc and the
 * tests compare the two. The names match sl_api.h.
 *
 * Layer: services/lib host tests.
 */
#ifndef SL_TEST_RENAME_H
#define SL_TEST_RENAME_H
#define memcpy sl_memcpy
#define memmove sl_memmove
#define memset sl_memset
#define memcmp sl_memcmp
#define memchr sl_memchr
#define memrchr sl_memrchr
#define strlen sl_strlen
#define strnlen sl_strnlen
#define strcmp sl_strcmp
#define strncmp sl_strncmp
#define strcasecmp sl_strcasecmp
#define strncasecmp sl_strncasecmp
#define strcpy sl_strcpy
#define strncpy sl_strncpy
#define stpcpy sl_stpcpy
#define strlcpy sl_strlcpy
#define strlcat sl_strlcat
#define strcat sl_strcat
#define strncat sl_strncat
#define strchr sl_strchr
#define strrchr sl_strrchr
#define strstr sl_strstr
#define strspn sl_strspn
#define strcspn sl_strcspn
#define strpbrk sl_strpbrk
#define strtok_r sl_strtok_r
#define strdup sl_strdup
#define strndup sl_strndup
#define isalnum sl_isalnum
#define isalpha sl_isalpha
#define isblank sl_isblank
#define iscntrl sl_iscntrl
#define isdigit sl_isdigit
#define isgraph sl_isgraph
#define islower sl_islower
#define isprint sl_isprint
#define ispunct sl_ispunct
#define isspace sl_isspace
#define isupper sl_isupper
#define isxdigit sl_isxdigit
#define tolower sl_tolower
#define toupper sl_toupper
#define snprintf sl_snprintf
#define vsnprintf sl_vsnprintf
#define sprintf sl_sprintf
#define vsprintf sl_vsprintf
#define printf sl_printf
#define vprintf sl_vprintf
#define puts sl_puts
#define putchar sl_putchar
#define malloc sl_malloc
#define free sl_free
#define calloc sl_calloc
#define realloc sl_realloc
#define strtol sl_strtol
#define strtoul sl_strtoul
#define strtoll sl_strtoll
#define strtoull sl_strtoull
#define atoi sl_atoi
#define atol sl_atol
#define atoll sl_atoll
#define abs sl_abs
#define labs sl_labs
#define llabs sl_llabs
#define qsort sl_qsort
#define bsearch sl_bsearch
#define rand sl_rand
#define srand sl_srand
#define exit sl_exit
#define abort sl_abort
#define atexit sl_atexit
#endif
