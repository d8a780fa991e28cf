/*
 * hex.h - bytes as lower-case hexadecimal digits and back: the one encoder and decoder
 * every digest and key printer and parser uses (the boot store's digest message, package
 * and TUF hashes, the security service's image hashes and audit chain, sospkg's keys).
 *
 * Only lower-case digits are read: a hash or key is written one way, so "AB" is as wrong
 * as "zz". (HTTP's chunk sizes, which may be either case, keep their own reader.)
 *
 * Layer: common (freestanding; built for the core, userspace and the host tools).
 */
#ifndef SOS_HEX_H
#define SOS_HEX_H

#include <stddef.h>
#include <stdint.h>

/* in[0..n) as 2n digits in out, then a NUL: out holds at least 2n + 1 bytes. */
void hex_encode(const uint8_t *in, size_t n, char *out);

/* The value of one lower-case digit, or -1. */
int hex_digit(char c);

/* Exactly 2n lower-case digits (len == 2n) into out[0..n): 0, or -1 with out untouched. */
int hex_decode(const char *in, size_t len, uint8_t *out, size_t n);

#endif
