/*
 * package.c - the package service (proto/pkg.h, docs/packages.md): its requests and
 * its loop.
 *
 * The state (generations, cached packages, installed files) is pkgdb.h's, kept in the
 * service's storage resource storage/data/pkg through store_storage.c; repositories
 * are read from storage/data/repo (repos.c). Each request writes its report or its
 * reason into one reply string, but for PKG_PACKAGES and PKG_TRUST, whose replies are
 * records (listing.c, trustinfo.c). Changes need the WRITE right, queries READ.
 *
 * Layer: services (package).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <proto/pkg.h>
#include <proto/status.h>

#include <client/heartbeat.h>

#include "pkgsvc.h"

#if defined(__x86_64__)
#define PKG_ARCH "x86_64"
#elif defined(__aarch64__)
#define PKG_ARCH "aarch64"
#else
#error "package: unknown architecture"
#endif

struct pkgsvc g_pkg;

void pkgsvc_say(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t room = sizeof g_pkg.text - g_pkg.len;
    int n = vsnprintf(g_pkg.text + g_pkg.len, room, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n >= room) {
        g_pkg.len = sizeof g_pkg.text - 5;
        memcpy(g_pkg.text + g_pkg.len, "...\n", 5);
        g_pkg.len += 4;
        return;
    }
    g_pkg.len += (size_t)n;
}

/* Finishes a request: the text (or the error's reason) into the reply. */
static int answer(struct sl_request *r, int rc, const struct errmsg *err)
{
    if (rc < 0) {
        g_pkg.len = 0;
        pkgsvc_say("%s\n", err && err->msg[0] ? err->msg : sos_strerror(rc));
    }
    sl_msg_put_str(r->reply, g_pkg.text);
    return rc < 0 ? rc : 0;
}

/* Checks the right and that the state is there; parses up to two strings. */
static int begin(struct sl_request *r, sos_rights_t need, int nargs, const char **a,
                 const char **b, struct errmsg *err)
{
    struct sl_peer *p = r->client;
    g_pkg.len = 0;
    g_pkg.text[0] = 0;
    errmsg_clear(err);
    if (!p || r->client == (void *)r->srv || (p->rights & need) != need)
        return errmsg_set(err, SOS_ERR_ACCESS_DENIED, "not allowed");
    if (!g_pkg.db_ok)
        return errmsg_set(err, SOS_ERR_BAD_STATE, "the package state is unavailable (see log)");
    struct sl_parse ps;
    sl_parse_begin(&ps, r->bytes, r->len, NULL, 0, NULL);
    if (nargs > 0)
        *a = sl_parse_str(&ps, NULL);
    if (nargs > 1)
        *b = sl_parse_str(&ps, NULL);
    if (sl_parse_end(&ps) || (nargs > 0 && !*a) || (nargs > 1 && !*b))
        return errmsg_set(err, SOS_ERR_INVALID_ARGS, "malformed request");
    return 0;
}

static void say_pkg(const struct pkg_avail *a, const char *mark)
{
    pkgsvc_say("%-16s %-10s %s%s%s\n", a->name, a->version_text, a->description, mark[0] ? " " : "",
               mark);
}

/* A record of listing.c as a line; ctx non-NULL: marked installed or testing. */
static void say_record(void *ctx, uint32_t index, const struct pkgc_package *p)
{
    (void)index;
    const char *mark = !ctx ? "" : p->flags & PKG_PACKAGE_INSTALLED ? "[installed]"
                                 : p->channel ? "[testing]" : "";
    pkgsvc_say("%-16s %-10s %s%s%s\n", p->name, p->version, p->desc, mark[0] ? " " : "", mark);
}

