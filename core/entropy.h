/*
 * core/entropy.h - random bytes for user code (the entropy_read system call).
 *
 * Layer: core.
 */
#ifndef CORE_ENTROPY_H
#define CORE_ENTROPY_H

#include <stddef.h>

#define ENTROPY_READ_MAX 256u /* bytes per entropy_read call */

/* Fill out[0..len) with conditioned random bytes (from the HAL's source, else timer
 * jitter). Called with the core lock held. */
void entropy_read(void *out, size_t len);

#endif
