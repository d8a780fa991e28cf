/*
 * sospkg - build, show and verify packages, and build repositories (docs/packages.md).
 *
 *   sospkg build -o OUT -i INFO [-d DIR] [PATH=SRC[:KIND] ...]
 *   sospkg show FILE        manifest and files; every file inflated and hashed
 *   sospkg verify FILE      the same, silent on success
 *   sospkg repo -o DIR PKG[:CHANNEL]...   DIR/packages/<name>-<version>.pkg and DIR/index
 *                           (CHANNEL: testing; left out: stable)
 *   sospkg keygen | meta-sign | meta-verify   signed metadata (meta.c) and
 *   sospkg tuf | tuf-verify                   TUF (tuf.c); only when the Ed25519
 *                                             sources were fetched
 *
 * build: INFO is the package.info head (format, name, version, arch, description,
 * depends; no file= lines: sospkg writes those from the files). Files come from every
 * regular file under DIR (path relative to DIR) and from PATH=SRC arguments; the kind
 * is KIND when given, else from the path (bin/ executable, manifests/ manifest, config/
 * config, anything else data). Every manifest file is parsed as a service manifest, so
 * a broken one fails the build.
 *
 * Exit status: 0 success, 1 invalid package or input content, 2 usage, 3 I/O error.
 *
 * Layer: image/ host tool (libc). The format itself is common/pkg, the same code the
 * package service runs.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sos/errors.h>

#include "hostfile.h"
#include "manifest.h"
#include "pkg.h"
#include "sospkg.h"

const char host_tool[] = "sospkg";

static void usage(FILE *f)
{
    fputs("usage: sospkg build -o OUT -i INFO [-d DIR] [PATH=SRC[:KIND] ...]\n"
          "       sospkg show FILE\n"
          "       sospkg verify FILE\n"
          "       sospkg repo -o DIR PKG[:testing]...\n"
          "       sospkg keygen -o KEYFILE\n"
          "       sospkg meta-sign -k KEYFILE FILE\n"
          "       sospkg meta-verify -r ROLE -t N [-v MIN] [-n NOW] FILE PUBKEY...\n"
          "       sospkg tuf -o REPO -k KEYFILE [-v VERSION] [-e EXPIRES] [-c]\n"
          "       sospkg tuf-verify -r ROOTFILE [-n NOW] REPO\n", f);
}

struct files {
    struct pkg_write_input v[PKG_MAX_FILES];
    size_t n;
};

static int add_file(struct files *fs, const char *path, const char *src, unsigned kind)
{
    if (fs->n == PKG_MAX_FILES)
        return host_fail(EXIT_INVALID, "more than %d files", PKG_MAX_FILES);
    size_t size = 0;
    void *data = hostfile_read(src, &size);
    if (!data)
        return host_fail(EXIT_IO, "cannot read '%s': %s", src, strerror(errno));
    char *p = strdup(path);
    fs->v[fs->n++] = (struct pkg_write_input){p, kind ? kind : bundle_kind_for_path(p), data,
                                              size};
    return 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

/* Adds every regular file under root/rel, in name order (deterministic packages). */
static int add_dir(struct files *fs, const char *root, const char *rel)
{
    char dir[1024];
    snprintf(dir, sizeof dir, "%s%s%s", root, *rel ? "/" : "", rel);
    struct dirent **names;
    int n = scandir(dir, &names, NULL, by_name), rc = 0;
    if (n < 0)
        return host_fail(EXIT_IO, "cannot read directory '%s': %s", dir, strerror(errno));
    for (int i = 0; i < n; i++) {
        const char *name = names[i]->d_name;
        char sub[1024], full[2048];
        snprintf(sub, sizeof sub, "%s%s%s", rel, *rel ? "/" : "", name);
        snprintf(full, sizeof full, "%s/%s", root, sub);
        struct stat st;
        if (!rc && strcmp(name, ".") && strcmp(name, "..") && stat(full, &st) == 0)
            rc = S_ISDIR(st.st_mode) ? add_dir(fs, root, sub)
                 : S_ISREG(st.st_mode) ? add_file(fs, sub, full, 0) : 0;
        free(names[i]);
    }
    free(names);
    return rc;
}

