/*
 * bundle_test.c - the bundle format: round trips, and every kind of malformed input
 * rejected with the right error code and the exact message, never a crash (the
 * sanitizer build runs this too; truncated inputs live in buffers of exactly their
 * length so a read past the end is caught).
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

#include "bundle.h"

/* ---- a small bundle: compressed, stored and manifest entries -------------------- */

static uint8_t g_exe[3000], g_root[5000];
static const char g_manifest[] = "service=hello\nimage=bin/hello\n";

struct blob {
    uint8_t *p;
    size_t n;
};

static void fill_inputs(void)
{
    uint32_t x = 12345;
    for (size_t i = 0; i < sizeof g_exe; i++)
        g_exe[i] = (uint8_t)"ServiceOS hello image "[i % 22];
    for (size_t i = 0; i < sizeof g_root; i++) {
        x = x * 1103515245u + 12345u;
        g_root[i] = (uint8_t)(x >> 16);
    }
}

static struct blob make_bundle(void)
{
    struct bundle_input in[] = {
        {"manifests/hello.svc", BUNDLE_KIND_MANIFEST, 0, g_manifest, sizeof g_manifest - 1},
        {"bin/rootmgr", BUNDLE_KIND_EXECUTABLE, BUNDLE_FLAG_STORED, g_root, sizeof g_root},
        {"bin/hello", BUNDLE_KIND_EXECUTABLE, 0, g_exe, sizeof g_exe},
    };
    size_t cap = bundle_write_bound(in, 3);
    struct blob b = {malloc(cap), 0};
    struct errmsg err;
    assert_int_equal(bundle_write(in, 3, b.p, cap, &b.n, &err), 0);
    return b;
}

/* Little-endian field access and re-sealing after an edit. */
static uint32_t get(const struct blob *b, size_t off, int width)
{
    uint32_t v = 0;
    for (int i = 0; i < width; i++)
        v |= (uint32_t)b->p[off + i] << (8 * i);
    return v;
}

static void set(struct blob *b, size_t off, int width, uint32_t v)
{
    for (int i = 0; i < width; i++)
        b->p[off + i] = (uint8_t)(v >> (8 * i));
}

static void reseal(struct blob *b)
{
    size_t size = get(b, 28, 4) <= b->n ? get(b, 28, 4) : b->n;
    memset(b->p + 32, 0, 32);
    uint8_t d[32];
    sha256(b->p, size, d);
    memcpy(b->p + 32, d, 32);
}

#define REC(i) (64 + (size_t)(i) * 32) /* record i in the test bundle */

/* Opens b (exact-length copy) and checks code and message. */
static void expect_open(const struct blob *b, int code, const char *msg)
{
    uint8_t *copy = malloc(b->n ? b->n : 1);
    memcpy(copy, b->p, b->n);
    struct bundle bd;
    struct errmsg err = {0};
    int rc = bundle_open(&bd, copy, b->n, &err);
    if (rc != code || (msg && strcmp(err.msg, msg)))
        fail_msg("open: got %d '%s', want %d '%s'", rc, err.msg, code, msg ? msg : "");
    if (rc)
        assert_int_equal(bd.count, 0);
    free(copy);
}

static void expect_read(const struct blob *b, const char *name, size_t cap, int code,
                        const char *msg)
{
    struct bundle bd;
    struct bundle_entry e;
    struct errmsg err = {0};
    assert_int_equal(bundle_open(&bd, b->p, b->n, &err), 0);
    assert_int_equal(bundle_find(&bd, name, &e), 0);
    uint8_t *buf = malloc(cap ? cap : 1);
    int rc = bundle_read(&bd, &e, buf, cap, &err);
    if (rc != code || (msg && strcmp(err.msg, msg)))
        fail_msg("read %s: got %d '%s', want %d '%s'", name, rc, err.msg, code, msg ? msg : "");
    free(buf);
}

static char g_want[256];

