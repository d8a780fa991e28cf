/*
 * mkbundle - build, list, verify and extract bootstore bundles (docs/bootstore.md).
 *
 *   mkbundle -o OUT [--kind K] [--stored|--compressed] [--inputs LIST] NAME=PATH ...
 *   mkbundle --list FILE | --verify FILE | --extract NAME FILE [-o OUT]
 *
 * Building also checks the manifests it packs (parse, then validate the set against
 * the bundle's executables), so a broken manifest fails the build, not the boot.
 * Exit status: 0 success, 1 invalid bundle or input content, 2 usage, 3 I/O error.
 *
 * Layer: image/ host tool (libc). The format itself is common/bundle, the same
 * code the targets run.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sos/errors.h>

#include "bundle.h"
#include "hostfile.h"
#include "hosttool.h"
#include "manifest.h"

struct inputs {
    struct bundle_input *v;
    char **paths;
    size_t n, cap;
};

struct options {
    const char *out;
    unsigned kind;     /* 0: from the name */
    unsigned flags;
    bool check;
};

const char host_tool[] = "mkbundle";

static void usage(FILE *f)
{
    fputs("usage: mkbundle -o OUT [--kind K] [--stored|--compressed] [--no-check]\n"
          "                [--inputs LIST] NAME=PATH ...\n"
          "       mkbundle --list FILE\n"
          "       mkbundle --verify FILE\n"
          "       mkbundle --extract NAME FILE [-o OUT]\n"
          "\n"
          "Kinds: manifest, config, executable, data, auto (default: from the name:\n"
          "manifests/ config/ bin/ or data). --stored keeps the inputs that follow\n"
          "uncompressed (for bin/rootmgr, which the core starts without zlib).\n"
          "LIST holds one 'NAME=PATH [kind=K] [stored]' per line; # starts a comment.\n"
          "Exit status: 0 ok, 1 invalid bundle or input, 2 usage, 3 I/O error.\n",
          f);
}

/* Reads a whole file; NULL with errno set on failure. */
static int write_file(const char *path, const void *data, size_t size)
{
    if (hostfile_write(path, data, size) == 0)
        return 0;
    return !strcmp(path, "-") ? host_fail(EXIT_IO, "cannot write standard output: %s", strerror(errno))
                              : host_fail(EXIT_IO, "cannot write '%s': %s", path, strerror(errno));
}

static int add_input(struct inputs *in, const char *spec, const struct options *o,
                     const char *base_dir)
{
    const char *eq = strchr(spec, '=');
    if (!eq || eq == spec || !eq[1])
        return host_fail(EXIT_USAGE, "input '%s' is not NAME=PATH", spec);
    if (in->n == in->cap) {
        in->cap = in->cap ? in->cap * 2 : 16;
        in->v = realloc(in->v, in->cap * sizeof *in->v);
        in->paths = realloc(in->paths, in->cap * sizeof *in->paths);
        if (!in->v || !in->paths)
            return host_fail(EXIT_IO, "out of memory");
    }
    char *name = strndup(spec, (size_t)(eq - spec));
    size_t plen = strlen(eq + 1) + (base_dir ? strlen(base_dir) + 1 : 0) + 1;
    char *path = malloc(plen);
    if (!name || !path)
        return host_fail(EXIT_IO, "out of memory");
    if (base_dir && eq[1] != '/')
        snprintf(path, plen, "%s/%s", base_dir, eq + 1);
    else
        snprintf(path, plen, "%s", eq + 1);
    in->v[in->n] = (struct bundle_input){
        .name = name, .kind = o->kind ? o->kind : bundle_kind_for_path(name), .flags = o->flags};
    in->paths[in->n++] = path;
    return 0;
}

/* One line of an --inputs list: NAME=PATH [kind=K] [stored]. */
static int add_list_line(struct inputs *in, char *line, const char *list, unsigned lineno,
                         const char *dir)
{
    struct options o = {0};
    char *spec = strtok(line, " \t\r\n");
    if (!spec || spec[0] == '#')
        return 0;
    for (char *w = strtok(NULL, " \t\r\n"); w; w = strtok(NULL, " \t\r\n")) {
        if (!strcmp(w, "stored"))
            o.flags |= BUNDLE_FLAG_STORED;
        else if (!strncmp(w, "kind=", 5) && bundle_kind_parse(w + 5))
            o.kind = bundle_kind_parse(w + 5);
        else
            return host_fail(EXIT_USAGE, "%s:%u: unknown word '%s' (expected kind=K or stored)",
                        list, lineno, w);
    }
    return add_input(in, spec, &o, dir);
}

