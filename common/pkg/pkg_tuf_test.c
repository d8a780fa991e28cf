/*
 * pkg_tuf_test.c - TUF roles and the update procedure (pkg_tuf.h) over an in-memory
 * repository with real Ed25519 signatures (the host build of signify-openbsd's; keys of
 * RFC 8032's vectors): a good update, root rotation with a key revoked, and one refusal
 * per attack class, each naming the attack and leaving the trusted state unchanged.
 *
 * Layer: tests (host).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <sos/errors.h>

#include "crypto_api.h"
#include "ed25519_detached.h"
#include "pkg_testkeys.h"
#include "pkg_tuf.h"
#include "../hash/sha256.h"

static uint8_t g_sk[3][64];
static char g_id[3][17];

#define NOW 1800000000ull
#define LATER 2000000000ull

/* ---- the repository: name -> bytes */

struct file {
    char name[80]; /* <sha256>.index with consistent snapshots */
    char *data;
    size_t len;
};
static struct file g_files[16];

static void put(const char *name, const char *data, size_t len)
{
    struct file *f = NULL;
    for (int i = 0; i < 16 && !f; i++)
        if (!strcmp(g_files[i].name, name) || !g_files[i].name[0])
            f = &g_files[i];
    free(f->data);
    snprintf(f->name, sizeof f->name, "%s", name);
    f->data = malloc(len + 1);
    memcpy(f->data, data, len);
    f->len = len;
}

static void drop(const char *name)
{
    for (int i = 0; i < 16; i++)
        if (!strcmp(g_files[i].name, name))
            g_files[i].name[0] = '~';
}

static int get(void *ctx, const char *name, char *buf, size_t cap, size_t *len)
{
    for (int i = 0; i < 16; i++)
        if (!strcmp(g_files[i].name, name)) {
            if (g_files[i].len > cap)
                return SOS_ERR_OUT_OF_RANGE;
            memcpy(buf, g_files[i].data, g_files[i].len);
            *len = g_files[i].len;
            return 0;
        }
    return SOS_ERR_NOT_FOUND;
}

/* body signed by the keys in signers (-1 ends), stored as name; returns its hash. */
static void sign_put(const char *name, const char *body, const int *signers)
{
    char text[8192];
    size_t n = (size_t)snprintf(text, sizeof text, "%s", body), blen = n;
    for (; *signers >= 0; signers++) {
        unsigned char sm[64 + 4096];
        unsigned long long smlen;
        crypto_sign_ed25519(sm, &smlen, (const unsigned char *)body, blen, g_sk[*signers]);
        n += (size_t)snprintf(text + n, sizeof text - n, "signature=%s ", g_id[*signers]);
        for (int i = 0; i < 64; i++)
            n += (size_t)snprintf(text + n, sizeof text - n, "%02x", sm[i]);
        n += (size_t)snprintf(text + n, sizeof text - n, "\n");
    }
    put(name, text, n);
}

static void hash_of(const char *name, char hex[65], size_t *len)
{
    for (int i = 0; i < 16; i++)
        if (!strcmp(g_files[i].name, name)) {
            uint8_t h[32];
            sha256(g_files[i].data, g_files[i].len, h);
            for (int k = 0; k < 32; k++)
                snprintf(hex + 2 * k, 3, "%02x", h[k]);
            *len = g_files[i].len;
        }
}

static const char *g_root_extra = ""; /* lines added to the next root made */

/* A root: keys k0..k2, root role keys/threshold given, the three others one key each. */
static void make_root(const char *name, int version, const char *root_ids, int root_th,
                      int ts_key, const int *signers)
{
    char body[2048];
    snprintf(body, sizeof body,
             "format=1\nrole=root\nversion=%d\nexpires=%llu\nkey=%s\nkey=%s\nkey=%s\n"
             "role_keys=root %d %s\nrole_keys=targets 1 %s\nrole_keys=snapshot 1 %s\n"
             "role_keys=timestamp 1 %s\n%s", version, LATER, g_pub[0], g_pub[1], g_pub[2],
             root_th, root_ids, g_id[2], g_id[2], g_id[ts_key], g_root_extra);
    sign_put(name, body, signers);
}

