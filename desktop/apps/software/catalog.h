/*
 * desktop/apps/software/catalog.h - the software center's view of the packages: what
 * the package service's reports say (PKG_LIST, PKG_SEARCH, PKG_REPO "trust"), read into
 * entries: a name, the newest version the repositories offer, the version installed,
 * a description, and so a state (available, installed, update). Pure logic on text,
 * tested on the host (software-catalog).
 *
 * Layer: desktop (an application).
 */
#ifndef SOFTWARE_CATALOG_H
#define SOFTWARE_CATALOG_H

#include <stdbool.h>
#include <stddef.h>

#define CAT_MAX 32
#define CAT_NAME 64
#define CAT_VERSION 32
#define CAT_DESC 96

enum cat_state { CAT_AVAILABLE, CAT_INSTALLED, CAT_UPDATE };

struct cat_entry {
    char name[CAT_NAME], newest[CAT_VERSION], installed[CAT_VERSION], desc[CAT_DESC];
};

struct catalog {
    struct cat_entry e[CAT_MAX];
    unsigned n;
};

/* Versions as the package service writes them ("1.10" after "1.9"): <0, 0, >0. */
int cat_version_cmp(const char *a, const char *b);

/* Lines of a PKG_LIST (PKG_LIST_AVAILABLE) or PKG_SEARCH report: each version offered
 * ("name version description [installed]"); the newest of each name is kept. Lines
 * that are not a package ("(none)", "nothing matches x") are skipped. */
void cat_add_offered(struct catalog *c, const char *report);

/* A PKG_LIST (installed) report: sets each name's installed version. With `add` false,
 * only names already in the catalog (a search's) take it. */
void cat_add_installed(struct catalog *c, const char *report, bool add);

enum cat_state cat_state(const struct cat_entry *e);
const struct cat_entry *cat_find(const struct catalog *c, const char *name);

/* A row for the list: "name  version  state". */
void cat_row(const struct cat_entry *e, char *out, size_t cap);

/* From a PKG_REPO "trust" report, the block of repository `repo` (its line and the
 * indented ones after it) into out; false when it is not there. */
bool cat_trust_block(const char *report, const char *repo, char *out, size_t cap);

/* The repository a PKG_SHOW report names ("from <repo> (" or " in <repo> ("), or false. */
bool cat_show_repo(const char *report, char *repo, size_t cap);

#endif
