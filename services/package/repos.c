/*
 * repos.c - the repositories the package service knows: `pkg repo add|remove|list|sync`.
 *
 * A repository is named by a directory below the service's repository root (its
 * storage resource storage/data/repo, read-only): /data/repo/<name>/index and
 * /data/repo/<name>/packages/..., as `sospkg repo` lays them out. Adding one reads and
 * parses its index first (a repository whose index does not parse is refused); the
 * names are kept in the state directory's file "repos", one per line, replaced
 * atomically, and indexes are read again at start and on `sync`.
 *
 * Layer: services (package).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <client/storage.h>
#include <proto/log.h>

#include "pkgsvc.h"

#define REPOS_FILE "repos"

static void close_repo(struct pkgsvc_repo *r)
{
    if (r->dir)
        sos_handle_close(r->dir);
    memset(r, 0, sizeof *r);
}

/* The backend for r->url: "http://..." (fetch_http.c) or "file:<dir>" below /data/repo. */
static int open_backend(struct pkgsvc_repo *r, struct errmsg *err)
{
    const char *dir = r->url + 5;
    if (!strncmp(r->url, "http://", 7) || !strncmp(r->url, "https://", 8))
        return pkgsvc_fetch_http_init(&r->fetch, r->url, err);
    if (strncmp(r->url, "file:", 5))
        return errmsg_set(err, SOS_ERR_INVALID_ARGS,
                          "%s: a url is http://... or file:<dir below /data/repo>", r->url);
    int rc = pkg_check_name(dir, strlen(dir), err);
    if (rc)
        return rc;
    if (!g_pkg.repo_root)
        return errmsg_set(err, SOS_ERR_NOT_FOUND, "no repository root (storage/data/repo)");
    rc = stc_open(g_pkg.repo_root, dir, STORAGE_R_READ | STORAGE_R_ENUMERATE, STORAGE_O_DIR,
                  &r->dir);
    if (rc) {
        r->dir = 0;
        return errmsg_set(err, rc, "no repository /data/repo/%s", dir);
    }
    pkgsvc_fetch_storage_init(&r->fetch, r->dir);
    return 0;
}

/* An entry of the boot store, whole, into a malloc'd buffer. */
static int read_boot(const char *entry, char **text, size_t *len, struct errmsg *err)
{
    struct bundle_entry e;
    if (!g_pkg.boot_ok || bundle_find(&g_pkg.boot, entry, &e))
        return errmsg_set(err, SOS_ERR_NOT_FOUND, "the boot store has no %s", entry);
    if (e.size > TUF_ROOT_MAX)
        return errmsg_set(err, SOS_ERR_OUT_OF_RANGE, "%s: %u bytes, a root has at most %u",
                          entry, (unsigned)e.size, (unsigned)TUF_ROOT_MAX);
    *text = malloc(e.size + 1);
    if (!*text)
        return errmsg_set(err, SOS_ERR_NO_MEMORY, "no memory for %s", entry);
    *len = e.size;
    return bundle_read(&g_pkg.boot, &e, *text, e.size + 1, err);
}

/* The root file at path: "/boot/<entry>" (the boot store), "/data/repo/<path>", or ""
 * for the one the boot store ships for name. */
static int read_root(const char *name, const char *path, char **text, size_t *len,
                     struct errmsg *err)
{
    char shipped[PKG_NAME_MAX + 32];
    if (!path[0]) {
        snprintf(shipped, sizeof shipped, "etc/pkg/trust/%s.root", name);
        return read_boot(shipped, text, len, err);
    }
    if (!strncmp(path, "/boot/", 6))
        return read_boot(path + 6, text, len, err);
    if (strncmp(path, "/data/repo/", 11))
        return errmsg_set(err, SOS_ERR_INVALID_ARGS, "%s: a root file is in /boot or /data/repo",
                          path);
    int rc = g_pkg.repo_root ? stc_read_file(g_pkg.repo_root, path + 11, TUF_ROOT_MAX, text, len)
                             : SOS_ERR_NOT_FOUND;
    if (rc)
        return errmsg_set(err, rc, "no root file %s: %s", path, sos_strerror(rc));
    return 0;
}