static const char *want(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static const char *want(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(g_want, sizeof g_want, fmt, ap);
    va_end(ap);
    return g_want;
}

/* ---- round trips ------------------------------------------------------------- */

static void test_round_trip(void **state)
{
    struct blob b = make_bundle();
    struct bundle bd;
    struct errmsg err;
    assert_int_equal(bundle_open(&bd, b.p, b.n, &err), 0);
    assert_int_equal(bundle_count(&bd), 3);
    const char *names[] = {"bin/hello", "bin/rootmgr", "manifests/hello.svc"};
    const void *datas[] = {g_exe, g_root, g_manifest};
    size_t sizes[] = {sizeof g_exe, sizeof g_root, sizeof g_manifest - 1};
    for (uint32_t i = 0; i < 3; i++) {
        struct bundle_entry e, f;
        assert_int_equal(bundle_entry_at(&bd, i, &e), 0);
        assert_string_equal(e.name, names[i]);
        assert_int_equal(e.size, sizes[i]);
        assert_int_equal(bundle_find(&bd, names[i], &f), 0);
        assert_int_equal(f.index, i);
        uint8_t *buf = malloc(e.size);
        assert_int_equal(bundle_read(&bd, &e, buf, e.size, &err), 0);
        assert_memory_equal(buf, datas[i], e.size);
        free(buf);
    }
    struct bundle_entry r;
    assert_int_equal(bundle_find(&bd, "bin/rootmgr", &r), 0);
    assert_int_equal(r.kind, BUNDLE_KIND_EXECUTABLE);
    assert_int_equal(r.flags, BUNDLE_FLAG_STORED);
    assert_int_equal(r.offset % BUNDLE_STORED_ALIGN, 0);
    assert_memory_equal(bundle_entry_data(&bd, &r), g_root, sizeof g_root);
    assert_int_equal(bundle_entry_at(&bd, 3, &r), SOS_ERR_OUT_OF_RANGE);
    free(b.p);
}

static void test_empty_bundle_and_entries(void **state)
{
    uint8_t out[4096 * 3];
    size_t n;
    struct bundle bd;
    struct bundle_entry e;
    assert_int_equal(bundle_write(NULL, 0, out, sizeof out, &n, NULL), 0);
    assert_int_equal(n, 64);
    assert_int_equal(bundle_open(&bd, out, n, NULL), 0);
    assert_int_equal(bundle_count(&bd), 0);
    assert_int_equal(bundle_find(&bd, "bin/rootmgr", &e), SOS_ERR_NOT_FOUND);

    struct bundle_input in[] = {{"data/empty", BUNDLE_KIND_DATA, 0, NULL, 0},
                                {"data/empty-stored", BUNDLE_KIND_DATA, BUNDLE_FLAG_STORED,
                                 NULL, 0}};
    assert_int_equal(bundle_write(in, 2, out, sizeof out, &n, NULL), 0);
    assert_int_equal(bundle_open(&bd, out, n, NULL), 0);
    for (uint32_t i = 0; i < 2; i++) {
        assert_int_equal(bundle_entry_at(&bd, i, &e), 0);
        assert_int_equal(e.size, 0);
        assert_int_equal(bundle_read(&bd, &e, NULL, 0, NULL), 0);
    }
}

static void test_padding_after_bundle_is_allowed(void **state)
{
    struct blob b = make_bundle();
    uint8_t *padded = calloc(1, b.n + 4096);
    memcpy(padded, b.p, b.n);
    struct bundle bd;
    assert_int_equal(bundle_open(&bd, padded, b.n + 4096, NULL), 0);
    assert_int_equal(bd.size, b.n);
    free(padded);
    free(b.p);
}

static void test_find(void **state)
{
    struct blob b = make_bundle();
    struct bundle bd;
    struct bundle_entry e;
    assert_int_equal(bundle_open(&bd, b.p, b.n, NULL), 0);
    assert_int_equal(bundle_find(&bd, "bin/hell", &e), SOS_ERR_NOT_FOUND);
    assert_int_equal(bundle_find(&bd, "bin/hello2", &e), SOS_ERR_NOT_FOUND);
    assert_int_equal(bundle_find(&bd, "", &e), SOS_ERR_NOT_FOUND);
    assert_int_equal(bundle_find(&bd, "zzz", &e), SOS_ERR_NOT_FOUND);
    assert_int_equal(bundle_find(&bd, "manifests/hello.svc", &e), 0);
    assert_int_equal(e.kind, BUNDLE_KIND_MANIFEST);
    free(b.p);
}

static void test_writer_is_deterministic_and_sorts(void **state)
{
    struct blob a = make_bundle(), b = make_bundle();
    assert_int_equal(a.n, b.n);
    assert_memory_equal(a.p, b.p, a.n);
    free(a.p);
    free(b.p);
}

/* ---- truncation ----------------------------------------------------------------- */

static void test_truncated_at_every_byte(void **state)
{
    struct blob b = make_bundle();
    for (size_t len = 0; len < b.n; len++) {
        struct blob t = {b.p, len};
        if (len < 64)
            expect_open(&t, SOS_ERR_BAD_FORMAT,
                        want("bundle truncated: header is 64 bytes, file is %zu bytes", len));
        else
            expect_open(&t, SOS_ERR_BAD_FORMAT,
                        want("bundle truncated: header says %zu bytes, file is %zu bytes", b.n,
                             len));
    }
    expect_open(&b, 0, NULL);
    free(b.p);
}

/* ---- header fields ------------------------------------------------------------- */

static void test_bad_magic(void **state)
{
    struct blob b = make_bundle();
    b.p[7] = 'X';
    expect_open(&b, SOS_ERR_BAD_FORMAT, "not a bundle: magic is 'SOSBUNDX', expected 'SOSBUNDL'");
    memcpy(b.p, "\x7f" "ELF\x02\x01\x01\x00", 8);
    expect_open(&b, SOS_ERR_BAD_FORMAT,
                "not a bundle: magic is '\\x7fELF\\x02\\x01\\x01\\x00', expected 'SOSBUNDL'");
    free(b.p);
}

static void test_wrong_version(void **state)
{
    struct blob b = make_bundle();
    set(&b, 8, 2, 3);
    reseal(&b);
    expect_open(&b, SOS_ERR_NOT_SUPPORTED, "unsupported bundle version 3 (this reader knows 1)");
    set(&b, 8, 2, 0);
    expect_open(&b, SOS_ERR_NOT_SUPPORTED, "unsupported bundle version 0 (this reader knows 1)");
    free(b.p);
}

static void test_bad_header_fields(void **state)
{
    struct blob b = make_bundle();
    uint32_t size = (uint32_t)b.n;
    struct {
        size_t off;
        int width;
        uint32_t value;
        int code;
        const char *msg;
    } cases[] = {
        {10, 2, 48, SOS_ERR_BAD_FORMAT, "bad header size 48 (version 1 headers are 64 bytes)"},
        {12, 4, 1, SOS_ERR_BAD_FORMAT, "unknown header flags 0x1"},
        {28, 4, 10, SOS_ERR_BAD_FORMAT, "bad bundle size 10: smaller than the 64-byte header"},
        {28, 4, size + 1, SOS_ERR_BAD_FORMAT, NULL},
        {16, 4, 5000, SOS_ERR_BAD_FORMAT, "too many entries: 5000 (limit 4096)"},
        {20, 4, 0, SOS_ERR_BAD_FORMAT, "index at offset 0 overlaps the 64-byte header"},
        {20, 4, 63, SOS_ERR_BAD_FORMAT, "index at offset 63 overlaps the 64-byte header"},
        {20, 4, 0xfffffff0u, SOS_ERR_BAD_FORMAT, NULL},
        {24, 4, size, SOS_ERR_BAD_FORMAT, NULL},
        {16, 4, 4096, SOS_ERR_BAD_FORMAT, NULL},
    };
    char msg[200];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct blob c = {malloc(b.n), b.n};
        memcpy(c.p, b.p, b.n);
        set(&c, cases[i].off, cases[i].width, cases[i].value);
        reseal(&c);
        const char *m = cases[i].msg;
        if (!m && cases[i].off == 28)
            m = want("bundle truncated: header says %u bytes, file is %zu bytes", size + 1, b.n);
        if (!m && cases[i].off == 20)
            m = want("bundle truncated: index ends at %llu, bundle is %u bytes",
                     0xfffffff0ull + 3 * 32 + get(&c, 24, 4), size);
        if (!m && cases[i].off == 24)
            m = want("bundle truncated: index ends at %llu, bundle is %u bytes",
                     64ull + 3 * 32 + size, size);
        if (!m && cases[i].off == 16)
            m = want("bundle truncated: index ends at %llu, bundle is %u bytes",
                     64ull + 4096 * 32 + get(&c, 24, 4), size);
        snprintf(msg, sizeof msg, "%s", m);
        expect_open(&c, cases[i].code, msg);
        free(c.p);
    }
    free(b.p);
}

