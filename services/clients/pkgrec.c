/*
 * services/clients/pkgrec.c - the package service's records (client/pkgrec.h): each
 * record's fields in one place, put by the service and got by its clients, in the
 * order proto/pkg.h gives.
 *
 * A getter copies each string into its field only when it fits and is printable ASCII
 * and checks flags and enumerations against what the protocol defines: a record either
 * decodes whole or the reply is refused. The reply decoders also refuse counts over
 * the protocol's limits and bytes after the last record, so a reply cut short or
 * padded is never mistaken for a shorter list.
 *
 * Layer: services (package client; the package service links it too).
 */
#include <client/pkgrec.h>

#include <string.h>

#include <sl/ipc.h>

/* The next string of p into out[cap]: false when it is missing, does not fit or has a
 * byte outside printable ASCII. */
static bool get_str(struct sl_parse *p, char *out, uint32_t cap)
{
    uint32_t n = 0;
    const char *s = sl_parse_str(p, &n);
    if (!s || n >= cap)
        return false;
    for (uint32_t i = 0; i < n; i++)
        if (s[i] < ' ' || s[i] > '~')
            return false;
    memcpy(out, s, n + 1);
    return true;
}

#define GET_STR(p, field) get_str((p), (field), sizeof(field))

void pkgc_package_put(struct sl_msg *m, const struct pkgc_package *p)
{
    sl_msg_put_str(m, p->name);
    sl_msg_put_str(m, p->version);
    sl_msg_put_str(m, p->desc);
    sl_msg_put_u32(m, p->flags);
    sl_msg_put_str(m, p->installed);
    sl_msg_put_u32(m, p->channel);
    sl_msg_put_str(m, p->repo);
    sl_msg_put_u64(m, p->size);
    sl_msg_put_str(m, p->depends);
}

int pkgc_package_get(struct sl_parse *p, struct pkgc_package *out)
{
    bool ok = GET_STR(p, out->name) && GET_STR(p, out->version) && GET_STR(p, out->desc);
    out->flags = sl_parse_u32(p);
    ok = ok && GET_STR(p, out->installed);
    out->channel = sl_parse_u32(p);
    ok = ok && GET_STR(p, out->repo);
    out->size = sl_parse_u64(p);
    ok = ok && GET_STR(p, out->depends);
    ok = ok && !p->bad && out->name[0] && out->version[0] && !(out->flags & ~PKG_PACKAGE_INSTALLED) &&
         out->channel < PKG_CHANNEL_COUNT;
    return ok ? 0 : SOS_ERR_BAD_FORMAT;
}

void pkgc_repo_put(struct sl_msg *m, const struct pkgc_repo *r)
{
    sl_msg_put_str(m, r->name);
    sl_msg_put_str(m, r->url);
    sl_msg_put_u32(m, r->root_version);
    sl_msg_put_u64(m, r->expires);
    sl_msg_put_u32(m, r->snapshot);
    sl_msg_put_u32(m, r->targets);
    sl_msg_put_u32(m, r->packages);
    sl_msg_put_u32(m, r->clock);
    sl_msg_put_str(m, r->keys);
}

int pkgc_repo_get(struct sl_parse *p, struct pkgc_repo *out)
{
    bool ok = GET_STR(p, out->name) && GET_STR(p, out->url);
    out->root_version = sl_parse_u32(p);
    out->expires = sl_parse_u64(p);
    out->snapshot = sl_parse_u32(p);
    out->targets = sl_parse_u32(p);
    out->packages = sl_parse_u32(p);
    out->clock = sl_parse_u32(p);
    ok = ok && GET_STR(p, out->keys);
    ok = ok && !p->bad && out->name[0] && out->clock < PKG_CLOCK_COUNT;
    return ok ? 0 : SOS_ERR_BAD_FORMAT;
}

