/*
 * repo.c - sospkg show, verify and repo: reading packages back and laying out a
 * repository.
 *
 * A repository is a directory:
 *   packages/<name>-<version>.pkg   the package files, unchanged
 *   index                           one block per package, in name and version order:
 *       package=<name> <version> <arch> <sha256 of the file> <size> packages/<file>
 *       depends=<name> <dependency>          (one line per dependency)
 *       description=<name> <text>
 *       channel=<name> testing               (a package given as FILE:testing)
 * The index is what a client reads to resolve dependencies before it fetches any
 * package; the SHA-256 and size pin each package file. (Signing it is the TUF targets
 * role's job: docs/packages.md.)
 *
 * Layer: image/ host tool (libc).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sos/errors.h>

#include "hostfile.h"
#include "pkg.h"
#include "sospkg.h"

struct loaded {
    char *path;
    uint8_t channel; /* enum pkg_channel */
    void *data;
    size_t size;
    struct pkg pkg;
};

/* Reads and opens path, and reads every file (hash check). */
static int load(const char *path, struct loaded *l)
{
    l->path = (char *)path;
    l->data = hostfile_read(path, &l->size);
    if (!l->data)
        return host_fail(EXIT_IO, "cannot read '%s': %s", path, strerror(errno));
    struct errmsg err = {0};
    if (pkg_open(&l->pkg, l->data, l->size, &err))
        return host_fail(EXIT_INVALID, "%s: %s", path, err.msg);
    for (uint32_t i = 0; i < l->pkg.info.file_count; i++) {
        const struct pkg_file *f = &l->pkg.info.file[i];
        void *buf = malloc(f->size ? f->size : 1);
        int rc = buf ? pkg_read_file(&l->pkg, f, buf, f->size, &err)
                     : errmsg_set(&err, SOS_ERR_NO_MEMORY, "out of memory");
        free(buf);
        if (rc)
            return host_fail(EXIT_INVALID, "%s: %s", path, err.msg);
    }
    return 0;
}

int sospkg_show(const char *path, bool print)
{
    static struct loaded l;
    int rc = load(path, &l);
    if (rc || !print) {
        free(l.data);
        return rc;
    }
    const struct pkg_info *in = &l.pkg.info;
    printf("name %s\nversion %s\narch %s\n", in->name, in->version_text, in->arch);
    if (in->description[0])
        printf("description %s\n", in->description);
    for (uint32_t i = 0; i < in->dep_count; i++) {
        char dep[160];
        pkg_dep_format(&in->dep[i], dep, sizeof dep);
        printf("depends %s\n", dep);
    }
    for (uint32_t i = 0; i < in->file_count; i++) {
        char hex[PKG_HEX_SIZE + 1];
        pkg_hex(in->file[i].sha256, hex);
        printf("file %-10s %8u %.16s %s\n", bundle_kind_name(in->file[i].kind),
               (unsigned)in->file[i].size, hex, in->file[i].path);
    }
    printf("%zu bytes, %u objects, all files verified\n", l.size,
           (unsigned)bundle_count(&l.pkg.bundle) - 1);
    free(l.data);
    return 0;
}

static int by_name_version(const void *a, const void *b)
{
    const struct pkg_info *x = &(*(struct loaded *const *)a)->pkg.info;
    const struct pkg_info *y = &(*(struct loaded *const *)b)->pkg.info;
    int c = strcmp(x->name, y->name);
    return c ? c : pkg_version_cmp(&x->version, &y->version);
}

/* The index entry of a loaded package stored at file. */
static void index_entry(const struct loaded *l, const char *file, struct pkg_avail *a)
{
    const struct pkg_info *in = &l->pkg.info;
    *a = (struct pkg_avail){.version = in->version, .size = (uint32_t)l->size,
                            .dep_count = in->dep_count};
    strcpy(a->name, in->name);
    strcpy(a->version_text, in->version_text);
    strcpy(a->arch, in->arch);
    strcpy(a->description, in->description);
    snprintf(a->path, sizeof a->path, "%.95s", file);
    memcpy(a->dep, in->dep, sizeof a->dep);
    a->channel = l->channel;
    sha256(l->data, l->size, a->sha256);
}

/* Copies every package into dir/packages and writes dir/index through a temporary. */
static int write_repo(const char *dir, struct loaded **v, int n)
{
    char path[1024], file[128];
    snprintf(path, sizeof path, "%s/packages", dir);
    if ((mkdir(dir, 0755) && errno != EEXIST) || (mkdir(path, 0755) && errno != EEXIST))
        return host_fail(EXIT_IO, "cannot make '%s': %s", path, strerror(errno));
    static struct pkg_index ix;
    static char text[PKG_INDEX_TEXT_MAX];
    size_t len = 0;
    if (n > PKG_INDEX_MAX)
        return host_fail(EXIT_INVALID, "%d packages, an index holds at most %d", n,
                           PKG_INDEX_MAX);
    ix.count = 0;
    for (int i = 0; i < n; i++) {
        const struct pkg_info *in = &v[i]->pkg.info;
        if (i && !by_name_version(&v[i - 1], &v[i]))
            return host_fail(EXIT_INVALID, "%s and %s are both %s %s", v[i - 1]->path,
                               v[i]->path, in->name, in->version_text);
        snprintf(file, sizeof file, "packages/%s-%s.pkg", in->name, in->version_text);
        snprintf(path, sizeof path, "%s/%s", dir, file);
        if (hostfile_write(path, v[i]->data, v[i]->size))
            return host_fail(EXIT_IO, "cannot write '%s': %s", path, strerror(errno));
        index_entry(v[i], file, &ix.pkg[ix.count++]);
    }
    if (pkg_index_format(&ix, text, sizeof text, &len))
        return host_fail(EXIT_INVALID, "the index would exceed %d bytes", PKG_INDEX_TEXT_MAX);
    snprintf(path, sizeof path, "%s/index", dir);
    int rc = hostfile_write(path, text, len);
    return rc ? host_fail(EXIT_IO, "cannot write '%s': %s", path, strerror(errno)) : 0;
}

int sospkg_repo(int argc, char **argv)
{
    if (argc < 3 || strcmp(argv[0], "-o"))
        return host_fail(EXIT_USAGE, "repo needs -o DIR and at least one package");
    int n = argc - 2, rc = 0;
    struct loaded **v = calloc((size_t)n, sizeof *v);
    for (int i = 0; i < n && !rc; i++) {
        v[i] = calloc(1, sizeof **v);
        char *colon = strrchr(argv[i + 2], ':');
        int channel = colon ? pkg_channel_parse(colon + 1, strlen(colon + 1)) : -1;
        if (channel >= 0) { /* FILE:CHANNEL */
            *colon = 0;
            v[i]->channel = (uint8_t)channel;
        }
        rc = load(argv[i + 2], v[i]);
    }
    if (!rc) {
        qsort(v, (size_t)n, sizeof *v, by_name_version);
        rc = write_repo(argv[1], v, n);
    }
    for (int i = 0; i < n; i++)
        if (v[i]) {
            free(v[i]->data);
            free(v[i]);
        }
    free(v);
    return rc;
}