static void test_bad_digest(void **state)
{
    struct blob b = make_bundle();
    struct bundle bd;
    struct errmsg err;
    b.p[40] ^= 1; /* in the digest */
    assert_int_equal(bundle_open(&bd, b.p, b.n, &err), SOS_ERR_CORRUPT);
    assert_non_null(strstr(err.msg, "digest mismatch: header says sha256 "));
    /* the index-only reader does not look at the digest */
    assert_int_equal(bundle_open_index(&bd, b.p, b.n, &err), 0);
    assert_int_equal(bundle_verify_digest(&bd, &err), SOS_ERR_CORRUPT);
    b.p[40] ^= 1;
    b.p[b.n - 1] ^= 0x40; /* in the data */
    assert_int_equal(bundle_open(&bd, b.p, b.n, &err), SOS_ERR_CORRUPT);
    assert_non_null(strstr(err.msg, "digest mismatch"));
    free(b.p);
}

/* ---- index entries --------------------------------------------------------------- */

static void test_bad_names(void **state)
{
    struct blob b = make_bundle();
    uint32_t names = (uint32_t)get(&b, 24, 4), at0 = get(&b, REC(0), 4);
    const size_t names_base = 64 + 3 * 32;
    struct blob c = {malloc(b.n), b.n};

#define FRESH() memcpy(c.p, b.p, b.n)
    FRESH();
    set(&c, REC(2), 4, names);
    reseal(&c);
    expect_open(&c, SOS_ERR_BAD_FORMAT,
                want("entry 2: name at %u (19 bytes and a NUL) runs past the %u-byte name table",
                     names, names));
    FRESH();
    set(&c, REC(0) + 4, 2, 8); /* "bin/hell" followed by 'o', not NUL */
    reseal(&c);
    expect_open(&c, SOS_ERR_BAD_FORMAT, "entry 0: name is not NUL-terminated");
    FRESH();
    c.p[names_base + at0 + 3] = 0; /* "bin\0hello" */
    reseal(&c);
    expect_open(&c, SOS_ERR_BAD_FORMAT, "entry 0: name has a NUL at byte 3 of 9");
    FRESH();
    c.p[names_base + at0 + 5] = 0x1b;
    reseal(&c);
    expect_open(&c, SOS_ERR_BAD_FORMAT,
                "entry 0: name 'bin/h\\x1bllo' has invalid character 0x1b at 5");
    FRESH();
    memcpy(c.p + names_base + at0, "bin/../lo", 9);
    reseal(&c);
    expect_open(&c, SOS_ERR_BAD_FORMAT, "entry 0: name 'bin/../lo' has a '.' or '..' component");
    FRESH();
    memcpy(c.p + names_base + at0, "/bin/hell", 9);
    reseal(&c);
    expect_open(&c, SOS_ERR_BAD_FORMAT, "entry 0: name '/bin/hell' has an empty path component");
    FRESH();
    set(&c, REC(0) + 4, 2, 0);
    c.p[names_base + at0] = 0;
    reseal(&c);
    expect_open(&c, SOS_ERR_BAD_FORMAT, "entry 0: empty name");
#undef FRESH
    free(c.p);
    free(b.p);
}