static int do_list(struct sl_request *r)
{
    struct errmsg err;
    int rc = begin(r, SOS_RIGHT_READ, 0, NULL, NULL, &err);
    struct sl_parse ps;
    sl_parse_begin(&ps, r->bytes, r->len, NULL, 0, NULL);
    uint32_t flags = sl_parse_u32(&ps);
    if (!rc)
        pkgsvc_each_package(flags, "", say_record, flags & PKG_LIST_AVAILABLE ? &g_pkg : NULL);
    if (!rc && !g_pkg.len)
        pkgsvc_say("(none)\n");
    return answer(r, rc, &err);
}

/* PKG_PACKAGES: listing.c's records, a page at a time. */
static int do_packages(struct sl_request *r)
{
    struct errmsg err;
    int rc = begin(r, SOS_RIGHT_READ, 0, NULL, NULL, &err);
    struct sl_parse ps;
    sl_parse_begin(&ps, r->bytes, r->len, NULL, 0, NULL);
    uint32_t flags = sl_parse_u32(&ps);
    const char *word = sl_parse_str(&ps, NULL);
    uint32_t start = sl_parse_u32(&ps);
    if (!rc && (sl_parse_end(&ps) || strlen(word) > PKG_ARG_MAX))
        rc = errmsg_set(&err, SOS_ERR_INVALID_ARGS, "malformed request");
    if (rc)
        return answer(r, rc, &err);
    pkgsvc_packages_page(flags, word, start, r->reply);
    return 0;
}

static int do_show(struct sl_request *r)
{
    struct errmsg err;
    const char *name = NULL;
    int rc = begin(r, SOS_RIGHT_READ, 1, &name, NULL, &err);
    struct pkgsvc_repo *repo = rc ? NULL : pkgsvc_repo_for(name);
    for (uint32_t i = 0; !rc && i < g_pkg.db.cur.set.count; i++)
        if (!strcmp(g_pkg.db.cur.set.pkg[i].name, name)) {
            say_pkg(&g_pkg.db.cur.set.pkg[i], "[installed]");
            pkgsvc_prov_show(&g_pkg.db.cur.set.pkg[i]);
        }
    const struct pkg_index *ix = repo ? pkgsvc_repo_offers(repo) : NULL;
    for (uint32_t i = 0; !rc && ix && i < ix->count; i++) {
        const struct pkg_avail *a = &ix->pkg[i];
        if (strcmp(a->name, name))
            continue;
        pkgsvc_say("%s %s in %s (%s%s%u bytes)\n", a->name, a->version_text, repo->name,
                   a->channel ? pkg_channel_name(a->channel) : "", a->channel ? ", " : "",
                   (unsigned)a->size);
        for (uint32_t k = 0; k < a->dep_count; k++) {
            char dep[160];
            pkg_dep_format(&a->dep[k], dep, sizeof dep);
            pkgsvc_say("  depends %s\n", dep);
        }
    }
    if (!rc && !g_pkg.len)
        rc = errmsg_set(&err, SOS_ERR_NOT_FOUND, "no package %s", name);
    return answer(r, rc, &err);
}

static int do_search(struct sl_request *r)
{
    struct errmsg err;
    const char *word = NULL;
    int rc = begin(r, SOS_RIGHT_READ, 1, &word, NULL, &err);
    if (!rc)
        pkgsvc_each_package(PKG_LIST_AVAILABLE, word, say_record, NULL);
    if (!rc && !g_pkg.len)
        pkgsvc_say("nothing matches %s\n", word);
    return answer(r, rc, &err);
}

/* A version asked for that the repository has on a channel policy does not follow is
 * refused by name (the resolver would only say no version fits). */
static int channel_has(const struct pkgsvc_repo *repo, const char *name,
                       const struct pkg_version *v, struct errmsg *err)
{
    const struct pkg_avail *a = pkg_index_find(&repo->index, name, v);
    unsigned follows = pkgsvc_policy_channel(repo->name, name);
    if (!a || a->channel <= follows)
        return 0;
    return errmsg_set(err, SOS_ERR_NOT_FOUND, "%s %s is on the %s channel of %s, which follows "
                      "%s (pkg policy channel %s/%s testing)", name, a->version_text,
                      pkg_channel_name(a->channel), repo->name, pkg_channel_name(follows),
                      repo->name, name);
}

