/*
 * activate.c - packaged services: the package service tells the root manager about the
 * services its packages provide (proto/mgr.h MGR_PKG_SERVICE, MGR_PKG_WITHDRAW;
 * services/rootmgr/packaged.c decides what it accepts).
 *
 * Through pkgdb's hooks: before an install commits, every service manifest of every
 * incoming package is shown to the root manager with MGR_PKG_CHECK, so a package that
 * would shadow a boot-store service (or ask for what a packaged service may not have)
 * is refused with nothing written; before a removal commits, the package's services
 * are withdrawn (stopped); after every change, the services of the new generation are
 * made known (an update's new image replaces the old) and those no longer provided
 * withdrawn. At start, the current generation's services are made known again, so a
 * packaged service survives a reboot. A service's image is the file its manifest names
 * (image=bin/x) in the same package, given to the root manager as its installed path,
 * with the package's name, repository and keys (trustinfo.c) for the launch policy.
 *
 * Layer: services (package).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <manifest.h>
#include <proto/mgr.h>
#include <proto/pkg.h>

#include "pkgsvc.h"

static struct sl_conn_to g_rm_conn;
static bool g_rm_init;

/* One service a package provides. */
struct provided {
    const struct pkg_avail *pkg;
    char name[MANIFEST_NAME_MAX + 1];
    const char *file;           /* the manifest's path in the package */
    const char *text;
    size_t len;
    char image[128];            /* its image's installed path in storage, or "" */
};

typedef int (*provided_fn)(void *ctx, const struct provided *pv, struct errmsg *err);

static int call_rm(uint32_t ordinal, uint32_t flags, const struct provided *pv, const char *name,
                   struct errmsg *err)
{
    static uint8_t req_b[16384];
    uint8_t rep_b[512];
    struct sl_msg req, rep;
    if (!g_rm_init) {
        sl_conn_to_init(&g_rm_conn, "rootmgr", 0);
        g_rm_init = true;
    }
    sl_msg_begin(&req, req_b, sizeof req_b, NULL, 0, ordinal);
    if (ordinal == MGR_PKG_SERVICE) {
        sl_msg_put_u32(&req, flags);
        sl_msg_put_str(&req, pv->text);
        sl_msg_put_str(&req, pv->file);
        sl_msg_put_str(&req, pv->image);
        /* where it came from, for the launch policy by package and publisher */
        struct pkgsvc_origin o = {0};
        if (pv->pkg)
            pkgsvc_origin(pv->pkg, &o);
        sl_msg_put_str(&req, pv->pkg ? pv->pkg->name : "");
        sl_msg_put_str(&req, o.repo);
        sl_msg_put_str(&req, o.keys);
    } else {
        sl_msg_put_str(&req, name);
    }
    sl_msg_begin(&rep, rep_b, sizeof rep_b, NULL, 0, ordinal);
    int rc = sl_msg_finish(&req);
    if (!rc)
        rc = sl_conn_to_call(&g_rm_conn, &req, &rep, sos_deadline_after(SOS_MS(5000)));
    if (!rc)
        return 0;
    struct sl_parse p;
    const char *why = NULL;
    if (rep.len > sizeof(struct sos_msg_hdr) && !sl_parse_begin(&p, rep.bytes, rep.len, NULL, 0, NULL))
        why = sl_parse_str(&p, NULL);
    return errmsg_set(err, rc, "root manager: %s", why ? why : sos_strerror(rc));
}