static void rename_file(const char *from, const char *to)
{
    for (int i = 0; i < 16; i++)
        if (!strcmp(g_files[i].name, from))
            snprintf(g_files[i].name, sizeof g_files[i].name, "%s", to);
}

/* index, targets, snapshot and timestamp, consistent, with these versions. */
static void make_chain(const char *index, int tg_v, int snap_v, int ts_v, uint64_t expires,
                       int tg_key, int ts_key)
{
    char body[1024], hex[65];
    size_t len;
    put("index", index, strlen(index));
    hash_of("index", hex, &len);
    snprintf(body, sizeof body, "format=1\nrole=targets\nversion=%d\nexpires=%llu\n"
             "target=index %s %zu\n", tg_v, (unsigned long long)expires, hex, len);
    sign_put("targets", body, (int[]){tg_key, -1});
    hash_of("targets", hex, &len);
    snprintf(body, sizeof body, "format=1\nrole=snapshot\nversion=%d\nexpires=%llu\n"
             "meta=targets %d %s %zu\n", snap_v, (unsigned long long)expires, tg_v, hex, len);
    sign_put("snapshot", body, (int[]){2, -1});
    hash_of("snapshot", hex, &len);
    snprintf(body, sizeof body, "format=1\nrole=timestamp\nversion=%d\nexpires=%llu\n"
             "meta=snapshot %d %s %zu\n", ts_v, (unsigned long long)expires, snap_v, hex, len);
    sign_put("timestamp", body, (int[]){ts_key, -1});
}

#define INDEX1 "format=1\npackage=hello 1.0 any " \
    "0000000000000000000000000000000000000000000000000000000000000000 10 packages/hello-1.0.pkg\n"
#define INDEX2 "format=1\npackage=hello 1.1 any " \
    "1111111111111111111111111111111111111111111111111111111111111111 10 packages/hello-1.1.pkg\n"

static struct tuf_state g_st;
static char g_buf[16384];

static int setup(void **state)
{
    for (int i = 0; i < 3; i++) {
        for (int k = 0; k < 32; k++) {
            sscanf(g_seed[i] + 2 * k, "%2hhx", &g_sk[i][k]);
            sscanf(g_pub[i] + 2 * k, "%2hhx", &g_sk[i][32 + k]);
        }
        uint8_t id[META_KEYID_SIZE];
        meta_keyid(g_sk[i] + 32, id);
        for (int k = 0; k < META_KEYID_SIZE; k++)
            snprintf(g_id[i] + 2 * k, 3, "%02x", id[k]);
    }
    return 0;
}

/* A client that trusts root 1 and has done one good update (versions 1). */
static int fresh(void **state)
{
    char ids[64];
    struct errmsg err = {0};
    const char *ix;
    size_t n;
    for (int i = 0; i < 16; i++)
        g_files[i].name[0] = 0;
    snprintf(ids, sizeof ids, "%s,%s", g_id[0], g_id[1]);
    make_root("root.1", 1, ids, 2, 2, (int[]){0, 1, -1});
    assert_int_equal(tuf_root_load(g_files[0].data, g_files[0].len, NOW, sos_ed25519_verify,
                                   &g_st, &err), 0);
    drop("root.1");
    make_chain(INDEX1, 1, 1, 1, LATER, 2, 2);
    int rc = tuf_update(&g_st, get, NULL, NOW, sos_ed25519_verify, g_buf, sizeof g_buf, &ix,
                        &n, &err);
    if (rc)
        fail_msg("%s", err.msg);
    assert_int_equal(n, strlen(INDEX1));
    assert_memory_equal(ix, INDEX1, n);
    return 0;
}

/* The update must fail with msg and leave the trusted state as it was. */
static void refused(const char *msg)
{
    static struct tuf_state before;
    struct errmsg err = {0};
    const char *ix;
    size_t n;
    before = g_st;
    int rc = tuf_update(&g_st, get, NULL, NOW, sos_ed25519_verify, g_buf, sizeof g_buf, &ix,
                        &n, &err);
    if (rc == 0 || !strstr(err.msg, msg))
        fail_msg("got %d '%s', want '%s'", rc, err.msg, msg);
    assert_memory_equal(&before, &g_st, sizeof g_st);
}