/* Installs (or updates to) name at version ("": the newest, or the pin), from the
 * repository policy allows; who: the client, for the provenance record; progress: the
 * client's channel for PKG_PROGRESS, or 0. */
static int install(const char *name, const char *version, const char *who, sos_handle_t progress,
                   struct errmsg *err)
{
    struct pkg_version v;
    struct pkgsvc_repo *repo = pkgsvc_repo_for(name);
    const char *pin = pkgsvc_policy_pin(name);
    const struct pkgsvc_repo *other = repo ? NULL : pkgsvc_repo_offering(name, true);
    if (!repo && other && !pkgsvc_repo_offering(name, false))
        return errmsg_set(err, SOS_ERR_NOT_FOUND, "%s is on the %s channel of %s, which "
                          "follows %s (pkg policy channel %s testing)", name,
                          pkg_channel_name(pkg_index_find(&other->index, name, NULL)->channel),
                          other->name, pkg_channel_name(pkgsvc_policy_channel(other->name, name)),
                          other->name);
    if (!repo)
        return errmsg_set(err, SOS_ERR_NOT_FOUND, "no repository %s %s",
                          other ? "that policy allows offers" : "offers", name);
    if (pin && version[0] && strcmp(pin, version))
        return errmsg_set(err, SOS_ERR_ACCESS_DENIED, "%s is pinned to %s by policy", name, pin);
    if (pin)
        version = pin;
    int rc = version[0] ? pkg_version_parse(version, strlen(version), &v, err) : 0;
    if (!rc && version[0])
        rc = channel_has(repo, name, &v, err);
    struct pkgsvc_progress pr;
    if (!rc)
        rc = pkgdb_install(&g_pkg.db, pkgsvc_repo_offers(repo),
                           pkgsvc_progress_fetch(&pr, &repo->fetch, progress), name,
                           version[0] ? &v : NULL, err);
    if (!rc) {
        pkgsvc_prov_note(repo, who);
        pkgsvc_say("%s (generation %u)\n", g_pkg.db.cur.reason, (unsigned)g_pkg.db.cur.number);
    }
    return rc;
}

/* The channel a client attached for PKG_PROGRESS, or 0 (the request's handles are
 * closed after it). */
static sos_handle_t progress_channel(const struct sl_request *r)
{
    return r->nhandles == 1 ? r->handles[0] : 0;
}

static int do_install(struct sl_request *r)
{
    struct errmsg err;
    const char *name = NULL, *version = NULL;
    int rc = begin(r, SOS_RIGHT_WRITE, 2, &name, &version, &err);
    if (!rc)
        rc = install(name, version, ((struct sl_peer *)r->client)->name, progress_channel(r), &err);
    return answer(r, rc, &err);
}

static int do_update(struct sl_request *r)
{
    struct errmsg err;
    const char *name = NULL;
    int rc = begin(r, SOS_RIGHT_WRITE, 1, &name, NULL, &err);
    const char *who = rc ? "" : ((struct sl_peer *)r->client)->name;
    if (!rc && name[0])
        rc = install(name, "", who, progress_channel(r), &err);
    for (uint32_t i = 0; !rc && !name[0] && i < g_pkg.db.cur.set.count; i++) {
        char each[PKG_NAME_MAX + 1];
        snprintf(each, sizeof each, "%s", g_pkg.db.cur.set.pkg[i].name);
        int one = install(each, "", who, progress_channel(r), &err);
        if (one == SOS_ERR_ALREADY_EXISTS)
            pkgsvc_say("%s\n", err.msg);
        else
            rc = one;
    }
    return answer(r, rc, &err);
}