/* Calls fn for every service manifest of package p (entry a of the generation). */
static int each_in(const struct pkg *p, const struct pkg_avail *a, provided_fn fn, void *ctx,
                   struct errmsg *err)
{
    static struct manifest_set set;
    int rc = 0;
    for (uint32_t i = 0; !rc && i < p->info.file_count; i++) {
        const struct pkg_file *f = &p->info.file[i];
        if (f->kind != BUNDLE_KIND_MANIFEST)
            continue;
        char *text = malloc(f->size + 1);
        rc = text ? pkg_read_file(p, f, text, f->size, err) : SOS_ERR_NO_MEMORY;
        if (!rc)
            text[f->size] = 0; /* sent as a string */
        manifest_set_init(&set);
        if (!rc && (rc = manifest_parse(&set, f->path, text, f->size, err)) == 0 && set.count != 1)
            rc = errmsg_set(err, SOS_ERR_INVALID_ARGS, "%s: a packaged manifest holds one "
                            "service", f->path);
        struct provided pv = {.pkg = a, .file = f->path, .text = text, .len = f->size};
        if (!rc) {
            snprintf(pv.name, sizeof pv.name, "%s", set.svc[0].name);
            const struct pkg_file *img = pkg_info_file(&p->info, set.svc[0].image);
            char obj[96];
            if (!img)
                rc = errmsg_set(err, SOS_ERR_NOT_FOUND, "%s: its image %s is not in package %s",
                                f->path, set.svc[0].image, p->info.name);
            else {
                pkgdb_object_path(img->sha256, obj);
                snprintf(pv.image, sizeof pv.image, "%s/%s", PKG_STATE_PATH, obj);
            }
        }
        if (!rc)
            rc = fn(ctx, &pv, err);
        free(text);
    }
    return rc;
}

/* Calls fn for every service the packages of g provide. */
static int each_of(const struct pkg_gen *g, provided_fn fn, void *ctx, struct errmsg *err)
{
    static struct pkg p;
    int rc = 0;
    for (uint32_t i = 0; !rc && i < g->set.count; i++) {
        uint8_t *data = NULL;
        rc = pkgdb_load_pkg(&g_pkg.db, &g->set.pkg[i], &data, &p, err);
        if (!rc)
            rc = each_in(&p, &g->set.pkg[i], fn, ctx, err);
        free(data);
    }
    return rc;
}

static int check_one(void *ctx, const struct provided *pv, struct errmsg *err)
{
    (void)ctx;
    return call_rm(MGR_PKG_SERVICE, MGR_PKG_CHECK, pv, NULL, err);
}

static int admit(void *ctx, const struct pkg *p, struct errmsg *err)
{
    return each_in(p, NULL, check_one, ctx, err);
}

static int make_known(void *ctx, const struct provided *pv, struct errmsg *err)
{
    (void)ctx;
    if (call_rm(MGR_PKG_SERVICE, 0, pv, NULL, err))
        printf("package: service %s of %s: %s\n", pv->name, pv->pkg->name, err->msg);
    return 0; /* one service the root manager refuses does not stop the others */
}

/* Withdraws pv unless it is among the services of the generation in ctx. */
struct gone {
    const struct pkg_gen *keep;
    const char *name;
    bool found;
};

static int find_name(void *ctx, const struct provided *pv, struct errmsg *err)
{
    struct gone *g = ctx;
    (void)err;
    g->found |= !strcmp(pv->name, g->name);
    return 0;
}

static int withdraw_unless_kept(void *ctx, const struct provided *pv, struct errmsg *err)
{
    struct gone g = {ctx, pv->name, false};
    if (g.keep)
        each_of(g.keep, find_name, &g, err);
    if (!g.found && call_rm(MGR_PKG_WITHDRAW, 0, NULL, pv->name, err))
        printf("package: withdrawing %s: %s\n", pv->name, err->msg);
    return 0;
}

static void leaving(void *ctx, const struct pkg_avail *a)
{
    static struct pkg p;
    uint8_t *data = NULL;
    struct errmsg err = {0};
    if (pkgdb_load_pkg(&g_pkg.db, a, &data, &p, &err) == 0)
        each_in(&p, a, withdraw_unless_kept, NULL, &err);
    free(data);
}

static void changed(void *ctx, const struct pkg_gen *old, const struct pkg_gen *cur)
{
    struct errmsg err = {0};
    each_of(old, withdraw_unless_kept, (void *)cur, &err);
    each_of(cur, make_known, ctx, &err);
}

void pkgsvc_activate_init(void)
{
    g_pkg.db.hooks = (struct pkgdb_hooks){NULL, admit, leaving, changed};
    struct errmsg err = {0};
    if (g_pkg.db_ok && each_of(&g_pkg.db.cur, make_known, NULL, &err))
        printf("package: packaged services: %s\n", err.msg);
}