void pkgc_origin_put(struct sl_msg *m, const struct pkgc_origin *o)
{
    sl_msg_put_str(m, o->name);
    sl_msg_put_str(m, o->version);
    sl_msg_put_u32(m, o->flags);
    sl_msg_put_str(m, o->repo);
    sl_msg_put_str(m, o->url);
    sl_msg_put_u32(m, o->root_version);
    sl_msg_put_str(m, o->keys);
    sl_msg_put_str(m, o->verified);
    sl_msg_put_str(m, o->policy);
    sl_msg_put_str(m, o->sha256);
    sl_msg_put_str(m, o->images);
    sl_msg_put_u32(m, o->generation);
    sl_msg_put_str(m, o->who);
}

int pkgc_origin_get(struct sl_parse *p, struct pkgc_origin *out)
{
    bool ok = GET_STR(p, out->name) && GET_STR(p, out->version);
    out->flags = sl_parse_u32(p);
    ok = ok && GET_STR(p, out->repo) && GET_STR(p, out->url);
    out->root_version = sl_parse_u32(p);
    ok = ok && GET_STR(p, out->keys) && GET_STR(p, out->verified) && GET_STR(p, out->policy) &&
         GET_STR(p, out->sha256) && GET_STR(p, out->images);
    out->generation = sl_parse_u32(p);
    ok = ok && GET_STR(p, out->who);
    ok = ok && !p->bad && out->name[0] && out->version[0] &&
         !(out->flags & ~(PKG_ORIGIN_RECORDED | PKG_ORIGIN_LISTED));
    return ok ? 0 : SOS_ERR_BAD_FORMAT;
}

/* Nothing may follow the last record. */
static int end(const struct sl_parse *p)
{
    return p->bad || p->pos != p->len ? SOS_ERR_BAD_FORMAT : 0;
}

int pkgc_packages_decode(const void *bytes, uint32_t len, struct pkgc_package *out, uint32_t *n,
                         uint32_t *next)
{
    struct sl_parse p;
    *n = 0;
    *next = 0;
    if (sl_parse_begin(&p, bytes, len, NULL, 0, NULL))
        return SOS_ERR_BAD_FORMAT;
    uint32_t at = sl_parse_u32(&p), count = sl_parse_u32(&p);
    if (p.bad || count > PKG_PAGE_MAX)
        return SOS_ERR_BAD_FORMAT;
    for (uint32_t i = 0; i < count; i++)
        if (pkgc_package_get(&p, &out[i]))
            return SOS_ERR_BAD_FORMAT;
    if (end(&p))
        return SOS_ERR_BAD_FORMAT;
    *n = count;
    *next = at;
    return 0;
}

int pkgc_trust_decode(const void *bytes, uint32_t len, struct pkgc_trust *out)
{
    struct sl_parse p;
    memset(out, 0, sizeof(*out));
    if (sl_parse_begin(&p, bytes, len, NULL, 0, NULL))
        return SOS_ERR_BAD_FORMAT;
    uint32_t n = sl_parse_u32(&p);
    int err = p.bad || n > PKG_TRUST_REPOS ? SOS_ERR_BAD_FORMAT : 0;
    for (uint32_t i = 0; !err && i < n; i++)
        err = pkgc_repo_get(&p, &out->repo[i]);
    uint32_t m = err ? 0 : sl_parse_u32(&p);
    if (!err && (p.bad || m > 1))
        err = SOS_ERR_BAD_FORMAT;
    if (!err && m)
        err = pkgc_origin_get(&p, &out->origin);
    if (!err)
        err = end(&p);
    if (err) {
        memset(out, 0, sizeof(*out));
        return SOS_ERR_BAD_FORMAT;
    }
    out->nrepos = n;
    out->has_origin = m == 1;
    return 0;
}

const struct pkgc_repo *pkgc_trust_repo(const struct pkgc_trust *t, const char *name)
{
    for (uint32_t i = 0; i < t->nrepos; i++)
        if (!strcmp(t->repo[i].name, name))
            return &t->repo[i];
    return NULL;
}
