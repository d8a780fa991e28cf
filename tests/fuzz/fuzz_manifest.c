/*
 * tests/fuzz/fuzz_manifest.c - the manifest parser, set validation and start planning
 * on arbitrary text.
 *
 * The input is split at the first NUL-free "\n---\n" into two files, so validation sees
 * services from more than one manifest. Whatever the text: a failed parse leaves the
 * set as it was and says "file:line: ..."; a plan, when one exists, is a permutation in
 * waves where every dependency starts in an earlier wave than its dependent (storage
 * before a service with a storage/<path> resource).
 *
 * Layer: tests (host). Seeds: tests/fuzz/corpus/manifest/.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sos/errors.h>

#include "../../common/manifest/manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
    if (!ok)
        abort();
}

static void check_plan(const struct manifest_set *set, const struct manifest_plan *p)
{
    uint8_t seen[MANIFEST_MAX_SERVICES] = {0};
    check(p->count == set->count && p->wave_start[p->n_waves] == set->count);
    for (uint32_t k = 0; k < p->count; k++) {
        check(p->order[k] < set->count && !seen[p->order[k]]);
        seen[p->order[k]] = 1;
    }
    for (uint32_t i = 0; i < set->count; i++) {
        const struct manifest *m = &set->svc[i];
        for (unsigned d = 0; d < m->n_depends + m->n_grants; d++) {
            const char *name = d < m->n_depends ? m->depends[d].name
                                                : m->grants[d - m->n_depends].service;
            int t = manifest_find(set, name);
            check(t >= 0 ? p->wave_of[t] < p->wave_of[i] : !strcmp(name, MANIFEST_ROOT_SERVICE));
        }
        /* a storage/<path> resource: storage exists and starts first */
        int r = manifest_storage_resource(m);
        if (r >= 0) {
            int t = manifest_find(set, MANIFEST_STORAGE_SERVICE);
            check(t >= 0 && p->wave_of[t] < p->wave_of[i]);
            check(strlen(m->resources[r]) <= MANIFEST_HANDLE_NAME_MAX);
            check((m->resource_dir[r] & ~MANIFEST_DIR_ALL) == 0);
        }
    }
}

static void parse_one(struct manifest_set *set, const char *file, const uint8_t *text,
                      size_t len)
{
    struct errmsg err = {0};
    uint32_t before = set->count;
    int rc = manifest_parse(set, file, (const char *)text, len, &err);
    if (rc) {
        check(rc < 0 && set->count == before);
        check(strncmp(err.msg, file, strlen(file)) == 0);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct manifest_set set;
    static const char *const images[] = {"bin/log", "bin/config", "bin/shell", "bin/a"};
    struct manifest_plan plan;
    struct errmsg err;
    size_t cut = size;
    for (size_t i = 0; i + 5 <= size; i++)
        if (!memcmp(data + i, "\n---\n", 5)) {
            cut = i;
            break;
        }
    manifest_set_init(&set);
    parse_one(&set, "one.svc", data, cut);
    if (cut < size)
        parse_one(&set, "two.svc", data + cut + 5, size - cut - 5);
    manifest_validate(&set, images, 4, &err);
    int rc = manifest_validate(&set, NULL, 0, &err);
    if (manifest_plan(&set, &plan, &err) == 0) {
        check(rc == 0 || rc == SOS_ERR_ALREADY_EXISTS); /* plan ignores endpoints */
        check_plan(&set, &plan);
    }
    return 0;
}
