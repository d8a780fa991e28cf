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

#include "pkgsvc.h"

#define REPOS_FILE "repos"

static int load_index(struct pkgsvc_repo *r, struct errmsg *err)
{
    uint8_t *text = NULL;
    size_t len = 0;
    int rc = pkg_fetch_all(&r->fetch, "index", PKG_INDEX_TEXT_MAX, &text, &len, err);
    if (!rc)
        rc = pkg_index_parse((const char *)text, len, &r->index, err);
    free(text);
    if (rc)
        errmsg_prefix(err, r->name);
    return rc;
}

static void close_repo(struct pkgsvc_repo *r)
{
    if (r->dir)
        sos_handle_close(r->dir);
    memset(r, 0, sizeof *r);
}

static int open_repo(struct pkgsvc_repo *r, const char *name, struct errmsg *err)
{
    int rc = pkg_check_name(name, strlen(name), err);
    if (rc)
        return rc;
    memset(r, 0, sizeof *r);
    snprintf(r->name, sizeof r->name, "%s", name);
    if (!g_pkg.repo_root)
        return errmsg_set(err, SOS_ERR_NOT_FOUND, "no repository root (storage/data/repo)");
    rc = stc_open(g_pkg.repo_root, name, STORAGE_R_READ | STORAGE_R_ENUMERATE, STORAGE_O_DIR,
                  &r->dir);
    if (rc) {
        r->dir = 0;
        return errmsg_set(err, rc, "no repository /data/repo/%s", name);
    }
    pkgsvc_fetch_storage_init(&r->fetch, r->dir);
    rc = load_index(r, err);
    if (rc)
        close_repo(r);
    return rc;
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

static int repo_add(const char *name, struct errmsg *err)
{
    if (find(name))
        return errmsg_set(err, SOS_ERR_ALREADY_EXISTS, "repository %s is already added", name);
    struct pkgsvc_repo *r = NULL;
    for (int i = 0; !r && i < PKGSVC_REPOS; i++)
        if (!g_pkg.repo[i].name[0])
            r = &g_pkg.repo[i];
    if (!r)
        return errmsg_set(err, SOS_ERR_NO_RESOURCES, "at most %d repositories", PKGSVC_REPOS);
    int rc = open_repo(r, name, err);
    if (!rc && (rc = save()) != 0) {
        close_repo(r);
        return errmsg_set(err, rc, "cannot save the repository list");
    }
    if (!rc)
        pkgsvc_say("added repository %s: %u packages\n", name, (unsigned)r->index.count);
    return rc;
}

int pkgsvc_repo_op(const char *op, const char *name, struct errmsg *err)
{
    if (!strcmp(op, "add"))
        return repo_add(name, err);
    if (!strcmp(op, "remove")) {
        struct pkgsvc_repo *r = find(name);
        if (!r)
            return errmsg_set(err, SOS_ERR_NOT_FOUND, "no repository %s", name);
        close_repo(r);
        pkgsvc_say("removed repository %s\n", name);
        return save();
    }
    if (!strcmp(op, "list") || !strcmp(op, "sync")) {
        int rc = 0;
        for (int i = 0; !rc && i < PKGSVC_REPOS; i++) {
            struct pkgsvc_repo *r = &g_pkg.repo[i];
            if (!r->name[0])
                continue;
            if (op[0] == 's')
                rc = load_index(r, err);
            if (!rc)
                pkgsvc_say("%s  /data/repo/%s  %u packages\n", r->name, r->name,
                           (unsigned)r->index.count);
        }
        return rc;
    }
    return errmsg_set(err, SOS_ERR_INVALID_ARGS, "repo takes add, remove, list or sync");
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
        if (open_repo(&g_pkg.repo[at], line, &err) == 0)
            at++;
        else
            printf("package: repository %s: %s\n", line, err.msg);
    }
    free(text);
    return 0;
}

struct pkgsvc_repo *pkgsvc_repo_for(const char *name)
{
    for (int i = 0; i < PKGSVC_REPOS; i++)
        if (g_pkg.repo[i].name[0] && pkg_index_find(&g_pkg.repo[i].index, name, NULL))
            return &g_pkg.repo[i];
    return NULL;
}
