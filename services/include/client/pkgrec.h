/*
 * services/include/client/pkgrec.h - the package service's records (proto/pkg.h
 * PKG_PACKAGES, PKG_TRUST) and their one codec (services/clients/pkgrec.c): the service
 * encodes with the _put functions, a client decodes with the _get and _decode ones, so
 * both ends read the same field list. Decoding is strict: a string that does not fit
 * its field or is not printable ASCII, an unknown flag, a channel or clock out of
 * range, a count over its limit or bytes after the last record fail with
 * SOS_ERR_BAD_FORMAT, never a partial record.
 *
 * No system calls: the decoders run anywhere (host tests, the fuzz target).
 *
 * Layer: services (package client).
 */
#ifndef PKG_RECORDS_H
#define PKG_RECORDS_H

#include <stdbool.h>
#include <stdint.h>

#include <proto/pkg.h>

struct sl_msg;
struct sl_parse;

/* A PKG_PACKAGES record: a package version offered, or installed. */
struct pkgc_package {
    char name[PKG_REC_NAME], version[PKG_REC_VERSION], desc[PKG_REC_TEXT];
    uint32_t flags;                  /* PKG_PACKAGE_INSTALLED */
    char installed[PKG_REC_VERSION]; /* the version of name installed, "" none */
    uint32_t channel;                /* enum pkg_channel */
    char repo[PKG_REC_NAME];         /* "" none */
    uint64_t size;
    char depends[PKG_REC_LINE];      /* "name >=1, other", "" none */
};

/* A PKG_TRUST repository record. */
struct pkgc_repo {
    char name[PKG_REC_NAME], url[PKG_URL_MAX + 1];
    uint32_t root_version;
    uint64_t expires;                /* seconds since 1970 */
    uint32_t snapshot, targets, packages;
    uint32_t clock;                  /* enum pkg_clock */
    char keys[PKG_REC_KEYS];
};

/* A PKG_TRUST origin record: where an installed package came from. */
struct pkgc_origin {
    char name[PKG_REC_NAME], version[PKG_REC_VERSION];
    uint32_t flags;                  /* PKG_ORIGIN_RECORDED, PKG_ORIGIN_LISTED */
    char repo[PKG_REC_NAME], url[PKG_URL_MAX + 1];
    uint32_t root_version;
    char keys[PKG_REC_KEYS], verified[PKG_REC_LINE], policy[PKG_REC_LINE];
    char sha256[PKG_REC_HASH], images[PKG_REC_IMAGES];
    uint32_t generation;
    char who[PKG_REC_NAME];
};

/* A PKG_TRUST reply, decoded. */
struct pkgc_trust {
    uint32_t nrepos;
    struct pkgc_repo repo[PKG_TRUST_REPOS];
    bool has_origin;
    struct pkgc_origin origin;
};

void pkgc_package_put(struct sl_msg *m, const struct pkgc_package *p);
void pkgc_repo_put(struct sl_msg *m, const struct pkgc_repo *r);
void pkgc_origin_put(struct sl_msg *m, const struct pkgc_origin *o);
/* One record from p into out: 0 or SOS_ERR_BAD_FORMAT (out then undefined). */
int pkgc_package_get(struct sl_parse *p, struct pkgc_package *out);
int pkgc_repo_get(struct sl_parse *p, struct pkgc_repo *out);
int pkgc_origin_get(struct sl_parse *p, struct pkgc_origin *out);

/* A whole PKG_PACKAGES reply (bytes include the header): up to PKG_PAGE_MAX records
 * into out[PKG_PAGE_MAX], their count and the next page's start. 0 or
 * SOS_ERR_BAD_FORMAT (then *n is 0). */
int pkgc_packages_decode(const void *bytes, uint32_t len, struct pkgc_package *out, uint32_t *n,
                         uint32_t *next);
/* A whole PKG_TRUST reply. 0 or SOS_ERR_BAD_FORMAT. */
int pkgc_trust_decode(const void *bytes, uint32_t len, struct pkgc_trust *out);

/* The repository record of t called name, or NULL. */
const struct pkgc_repo *pkgc_trust_repo(const struct pkgc_trust *t, const char *name);

#endif