static void test_duplicate_and_unsorted_names(void **state)
{
    struct blob b = make_bundle();
    struct blob c = {malloc(b.n), b.n};
    memcpy(c.p, b.p, b.n);
    set(&c, REC(1), 4, get(&b, REC(0), 4));
    set(&c, REC(1) + 4, 2, get(&b, REC(0) + 4, 2));
    reseal(&c);
    expect_open(&c, SOS_ERR_BAD_FORMAT, "duplicate entry name 'bin/hello' (entries 0 and 1)");

    memcpy(c.p, b.p, b.n);
    set(&c, REC(0), 4, get(&b, REC(1), 4));
    set(&c, REC(0) + 4, 2, get(&b, REC(1) + 4, 2));
    set(&c, REC(1), 4, get(&b, REC(0), 4));
    set(&c, REC(1) + 4, 2, get(&b, REC(0) + 4, 2));
    reseal(&c);
    expect_open(&c, SOS_ERR_BAD_FORMAT,
                "index not sorted: entry 1 'bin/hello' comes after 'bin/rootmgr'");
    free(c.p);
    free(b.p);
}

static void test_bad_entry_fields(void **state)
{
    struct blob b = make_bundle();
    uint32_t off0 = get(&b, REC(0) + 8, 4), st0 = get(&b, REC(0) + 12, 4);
    uint32_t off1 = get(&b, REC(1) + 8, 4), st1 = get(&b, REC(1) + 12, 4);
    uint32_t off2 = get(&b, REC(2) + 8, 4), st2 = get(&b, REC(2) + 12, 4);
    uint32_t index_end = 64 + 3 * 32 + get(&b, 24, 4), size = (uint32_t)b.n;
    struct {
        size_t off;
        int width;
        uint32_t value;
        const char *msg;
    } cases[] = {
        {REC(0) + 6, 1, 0, "entry 'bin/hello': unknown kind 0"},
        {REC(0) + 6, 1, 9, "entry 'bin/hello': unknown kind 9"},
        {REC(0) + 7, 1, 0x80, "entry 'bin/hello': unknown flags 0x80"},
        {REC(0) + 24, 4, 1, "entry 'bin/hello': reserved bytes are not zero"},
        {REC(0) + 28, 4, 1, "entry 'bin/hello': reserved bytes are not zero"},
        {REC(1) + 16, 4, 4999,
         "entry 'bin/rootmgr': stored uncompressed but stored size 5000 differs from size 4999"},
        {REC(0) + 16, 4, 0x7fffffff, NULL},
        {REC(0) + 8, 4, 100, NULL},
        {REC(2) + 12, 4, st2 + 1, NULL},
        {REC(1) + 8, 4, off0, NULL},
        {REC(2) + 8, 4, 0xffffff00u, NULL},
    };
    char msgs[5][200];
    snprintf(msgs[0], 200, "entry 'bin/hello': size 2147483647 is impossible for %u compressed "
             "bytes", st0);
    snprintf(msgs[1], 200, "entry 'bin/hello': data at 100 overlaps the index (ends at %u)",
             index_end);
    snprintf(msgs[2], 200,
             "entry 'manifests/hello.svc': data [%u, %u) runs past the end of the bundle "
             "(%u bytes)", off2, off2 + st2 + 1, size);
    snprintf(msgs[3], 200,
             "entry 'bin/rootmgr' data [%u, %u) overlaps entry 'bin/hello' data [%u, %u)", off0,
             off0 + st1, off0, off0 + st0);
    snprintf(msgs[4], 200,
             "entry 'manifests/hello.svc': data [%u, %llu) runs past the end of the bundle "
             "(%u bytes)", 0xffffff00u, 0xffffff00ull + st2, size);
    (void)off1;
    int k = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct blob c = {malloc(b.n), b.n};
        memcpy(c.p, b.p, b.n);
        set(&c, cases[i].off, cases[i].width, cases[i].value);
        reseal(&c);
        expect_open(&c, SOS_ERR_BAD_FORMAT, cases[i].msg ? cases[i].msg : msgs[k++]);
        free(c.p);
    }
    free(b.p);
}

