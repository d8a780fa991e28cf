/*
 * tuf.c - sospkg's TUF commands (docs/packages.md, "TUF roles"): signing a repository
 * made by `sospkg repo`, and running the client's update procedure over one.
 *
 *   sospkg tuf -o REPO -k KEYFILE [-v VERSION] [-e EXPIRES] [-c]
 *       writes REPO/root.1 (when missing: every role's key is KEYFILE's, threshold 1),
 *       then targets, snapshot and timestamp at VERSION (default 1), expiring at
 *       EXPIRES (seconds since 1970; default a year from now), pinned to REPO/index.
 *       -c: consistent snapshots (pkg_tuf.h): the root says consistent_snapshot=true,
 *       the roles are written as VERSION.targets and VERSION.snapshot, and the index
 *       and every package file it lists are renamed to <sha256>.index and
 *       packages/<sha256>.<file> (only the timestamp and roots keep fixed names)
 *   sospkg tuf-verify -r ROOTFILE [-n NOW] REPO
 *       trusts ROOTFILE, runs tuf_update over REPO and prints "ok" and the index's
 *       size, or the refusal (exit 1)
 *
 * One key for every role is what a test repository needs; a production one would
 * give each role its own keys and threshold (the library takes any).
 *
 * Layer: image/ host tool (libc).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sos/errors.h>

#include "crypto_api.h"
#include "ed25519_detached.h"
#include "hostfile.h"
#include "pkg.h"
#include "pkg_tuf.h"
#include "sospkg.h"

/* Writes body, signed by sk, to path. */
static int write_signed(const char *path, const char *body, const uint8_t sk[64])
{
    size_t n = strlen(body);
    unsigned char *sm = malloc(64 + n);
    unsigned long long smlen;
    uint8_t id[META_KEYID_SIZE];
    crypto_sign_ed25519(sm, &smlen, (const unsigned char *)body, n, sk);
    meta_keyid(sk + 32, id);
    FILE *f = fopen(path, "w");
    if (!f) {
        free(sm);
        return host_fail(EXIT_IO, "cannot write '%s': %s", path, strerror(errno));
    }
    fputs(body, f);
    fputs("signature=", f);
    for (int i = 0; i < META_KEYID_SIZE; i++)
        fprintf(f, "%02x", id[i]);
    fputc(' ', f);
    for (int i = 0; i < 64; i++)
        fprintf(f, "%02x", sm[i]);
    fputc('\n', f);
    free(sm);
    return fclose(f) ? host_fail(EXIT_IO, "cannot write '%s'", path) : 0;
}

/* The SHA-256 and size of dir/name. */
static int file_sha(const char *dir, const char *name, uint8_t h[32], size_t *len)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    uint8_t *data = hostfile_read(path, len);
    if (!data)
        return host_fail(EXIT_IO, "cannot read '%s': %s", path, strerror(errno));
    sha256(data, *len, h);
    free(data);
    return 0;
}