static int add_list(struct inputs *in, const char *list)
{
    size_t size;
    char *text = hostfile_read(list, &size);
    if (!text)
        return host_fail(EXIT_IO, "cannot read '%s': %s", list, strerror(errno));
    char *dir = strdup(list), *slash = strrchr(dir, '/');
    if (slash)
        *slash = 0;
    unsigned lineno = 0;
    int rc = 0;
    for (char *line = text, *end; !rc && line < text + size; line = end + 1) {
        end = memchr(line, '\n', (size_t)(text + size - line));
        if (!end)
            end = text + size;
        *end = 0;
        rc = add_list_line(in, line, list, ++lineno, slash ? dir : NULL);
    }
    free(dir);
    free(text);
    return rc;
}

static int load_inputs(struct inputs *in)
{
    for (size_t i = 0; i < in->n; i++) {
        size_t size;
        void *data = hostfile_read(in->paths[i], &size);
        if (!data)
            return host_fail(EXIT_IO, "cannot read '%s' (for %s): %s", in->paths[i], in->v[i].name,
                        strerror(errno));
        in->v[i].data = data;
        in->v[i].size = size;
    }
    return 0;
}

/* resource=bundle:<entry> names an entry the root manager hands over: it must exist. */
static int check_bundle_resources(const struct bundle *b, const struct manifest_set *set,
                                  struct errmsg *err)
{
    for (uint32_t i = 0; i < set->count; i++) {
        const struct manifest *m = &set->svc[i];
        for (unsigned k = 0; k < m->n_resources; k++) {
            struct bundle_entry e;
            const char *r = m->resources[k];
            if (!strncmp(r, "bundle:", 7) && bundle_find(b, r + 7, &e))
                return errmsg_set(err, SOS_ERR_NOT_FOUND,
                                  "%s: service '%s': resource '%s' is not in the bundle",
                                  m->file, m->name, r);
        }
    }
    return 0;
}

/* Parses every manifest entry and validates the set against the bundle's executables. */
static int check_manifests(const struct bundle *b, struct errmsg *err)
{
    struct manifest_set *set = malloc(sizeof *set);
    const char **images = calloc(b->count + 1, sizeof *images);
    int rc = set && images ? 0 : errmsg_set(err, SOS_ERR_NO_MEMORY, "out of memory");
    size_t n_images = 0;
    if (!rc)
        manifest_set_init(set);
    for (uint32_t i = 0; !rc && i < b->count; i++) {
        struct bundle_entry e;
        bundle_entry_at(b, i, &e);
        if (e.kind == BUNDLE_KIND_EXECUTABLE)
            images[n_images++] = e.name;
        if (e.kind != BUNDLE_KIND_MANIFEST)
            continue;
        char *text = malloc(e.size + 1);
        rc = text ? bundle_read(b, &e, text, e.size, err)
                  : errmsg_set(err, SOS_ERR_NO_MEMORY, "out of memory");
        if (!rc)
            rc = manifest_parse(set, e.name, text, e.size, err);
        free(text);
    }
    if (!rc)
        rc = manifest_validate(set, images, n_images, err);
    if (!rc)
        rc = check_bundle_resources(b, set, err);
    free(images);
    free(set);
    return rc;
}

static int build(struct inputs *in, const struct options *o)
{
    struct errmsg err;
    int rc = load_inputs(in);
    if (rc)
        return rc;
    size_t bound = bundle_write_bound(in->v, in->n), written = 0;
    if (!bound)
        return host_fail(EXIT_INVALID, "inputs exceed the bundle format's limits");
    uint8_t *out = malloc(bound);
    if (!out)
        return host_fail(EXIT_IO, "out of memory for a %zu-byte bundle", bound);
    struct bundle b;
    if (bundle_write(in->v, in->n, out, bound, &written, &err) ||
        bundle_open(&b, out, written, &err) || (o->check && check_manifests(&b, &err)))
        rc = host_fail(EXIT_INVALID, "%s", err.msg);
    else
        rc = write_file(o->out, out, written);
    free(out);
    return rc;
}

/* Opens path as a bundle (digest included); *data must be freed by the caller. */
static int open_file(const char *path, struct bundle *b, void **data)
{
    size_t size;
    struct errmsg err;
    *data = hostfile_read(path, &size);
    if (!*data)
        return host_fail(EXIT_IO, "cannot read '%s': %s", path, strerror(errno));
    if (bundle_open(b, *data, size, &err))
        return host_fail(EXIT_INVALID, "%s: %s", path, err.msg);
    return 0;
}

static int list(const char *path)
{
    struct bundle b;
    void *data;
    int rc = open_file(path, &b, &data);
    if (!rc) {
        printf("%s: bundle version %u, %u entries, %u bytes, sha256 ", path, BUNDLE_VERSION,
               b.count, b.size);
        for (int i = 0; i < SHA256_SIZE; i++)
            printf("%02x", b.digest[i]);
        printf("\n%-10s %-10s %10s %10s %-8s %s\n", "kind", "storage", "size", "stored",
               "crc32", "name");
        for (uint32_t i = 0; i < b.count; i++) {
            struct bundle_entry e;
            bundle_entry_at(&b, i, &e);
            printf("%-10s %-10s %10u %10u %08x %s\n", bundle_kind_name(e.kind),
                   e.flags & BUNDLE_FLAG_STORED ? "stored" : "zlib", e.size, e.stored_size,
                   e.crc32, e.name);
        }
    }
    free(data);
    return rc;
}