static int do_remove(struct sl_request *r)
{
    struct errmsg err;
    const char *name = NULL;
    int rc = begin(r, SOS_RIGHT_WRITE, 1, &name, NULL, &err);
    if (!rc)
        rc = pkgdb_remove(&g_pkg.db, name, &err);
    if (!rc)
        pkgsvc_say("%s (generation %u)\n", g_pkg.db.cur.reason, (unsigned)g_pkg.db.cur.number);
    return answer(r, rc, &err);
}

static int do_rollback(struct sl_request *r)
{
    struct errmsg err;
    int rc = begin(r, SOS_RIGHT_WRITE, 0, NULL, NULL, &err);
    if (!rc)
        rc = pkgdb_rollback(&g_pkg.db, &err);
    if (!rc)
        pkgsvc_say("%s (generation %u)\n", g_pkg.db.cur.reason, (unsigned)g_pkg.db.cur.number);
    return answer(r, rc, &err);
}

static int do_history(struct sl_request *r)
{
    static struct pkg_gen g;
    struct errmsg err;
    int rc = begin(r, SOS_RIGHT_READ, 0, NULL, NULL, &err);
    for (uint32_t n = 1; !rc && n <= g_pkg.db.cur.number; n++) {
        if (pkgdb_load_gen(&g_pkg.db, n, &g, &err)) {
            pkgsvc_say("%3u  (record unreadable: %s)\n", (unsigned)n, err.msg);
            continue;
        }
        pkgsvc_say("%3u%s %s\n", (unsigned)n, n == g_pkg.db.cur.number ? "*" : " ", g.reason);
    }
    if (!rc && !g_pkg.len)
        pkgsvc_say("no generations yet\n");
    return answer(r, rc, &err);
}

static void report(void *ctx, const char *pkg, const char *path, const char *what)
{
    pkgsvc_say("%s: %s %s%s\n", pkg, path, what, ctx ? ": rewritten" : "");
}

static int do_check(struct sl_request *r, bool fix)
{
    struct errmsg err;
    int rc = begin(r, fix ? SOS_RIGHT_WRITE : SOS_RIGHT_READ, 0, NULL, NULL, &err);
    if (!rc)
        rc = fix ? pkgdb_repair(&g_pkg.db, report, (void *)1, &err)
                 : pkgdb_verify(&g_pkg.db, report, NULL, &err);
    if (rc >= 0)
        pkgsvc_say(fix ? "%d files repaired\n" : "%d bad files\n", rc);
    return answer(r, rc, &err);
}

static int do_verify(struct sl_request *r)
{
    return do_check(r, false);
}

static int do_repair(struct sl_request *r)
{
    return do_check(r, true);
}

static int do_gc(struct sl_request *r)
{
    struct errmsg err;
    int rc = begin(r, SOS_RIGHT_WRITE, 0, NULL, NULL, &err);
    if (!rc)
        rc = pkgdb_gc(&g_pkg.db, &err);
    if (rc >= 0)
        pkgsvc_say("%d unused files removed\n", rc);
    return answer(r, rc, &err);
}

static bool read_only_op(const char *op)
{
    return !strcmp(op, "list") || !strcmp(op, "trust") || !strcmp(op, "keys");
}

static int do_repo(struct sl_request *r)
{
    struct errmsg err;
    const char *op = NULL, *name = NULL, *url = "", *root = "";
    int rc = begin(r, SOS_RIGHT_READ, 2, &op, &name, &err);
    struct sl_peer *p = r->client;
    if (!rc && (!op || !name)) /* url and root are optional; op and name are not */
        rc = errmsg_set(&err, SOS_ERR_INVALID_ARGS, "repo: an operation and a name");
    struct sl_parse ps;
    sl_parse_begin(&ps, r->bytes, r->len, NULL, 0, NULL);
    if (!rc && sl_parse_str(&ps, NULL) && sl_parse_str(&ps, NULL) && ps.pos < ps.len) {
        url = sl_parse_str(&ps, NULL);
        root = url ? sl_parse_str(&ps, NULL) : NULL;
        if (!url || !root)
            rc = errmsg_set(&err, SOS_ERR_INVALID_ARGS, "repo: a url and a root file");
    }
    if (!rc && !read_only_op(op) && !(p->rights & SOS_RIGHT_WRITE))
        rc = errmsg_set(&err, SOS_ERR_ACCESS_DENIED, "not allowed");
    if (!rc)
        rc = pkgsvc_repo_op(op, name, url, root, p->name, &err);
    if (!rc && !g_pkg.len)
        pkgsvc_say("no repositories\n");
    return answer(r, rc, &err);
}

