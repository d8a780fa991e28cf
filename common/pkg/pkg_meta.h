/*
 * pkg_meta.h - signed repository metadata: the envelope every role's file shares, and
 * its check against trusted keys (docs/packages.md, "Signed metadata").
 *
 * A metadata file is key=value text (the line rules of package.info). Its signed part
 * is every byte before the first `signature=` line; the signatures follow, one per line:
 *
 *   format=1
 *   role=timestamp
 *   version=12
 *   expires=1798761600            seconds since 1970 (UTC)
 *   ...                           the role's own lines (not read here)
 *   signature=<keyid> <signature>
 *
 * keyid is the hex of the first 8 bytes of the SHA-256 of the Ed25519 public key, the
 * signature 128 hex digits of Ed25519 over the signed part's bytes, as they are: no
 * canonical form to compute, so a signer and a verifier cannot disagree about what was
 * signed (the reason for a format of our own instead of JSON).
 *
 * meta_check verifies a file against the keys and threshold its role was given: it
 * counts valid signatures by distinct trusted keys (a key signing twice counts once,
 * unknown keys and bad signatures count nothing), then checks the role, that the
 * version is not older than the one already trusted and that it has not expired. Each
 * refusal names the attack it stops. Signature verification is the caller's function
 * (the services link the freestanding Ed25519, host tools the host build), so this file
 * needs no crypto library.
 *
 * Layer: common (freestanding; built for userspace and the host tools).
 */
#ifndef SOS_PKG_META_H
#define SOS_PKG_META_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../bundle/errmsg.h"

#define META_KEYID_SIZE 8
#define META_MAX_SIGS 16
#define META_ROLE_MAX 15
#define META_TEXT_MAX 65536

struct meta_key {
    uint8_t id[META_KEYID_SIZE];
    uint8_t pub[32];
};

struct meta_sig {
    uint8_t keyid[META_KEYID_SIZE];
    uint8_t sig[64];
};

struct meta {
    char role[META_ROLE_MAX + 1];
    uint32_t version;
    uint64_t expires;       /* seconds since 1970 */
    size_t signed_len;      /* bytes of the text the signatures cover */
    struct meta_sig sig[META_MAX_SIGS];
    uint32_t nsigs;
};

/* True when sig is pub's Ed25519 signature of msg[0..len). */
typedef bool (*meta_verify_fn)(const uint8_t pub[32], const uint8_t sig[64], const void *msg,
                               size_t len);

/* The keyid of a public key. */
void meta_keyid(const uint8_t pub[32], uint8_t id[META_KEYID_SIZE]);

/* Parses the envelope of text[0..len): format, role, version, expires, signatures. */
int meta_parse(const char *text, size_t len, struct meta *m, struct errmsg *err);

/* Checks m (parsed from text) as role `role`, signed by at least threshold of
 * keys[0..nkeys), version >= min_version, expires > now. 0 or SOS_ERR_ACCESS_DENIED
 * (signatures, role), SOS_ERR_BAD_STATE (rollback, freeze) with the attack named. */
int meta_check(const struct meta *m, const char *text, const struct meta_key *keys,
               uint32_t nkeys, uint32_t threshold, const char *role, uint32_t min_version,
               uint64_t now, meta_verify_fn verify, struct errmsg *err);

#endif