/* A good update to versions 2 (INDEX2). */
static void update_to_2(void)
{
    struct errmsg err = {0};
    const char *ix;
    size_t n;
    make_chain(INDEX2, 2, 2, 2, LATER, 2, 2);
    if (tuf_update(&g_st, get, NULL, NOW, sos_ed25519_verify, g_buf, sizeof g_buf, &ix, &n,
                   &err))
        fail_msg("%s", err.msg);
    assert_memory_equal(ix, INDEX2, n);
}

static void test_update_and_rotation(void **state)
{
    char ids[64];
    struct errmsg err = {0};
    const char *ix;
    size_t n;
    update_to_2();
    assert_int_equal(g_st.version[TUF_TIMESTAMP], 2);
    /* Root 2: root keys k1,k2 (k0 revoked), the timestamp key k1 instead of k2; signed
     * by root 1's threshold (k0, k1) and its own (k1, k2). */
    snprintf(ids, sizeof ids, "%s,%s", g_id[1], g_id[2]);
    make_root("root.2", 2, ids, 2, 1, (int[]){0, 1, 2, -1});
    make_chain(INDEX2, 3, 3, 3, LATER, 2, 1);
    assert_int_equal(tuf_update(&g_st, get, NULL, NOW, sos_ed25519_verify, g_buf, sizeof g_buf,
                                &ix, &n, &err), 0);
    assert_int_equal(g_st.root.version, 2);
    /* The old timestamp key is revoked for that role now. */
    make_chain(INDEX2, 4, 4, 4, LATER, 2, 2);
    refused("timestamp: 0 valid signatures of the 1 required");
}

static void test_arbitrary_installation(void **state)
{
    make_chain(INDEX2, 2, 2, 2, LATER, 0, 2); /* targets signed by a key not its own */
    refused("targets: 0 valid signatures of the 1 required (arbitrary installation");
}

static void test_endless_data(void **state)
{
    char big[TUF_TIMESTAMP_MAX + 100];
    memset(big, '#', sizeof big);
    put("timestamp", big, sizeof big);
    refused("timestamp: endless data attack");
}

static void test_extraneous_dependencies(void **state)
{
    make_chain(INDEX2, 2, 2, 2, LATER, 2, 2);
    const char *more = INDEX2 "depends=hello evil >=1\n";
    put("index", more, strlen(more)); /* the index grows a dependency the targets never signed */
    refused("index: not the file the targets role signed");
}

static void test_fast_forward(void **state)
{
    /* a snapshot whose version is not the one the timestamp announces */
    make_chain(INDEX2, 2, 9, 2, LATER, 2, 2);
    char body[512], hex[65];
    size_t len;
    hash_of("snapshot", hex, &len);
    snprintf(body, sizeof body, "format=1\nrole=timestamp\nversion=2\nexpires=%llu\n"
             "meta=snapshot 2 %s %zu\n", LATER, hex, len);
    sign_put("timestamp", body, (int[]){2, -1});
    refused("snapshot: fast-forward or mix-and-match attack: version 9, the timestamp "
            "announces 2");
}

static void test_indefinite_freeze(void **state)
{
    make_chain(INDEX2, 2, 2, 2, NOW - 1, 2, 2);
    refused("timestamp: freeze attack");
}

static void test_mirror_preventing_updates(void **state)
{
    /* The mirror keeps serving version 1 after the client saw version 2: refused, and
     * the client keeps what it has (it does not go back to 1). */
    update_to_2();
    make_chain(INDEX1, 1, 1, 1, LATER, 2, 2);
    refused("timestamp: rollback attack: version 1 is older than the trusted 2");
}

static void test_mix_and_match(void **state)
{
    make_chain(INDEX2, 2, 2, 2, LATER, 2, 2);
    char ts[4096];
    size_t tl = 0;
    for (int i = 0; i < 16; i++)
        if (!strcmp(g_files[i].name, "timestamp")) {
            memcpy(ts, g_files[i].data, g_files[i].len);
            tl = g_files[i].len;
        }
    make_chain(INDEX1, 3, 3, 3, LATER, 2, 2); /* another snapshot, the old timestamp */
    put("timestamp", ts, tl);
    refused("snapshot: mix-and-match attack: not the file the timestamp announces");
}

static void test_rollback(void **state)
{
    /* targets older than trusted, with a consistent, newer snapshot and timestamp */
    update_to_2();
    make_chain(INDEX1, 1, 3, 3, LATER, 2, 2);
    refused("targets: rollback attack: version 1 is older than the trusted 2");
}

