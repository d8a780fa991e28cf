/*
 * services/lib/src/console.c - the debug console writer behind printf, puts, abort.
 *
 * Layer: services/lib (runtime).
 */
#include <sl/sys.h>

#include "internal.h"

#define CONSOLE_CHUNK 4096u /* the kernel's per-call debug_write limit */

void __sl_console_write(const char *buf, size_t len)
{
    while (len) {
        size_t n = len < CONSOLE_CHUNK ? len : CONSOLE_CHUNK;
        if (sos_debug_write(buf, n) < 0)
            return;
        buf += n;
        len -= n;
    }
}
