/*
 * hosttool.h - what the image/ host tools (mkbundle, sospkg) say when they stop: one
 * set of exit statuses and one way to print the reason, "<tool>: <message>" on
 * standard error, so the tools fail alike and their tests can read them alike.
 *
 * Each tool defines host_tool, its name as it prefixes messages.
 *
 * Layer: image/ host tools (libc).
 */
#ifndef SOS_HOSTTOOL_H
#define SOS_HOSTTOOL_H

/* Exit statuses: the input is wrong, the command line is, a file could not be read or
 * written. */
enum { EXIT_INVALID = 1, EXIT_USAGE = 2, EXIT_IO = 3 };

extern const char host_tool[];

/* Prints "<host_tool>: <message>" and a newline to stderr; returns status. */
int host_fail(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
