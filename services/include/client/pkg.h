/*
 * services/include/client/pkg.h - a client of the package service (proto/pkg.h): one
 * call per request, the reply's text copied out (the shell's `pkg` command), or its
 * records decoded (client/pkgrec.h: the software center).
 *
 * Layer: services (package client).
 */
#ifndef PKG_CLIENT_H
#define PKG_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include <sl/service.h>
#include <sl/sl.h>

#include <proto/pkg.h>

#include <client/pkgrec.h>

/* Sends ordinal with the string arguments a and b (each NULL: not sent) and copies the
 * reply's text into text[size] (always terminated; the reason when the call failed,
 * when the service gave one). Returns the reply's status or the call's error. */
int pkgc_call(struct sl_conn_to *c, uint32_t ordinal, const char *a, const char *b,
              char *text, size_t size);

/* PKG_REPO (op, name, url, root file) or PKG_POLICY (op, a, b, ""): four strings,
 * each NULL or "" for none. */
int pkgc_call4(struct sl_conn_to *c, uint32_t ordinal, const char *const arg[4], char *text,
               size_t size);

/* PKG_LIST with flags (PKG_LIST_AVAILABLE). */
int pkgc_list(struct sl_conn_to *c, uint32_t flags, char *text, size_t size);

/* PKG_PACKAGES, page after page: fn(ctx, record) for each package (flags and word as
 * proto/pkg.h says). 0, or the error with its reason in why[size] (the service's, when
 * it gave one). */
typedef void (*pkgc_package_fn)(void *ctx, const struct pkgc_package *p);
int pkgc_packages(struct sl_conn_to *c, uint32_t flags, const char *word, pkgc_package_fn fn,
                  void *ctx, char *why, size_t size);

/* PKG_TRUST of the installed package name, decoded into *out. 0 or the error. */
int pkgc_trust(struct sl_conn_to *c, const char *name, struct pkgc_trust *out);

#endif
