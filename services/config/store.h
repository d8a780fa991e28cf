/*
 * services/config/store.h - the config store: typed keys, and the defaults file.
 *
 * Keys are dot-separated paths of segments made of a-z, 0-9, '_' and '-'
 * ("log.minimum_severity", "network.ipv4.address"), at most CONFIG_KEY_MAX - 1 bytes.
 * Each key has a type: string, int (64-bit signed) or bool (true/false). The type comes
 * from the key's definition in the defaults file, or else from its first set: "true" and
 * "false" make a bool, a decimal number an int, anything else a string. Later sets must
 * parse as that type. Values are kept normalised ("+7" is stored as "7", "TRUE" as
 * "true"). The store is kept sorted by key, so a listing comes out in order.
 *
 * The defaults file (config/defaults.conf in the boot store) is line-based:
 *
 *     # a comment
 *     [network.ipv4]                  every key below is under network.ipv4.
 *     mode = dhcp                     type from the value (here: string)
 *     int mtu = 1500                  a declared type: string, int or bool
 *     string hostname = "serviceos"   quotes keep spaces and '#'; \" and \\ escapes
 *     retries = 3   # a comment after whitespace
 *
 * A bad line is reported ("defaults.conf:3: ...") and skipped; the rest still loads.
 *
 * Pure logic (no system calls): unit-tested on the host (store_test.c).
 *
 * Layer: services (config).
 */
#ifndef CONFIG_STORE_H
#define CONFIG_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <proto/config.h>

#define CFG_MAX_KEYS 1024
#define CFG_LINE_MAX 1024

struct cfg_entry {
    char key[CONFIG_KEY_MAX];
    uint32_t type; /* enum config_type */
    char value[CONFIG_VALUE_MAX];
};

struct cfg_store {
    struct cfg_entry *e; /* sorted by key */
    uint32_t n, cap;
};

void cfg_store_init(struct cfg_store *s);
void cfg_store_free(struct cfg_store *s);

/* 0 when key is a well-formed key, SOS_ERR_INVALID_ARGS otherwise. */
int cfg_key_check(const char *key);

/* The type a value would get on its first set. */
uint32_t cfg_type_infer(const char *value);

/* "string", "int", "bool" (and back: 0 for an unknown name). */
const char *cfg_type_name(uint32_t type);
uint32_t cfg_type_parse(const char *name);

/*
 * Check `in` against `type` and write its normal form into out[size]. 0, or
 * SOS_ERR_INVALID_ARGS when it does not parse (or does not fit).
 */
int cfg_value_normalize(uint32_t type, const char *in, char *out, size_t size);

/*
 * Set key to value, with the key's type (or the inferred one for a new key; `type`
 * other than 0 forces it for a new key and must match for an existing one). *changed
 * (may be NULL) says whether the stored value changed. 0, SOS_ERR_INVALID_ARGS (bad key,
 * value of the wrong type, type mismatch) or SOS_ERR_NO_RESOURCES / _NO_MEMORY.
 */
int cfg_store_set(struct cfg_store *s, const char *key, uint32_t type, const char *value,
                  bool *changed);

const struct cfg_entry *cfg_store_get(const struct cfg_store *s, const char *key);

/* Whether key is under prefix: "" matches all, "log" matches "log" and "log.x", not
 * "logger"; "log." matches "log.x". */
bool cfg_prefix_match(const char *prefix, const char *key);

/* The index of the first key at or after prefix in sort order (for listings). */
uint32_t cfg_store_lower_bound(const struct cfg_store *s, const char *prefix);

/* Reports one problem of the defaults file: "file:line: what". */
typedef void (*cfg_error_fn)(void *arg, const char *msg);

/*
 * Load a defaults file text[0..len) (named `file` in messages) into the store. Returns
 * the number of lines rejected (each reported through err, which may be NULL).
 */
int cfg_load_defaults(struct cfg_store *s, const char *file, const char *text, size_t len,
                      cfg_error_fn err, void *arg);

#endif
