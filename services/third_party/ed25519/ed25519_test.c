/*
 * services/third_party/ed25519/ed25519_test.c - signify-openbsd's Ed25519 against the
 * test vectors of RFC 8032 (section 7.1, tests 1-3): each signature verifies with its
 * public key, and fails with one bit of the message, the signature or the key changed.
 * Built twice: with the host library (ED25519_TEST_SIGN: signing each message with its
 * secret key must give the RFC's signature, byte for byte) and with the freestanding
 * verify-only library the services link. Prints TAP.
 *
 * Layer: tests (host).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto_api.h"

static const struct {
    const char *sk, *pk, *msg, *sig;
} g_vec[] = {
    {"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
     "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e3970"
     "1cf9b46bd25bf5f0595bbe24655141438e7a100b"},
    {"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
     "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613"
     "d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
    {"c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
     "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
     "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760"
     "984dc6594a7c15e9716ed28dc027beceea1ec40a"},
};

static int g_n;

static void ok(int cond, const char *what, int v)
{
    printf("%s %d - vector %d: %s\n", cond ? "ok" : "not ok", ++g_n, v + 1, what);
}

static size_t unhex(const char *h, unsigned char *out)
{
    size_t n = strlen(h) / 2;
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        sscanf(h + 2 * i, "%2x", &v);
        out[i] = (unsigned char)v;
    }
    return n;
}

/* crypto_sign_ed25519_open of signature || message under pk: 0 when it verifies. */
static int verify(const unsigned char *sig, const unsigned char *msg, size_t len,
                  const unsigned char *pk)
{
    unsigned char sm[64 + 16], m[64 + 16];
    unsigned long long mlen;
    memcpy(sm, sig, 64);
    memcpy(sm + 64, msg, len);
    return crypto_sign_ed25519_open(m, &mlen, sm, 64 + len, pk);
}

int main(void)
{
    int nvec = (int)(sizeof g_vec / sizeof g_vec[0]);
    for (int v = 0; v < nvec; v++) {
        unsigned char sk[64], pk[32], msg[16], sig[64];
        unhex(g_vec[v].sk, sk);
        unhex(g_vec[v].pk, pk);
        size_t len = unhex(g_vec[v].msg, msg);
        unhex(g_vec[v].sig, sig);
        ok(verify(sig, msg, len, pk) == 0, "the RFC signature verifies", v);
        sig[5] ^= 1;
        ok(verify(sig, msg, len, pk) != 0, "a changed signature does not", v);
        sig[5] ^= 1;
        pk[9] ^= 4;
        ok(verify(sig, msg, len, pk) != 0, "another key does not", v);
        pk[9] ^= 4;
        if (len) {
            msg[0] ^= 0x80;
            ok(verify(sig, msg, len, pk) != 0, "a changed message does not", v);
            msg[0] ^= 0x80;
        }
#ifdef ED25519_TEST_SIGN
        unsigned char sm[64 + 16];
        unsigned long long smlen;
        memcpy(sk + 32, pk, 32); /* NaCl's secret key: the seed, then the public key */
        crypto_sign_ed25519(sm, &smlen, msg, len, sk);
        ok(smlen == 64 + len && memcmp(sm, sig, 64) == 0, "signing gives the RFC signature", v);
#endif
    }
    printf("1..%d\n", g_n);
    return 0;
}
