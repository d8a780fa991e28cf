/*
 * services/rootmgr/packaged.c - services that come in packages (docs/packages.md,
 * "Activation"): the package service makes them known with MGR_PKG_SERVICE and
 * forgets them with MGR_PKG_WITHDRAW (proto/mgr.h).
 *
 * A packaged service joins the manifest set after the boot store's: its manifest is
 * parsed like theirs, must hold exactly one service, may not take a boot-store
 * service's name (a package cannot replace or shadow one), may name only services that
 * exist, may have no resource but storage/<path> and may not be an `emergency` one.
 * Its image is the installed file, read from storage into a VMO when it is made known
 * (the root manager's loader checks it at each start, as for `run image`). It is
 * appended to the start order (the last wave), so `start <name>` and the restart
 * policy work as for any service, and shutdown stops it first. Withdrawing stops it
 * (orderly) and hides it; a later MGR_PKG_SERVICE of the same name takes the slot again
 * (a package update). Only the service called MGR_PKG_CALLER may ask, with manage.
 *
 * Every start of a packaged service (by `start`, at boot, on demand, on a restart) first
 * asks the launch gate (gate.c) with the image's hash and the package, repository and
 * key ids the package service gave: the launch policy by hash, package and publisher.
 * A packaged service waits for the security service to be ready (rootmgr.c any_dep), so
 * one made known at boot is not refused because the gate is still starting.
 *
 * Layer: services (root manager).
 */