static int do_policy(struct sl_request *r)
{
    struct errmsg err;
    const char *op = NULL, *a = NULL, *b = NULL;
    int rc = begin(r, SOS_RIGHT_READ, 2, &op, &a, &err);
    struct sl_parse ps;
    sl_parse_begin(&ps, r->bytes, r->len, NULL, 0, NULL);
    if (!rc && (!op || !a || !sl_parse_str(&ps, NULL) || !sl_parse_str(&ps, NULL) ||
                !(b = sl_parse_str(&ps, NULL))))
        rc = errmsg_set(&err, SOS_ERR_INVALID_ARGS, "policy: an operation and two words");
    if (!rc)
        rc = pkgsvc_policy_op(op, a, b, ((struct sl_peer *)r->client)->rights & SOS_RIGHT_WRITE,
                              &err);
    return answer(r, rc, &err);
}

static int do_which(struct sl_request *r)
{
    static struct pkg p;
    struct errmsg err;
    const char *name = NULL;
    int rc = begin(r, SOS_RIGHT_READ, 1, &name, NULL, &err);
    const struct pkg_avail *a = NULL;
    for (uint32_t i = 0; !rc && i < g_pkg.db.cur.set.count; i++)
        if (!strcmp(g_pkg.db.cur.set.pkg[i].name, name))
            a = &g_pkg.db.cur.set.pkg[i];
    if (!rc && !a)
        rc = errmsg_set(&err, SOS_ERR_NOT_FOUND, "%s is not installed", name);
    uint8_t *data = NULL;
    if (!rc)
        rc = pkgdb_load_pkg(&g_pkg.db, a, &data, &p, &err);
    const struct pkg_file *exe = NULL;
    char want[PKG_NAME_MAX + 8];
    snprintf(want, sizeof want, "bin/%s", name);
    for (uint32_t i = 0; !rc && i < p.info.file_count; i++)
        if (p.info.file[i].kind == BUNDLE_KIND_EXECUTABLE &&
            (!exe || !strcmp(p.info.file[i].path, want)))
            exe = &p.info.file[i];
    free(data);
    if (!rc && !exe)
        rc = errmsg_set(&err, SOS_ERR_NOT_FOUND, "%s has no program", name);
    if (!rc) {
        char path[96];
        pkgdb_object_path(exe->sha256, path);
        pkgsvc_say("%s/%s", PKG_STATE_PATH, path);
    }
    return answer(r, rc, &err);
}

/* PKG_TRUSTINFO: for the security service (trustinfo.c). */
static int do_trustinfo(struct sl_request *r)
{
    struct errmsg err;
    const char *image = NULL;
    int rc = begin(r, SOS_RIGHT_READ, 1, &image, NULL, &err);
    if (!rc)
        pkgsvc_trustinfo(image);
    return answer(r, rc, &err);
}

/* PKG_TRUST: the same records as PKG_TRUSTINFO's, for programs (trustinfo.c). */
static int do_trust(struct sl_request *r)
{
    struct errmsg err;
    const char *name = NULL;
    int rc = begin(r, SOS_RIGHT_READ, 1, &name, NULL, &err);
    if (rc)
        return answer(r, rc, &err);
    pkgsvc_trust_records(name, r->reply);
    return 0;
}

