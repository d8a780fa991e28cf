/*
 * services/security/policy.h - the launch policy: a verdict per image content hash.
 *
 * An entry names an image by its SHA-256 (64 hex digits) and says allow, block or ask;
 * the default verdict covers every image without an entry. Images from the boot store
 * are always allowed (they are the system itself). The table is kept in storage as a
 * text file of lines "<verdict> <hash> <name>", which sec_policy_parse reads back
 * (refusing the whole file at its first bad line) and sec_policy_format writes.
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

struct sec_rule {
    uint8_t hash[SEC_HASH_SIZE];
    uint32_t verdict;
    char name[SEC_NAME_MAX]; /* what the image was called when the rule was made */
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
const struct sec_rule *sec_policy_find(const struct sec_policy *p,
                                       const uint8_t hash[SEC_HASH_SIZE]);
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
