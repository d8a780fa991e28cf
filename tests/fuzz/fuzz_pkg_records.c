/*
 * tests/fuzz/fuzz_pkg_records.c - the package service's record decoders
 * (services/clients/pkgrec.c: PKG_PACKAGES and PKG_TRUST replies) on arbitrary bytes.
 *
 * Checked: nothing reads outside the message (ASan; the input is copied into a buffer
 * of exactly its size); a decoder returns 0 or SOS_ERR_BAD_FORMAT; what it accepts
 * keeps the protocol's promises: at most PKG_PAGE_MAX packages and PKG_TRUST_REPOS
 * repositories, every string terminated inside its field, printable ASCII, names
 * and versions not empty, only known flags, channel and clock in range; and a refused
 * reply leaves nothing behind (no count, no origin).
 *
 * Layer: tests (host). Seeds: tests/fuzz/corpus/pkg_records/ (seeds_pkg_records.py).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <client/pkgrec.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
    if (!ok)
        abort();
}

static void text(const char *s, size_t cap, bool nonempty)
{
    size_t n = strnlen(s, cap);
    check(n < cap && (!nonempty || n > 0));
    for (size_t i = 0; i < n; i++)
        check(s[i] >= ' ' && s[i] <= '~');
}

#define TEXT(f, nonempty) text((f), sizeof(f), (nonempty))

static void check_package(const struct pkgc_package *p)
{
    TEXT(p->name, true), TEXT(p->version, true), TEXT(p->desc, false);
    TEXT(p->installed, false), TEXT(p->repo, false);
    check(!(p->flags & ~PKG_PACKAGE_INSTALLED) && p->channel < PKG_CHANNEL_COUNT);
}

static void check_trust(const struct pkgc_trust *t)
{
    check(t->nrepos <= PKG_TRUST_REPOS);
    for (uint32_t i = 0; i < t->nrepos; i++) {
        const struct pkgc_repo *r = &t->repo[i];
        TEXT(r->name, true), TEXT(r->url, false), TEXT(r->keys, false);
        check(r->clock < PKG_CLOCK_COUNT);
    }
    if (!t->has_origin)
        return;
    const struct pkgc_origin *o = &t->origin;
    TEXT(o->name, true), TEXT(o->version, true), TEXT(o->repo, false), TEXT(o->url, false);
    TEXT(o->keys, false), TEXT(o->verified, false), TEXT(o->policy, false), TEXT(o->sha256, false);
    TEXT(o->images, false), TEXT(o->who, false);
    check(!(o->flags & ~(PKG_ORIGIN_RECORDED | PKG_ORIGIN_LISTED)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct pkgc_package page[PKG_PAGE_MAX];
    static struct pkgc_trust t;
    if (size > 1 << 20)
        return 0;
    uint8_t *m = malloc(size ? size : 1);
    check(m != NULL);
    memcpy(m, data, size);
    uint32_t n = 0, next = 0;
    int err = pkgc_packages_decode(m, (uint32_t)size, page, &n, &next);
    check(err == 0 || err == SOS_ERR_BAD_FORMAT);
    check(err ? n == 0 : n <= PKG_PAGE_MAX);
    for (uint32_t i = 0; i < n; i++)
        check_package(&page[i]);
    err = pkgc_trust_decode(m, (uint32_t)size, &t);
    check(err == 0 || err == SOS_ERR_BAD_FORMAT);
    if (err)
        check(t.nrepos == 0 && !t.has_origin);
    else
        check_trust(&t);
    free(m);
    return 0;
}