static int save(void)
{
    char text[PKGSVC_REPOS * (PKG_NAME_MAX + 2) + 1];
    size_t at = 0;
    for (int i = 0; i < PKGSVC_REPOS; i++)
        if (g_pkg.repo[i].name[0])
            at += (size_t)snprintf(text + at, sizeof text - at, "%s\n", g_pkg.repo[i].name);
    return stc_replace_file(g_pkg.state_dir, REPOS_FILE, text, at);
}

static struct pkgsvc_repo *find(const char *name)
{
    for (int i = 0; i < PKGSVC_REPOS; i++)
        if (g_pkg.repo[i].name[0] && !strcmp(g_pkg.repo[i].name, name))
            return &g_pkg.repo[i];
    return NULL;
}

static struct pkgsvc_repo *free_slot(void)
{
    for (int i = 0; i < PKGSVC_REPOS; i++)
        if (!g_pkg.repo[i].name[0])
            return &g_pkg.repo[i];
    return NULL;
}

/* The operator's act, in the log: who trusted what. */
static void log_added(const struct pkgsvc_repo *r, const char *root, const char *who)
{
    char msg[400], ids[TUF_MAX_KEYS * 17 + 1] = "";
    size_t at = 0;
    for (uint32_t i = 0; i < r->tuf.root.nkeys && i < TUF_MAX_KEYS; i++)
        for (int b = 0; b < META_KEYID_SIZE; b++)
            at += (size_t)snprintf(ids + at, sizeof ids - at, "%s%02x", i && !b ? " " : "",
                                   r->tuf.root.keys[i].id[b]);
    snprintf(msg, sizeof msg,
             "package: %s added repository %s at %s trusting root version %u from %s (keys %s)",
             who, r->name, r->url, (unsigned)r->tuf.root.version, root[0] ? root : "the boot store",
             ids);
    sl_service_log(LOG_NOTICE, msg);
}

static int repo_add(const char *name, const char *url, const char *root, const char *who,
                    struct errmsg *err)
{
    struct pkgsvc_repo *r = free_slot();
    int rc = pkg_check_name(name, strlen(name), err);
    if (!rc && find(name))
        return errmsg_set(err, SOS_ERR_ALREADY_EXISTS, "repository %s is already added", name);
    if (!rc && !r)
        return errmsg_set(err, SOS_ERR_NO_RESOURCES, "at most %d repositories", PKGSVC_REPOS);
    if (rc)
        return rc;
    memset(r, 0, sizeof *r);
    snprintf(r->name, sizeof r->name, "%s", name);
    snprintf(r->url, sizeof r->url, url[0] ? "%s" : "file:%s", url[0] ? url : name);
    char *text = NULL;
    size_t len = 0;
    rc = read_root(name, root, &text, &len, err); /* what is trusted comes first */
    if (!rc)
        rc = pkgsvc_trust_add(r, text, len, err);
    free(text);
    if (!rc)
        rc = open_backend(r, err);
    if (!rc)
        rc = pkgsvc_trust_sync(r, err);
    if (!rc && (rc = save()) != 0) {
        pkgsvc_trust_forget(r);
        errmsg_set(err, rc, "cannot save the repository list");
    }
    if (rc) {
        close_repo(r);
        return rc;
    }
    log_added(r, root, who);
    pkgsvc_say("added repository %s (%s): root version %u, snapshot %u, %u packages\n", name,
               r->url, (unsigned)r->tuf.root.version, (unsigned)r->tuf.version[TUF_SNAPSHOT],
               (unsigned)r->index.count);
    return 0;
}

static int repo_remove(const char *name, const char *who, struct errmsg *err)
{
    struct pkgsvc_repo *r = find(name);
    if (!r)
        return errmsg_set(err, SOS_ERR_NOT_FOUND, "no repository %s", name);
    static struct pkgsvc_repo keep; /* static: it holds an index (155 KiB) */
    keep = *r;
    close_repo(r);
    int rc = save();
    if (rc) {
        *r = keep;
        return errmsg_set(err, rc, "cannot save the repository list");
    }
    pkgsvc_trust_forget(&keep);
    char msg[160];
    snprintf(msg, sizeof msg, "package: %s removed repository %s", who, name);
    sl_service_log(LOG_NOTICE, msg);
    pkgsvc_say("removed repository %s\n", name);
    return 0;
}