#include "rootmgr.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int refuse(struct sl_request *r, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int refuse(struct sl_request *r, int code, const char *fmt, ...)
{
    char msg[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    rm_log(LOG_WARNING, "packaged service refused: %s", msg);
    sl_msg_put_str(r->reply, msg);
    return code;
}

static bool known(const char *name, uint32_t count)
{
    if (!strcmp(name, MANIFEST_ROOT_SERVICE))
        return true;
    for (uint32_t i = 0; i < count; i++)
        if (!strcmp(g_rm.set.svc[i].name, name) && !g_rm.svcs[i].withdrawn)
            return true;
    return false;
}

/* What a packaged manifest may not ask for; NULL when it is fine. */
static const char *forbidden(const struct manifest *m, uint32_t count, char *why, size_t n)
{
    for (uint32_t k = 0; k < m->n_resources; k++)
        if (!m->resource_dir[k]) {
            snprintf(why, n, "%s: resource %s: a packaged service may only have "
                     "storage/<path> resources", m->name, m->resources[k]);
            return why;
        }
    const char *other = NULL;
    for (uint32_t k = 0; !other && k < m->n_depends; k++)
        other = known(m->depends[k].name, count) ? NULL : m->depends[k].name;
    for (uint32_t k = 0; !other && k < m->n_grants; k++)
        other = known(m->grants[k].service, count) ? NULL : m->grants[k].service;
    for (uint32_t k = 0; !other && k < m->n_lookups; k++)
        other = known(m->lookups[k].service, count) ? NULL : m->lookups[k].service;
    if (other)
        snprintf(why, n, "%s names %s, which is not a service here", m->name, other);
    else if (m->emergency)
        snprintf(why, n, "%s: a packaged service cannot be an emergency service", m->name);
    return other || m->emergency ? why : NULL;
}

/* Appends slot k to the start order, in the last wave. */
static void plan_append(uint32_t k)
{
    struct manifest_plan *p = &g_rm.plan;
    p->order[p->count++] = (uint8_t)k;
    p->wave_of[k] = (uint8_t)(p->n_waves ? p->n_waves - 1 : 0);
    if (!p->n_waves)
        p->n_waves = 1;
    p->wave_start[p->n_waves] = (uint8_t)p->count;
}

static struct rm_origin g_origins[MANIFEST_MAX_SERVICES];

int rm_gate_service(struct svc *s)
{
    char why[SOS_SPAWN_REASON_MAX];
    if (!s->origin)
        return 0;
    int err = rm_launch_check(s->m->name, s->origin, why, sizeof(why));
    if (err)
        snprintf(s->detail, sizeof(s->detail), "%s", why);
    return err;
}

/* Puts the parsed manifest (at set index `fresh`) into slot e (a packaged service of
 * the same name) or a new slot, with its image. */
static struct svc *take_slot(int e, uint32_t fresh, sos_handle_t image)
{
    struct svc *s;
    if (e >= 0) {
        g_rm.set.svc[e] = g_rm.set.svc[fresh];
        g_rm.set.count = fresh;
        s = &g_rm.svcs[e];
        if (s->image)
            sos_handle_close(s->image);
        s->withdrawn = false;
        if (!s->proc)
            s->phase = SVC_DORMANT;
    } else {
        g_rm.nsvcs = fresh + 1;
        rm_svc_setup(fresh);
        s = &g_rm.svcs[fresh];
        s->packaged = true;
        s->phase = SVC_DORMANT;
        plan_append(fresh);
    }
    s->image = image;
    s->origin = &g_origins[s->idx];
    return s;
}

/* The optional package, repository and key ids after the image path. */
static void parse_origin(struct sl_parse *p, struct rm_origin *o)
{
    snprintf(o->package, sizeof(o->package), "%s", sl_parse_str_opt(p));
    snprintf(o->repo, sizeof(o->repo), "%s", sl_parse_str_opt(p));
    snprintf(o->keys, sizeof(o->keys), "%s", sl_parse_str_opt(p));
}

static int do_service(struct sl_request *r)
{
    struct sl_parse p;
    uint32_t tlen;
    sl_parse_begin(&p, r->bytes, r->len, NULL, 0, NULL);
    uint32_t flags = sl_parse_u32(&p);
    const char *text = sl_parse_str(&p, &tlen), *file = sl_parse_str(&p, NULL);
    const char *path = sl_parse_str(&p, NULL);
    static struct rm_origin o;
    memset(&o, 0, sizeof(o));
    parse_origin(&p, &o);
    if (sl_parse_end(&p) || !text || !file || !path)
        return SOS_ERR_INVALID_ARGS;
    snprintf(o.path, sizeof(o.path), "%s", path);
    uint32_t old = g_rm.set.count;
    struct errmsg em;
    char why[200];
    if (old != g_rm.nsvcs || old >= MANIFEST_MAX_SERVICES)
        return refuse(r, SOS_ERR_NO_RESOURCES, "no room for another service");
    if (manifest_parse(&g_rm.set, file, text, tlen, &em))
        return refuse(r, SOS_ERR_INVALID_ARGS, "%s", em.msg);
    const struct manifest *m = &g_rm.set.svc[old];
    int e = -1;
    for (uint32_t i = 0; i < old; i++)
        if (!strcmp(g_rm.set.svc[i].name, m->name))
            e = (int)i;
    int code = 0;
    if (g_rm.set.count != old + 1)
        code = refuse(r, SOS_ERR_INVALID_ARGS, "%s: a packaged manifest holds one service", file);
    else if (e >= 0 && !g_rm.svcs[e].packaged)
        code = refuse(r, SOS_ERR_ACCESS_DENIED, "%s is a service of the boot store: a package "
                      "cannot replace it", m->name);
    else if (forbidden(m, old, why, sizeof why))
        code = refuse(r, SOS_ERR_ACCESS_DENIED, "%s", why);
    sos_handle_t image = 0;
    uint64_t size;
    if (!code && !(flags & MGR_PKG_CHECK) &&
        (code = rm_stored_image_vmo(path, &image, &size, o.hash)))
        refuse(r, code, "%s: image %s cannot be read", m->name, path);
    if (code || (flags & MGR_PKG_CHECK)) {
        g_rm.set.count = old;
        return code;
    }
    struct svc *s = take_slot(e, old, image);
    *s->origin = o;
    memcpy(s->image_hash, o.hash, sizeof(o.hash));
    s->hashed = true;
    rm_log(LOG_NOTICE, "packaged service %s: image %s (%s)", s->m->name, path,
           s->m->startup == MANIFEST_STARTUP_EAGER ? "starting" : "on demand");
    if (s->m->startup == MANIFEST_STARTUP_EAGER && !s->proc) {
        s->phase = SVC_WAITING;
        rm_start_eligible();
    }
    return 0;
}

static int do_withdraw(struct sl_request *r)
{
    struct sl_parse p;
    sl_parse_begin(&p, r->bytes, r->len, NULL, 0, NULL);
    const char *name = sl_parse_str(&p, NULL);
    if (sl_parse_end(&p) || !name)
        return SOS_ERR_INVALID_ARGS;
    struct svc *s = NULL;
    for (uint32_t i = 0; i < g_rm.nsvcs; i++)
        if (!strcmp(g_rm.svcs[i].m->name, name))
            s = &g_rm.svcs[i];
    if (!s)
        return refuse(r, SOS_ERR_NOT_FOUND, "no service %s", name);
    if (s->withdrawn)
        return 0; /* already: the removal withdrew it before its commit */
    if (!s->packaged)
        return refuse(r, SOS_ERR_ACCESS_DENIED, "%s is a service of the boot store: a package "
                      "cannot remove it", name);
    if (s->proc)
        rm_stop(s, false);
    s->withdrawn = true;
    s->phase = SVC_DORMANT;
    rm_log(LOG_NOTICE, "packaged service %s withdrawn%s", name, s->proc ? " (stopping)" : "");
    return 0;
}

int rm_pkg_op(struct sl_request *r)
{
    const struct client *c = r->client;
    if (!c || c->kind != CLIENT_MGR || !(c->rights & SOS_RIGHT_MANAGE) ||
        strcmp(c->name, MGR_PKG_CALLER))
        return SOS_ERR_ACCESS_DENIED;
    return r->hdr.ordinal == MGR_PKG_SERVICE ? do_service(r) : do_withdraw(r);
}
