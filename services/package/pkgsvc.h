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

#include <proto/pkg.h>

#include <client/pkgrec.h>

#include "bundle.h"
#include "pkg_tuf.h"
#include "pkgdb.h"

/* The state store on a storage directory handle. */
void pkgsvc_store_init(struct pkg_store *st, sos_handle_t dir);

/* A repository backend reading below a storage directory handle. */
void pkgsvc_fetch_storage_init(struct pkg_fetch *f, sos_handle_t dir);

/* A repository backend over HTTP (fetch_http.c): GET <url>/<path>; url must outlive f. */
int pkgsvc_fetch_http_init(struct pkg_fetch *f, const char *url, struct errmsg *err);
/* Why the last HTTP fetch failed ("" when it did not or the file was not there). */
const char *pkgsvc_fetch_why(void);

/* fetch_tls.c: for an https fetch, the trust store (/etc/ca.pem) and the clock of day
 * into nh's TLS hook: 0, or an error with why; release after the fetch. */
struct net_http;
int pkgsvc_tls_prepare(struct net_http *nh, char *why, size_t size);
void pkgsvc_tls_release(void);

#define PKGSVC_REPOS 4

/* A repository the service was told about: its name (a directory below the repository
 * root), its backend, and its index as last synced. */
struct pkgsvc_repo {
    char name[PKG_NAME_MAX + 1];
    char url[PKG_URL_MAX + 1];   /* "http://..." or "file:<dir below /data/repo>" */
    sos_handle_t dir;
    struct pkg_fetch fetch;
    struct pkg_index index;      /* as the targets role last signed it */
    struct tuf_state tuf;        /* what is trusted: root keys, thresholds, versions */
    sos_time_t synced_at;        /* monotonic time of the last verified sync (0: none yet) */
};

struct pkgsvc {
    struct sl_server srv;
    sos_handle_t state_dir, repo_root;
    sos_handle_t kernel; /* the kernel's statistics: its clock of day, for expiry */
    struct bundle boot; /* the boot store (mapped), for the roots of trust it ships */
    bool boot_ok;
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

/* repos.c: add (trust the root, sync, remember), remove, list, sync, trust, keys; the
 * names are kept in the state directory's file "repos". who: the client, for the log. */
int pkgsvc_repo_op(const char *op, const char *name, const char *url, const char *root,
                   const char *who, struct errmsg *err);
int pkgsvc_repos_load(void);
/* activate.c: installs pkgdb's hooks (packaged services reach the root manager) and
 * makes the current generation's services known; after sl_service_ready. */
void pkgsvc_activate_init(void);

/* trust.c: TUF for a repository. add: trust a root file's text (self-signed); sync:
 * tuf_update and, when all of it passes, the new state and index kept (in memory and
 * in trust.<name>); load: that file at start; forget: remove it; keys and report: the
 * `pkg keys` and `pkg trust` lines. now: the time expiry is checked against. */
uint64_t pkgsvc_now(void);
int pkgsvc_trust_add(struct pkgsvc_repo *r, const char *root, size_t len, struct errmsg *err);
int pkgsvc_trust_sync(struct pkgsvc_repo *r, struct errmsg *err);
int pkgsvc_trust_load(struct pkgsvc_repo *r, struct errmsg *err);
int pkgsvc_trust_forget(const struct pkgsvc_repo *r);
void pkgsvc_trust_keys(const struct pkgsvc_repo *r);
void pkgsvc_trust_report(const struct pkgsvc_repo *r);

/* The repository that offers name and that policy allows to supply it (the first
 * added), or NULL; _offering: the first that offers it, whatever the policy. */
struct pkgsvc_repo *pkgsvc_repo_for(const char *name);
/* A repository whose followed channels (any_channel: any of its channels) offer name. */
struct pkgsvc_repo *pkgsvc_repo_offering(const char *name, bool any_channel);
/* What r offers on the channels policy follows, each package at the path to fetch it
 * from (its consistent-snapshot name when the root says so); valid until the next call. */
const struct pkg_index *pkgsvc_repo_offers(const struct pkgsvc_repo *r);

/* policy.c: the rules (allow <repo> <pkg|*>, pin <pkg> <version>) in the state file
 * "policy", and provenance records prov.<name>-<version>. op: show, allow, pin, unpin,
 * reset (all but show need may_write). prov_note: records every package of the current
 * generation that has none yet as coming from repo, asked by who. */
int pkgsvc_policy_load(void);
int pkgsvc_policy_op(const char *op, const char *a, const char *b, bool may_write,
                     struct errmsg *err);
bool pkgsvc_policy_allows(const char *repo, const char *name);
const char *pkgsvc_policy_pin(const char *name);
/* The channel (enum pkg_channel) repo follows for the package name. */
unsigned pkgsvc_policy_channel(const char *repo, const char *name);
void pkgsvc_prov_note(const struct pkgsvc_repo *repo, const char *who);
void pkgsvc_prov_show(const struct pkg_avail *a);

/* listing.c: the packages PKG_LIST (flags), PKG_SEARCH and PKG_PACKAGES (flags, word)
 * name, as records: fn(ctx, index, record) for each, in order; returns how many.
 * packages_page: the PKG_PACKAGES reply of those from start on into m. */
typedef void (*pkgsvc_package_fn)(void *ctx, uint32_t index, const struct pkgc_package *p);
uint32_t pkgsvc_each_package(uint32_t flags, const char *word, pkgsvc_package_fn fn, void *ctx);
void pkgsvc_packages_page(uint32_t flags, const char *word, uint32_t start, struct sl_msg *m);

/* ---- for the security service (trustinfo.c, PKG_TRUSTINFO) */

/* Where an installed package came from, by its provenance record. */
struct pkgsvc_origin {
    char repo[PKG_NAME_MAX + 1];
    char url[PKG_URL_MAX + 1];
    uint32_t root_version;
    char keys[136];     /* the key ids its repository's root named, comma-separated */
    char verified[48];  /* "snapshot N, targets M" */
    uint32_t generation; /* the generation that installed it */
    char who[32];       /* the client that asked */
};
int pkgsvc_origin(const struct pkg_avail *a, struct pkgsvc_origin *o);
/* policy.c: the provenance record's text (malloc'd); the install rule that lets
 * repository repo supply package name, as text. */
int pkgsvc_prov_read(const struct pkg_avail *a, char **text, size_t *len);
void pkgsvc_policy_why(const char *repo, const char *name, char *out, size_t size);
/* The PKG_TRUSTINFO records into the reply text; image: only the packages holding a
 * program with that SHA-256 (64 hex digits), "" for every repository and package. */
void pkgsvc_trustinfo(const char *image);
/* The PKG_TRUST reply into m: every repository, the origin of the installed name. */
void pkgsvc_trust_records(const char *name, struct sl_msg *m);

/* progress.c: a fetch that reports each package file's bytes on ch (PKG_PROGRESS);
 * inner itself when ch is 0. p must outlive the install. */
struct pkgsvc_progress {
    const struct pkg_fetch *inner;
    struct pkg_fetch outer;
    sos_handle_t ch;
    const struct pkg_sink *sink;
    const char *path;
    uint64_t done, told, total;
};
const struct pkg_fetch *pkgsvc_progress_fetch(struct pkgsvc_progress *p, const struct pkg_fetch *inner,
                                              sos_handle_t ch);

#endif