/* Reads entry e into a fresh buffer; NULL after printing the error. */
static void *read_entry(const struct bundle *b, const struct bundle_entry *e, const char *path,
                        int *rc)
{
    struct errmsg err;
    void *buf = malloc(e->size ? e->size : 1);
    if (!buf) {
        *rc = host_fail(EXIT_IO, "out of memory for '%s'", e->name);
        return NULL;
    }
    if (bundle_read(b, e, buf, e->size, &err)) {
        free(buf);
        *rc = host_fail(EXIT_INVALID, "%s: %s", path, err.msg);
        return NULL;
    }
    return buf;
}

static int verify(const char *path)
{
    struct bundle b;
    struct errmsg err;
    void *data;
    int rc = open_file(path, &b, &data);
    uint64_t total = 0;
    for (uint32_t i = 0; !rc && i < b.count; i++) {
        struct bundle_entry e;
        bundle_entry_at(&b, i, &e);
        free(read_entry(&b, &e, path, &rc));
        total += e.size;
    }
    if (!rc && check_manifests(&b, &err))
        rc = host_fail(EXIT_INVALID, "%s: %s", path, err.msg);
    if (!rc)
        printf("%s: ok: %u entries, %llu bytes inflated from %u\n", path, b.count,
               (unsigned long long)total, b.size);
    free(data);
    return rc;
}

static int extract(const char *name, const char *path, const char *out)
{
    struct bundle b;
    struct bundle_entry e;
    void *data;
    int rc = open_file(path, &b, &data);
    if (!rc && bundle_find(&b, name, &e))
        rc = host_fail(EXIT_INVALID, "%s: no entry named '%s'", path, name);
    if (!rc) {
        void *buf = read_entry(&b, &e, path, &rc);
        if (buf)
            rc = write_file(out ? out : "-", buf, e.size);
        free(buf);
    }
    free(data);
    return rc;
}

static int parse_build_args(int argc, char **argv, struct inputs *in, struct options *o)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool has_next = i + 1 < argc;
        int rc = 0;
        if ((!strcmp(a, "-o") || !strcmp(a, "--kind") || !strcmp(a, "--inputs")) && !has_next)
            return host_fail(EXIT_USAGE, "%s needs an argument", a);
        if (!strcmp(a, "-o"))
            o->out = argv[++i];
        else if (!strcmp(a, "--kind")) {
            const char *k = argv[++i];
            o->kind = strcmp(k, "auto") ? bundle_kind_parse(k) : 0;
            if (!o->kind && strcmp(k, "auto"))
                return host_fail(EXIT_USAGE, "unknown kind '%s' (manifest, config, executable, "
                            "data or auto)", k);
        } else if (!strcmp(a, "--stored"))
            o->flags |= BUNDLE_FLAG_STORED;
        else if (!strcmp(a, "--compressed"))
            o->flags &= ~BUNDLE_FLAG_STORED;
        else if (!strcmp(a, "--no-check"))
            o->check = false;
        else if (!strcmp(a, "--inputs"))
            rc = add_list(in, argv[++i]);
        else if (a[0] == '-')
            return host_fail(EXIT_USAGE, "unknown option '%s' (see --help)", a);
        else
            rc = add_input(in, a, o, NULL);
        if (rc)
            return rc;
    }
    if (!o->out)
        return host_fail(EXIT_USAGE, "no output: give -o OUT (see --help)");
    return 0;
}

static void free_inputs(struct inputs *in)
{
    for (size_t i = 0; i < in->n; i++) {
        free((void *)in->v[i].name);
        free((void *)in->v[i].data);
        free(in->paths[i]);
    }
    free(in->v);
    free(in->paths);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(cmd, "--list") || !strcmp(cmd, "--verify"))
        return argc != 3 ? host_fail(EXIT_USAGE, "%s takes one FILE", cmd)
               : cmd[2] == 'l' ? list(argv[2]) : verify(argv[2]);
    if (!strcmp(cmd, "--extract")) {
        if (argc == 4)
            return extract(argv[2], argv[3], NULL);
        if (argc == 6 && !strcmp(argv[4], "-o"))
            return extract(argv[2], argv[3], argv[5]);
        return host_fail(EXIT_USAGE, "usage: --extract NAME FILE [-o OUT]");
    }
    struct inputs in = {0};
    struct options o = {.check = true};
    int rc = parse_build_args(argc, argv, &in, &o);
    if (!rc)
        rc = build(&in, &o);
    free_inputs(&in);
    return rc;
}
