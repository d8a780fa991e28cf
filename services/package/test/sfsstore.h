/*
 * sfsstore.h - a struct pkg_store over sosfs (services/storage/fs) mounted on a host
 * test device, so the package service's commits run against the real disk format and
 * its block-level power-cut recording (memdev). Paths are "name" or "dir/name" below
 * the root; a write makes its one directory level when missing, like the storage
 * service's backend.
 *
 * Layer: services host tests (never in an image).
 */
#ifndef PKG_TEST_SFSSTORE_H
#define PKG_TEST_SFSSTORE_H

#include "../pkgdb.h"
#include "../../storage/fs/sfs.h"

void sfsstore_init(struct pkg_store *st, struct sfs *fs);

#endif
