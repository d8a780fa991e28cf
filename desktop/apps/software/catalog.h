/*
 * desktop/apps/software/catalog.h - the software center's view of the packages: the
 * package service's records (client/pkgrec.h: PKG_PACKAGES, PKG_TRUST) gathered into
 * entries: a name, the newest version the repositories offer (its repository, channel
 * and size), the version installed, a description, and so a state (available,
 * installed, update); and the details of one, as lines for the window. Pure logic on
 * records, tested on the host (software-catalog).
 *
 * Layer: desktop (an application).
 */
#ifndef SOFTWARE_CATALOG_H
#define SOFTWARE_CATALOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <client/pkgrec.h>

#define CAT_MAX 32
#define CAT_NAME PKG_REC_NAME
#define CAT_VERSION PKG_REC_VERSION
#define CAT_DESC PKG_REC_TEXT

enum cat_state { CAT_AVAILABLE, CAT_INSTALLED, CAT_UPDATE };

struct cat_entry {
    char name[CAT_NAME], newest[CAT_VERSION], installed[CAT_VERSION], desc[CAT_DESC];
    char repo[PKG_REC_NAME];  /* the repository offering the newest ("" none) */
    uint32_t channel;         /* the newest's */
    uint64_t size;            /* the newest's package file */
    char depends[PKG_REC_LINE]; /* the newest's dependencies ("" none) */
};

struct catalog {
    struct cat_entry e[CAT_MAX];
    unsigned n;
};

/* Versions as the package service writes them ("1.10" after "1.9"): <0, 0, >0. */
int cat_version_cmp(const char *a, const char *b);

/* A record of PKG_PACKAGES with PKG_LIST_AVAILABLE (a version offered): the newest of
 * each name is kept, with its description; the installed version it carries is taken.
 * Past CAT_MAX names the rest is left out. */
void cat_add_offered(struct catalog *c, const struct pkgc_package *p);

/* A record of PKG_PACKAGES without it (installed): sets the name's installed version.
 * With `add` false, only names already in the catalog take it. */
void cat_add_installed(struct catalog *c, const struct pkgc_package *p, bool add);

enum cat_state cat_state(const struct cat_entry *e);
const struct cat_entry *cat_find(const struct catalog *c, const char *name);

/* A row for the list: "name  version  state". */
void cat_row(const struct cat_entry *e, char *out, size_t cap);

/* The details of e as lines into out[cap] (cut at a line's end when full): what it is,
 * the version offered and where, and with t (its PKG_TRUST, or NULL) its provenance
 * once installed and the trust state of its repository. */
void cat_details(const struct cat_entry *e, const struct pkgc_trust *t, char *out, size_t cap);

#endif
