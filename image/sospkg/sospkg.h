/*
 * sospkg.h - the parts of the sospkg host tool, shared between its files.
 *
 * Layer: image/ host tool (libc).
 */
#ifndef SOS_SOSPKG_H
#define SOS_SOSPKG_H

#include <stdbool.h>

#include "hosttool.h" /* EXIT_*, host_fail */

/* Opens the package at path, inflates and hashes every file; prints the manifest and
 * the files when print. Returns an exit status. */
int sospkg_show(const char *path, bool print);

/* sospkg repo -o DIR PKG... */
int sospkg_repo(int argc, char **argv);

/* meta.c: keygen, meta-sign, meta-verify (with the host Ed25519) */
int sospkg_keygen(int argc, char **argv);
int sospkg_meta_sign(int argc, char **argv);
int sospkg_meta_verify(int argc, char **argv);
/* A KEYFILE of keygen: NaCl's 64-byte secret key in hex. */
int sospkg_read_key(const char *path, unsigned char sk[64]);

/* tuf.c: tuf (sign a repository), tuf-verify (the client's update procedure) */
int sospkg_tuf(int argc, char **argv);
int sospkg_tuf_verify(int argc, char **argv);

#endif