/* ---- entry contents ---------------------------------------------------------------- */

static void test_bad_checksum(void **state)
{
    struct blob b = make_bundle();
    uint32_t crc = get(&b, REC(0) + 20, 4);
    set(&b, REC(0) + 20, 4, crc ^ 0x100);
    reseal(&b);
    expect_read(&b, "bin/hello", sizeof g_exe, SOS_ERR_CORRUPT,
                want("entry 'bin/hello': checksum mismatch: index says crc32 %08x, data has %08x",
                     crc ^ 0x100, crc));
    /* a stored entry is checked the same way */
    uint32_t rcrc = get(&b, REC(1) + 20, 4);
    b.p[get(&b, REC(1) + 8, 4) + 10] ^= 1;
    reseal(&b);
    struct bundle bd;
    struct bundle_entry e;
    struct errmsg err;
    uint8_t *buf = malloc(sizeof g_root);
    assert_int_equal(bundle_open(&bd, b.p, b.n, &err), 0);
    assert_int_equal(bundle_find(&bd, "bin/rootmgr", &e), 0);
    assert_int_equal(bundle_read(&bd, &e, buf, sizeof g_root, &err), SOS_ERR_CORRUPT);
    assert_non_null(strstr(err.msg, want("index says crc32 %08x", rcrc)));
    free(buf);
    free(b.p);
}

