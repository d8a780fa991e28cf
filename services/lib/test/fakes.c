/*
 * services/lib/test/fakes.c - what the runtime's libc needs from below, faked for the
 * host tests: pages (from glibc, counted), yield, the console (captured) and abort.
 *
 * Layer: services/lib host tests.
 */
#include "host.h"

void *__sl_pages_get(size_t len);
void __sl_pages_put(void *p, size_t len);
void __sl_yield(void);
void __sl_console_write(const char *buf, size_t len);
void sl_abort(void);

size_t g_fake_pages_out, g_fake_pages_calls;
int g_fake_pages_fail;
char g_fake_console[8192];
size_t g_fake_console_len;
int __sl_errno;

void *__sl_pages_get(size_t len)
{
    assert_int_equal(len % 4096, 0);
    g_fake_pages_calls++;
    if (g_fake_pages_fail > 0) {
        g_fake_pages_fail--;
        return NULL;
    }
    void *p = aligned_alloc(4096, len);
    if (p) {
        memset(p, 0, len); /* memory objects come zeroed */
        g_fake_pages_out += len;
    }
    return p;
}

void __sl_pages_put(void *p, size_t len)
{
    assert_true(g_fake_pages_out >= len);
    assert_int_equal((uintptr_t)p % 4096, 0);
    memset(p, 0xdd, len); /* anything still using it reads garbage */
    g_fake_pages_out -= len;
    free(p);
}

void __sl_yield(void) {}

void __sl_console_write(const char *buf, size_t len)
{
    size_t room = sizeof(g_fake_console) - g_fake_console_len;
    size_t n = len < room ? len : room;
    memcpy(g_fake_console + g_fake_console_len, buf, n);
    g_fake_console_len += n;
}

void sl_abort(void)
{
    fail_msg("the runtime called abort: %.*s", (int)g_fake_console_len, g_fake_console);
    abort();
}
