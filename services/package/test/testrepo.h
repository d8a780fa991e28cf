/*
 * testrepo.h - the repository the package service's host tests install from, built in
 * memory with pkg_write: greet-data 1 (data), hello 1.0 and 1.1 (1.1 needs greet-data),
 * clash 1 (claims hello's bin/hello), lib 1 and app 1 (app needs lib). Fills repo (the
 * package files under packages/) and ix (the index, in order).
 *
 * Layer: services host tests (never in an image).
 */
#ifndef PKG_TEST_TESTREPO_H
#define PKG_TEST_TESTREPO_H

#include "memstore.h"

void testrepo_make(struct memstore *repo, struct pkg_index *ix);

#endif