/* list, sync, trust, keys: over every repository (or the one named). */
static int repo_each(const char *op, const char *name, struct errmsg *err)
{
    int rc = 0;
    if (name[0] && !find(name))
        return errmsg_set(err, SOS_ERR_NOT_FOUND, "no repository %s", name);
    for (int i = 0; !rc && i < PKGSVC_REPOS; i++) {
        struct pkgsvc_repo *r = &g_pkg.repo[i];
        if (!r->name[0] || (name[0] && strcmp(r->name, name)))
            continue;
        if (!strcmp(op, "sync"))
            rc = pkgsvc_trust_sync(r, err);
        if (rc)
            break;
        if (!strcmp(op, "trust"))
            pkgsvc_trust_report(r);
        else if (!strcmp(op, "keys"))
            pkgsvc_trust_keys(r);
        else
            pkgsvc_say("%s  %s  snapshot %u  %u packages\n", r->name, r->url,
                       (unsigned)r->tuf.version[TUF_SNAPSHOT], (unsigned)r->index.count);
    }
    return rc;
}

int pkgsvc_repo_op(const char *op, const char *name, const char *url, const char *root,
                   const char *who, struct errmsg *err)
{
    if (!strcmp(op, "add"))
        return repo_add(name, url, root, who, err);
    if (!strcmp(op, "remove"))
        return repo_remove(name, who, err);
    if (!strcmp(op, "list") || !strcmp(op, "sync") || !strcmp(op, "trust") ||
        !strcmp(op, "keys"))
        return repo_each(op, name, err);
    return errmsg_set(err, SOS_ERR_INVALID_ARGS,
                      "repo takes add, remove, list, sync, trust or keys");
}

int pkgsvc_repos_load(void)
{
    char *text = NULL;
    size_t len = 0;
    int rc = stc_read_file(g_pkg.state_dir, REPOS_FILE, 1024, &text, &len);
    if (rc)
        return rc == SOS_ERR_NOT_FOUND ? 0 : rc;
    int at = 0;
    char *save_ptr = NULL;
    for (char *line = strtok_r(text, "\n", &save_ptr); line && at < PKGSVC_REPOS;
         line = strtok_r(NULL, "\n", &save_ptr)) {
        struct errmsg err = {0};
        struct pkgsvc_repo *r = &g_pkg.repo[at];
        memset(r, 0, sizeof *r);
        snprintf(r->name, sizeof r->name, "%s", line);
        rc = pkgsvc_trust_load(r, &err);
        if (!rc)
            rc = open_backend(r, &err);
        if (!rc) {
            at++;
            continue;
        }
        printf("package: repository %s: %s\n", line, err.msg);
        close_repo(r);
    }
    free(text);
    return 0;
}

const struct pkg_index *pkgsvc_repo_offers(const struct pkgsvc_repo *r)
{
    static struct pkg_index view;
    view.count = 0;
    for (uint32_t i = 0; i < r->index.count; i++) {
        const struct pkg_avail *a = &r->index.pkg[i];
        struct pkg_avail *v = &view.pkg[view.count];
        if (a->channel > pkgsvc_policy_channel(r->name, a->name))
            continue;
        *v = *a; /* consistent snapshots: fetched as packages/<sha256>.<file> */
        if (!tuf_target_name(&r->tuf.root, a->path, a->sha256, v->path, sizeof v->path))
            view.count++;
    }
    return &view;
}

struct pkgsvc_repo *pkgsvc_repo_offering(const char *name, bool any_channel)
{
    for (int i = 0; i < PKGSVC_REPOS; i++) {
        const struct pkgsvc_repo *r = &g_pkg.repo[i];
        if (r->name[0] && pkg_index_find(any_channel ? &r->index : pkgsvc_repo_offers(r), name, NULL))
            return &g_pkg.repo[i];
    }
    return NULL;
}

struct pkgsvc_repo *pkgsvc_repo_for(const char *name)
{
    for (int i = 0; i < PKGSVC_REPOS; i++)
        if (g_pkg.repo[i].name[0] && pkg_index_find(pkgsvc_repo_offers(&g_pkg.repo[i]), name, NULL) &&
            pkgsvc_policy_allows(g_pkg.repo[i].name, name))
            return &g_pkg.repo[i];
    return NULL;
}
