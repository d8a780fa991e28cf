/*
 * testrepo.c - the package service host tests' repository (testrepo.h).
 *
 * Layer: services host tests (never in an image).
 */
#include "testrepo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sos/errors.h>

static void must(int ok)
{
    if (!ok)
        abort();
}

/* Builds package name-version with files (path=content pairs) into the repository. */
static void add_pkg(struct memstore *repo, struct pkg_index *ix, const char *name, const char *version, const char *deps,
                    const char *const *files)
{
    static struct pkg_info info;
    struct pkg_write_input in[8];
    size_t n = 0;
    memset(&info, 0, sizeof info);
    strcpy(info.name, name);
    strcpy(info.version_text, version);
    must(pkg_version_parse(version, strlen(version), &info.version, NULL) == 0);
    strcpy(info.arch, "any");
    if (deps) {
        must(pkg_dep_parse(deps, strlen(deps), &info.dep[0], NULL) == 0);
        info.dep_count = 1;
    }
    for (; files[2 * n]; n++)
        in[n] = (struct pkg_write_input){files[2 * n], bundle_kind_for_path(files[2 * n]),
                                         files[2 * n + 1], strlen(files[2 * n + 1])};
    size_t cap = pkg_write_bound(in, n), len = 0;
    uint8_t *buf = malloc(cap);
    struct errmsg err;
    must(pkg_write(&info, in, n, buf, cap, &len, &err) == 0);
    struct pkg_avail *a = &ix->pkg[ix->count++];
    *a = (struct pkg_avail){.version = info.version, .size = (uint32_t)len,
                            .dep_count = info.dep_count};
    strcpy(a->name, name);
    strcpy(a->version_text, version);
    strcpy(a->arch, "any");
    memcpy(a->dep, info.dep, sizeof a->dep);
    snprintf(a->path, sizeof a->path, "packages/%s-%s.pkg", name, version);
    sha256(buf, len, a->sha256);
    memstore_put(repo, a->path, buf, len);
    free(buf);
}

/* The test repository: greet-data 1 (data), hello 1.0 and 1.1 (1.1 needs greet-data),
 * clash 1 (claims hello's path), lib 1 and app 1 (app needs lib). In index order. */
void testrepo_make(struct memstore *repo, struct pkg_index *ix)
{
    memstore_free(repo);
    memstore_init(repo);
    ix->count = 0;
    add_pkg(repo, ix, "app", "1", "lib >=1", (const char *const[]){"bin/app", "app", NULL});
    add_pkg(repo, ix, "clash", "1", NULL, (const char *const[]){"bin/hello", "not hello", NULL});
    add_pkg(repo, ix, "greet-data", "1", NULL,
            (const char *const[]){"data/greet/words", "hello, world\n", NULL});
    add_pkg(repo, ix, "hello", "1.0", NULL,
            (const char *const[]){"bin/hello", "hello image v1",
                                  "manifests/hello.svc", "service=hello\nimage=bin/hello\n",
                                  NULL});
    add_pkg(repo, ix, "hello", "1.1", "greet-data >=1",
            (const char *const[]){"bin/hello", "hello image v1.1",
                                  "manifests/hello.svc", "service=hello\nimage=bin/hello\n",
                                  NULL});
    add_pkg(repo, ix, "lib", "1", NULL, (const char *const[]){"lib/x", "lib", NULL});
}