static void test_key_compromise_below_threshold(void **state)
{
    char ids[64];
    snprintf(ids, sizeof ids, "%s,%s", g_id[1], g_id[2]);
    make_root("root.2", 2, ids, 2, 2, (int[]){1, 2, -1}); /* only k1 of root 1's k0, k1 */
    make_chain(INDEX2, 2, 2, 2, LATER, 2, 2);
    refused("root: 1 valid signature of the 2 required");
}

static void test_wrong_software(void **state)
{
    make_chain(INDEX2, 2, 2, 2, LATER, 2, 2);
    put("index", INDEX1, strlen(INDEX1)); /* a valid index, but not the one signed */
    refused("wrong software installation");
}

/* Root 2 turns consistent snapshots on: the next update reads N.snapshot, N.targets and
 * <sha256>.index (the fixed names are gone), and a package is named by its hash; a
 * mirror serving only fixed names then has nothing the client reads. */
static void test_consistent_snapshots(void **state)
{
    char ids[64], hex[65], name[80], target[128];
    struct errmsg err = {0};
    const char *ix;
    size_t n;
    uint8_t sha[32];
    snprintf(ids, sizeof ids, "%s,%s", g_id[0], g_id[1]);
    g_root_extra = "consistent_snapshot=true\n";
    make_root("root.2", 2, ids, 2, 2, (int[]){0, 1, -1});
    g_root_extra = "";
    make_chain(INDEX2, 2, 2, 2, LATER, 2, 2);
    hash_of("index", hex, &n);
    snprintf(name, sizeof name, "%s.index", hex);
    rename_file("index", name);
    rename_file("targets", "2.targets");
    rename_file("snapshot", "2.snapshot");
    if (tuf_update(&g_st, get, NULL, NOW, sos_ed25519_verify, g_buf, sizeof g_buf, &ix, &n,
                   &err))
        fail_msg("%s", err.msg);
    assert_memory_equal(ix, INDEX2, n);
    assert_int_equal(g_st.root.consistent_snapshot, 1);
    assert_int_equal(g_st.version[TUF_SNAPSHOT], 2);
    memset(sha, 0xab, sizeof sha);
    assert_int_equal(tuf_target_name(&g_st.root, "packages/hello-1.1.pkg", sha, target, sizeof target), 0);
    assert_string_equal(target, "packages/abababababababababababababababababababababababababababababababab"
                              ".hello-1.1.pkg");
    assert_int_equal(tuf_target_name(&g_st.root, "packages/hello-1.1.pkg", sha, target, 40),
                     SOS_ERR_BUFFER_TOO_SMALL);
    /* fixed names only: the versioned snapshot is not there */
    make_chain(INDEX2, 3, 3, 3, LATER, 2, 2);
    refused("3.snapshot: cannot be fetched");
}

/* Without consistent snapshots a target keeps its name. */
static void test_fixed_names(void **state)
{
    char name[80];
    uint8_t sha[32] = {0};
    assert_int_equal(g_st.root.consistent_snapshot, 0);
    assert_int_equal(tuf_target_name(&g_st.root, "packages/hello-1.1.pkg", sha, name, sizeof name), 0);
    assert_string_equal(name, "packages/hello-1.1.pkg");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_update_and_rotation, fresh),
        cmocka_unit_test_setup(test_arbitrary_installation, fresh),
        cmocka_unit_test_setup(test_endless_data, fresh),
        cmocka_unit_test_setup(test_extraneous_dependencies, fresh),
        cmocka_unit_test_setup(test_fast_forward, fresh),
        cmocka_unit_test_setup(test_indefinite_freeze, fresh),
        cmocka_unit_test_setup(test_mirror_preventing_updates, fresh),
        cmocka_unit_test_setup(test_mix_and_match, fresh),
        cmocka_unit_test_setup(test_rollback, fresh),
        cmocka_unit_test_setup(test_key_compromise_below_threshold, fresh),
        cmocka_unit_test_setup(test_wrong_software, fresh),
        cmocka_unit_test_setup(test_consistent_snapshots, fresh),
        cmocka_unit_test_setup(test_fixed_names, fresh),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
