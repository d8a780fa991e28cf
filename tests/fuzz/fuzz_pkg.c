/*
 * tests/fuzz/fuzz_pkg.c - the package reader (common/pkg) on arbitrary bytes.
 *
 * Each input is tried two ways, since a fuzzer cannot forge the bundle digest that
 * guards a whole package file:
 *   - as package.info text: a manifest that parses must format to text that parses to
 *     the same struct (the parser and the formatter agree);
 *   - as a repository index (and a generation record, which is one with keys of its
 *     own): the same round trip, and every dependency in it must print and parse back;
 *   - as a package file: pkg_open either fails with a message or gives a package whose
 *     every file reads back (or fails cleanly), and whose files, written again with
 *     pkg_write, make a package that opens to the same manifest.
 *
 * Layer: tests (host). Seeds: tests/fuzz/corpus/pkg/.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sos/errors.h>

#include "../../common/pkg/pkg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
    if (!ok)
        abort();
}

static void as_info(const uint8_t *data, size_t size)
{
    static struct pkg_info info, again;
    static char text[PKG_INFO_MAX];
    struct errmsg err = {0};
    int rc = pkg_info_parse((const char *)data, size, &info, &err);
    if (rc) {
        check(rc < 0 && err.msg[0] != 0);
        return;
    }
    size_t n = 0;
    check(pkg_info_format(&info, text, sizeof text, &n) == 0);
    check(pkg_info_parse(text, n, &again, &err) == 0);
    check(memcmp(&info, &again, sizeof info) == 0);
}

static int any_key(void *ctx, const char *k, size_t kl, const char *v, size_t vn,
                   struct errmsg *err)
{
    (void)ctx, (void)k, (void)kl, (void)v, (void)vn, (void)err;
    return 0;
}

static void as_index(const uint8_t *data, size_t size)
{
    static struct pkg_index ix, again;
    static char text[PKG_INDEX_TEXT_MAX];
    struct errmsg err = {0};
    pkg_index_parse_ext((const char *)data, size, &ix, any_key, NULL, &err);
    int rc = pkg_index_parse((const char *)data, size, &ix, &err);
    if (rc) {
        check(rc < 0 && err.msg[0] != 0);
        return;
    }
    size_t n = 0;
    if (pkg_index_format(&ix, text, sizeof text, &n))
        return; /* descriptions and dependencies may format longer than they parsed */
    check(pkg_index_parse(text, n, &again, &err) == 0);
    check(again.count == ix.count &&
          memcmp(ix.pkg, again.pkg, ix.count * sizeof ix.pkg[0]) == 0);
}

/* Rewrites the files that read back into a new package and reopens it. */
static void rewrite(const struct pkg *p, struct pkg_write_input *in, size_t n)
{
    static struct pkg_info info;
    static struct pkg q;
    info = p->info;
    size_t cap = pkg_write_bound(in, n), written = 0;
    uint8_t *out = malloc(cap ? cap : 1);
    struct errmsg err;
    check(cap && pkg_write(&info, in, n, out, cap, &written, &err) == 0);
    check(pkg_open(&q, out, written, &err) == 0);
    check(memcmp(&q.info, &p->info, sizeof q.info) == 0);
    free(out);
}

static void as_package(const uint8_t *data, size_t size)
{
    static struct pkg p;
    struct errmsg err = {0};
    int rc = pkg_open(&p, data, size, &err);
    if (rc) {
        check(rc < 0 && err.msg[0] != 0);
        return;
    }
    struct pkg_write_input in[PKG_MAX_FILES];
    size_t n = 0;
    for (uint32_t i = 0; i < p.info.file_count; i++) {
        const struct pkg_file *f = &p.info.file[i];
        uint8_t *buf = malloc(f->size ? f->size : 1);
        if (f->size > (16u << 20) || pkg_read_file(&p, f, buf, f->size, &err)) {
            free(buf);
            continue;
        }
        in[n++] = (struct pkg_write_input){f->path, f->kind, buf, f->size};
    }
    if (n == p.info.file_count)
        rewrite(&p, in, n);
    for (size_t i = 0; i < n; i++)
        free((void *)in[i].data);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    as_info(data, size);
    as_index(data, size);
    as_package(data, size);
    return 0;
}
