/*
 * pkgsvc.h - the package service's pieces (services/package): the storage backends
 * (store_storage.c), the repositories it knows (repos.c) and the requests (package.c).
 *
 * Layer: services (package).
 */
#ifndef PKGSVC_H
#define PKGSVC_H

#include <sl/service.h>
#include <sl/sl.h>

#include "pkgdb.h"

/* The state store on a storage directory handle. */
void pkgsvc_store_init(struct pkg_store *st, sos_handle_t dir);

/* A repository backend reading below a storage directory handle. */
void pkgsvc_fetch_storage_init(struct pkg_fetch *f, sos_handle_t dir);

#define PKGSVC_REPOS 4

/* A repository the service was told about: its name (a directory below the repository
 * root), its backend, and its index as last synced. */
struct pkgsvc_repo {
    char name[PKG_NAME_MAX + 1];
    sos_handle_t dir;
    struct pkg_fetch fetch;
    struct pkg_index index;
};

struct pkgsvc {
    struct sl_server srv;
    sos_handle_t state_dir, repo_root;
    struct pkg_store store;
    struct pkgdb db;
    bool db_ok;
    struct pkgsvc_repo repo[PKGSVC_REPOS];
    char text[8192];   /* the reply being written */
    size_t len;
};

extern struct pkgsvc g_pkg;

/* Appends to the reply text (truncated, with "...", when full). */
void pkgsvc_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* repos.c: add (check the index, remember), remove, list, sync; the names are kept in
 * the state directory's file "repos". */
int pkgsvc_repo_op(const char *op, const char *name, struct errmsg *err);
int pkgsvc_repos_load(void);
/* activate.c: installs pkgdb's hooks (packaged services reach the root manager) and
 * makes the current generation's services known; after sl_service_ready. */
void pkgsvc_activate_init(void);

/* The repository that offers name (the first added), or NULL. */
struct pkgsvc_repo *pkgsvc_repo_for(const char *name);

#endif
