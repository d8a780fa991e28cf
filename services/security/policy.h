/*
 * services/security/policy.h - the launch policy: a verdict per image content hash, per
 * package name and per publisher.
 *
 * A rule names an image by its SHA-256 (64 hex digits), a package by its name, or a
 * publisher (the repository a package came from, or one of the key ids that sign that
 * repository's targets), and says allow, block or ask; the default verdict covers every
 * image no rule matches. The most specific rule wins: the image's, then its package's,
 * then its publisher's (several publisher rules: the strictest, block over ask over
 * allow). Images from the boot store are always allowed (they are the system itself).
 * The table is kept in storage as a text file of lines "<verdict> <hash> <name>",
 * "<verdict> package <name>" and "<verdict> publisher <id>", which sec_policy_parse
 * reads back (refusing the whole file at its first bad line) and sec_policy_format
 * writes. A rule's target in requests and the shell is written the same way as the
 * file's: 64 hex digits, "package:<name>" or "publisher:<id>" (sec_target_parse).
 *
 * Pure logic: no system calls, unit-tested on the host (policy_test.c).
 *
 * Layer: services (security).
 */
#ifndef SECURITY_POLICY_H
#define SECURITY_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SEC_HASH_SIZE 32
#define SEC_HASH_HEX (2 * SEC_HASH_SIZE)
#define SEC_NAME_MAX 48
#define SEC_POLICY_MAX 64

enum sec_verdict { SEC_ALLOW = 0, SEC_BLOCK = 1, SEC_ASK = 2, SEC_VERDICT_COUNT };

enum sec_rule_kind { SEC_RULE_IMAGE = 0, SEC_RULE_PACKAGE = 1, SEC_RULE_PUBLISHER = 2 };

struct sec_rule {
    uint32_t kind;               /* enum sec_rule_kind */
    uint8_t hash[SEC_HASH_SIZE]; /* SEC_RULE_IMAGE: the image's SHA-256 */
    uint32_t verdict;
    /* image: what it was called when the rule was made; package: its name; publisher:
     * a repository name or a key id */
    char name[SEC_NAME_MAX];
};

/* What is known about an image asked to launch: its hash always; the package that
 * installed it, the repository it came from and the key ids signing that repository's
 * targets (comma-separated) when it comes from a package ("" or NULL otherwise). */
struct sec_subject {
    const uint8_t *hash;
    const char *package, *repo, *keys;
};

struct sec_policy {
    uint32_t dflt; /* enum sec_verdict for images without a rule */
    uint32_t n;
    struct sec_rule rules[SEC_POLICY_MAX];
};

const char *sec_verdict_name(uint32_t v);
/* "allow", "block", "ask" -> 0 and *v; anything else SOS_ERR_INVALID_ARGS. */
int sec_verdict_parse(const char *s, uint32_t *v);

/* 64 hex digits (either case) -> 32 bytes; 0, or SOS_ERR_INVALID_ARGS. */
int sec_hash_parse(const char *hex, size_t len, uint8_t out[SEC_HASH_SIZE]);
/* 32 bytes -> 64 lower-case hex digits and a NUL. */
void sec_hash_format(const uint8_t h[SEC_HASH_SIZE], char out[SEC_HASH_HEX + 1]);

void sec_policy_init(struct sec_policy *p, uint32_t dflt);
/* The verdict for an image: boot-store images are allowed; then its rule; then dflt. */
uint32_t sec_policy_decide(const struct sec_policy *p, const uint8_t hash[SEC_HASH_SIZE],
                           bool boot_store);
/* The verdict for a subject (never from the boot store): the image's rule, its
 * package's, its publishers' (the strictest), else dflt; *why (when not NULL) is the
 * rule that decided, or NULL for the default. */
uint32_t sec_policy_decide_subject(const struct sec_policy *p, const struct sec_subject *s,
                                   const struct sec_rule **why);
const struct sec_rule *sec_policy_find(const struct sec_policy *p,
                                       const uint8_t hash[SEC_HASH_SIZE]);
/* The package or publisher rule for key (kind SEC_RULE_PACKAGE or _PUBLISHER), or NULL. */
const struct sec_rule *sec_policy_find_key(const struct sec_policy *p, uint32_t kind,
                                           const char *key);
/* A rule's target as text: the hash's 64 hex digits, "package:<name>" or
 * "publisher:<id>" (out: at least SEC_TARGET_MAX bytes). */
#define SEC_TARGET_MAX (SEC_NAME_MAX + 16)
void sec_rule_target(const struct sec_rule *r, char *out, size_t cap);
/* Parses a target (the forms above) into *kind and hash or key (key: SEC_NAME_MAX
 * bytes); 0 or SOS_ERR_INVALID_ARGS. */
int sec_target_parse(const char *s, uint32_t *kind, uint8_t hash[SEC_HASH_SIZE], char *key);
/* Add or change the rule for a package or publisher; errors as sec_policy_set. */
int sec_policy_set_key(struct sec_policy *p, uint32_t kind, const char *key, uint32_t verdict);
/* Remove the rule with that target; true when there was one. */
bool sec_policy_remove(struct sec_policy *p, uint32_t kind, const uint8_t hash[SEC_HASH_SIZE],
                       const char *key);
/* Add or change the rule for hash (name: up to SEC_NAME_MAX - 1 printable bytes, no
 * blanks). SOS_ERR_NO_RESOURCES when the table is full, SOS_ERR_INVALID_ARGS for a bad
 * verdict or name; on error nothing changes. */
int sec_policy_set(struct sec_policy *p, const uint8_t hash[SEC_HASH_SIZE], uint32_t verdict,
                   const char *name);

/* The rules as text, one line each; returns the length it needs (it writes at most
 * cap - 1 bytes and a NUL when cap > 0). */
size_t sec_policy_format(const struct sec_policy *p, char *out, size_t cap);
/* Rules from text (the format above) into p (its dflt is kept). On error p is left as
 * it was and *line (when not NULL) is the 1-based line that failed. */
int sec_policy_parse(struct sec_policy *p, const char *text, size_t len, unsigned *line);

#endif