/* PATH=SRC[:KIND] */
static int add_spec(struct files *fs, char *spec)
{
    char *eq = strchr(spec, '=');
    if (!eq)
        return host_fail(EXIT_USAGE, "'%s': files are PATH=SRC[:KIND]", spec);
    *eq = 0;
    unsigned kind = 0;
    char *colon = strrchr(eq + 1, ':');
    if (colon && (kind = bundle_kind_parse(colon + 1)) != 0)
        *colon = 0;
    return add_file(fs, spec, eq + 1, kind);
}

static int check_manifests(const struct files *fs)
{
    static struct manifest_set set;
    for (size_t i = 0; i < fs->n; i++) {
        if (fs->v[i].kind != BUNDLE_KIND_MANIFEST)
            continue;
        struct errmsg err = {0};
        manifest_set_init(&set);
        if (manifest_parse(&set, fs->v[i].path, fs->v[i].data, fs->v[i].size, &err))
            return host_fail(EXIT_INVALID, "%s", err.msg);
    }
    return 0;
}

static int read_info(const char *path, struct pkg_info *info)
{
    size_t size = 0;
    char *text = hostfile_read(path, &size);
    if (!text)
        return host_fail(EXIT_IO, "cannot read '%s': %s", path, strerror(errno));
    struct errmsg err = {0};
    int rc = pkg_info_parse(text, size, info, &err);
    free(text);
    if (rc)
        return host_fail(EXIT_INVALID, "%s: %s", path, err.msg);
    if (info->file_count)
        return host_fail(EXIT_INVALID, "%s: file= lines are written by sospkg, not given",
                           path);
    return 0;
}

static int write_package(struct pkg_info *info, struct files *fs, const char *out)
{
    size_t cap = pkg_write_bound(fs->v, fs->n), written = 0;
    void *buf = malloc(cap ? cap : 1);
    struct errmsg err = {0};
    int rc = cap && buf ? pkg_write(info, fs->v, fs->n, buf, cap, &written, &err)
                        : errmsg_set(&err, SOS_ERR_NO_MEMORY, "package too large");
    if (rc)
        rc = host_fail(EXIT_INVALID, "%s", err.msg);
    else if (hostfile_write(out, buf, written))
        rc = host_fail(EXIT_IO, "cannot write '%s': %s", out, strerror(errno));
    free(buf);
    return rc;
}

static int cmd_build(int argc, char **argv)
{
    static struct pkg_info info;
    static struct files fs;
    const char *out = NULL, *infofile = NULL, *dir = NULL;
    int i = 0, rc = 0;
    for (; i < argc && argv[i][0] == '-'; i += 2) {
        if (i + 1 >= argc)
            return host_fail(EXIT_USAGE, "%s needs a value", argv[i]);
        const char *o = argv[i];
        if (!strcmp(o, "-o"))
            out = argv[i + 1];
        else if (!strcmp(o, "-i"))
            infofile = argv[i + 1];
        else if (!strcmp(o, "-d"))
            dir = argv[i + 1];
        else
            return host_fail(EXIT_USAGE, "unknown option '%s'", o);
    }
    if (!out || !infofile)
        return host_fail(EXIT_USAGE, "build needs -o OUT and -i INFO");
    if ((rc = read_info(infofile, &info)) != 0)
        return rc;
    if (dir)
        rc = add_dir(&fs, dir, "");
    for (; !rc && i < argc; i++)
        rc = add_spec(&fs, argv[i]);
    if (!rc)
        rc = check_manifests(&fs);
    if (!rc)
        rc = write_package(&info, &fs, out);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "build"))
        return cmd_build(argc - 2, argv + 2);
    if (!strcmp(cmd, "show") && argc == 3)
        return sospkg_show(argv[2], true);
    if (!strcmp(cmd, "verify") && argc == 3)
        return sospkg_show(argv[2], false);
    if (!strcmp(cmd, "repo"))
        return sospkg_repo(argc - 2, argv + 2);
#ifdef SOSPKG_ED25519
    if (!strcmp(cmd, "keygen"))
        return sospkg_keygen(argc - 2, argv + 2);
    if (!strcmp(cmd, "meta-sign"))
        return sospkg_meta_sign(argc - 2, argv + 2);
    if (!strcmp(cmd, "meta-verify"))
        return sospkg_meta_verify(argc - 2, argv + 2);
    if (!strcmp(cmd, "tuf"))
        return sospkg_tuf(argc - 2, argv + 2);
    if (!strcmp(cmd, "tuf-verify"))
        return sospkg_tuf_verify(argc - 2, argv + 2);
#endif
    if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help")) {
        usage(stdout);
        return 0;
    }
    usage(stderr);
    return EXIT_USAGE;
}
