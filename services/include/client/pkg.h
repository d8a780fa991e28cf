/*
 * services/include/client/pkg.h - a client of the package service (proto/pkg.h): one
 * call per request, the reply's text copied out. Used by the shell's `pkg` command.
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

#endif