static const struct sl_op g_ops[] = {
    {PKG_LIST, 0, do_list},       {PKG_SHOW, 0, do_show},         {PKG_SEARCH, 0, do_search},
    {PKG_INSTALL, 0, do_install}, {PKG_UPDATE, 0, do_update},     {PKG_REMOVE, 0, do_remove},
    {PKG_ROLLBACK, 0, do_rollback}, {PKG_HISTORY, 0, do_history}, {PKG_VERIFY, 0, do_verify},
    {PKG_REPAIR, 0, do_repair},   {PKG_GC, 0, do_gc},             {PKG_REPO, 0, do_repo},
    {PKG_WHICH, 0, do_which},     {PKG_POLICY, 0, do_policy},
    {PKG_TRUSTINFO, 0, do_trustinfo}, {PKG_PACKAGES, 0, do_packages}, {PKG_TRUST, 0, do_trust},
};

/* Storage went away (restarted): every directory handle the service holds is dead, and
 * only the root manager can hand out its resources again. A clean exit gets a fresh
 * start with fresh handles (restart=always: a clean exit costs no restart budget). */
static void on_storage_gone(struct sl_server *srv, const struct sos_port_packet *pkt, void *arg)
{
    (void)pkt;
    (void)arg;
    sl_server_stop(srv, 0);
}

/* The boot store, mapped read-only, for the roots of trust it ships. */
static void open_boot_store(void)
{
    sos_handle_t store = sos_startup_handle("bootstore");
    uint64_t size;
    struct errmsg em;
    if (!store || sos_vmo_get_size(store, &size))
        return;
    struct sos_vm_map m = {sos_self_process(), store, 0, size, SOS_VM_READ, 0, 0};
    if (sos_vm_map(&m) == 0 &&
        bundle_open(&g_pkg.boot, (const void *)(uintptr_t)m.addr, size, &em) == 0)
        g_pkg.boot_ok = true;
}

int main(void)
{
    int err = sl_service_init(&g_pkg.srv, g_ops, sizeof g_ops / sizeof g_ops[0], &g_pkg);
    if (err) {
        printf("package: cannot start its server loop: %s\n", sos_strerror(err));
        return 1;
    }
    g_pkg.state_dir = sos_startup_handle("storage/data/pkg");
    g_pkg.repo_root = sos_startup_handle("storage/data/repo");
    open_boot_store();
    g_pkg.kernel = sos_startup_handle("stats");
    struct errmsg e = {0};
    if (!g_pkg.state_dir)
        printf("package: no state directory (resource storage/data/pkg)\n");
    else
        sl_server_watch(&g_pkg.srv, g_pkg.state_dir, SOS_SIG_PEER_CLOSED, SOS_WAIT_ASYNC_ONCE,
                        on_storage_gone, NULL);
    pkgsvc_store_init(&g_pkg.store, g_pkg.state_dir);
    if (g_pkg.state_dir && pkgdb_open(&g_pkg.db, &g_pkg.store, PKG_ARCH, &e) == 0)
        g_pkg.db_ok = true;
    else if (g_pkg.state_dir)
        printf("package: the package state is unusable: %s\n", e.msg);
    if (g_pkg.state_dir && (err = pkgsvc_policy_load()) != 0)
        printf("package: cannot read the policy: %s\n", sos_strerror(err));
    if (g_pkg.state_dir && (err = pkgsvc_repos_load()) != 0)
        printf("package: cannot read the repository list: %s\n", sos_strerror(err));
    err = sl_service_ready();
    if (err) {
        printf("package: the root manager did not take our ready: %s\n", sos_strerror(err));
        return 1;
    }
    pkgsvc_activate_init();
    static struct heartbeat hb;
    if (heartbeat_start(&g_pkg.srv, &hb, STATUS_HEARTBEAT_PERIOD_NS))
        printf("package: cannot send heartbeats\n");
    return sl_server_run(&g_pkg.srv);
}