static void test_bad_compressed_data(void **state)
{
    struct blob b = make_bundle();
    struct blob c = {malloc(b.n + 4), b.n};
    uint32_t off0 = get(&b, REC(0) + 8, 4), st0 = get(&b, REC(0) + 12, 4);
    uint32_t st2 = get(&b, REC(2) + 12, 4), sz2 = get(&b, REC(2) + 16, 4);

    memcpy(c.p, b.p, b.n);
    c.p[off0] ^= 1; /* zlib header */
    reseal(&c);
    expect_read(&c, "bin/hello", sizeof g_exe, SOS_ERR_CORRUPT,
                "entry 'bin/hello': compressed data is corrupt (zlib: incorrect header check)");

    memcpy(c.p, b.p, b.n);
    set(&c, REC(0) + 16, 4, sizeof g_exe - 1);
    reseal(&c);
    expect_read(&c, "bin/hello", sizeof g_exe, SOS_ERR_CORRUPT,
                "entry 'bin/hello': inflates to more than its size 2999");

    memcpy(c.p, b.p, b.n);
    set(&c, REC(0) + 16, 4, sizeof g_exe + 1);
    reseal(&c);
    expect_read(&c, "bin/hello", sizeof g_exe + 1, SOS_ERR_CORRUPT,
                "entry 'bin/hello': compressed data ends after 3000 of 3001 bytes");

    memcpy(c.p, b.p, b.n);
    set(&c, REC(0) + 12, 4, st0 / 2);
    reseal(&c);
    expect_read(&c, "bin/hello", sizeof g_exe, SOS_ERR_CORRUPT, NULL);

    memcpy(c.p, b.p, b.n); /* the last entry grows by 4 bytes of junk */
    memcpy(c.p + b.n, "junk", 4);
    c.n = b.n + 4;
    set(&c, REC(2) + 12, 4, st2 + 4);
    set(&c, 28, 4, (uint32_t)c.n);
    reseal(&c);
    expect_read(&c, "manifests/hello.svc", sz2, SOS_ERR_CORRUPT,
                "entry 'manifests/hello.svc': 4 bytes of trailing data after the compressed "
                "stream");
    free(c.p);
    free(b.p);
}

static void test_truncated_stream_message(void **state)
{
    struct blob b = make_bundle();
    uint32_t st0 = get(&b, REC(0) + 12, 4);
    set(&b, REC(0) + 12, 4, st0 / 2);
    reseal(&b);
    struct bundle bd;
    struct bundle_entry e;
    struct errmsg err;
    uint8_t *buf = malloc(sizeof g_exe);
    assert_int_equal(bundle_open(&bd, b.p, b.n, &err), 0);
    assert_int_equal(bundle_find(&bd, "bin/hello", &e), 0);
    assert_int_equal(bundle_read(&bd, &e, buf, sizeof g_exe, &err), SOS_ERR_CORRUPT);
    assert_non_null(strstr(err.msg, "entry 'bin/hello': compressed data is cut short ("));
    free(buf);
    free(b.p);
}

