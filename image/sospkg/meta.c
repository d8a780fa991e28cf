/*
 * meta.c - sospkg's signed-metadata commands (docs/packages.md, "Signed metadata"),
 * with the host build of signify-openbsd's Ed25519:
 *
 *   sospkg keygen -o KEYFILE         a new key: KEYFILE holds the secret key (NaCl's
 *                                    64 bytes, seed then public key, in hex), and the
 *                                    public key is printed
 *   sospkg meta-sign -k KEYFILE FILE     appends the key's signature= line to FILE
 *   sospkg meta-verify -r ROLE -t N [-v MINVERSION] [-n NOW] FILE PUBKEY...
 *                                    checks FILE with common/pkg meta_check: 0 and "ok",
 *                                    or 1 and the refusal
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
#include "hash/hex.h"
#include "ed25519_detached.h"
#include "hostfile.h"
#include "pkg_meta.h"
#include "sospkg.h"

static int unhex(const char *h, uint8_t *out, size_t n)
{
    return hex_decode(h, strlen(h), out, n);
}

static void put_hex(FILE *f, const uint8_t *p, size_t n)
{
    char text[2 * 64 + 1];
    for (size_t at = 0; at < n; at += 64) {
        size_t k = n - at < 64 ? n - at : 64;
        hex_encode(p + at, k, text);
        fputs(text, f);
    }
}

int sospkg_read_key(const char *path, uint8_t sk[64])
{
    size_t len = 0;
    char *text = hostfile_read(path, &len);
    if (!text)
        return host_fail(EXIT_IO, "cannot read '%s': %s", path, strerror(errno));
    while (len && (text[len - 1] == '\n' || text[len - 1] == ' '))
        text[--len] = 0;
    char *z = realloc(text, len + 1);
    z[len] = 0;
    int rc = unhex(z, sk, 64) ? host_fail(EXIT_INVALID, "%s: not 128 hex digits", path) : 0;
    free(z);
    return rc;
}

int sospkg_keygen(int argc, char **argv)
{
    uint8_t pk[32], sk[64];
    if (argc != 2 || strcmp(argv[0], "-o"))
        return host_fail(EXIT_USAGE, "keygen -o KEYFILE");
    crypto_sign_ed25519_keypair(pk, sk);
    FILE *f = fopen(argv[1], "w");
    if (!f)
        return host_fail(EXIT_IO, "cannot write '%s': %s", argv[1], strerror(errno));
    put_hex(f, sk, 64);
    fputc('\n', f);
    fclose(f);
    put_hex(stdout, pk, 32);
    putchar('\n');
    return 0;
}

int sospkg_meta_sign(int argc, char **argv)
{
    uint8_t sk[64], id[META_KEYID_SIZE];
    if (argc != 3 || strcmp(argv[0], "-k"))
        return host_fail(EXIT_USAGE, "meta-sign -k KEYFILE FILE");
    int rc = sospkg_read_key(argv[1], sk);
    size_t len = 0;
    char *text = rc ? NULL : hostfile_read(argv[2], &len);
    if (rc || !text)
        return rc ? rc : host_fail(EXIT_IO, "cannot read '%s': %s", argv[2], strerror(errno));
    struct meta m;
    struct errmsg err = {0};
    if (meta_parse(text, len, &m, &err)) {
        free(text);
        return host_fail(EXIT_INVALID, "%s: %s", argv[2], err.msg);
    }
    unsigned char *sm = malloc(64 + m.signed_len);
    unsigned long long smlen;
    crypto_sign_ed25519(sm, &smlen, (const unsigned char *)text, m.signed_len, sk);
    meta_keyid(sk + 32, id);
    FILE *f = fopen(argv[2], "a");
    if (f) {
        fputs("signature=", f);
        put_hex(f, id, META_KEYID_SIZE);
        fputc(' ', f);
        put_hex(f, sm, 64);
        fputc('\n', f);
        rc = fclose(f) ? host_fail(EXIT_IO, "cannot write '%s'", argv[2]) : 0;
    } else {
        rc = host_fail(EXIT_IO, "cannot write '%s': %s", argv[2], strerror(errno));
    }
    free(sm);
    free(text);
    return rc;
}

static bool verify(const uint8_t pub[32], const uint8_t sig[64], const void *msg, size_t len)
{
    return sos_ed25519_verify(pub, sig, msg, len);
}

int sospkg_meta_verify(int argc, char **argv)
{
    const char *role = NULL;
    unsigned long threshold = 0, minver = 0;
    unsigned long long now = (unsigned long long)time(NULL);
    int i = 0;
    for (; i + 1 < argc && argv[i][0] == '-'; i += 2) {
        if (!strcmp(argv[i], "-r"))
            role = argv[i + 1];
        else if (!strcmp(argv[i], "-t"))
            threshold = strtoul(argv[i + 1], NULL, 10);
        else if (!strcmp(argv[i], "-v"))
            minver = strtoul(argv[i + 1], NULL, 10);
        else if (!strcmp(argv[i], "-n"))
            now = strtoull(argv[i + 1], NULL, 10);
        else
            return host_fail(EXIT_USAGE, "unknown option '%s'", argv[i]);
    }
    static struct meta_key keys[64];
    int nkeys = argc - i - 1;
    if (!role || !threshold || nkeys < 1 || nkeys > 64)
        return host_fail(EXIT_USAGE, "meta-verify -r ROLE -t N [-v MIN] [-n NOW] FILE PUBKEY...");
    for (int k = 0; k < nkeys; k++) {
        if (unhex(argv[i + 1 + k], keys[k].pub, 32))
            return host_fail(EXIT_USAGE, "public key '%s': not 64 hex digits", argv[i + 1 + k]);
        meta_keyid(keys[k].pub, keys[k].id);
    }
    size_t len = 0;
    char *text = hostfile_read(argv[i], &len);
    if (!text)
        return host_fail(EXIT_IO, "cannot read '%s': %s", argv[i], strerror(errno));
    struct meta m;
    struct errmsg err = {0};
    int rc = meta_parse(text, len, &m, &err);
    if (!rc)
        rc = meta_check(&m, text, keys, (uint32_t)nkeys, (uint32_t)threshold, role,
                        (uint32_t)minver, now, verify, &err);
    free(text);
    if (rc)
        return host_fail(EXIT_INVALID, "%s: %s", argv[i], err.msg);
    printf("ok: %s version %u, signed by %u of the keys given\n", m.role, (unsigned)m.version,
           (unsigned)threshold);
    return 0;
}
