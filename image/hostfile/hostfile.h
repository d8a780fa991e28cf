/*
 * hostfile.h - whole-file reads and all-or-nothing writes for the image/ host tools
 * (mkbundle, sospkg).
 *
 * Layer: image/ host tools (libc).
 */
#ifndef SOS_HOSTFILE_H
#define SOS_HOSTFILE_H

#include <stddef.h>

/* The whole file at path in a malloc'd buffer (free it), its length in *size; NULL
 * with errno set on failure. */
void *hostfile_read(const char *path, size_t *size);

/* Writes data to path through "<path>.tmp~" and a rename, so a failure leaves no half
 * file; "-" is standard output. 0, or -1 with errno set. */
int hostfile_write(const char *path, const void *data, size_t size);

#endif