static void test_buffer_too_small(void **state)
{
    struct blob b = make_bundle();
    expect_read(&b, "bin/hello", sizeof g_exe - 1, SOS_ERR_BUFFER_TOO_SMALL,
                "entry 'bin/hello': buffer of 2999 bytes is too small for 3000 bytes");
    free(b.p);
}

/* ---- writer --------------------------------------------------------------------- */

static void test_writer_rejects_bad_inputs(void **state)
{
    uint8_t out[8192];
    size_t n;
    struct errmsg err;
    struct {
        struct bundle_input in[2];
        size_t count;
        int code;
        const char *msg;
    } cases[] = {
        {{{"a/b", 4, 0, "x", 1}, {"a/b", 4, 0, "y", 1}}, 2, SOS_ERR_ALREADY_EXISTS,
         "duplicate entry name 'a/b'"},
        {{{"/abs", 4, 0, "x", 1}}, 1, SOS_ERR_INVALID_ARGS,
         "input 0: name '/abs' has an empty path component"},
        {{{"a//b", 4, 0, "x", 1}}, 1, SOS_ERR_INVALID_ARGS,
         "input 0: name 'a//b' has an empty path component"},
        {{{"a/", 4, 0, "x", 1}}, 1, SOS_ERR_INVALID_ARGS,
         "input 0: name 'a/' has an empty path component"},
        {{{"a/./b", 4, 0, "x", 1}}, 1, SOS_ERR_INVALID_ARGS,
         "input 0: name 'a/./b' has a '.' or '..' component"},
        {{{"a b", 4, 0, "x", 1}}, 1, SOS_ERR_INVALID_ARGS,
         "input 0: name 'a b' has invalid character 0x20 at 1"},
        {{{"", 4, 0, "x", 1}}, 1, SOS_ERR_INVALID_ARGS, "input 0: empty name"},
        {{{"ok", 7, 0, "x", 1}}, 1, SOS_ERR_INVALID_ARGS, "entry 'ok': unknown kind 7"},
        {{{"ok", 4, 2, "x", 1}}, 1, SOS_ERR_INVALID_ARGS, "entry 'ok': unknown flags 0x2"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int rc = bundle_write(cases[i].in, cases[i].count, out, sizeof out, &n, &err);
        if (rc != cases[i].code || strcmp(err.msg, cases[i].msg))
            fail_msg("case %zu: got %d '%s'", i, rc, err.msg);
    }
    char long_name[300];
    memset(long_name, 'a', sizeof long_name - 1);
    long_name[299] = 0;
    struct bundle_input in = {long_name, 4, 0, "x", 1};
    assert_int_equal(bundle_write(&in, 1, out, sizeof out, &n, &err), SOS_ERR_INVALID_ARGS);
    assert_string_equal(err.msg, "input 0: name of 299 bytes is too long (limit 255)");
}

static void test_writer_buffer_too_small_everywhere(void **state)
{
    struct bundle_input in[] = {
        {"bin/rootmgr", BUNDLE_KIND_EXECUTABLE, BUNDLE_FLAG_STORED, g_root, 100},
        {"bin/hello", BUNDLE_KIND_EXECUTABLE, 0, g_exe, sizeof g_exe},
    };
    size_t full = bundle_write_bound(in, 2), n = 0;
    uint8_t *big = malloc(full);
    assert_int_equal(bundle_write(in, 2, big, full, &n, NULL), 0);
    for (size_t cap = 0; cap < n; cap += (cap < 300 ? 1 : 97)) {
        uint8_t *out = malloc(cap ? cap : 1);
        size_t w = 0;
        int rc = bundle_write(in, 2, out, cap, &w, NULL);
        assert_int_equal(rc, SOS_ERR_BUFFER_TOO_SMALL);
        free(out);
    }
    uint8_t *exact = malloc(n);
    size_t w = 0;
    assert_int_equal(bundle_write(in, 2, exact, n, &w, NULL), 0);
    assert_int_equal(w, n);
    assert_memory_equal(exact, big, n);
    free(exact);
    free(big);
}

/* ---- names and kinds ------------------------------------------------------------- */

static void test_names_and_kinds(void **state)
{
    assert_int_equal(bundle_check_name("bin/rootmgr", 11, NULL), 0);
    assert_int_equal(bundle_check_name("data/fonts/mono-1.2_b+x.psf", 27, NULL), 0);
    assert_int_equal(bundle_check_name("..", 2, NULL), SOS_ERR_INVALID_ARGS);
    assert_int_equal(bundle_check_name("a\\b", 3, NULL), SOS_ERR_INVALID_ARGS);
    assert_string_equal(bundle_kind_name(BUNDLE_KIND_CONFIG), "config");
    assert_string_equal(bundle_kind_name(0), "?");
    assert_int_equal(bundle_kind_parse("executable"), BUNDLE_KIND_EXECUTABLE);
    assert_int_equal(bundle_kind_parse("exe"), 0);
    assert_int_equal(bundle_kind_for_path("manifests/log.svc"), BUNDLE_KIND_MANIFEST);
    assert_int_equal(bundle_kind_for_path("config/defaults.conf"), BUNDLE_KIND_CONFIG);
    assert_int_equal(bundle_kind_for_path("bin/log"), BUNDLE_KIND_EXECUTABLE);
    assert_int_equal(bundle_kind_for_path("binary/x"), BUNDLE_KIND_DATA);
}

/* ---- random damage: every outcome is a clean error or a correct read ------------- */

static void try_everything(uint8_t *p, size_t n)
{
    struct bundle bd;
    struct errmsg err = {0};
    int rc = bundle_open_index(&bd, p, n, &err);
    if (rc) {
        assert_true(rc < 0);
        assert_true(err.msg[0] != 0);
        return;
    }
    for (uint32_t i = 0; i < bundle_count(&bd); i++) {
        struct bundle_entry e, f;
        assert_int_equal(bundle_entry_at(&bd, i, &e), 0);
        assert_int_equal(bundle_find(&bd, e.name, &f), 0);
        assert_int_equal(f.index, i);
        uint8_t *buf = malloc(e.size ? e.size : 1);
        rc = bundle_read(&bd, &e, buf, e.size, &err);
        assert_true(rc == 0 || rc == SOS_ERR_CORRUPT);
        free(buf);
    }
}

static void test_random_damage(void **state)
{
    struct blob b = make_bundle();
    uint32_t x = 2024;
    uint8_t *c = malloc(b.n);
    for (int round = 0; round < 3000; round++) {
        memcpy(c, b.p, b.n);
        int edits = 1 + round % 4;
        for (int k = 0; k < edits; k++) {
            x = x * 1664525u + 1013904223u;
            /* most damage goes to the header and index, where the checks are */
            size_t at = (x >> 8) % (round % 2 ? b.n : 64 + 3 * 32 + 64);
            c[at] = (uint8_t)(x >> 24);
        }
        try_everything(c, b.n);
    }
    free(c);
    free(b.p);
}

int main(void)
{
    fill_inputs();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_empty_bundle_and_entries),
        cmocka_unit_test(test_padding_after_bundle_is_allowed),
        cmocka_unit_test(test_find),
        cmocka_unit_test(test_writer_is_deterministic_and_sorts),
        cmocka_unit_test(test_truncated_at_every_byte),
        cmocka_unit_test(test_bad_magic),
        cmocka_unit_test(test_wrong_version),
        cmocka_unit_test(test_bad_header_fields),
        cmocka_unit_test(test_bad_digest),
        cmocka_unit_test(test_bad_names),
        cmocka_unit_test(test_duplicate_and_unsorted_names),
        cmocka_unit_test(test_bad_entry_fields),
        cmocka_unit_test(test_bad_checksum),
        cmocka_unit_test(test_bad_compressed_data),
        cmocka_unit_test(test_truncated_stream_message),
        cmocka_unit_test(test_buffer_too_small),
        cmocka_unit_test(test_writer_rejects_bad_inputs),
        cmocka_unit_test(test_writer_buffer_too_small_everywhere),
        cmocka_unit_test(test_names_and_kinds),
        cmocka_unit_test(test_random_damage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
