/*
 * hosttool.c - the image/ host tools' failure message (hosttool.h).
 *
 * Layer: image/ host tools (libc).
 */
#include "hosttool.h"

#include <stdarg.h>
#include <stdio.h>

int host_fail(int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", host_tool);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return status;
}