/* The same, the hash in hex. */
static int pin(const char *dir, const char *name, char hex[65], size_t *len)
{
    uint8_t h[32];
    int rc = file_sha(dir, name, h, len);
    for (int i = 0; !rc && i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", h[i]);
    return rc;
}

static int write_root(const char *dir, const uint8_t sk[64], unsigned long long expires,
                      bool consistent)
{
    char path[1024], body[1024], pub[65], id[17];
    uint8_t kid[META_KEYID_SIZE];
    snprintf(path, sizeof path, "%s/root.1", dir);
    FILE *probe = fopen(path, "r");
    if (probe) {
        fclose(probe);
        return 0;
    }
    meta_keyid(sk + 32, kid);
    for (int i = 0; i < 32; i++)
        snprintf(pub + 2 * i, 3, "%02x", sk[32 + i]);
    for (int i = 0; i < META_KEYID_SIZE; i++)
        snprintf(id + 2 * i, 3, "%02x", kid[i]);
    snprintf(body, sizeof body, "format=1\nrole=root\nversion=1\nexpires=%llu\nkey=%s\n"
             "role_keys=root 1 %s\nrole_keys=targets 1 %s\nrole_keys=snapshot 1 %s\n"
             "role_keys=timestamp 1 %s\n%s", expires, pub, id, id, id, id,
             consistent ? "consistent_snapshot=true\n" : "");
    return write_signed(path, body, sk);
}

/* Signs role `role` of dir, announcing `what` (the file below it, stored as `file`)
 * at version v, into dir/<out>. */
static int write_role(const char *dir, const char *role, const char *out, const char *line,
                      const char *what, const char *file, unsigned v,
                      unsigned long long expires, const uint8_t sk[64])
{
    char hex[65], body[1024], path[1024];
    size_t len;
    int rc = pin(dir, file, hex, &len);
    if (rc)
        return rc;
    if (!strcmp(line, "target"))
        snprintf(body, sizeof body, "format=1\nrole=%s\nversion=%u\nexpires=%llu\n"
                 "target=%s %s %zu\n", role, v, expires, what, hex, len);
    else
        snprintf(body, sizeof body, "format=1\nrole=%s\nversion=%u\nexpires=%llu\n"
                 "meta=%s %u %s %zu\n", role, v, expires, what, v, hex, len);
    snprintf(path, sizeof path, "%s/%s", dir, out);
    return write_signed(path, body, sk);
}

/* dir/path renamed to its consistent-snapshot name (tuf_target_name). */
static int rename_target(const char *dir, const char *path)
{
    static const struct tuf_root consistent = {.consistent_snapshot = 1};
    char from[1024], to[1024], name[PKG_REPO_PATH_MAX + 80];
    uint8_t sha[32];
    size_t len;
    int rc = file_sha(dir, path, sha, &len);
    if (!rc && tuf_target_name(&consistent, path, sha, name, sizeof name))
        return host_fail(EXIT_INVALID, "%s: its consistent name is too long", path);
    snprintf(from, sizeof from, "%s/%s", dir, path);
    snprintf(to, sizeof to, "%s/%s", dir, name);
    if (!rc && rename(from, to))
        return host_fail(EXIT_IO, "cannot rename '%s': %s", from, strerror(errno));
    return rc;
}

/* -c: every package file the index lists, then the index, to their hashed names. */
static int rename_targets(const char *dir)
{
    static struct pkg_index ix;
    char path[1024];
    size_t len = 0;
    struct errmsg err = {0};
    snprintf(path, sizeof path, "%s/index", dir);
    char *text = hostfile_read(path, &len);
    if (!text)
        return host_fail(EXIT_IO, "cannot read '%s': %s", path, strerror(errno));
    int rc = pkg_index_parse(text, len, &ix, &err) ? host_fail(EXIT_INVALID, "%s: %s", path, err.msg) : 0;
    free(text);
    for (uint32_t i = 0; !rc && i < ix.count; i++)
        rc = rename_target(dir, ix.pkg[i].path);
    return rc ? rc : rename_target(dir, "index");
}

/* The three roles (and, consistent, the renames they pin). */
static int write_roles(const char *dir, bool consistent, unsigned v, unsigned long long expires,
                       const uint8_t sk[64])
{
    char targets[24] = "targets", snapshot[24] = "snapshot";
    if (consistent) {
        snprintf(targets, sizeof targets, "%u.targets", v);
        snprintf(snapshot, sizeof snapshot, "%u.snapshot", v);
    }
    int rc = write_role(dir, "targets", targets, "target", "index", "index", v, expires, sk);
    if (!rc)
        rc = write_role(dir, "snapshot", snapshot, "meta", "targets", targets, v, expires, sk);
    if (!rc)
        rc = write_role(dir, "timestamp", "timestamp", "meta", "snapshot", snapshot, v, expires, sk);
    if (!rc && consistent)
        rc = rename_targets(dir);
    return rc;
}

int sospkg_tuf(int argc, char **argv)
{
    const char *dir = NULL, *keyfile = NULL;
    unsigned version = 1;
    unsigned long long expires = (unsigned long long)time(NULL) + 365ull * 86400;
    bool consistent = false;
    if (argc && !strcmp(argv[argc - 1], "-c")) {
        consistent = true;
        argc--;
    }
    for (int i = 0; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "-o"))
            dir = argv[i + 1];
        else if (!strcmp(argv[i], "-k"))
            keyfile = argv[i + 1];
        else if (!strcmp(argv[i], "-v"))
            version = (unsigned)strtoul(argv[i + 1], NULL, 10);
        else if (!strcmp(argv[i], "-e"))
            expires = strtoull(argv[i + 1], NULL, 10);
        else
            return host_fail(EXIT_USAGE, "unknown option '%s'", argv[i]);
    }
    uint8_t sk[64];
    if (!dir || !keyfile || argc % 2)
        return host_fail(EXIT_USAGE, "tuf -o REPO -k KEYFILE [-v VERSION] [-e EXPIRES] [-c]");
    int rc = sospkg_read_key(keyfile, sk);
    if (!rc)
        rc = write_root(dir, sk, expires, consistent);
    if (!rc)
        rc = write_roles(dir, consistent, version, expires, sk);
    return rc;
}

static int get_file(void *ctx, const char *name, char *buf, size_t cap, size_t *len)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", (const char *)ctx, name);
    FILE *f = fopen(path, "rb");
    if (!f)
        return SOS_ERR_NOT_FOUND;
    *len = fread(buf, 1, cap, f);
    int more = fgetc(f) != EOF;
    fclose(f);
    return more ? SOS_ERR_OUT_OF_RANGE : 0; /* never more than cap is taken */
}

int sospkg_tuf_verify(int argc, char **argv)
{
    const char *rootfile = NULL;
    unsigned long long now = (unsigned long long)time(NULL);
    int i = 0;
    for (; i + 1 < argc && argv[i][0] == '-'; i += 2) {
        if (!strcmp(argv[i], "-r"))
            rootfile = argv[i + 1];
        else if (!strcmp(argv[i], "-n"))
            now = strtoull(argv[i + 1], NULL, 10);
        else
            return host_fail(EXIT_USAGE, "unknown option '%s'", argv[i]);
    }
    if (!rootfile || i != argc - 1)
        return host_fail(EXIT_USAGE, "tuf-verify -r ROOTFILE [-n NOW] REPO");
    size_t len = 0;
    char *root = hostfile_read(rootfile, &len);
    if (!root)
        return host_fail(EXIT_IO, "cannot read '%s': %s", rootfile, strerror(errno));
    static struct tuf_state st;
    static char buf[PKG_INDEX_TEXT_MAX];
    struct errmsg err = {0};
    const char *index;
    size_t n;
    int rc = tuf_root_load(root, len, now, sos_ed25519_verify, &st, &err);
    free(root);
    if (!rc)
        rc = tuf_update(&st, get_file, argv[i], now, sos_ed25519_verify, buf, sizeof buf,
                        &index, &n, &err);
    if (rc)
        return host_fail(EXIT_INVALID, "%s", err.msg);
    printf("ok: root %u, timestamp %u, snapshot %u, targets %u; index %zu bytes\n",
           (unsigned)st.root.version, (unsigned)st.version[TUF_TIMESTAMP],
           (unsigned)st.version[TUF_SNAPSHOT], (unsigned)st.version[TUF_TARGETS], n);
    return 0;
}
