/*
 * manifest.h - service manifests: parsing, validation across a set, start order.
 *
 * A manifest is key=value text (docs/manifests.md). manifest_parse turns text into
 * struct manifest records, reporting the first problem as "file:line: what is wrong";
 * manifest_validate checks a whole set against itself and the bundle (duplicates,
 * unknown names, missing images, a storage resource without a storage service,
 * dependency cycles, named in full); manifest_plan
 * orders the set into start waves: every service's dependencies sit in earlier waves,
 * and the services of one wave are independent of each other, so they may start in
 * parallel. manifest_stop_order gives the shutdown order: the waves backwards, and a
 * service before those it looks up (lookup=).
 *
 * All storage is fixed-size and caller-owned (a set is about 170 KiB): the root
 * manager keeps one in its data segment, mkbundle and the fuzzer on the heap.
 *
 * Layer: common (freestanding; built for userspace and the host tools).
 */
#ifndef SOS_MANIFEST_H
#define SOS_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sos/process.h>
#include <sos/types.h>

#include "../bundle/errmsg.h"

#define MANIFEST_MAX_SERVICES 64
#define MANIFEST_NAME_MAX 31  /* service and endpoint names, bytes */
#define MANIFEST_PATH_MAX 63  /* image entry names and resource paths, bytes */
#define MANIFEST_TEXT_MAX 79  /* description */
#define MANIFEST_FILE_MAX 63  /* source file name kept for messages */
#define MANIFEST_MAX_DEPENDS 16
#define MANIFEST_MAX_GRANTS 16
#define MANIFEST_MAX_LOOKUPS 16
#define MANIFEST_MAX_RESOURCES 8
#define MANIFEST_MAX_PROVIDES 4

/* The root manager's own name: always running, so always a valid depends=, grant= or
 * lookup= target, with or without a manifest of its own. */
#define MANIFEST_ROOT_SERVICE "rootmgr"

/*
 * resource=storage/<path>[:<rights>]: a directory in storage, opened (and made, with its
 * parents, when missing) by the root manager at each start and handed over as a startup
 * handle named by the resource without its rights ("storage/home/app"), so that name is
 * at most MANIFEST_HANDLE_NAME_MAX bytes. Such a service needs the storage service: it
 * is ordered after it like depends=storage, and a set without it does not validate.
 * The rights are the storage service's directory rights (proto/storage.h STORAGE_R_*,
 * the same bits), all of them unless the resource lists fewer.
 */
#define MANIFEST_STORAGE_SERVICE "storage"
#define MANIFEST_STORAGE_PREFIX "storage/"
#define MANIFEST_HANDLE_NAME_MAX (SOS_HANDLE_NAME_MAX - 1)
#define MANIFEST_DIR_ENUMERATE (1u << 0)
#define MANIFEST_DIR_READ (1u << 1)
#define MANIFEST_DIR_WRITE (1u << 2)
#define MANIFEST_DIR_CREATE (1u << 3)
#define MANIFEST_DIR_DELETE (1u << 4)
#define MANIFEST_DIR_ALL 0x1fu

#define MANIFEST_DEFAULT_READY_TIMEOUT_MS 5000u
#define MANIFEST_DEFAULT_RESTART_LIMIT 5u
#define MANIFEST_DEFAULT_BACKOFF_MS 100u
#define MANIFEST_MAX_RESTART_LIMIT 1000u
#define MANIFEST_MAX_TIME_MS 3600000u /* one hour bounds every duration */

enum manifest_startup { MANIFEST_STARTUP_EAGER, MANIFEST_STARTUP_ON_DEMAND };
enum manifest_availability { MANIFEST_REQUIRED, MANIFEST_OPTIONAL };

enum manifest_restart {
    MANIFEST_RESTART_NEVER,      /* an exit is final; the service is "exited" */
    MANIFEST_RESTART_ALWAYS,     /* restart after any exit, clean or not */
    MANIFEST_RESTART_ON_FAILURE, /* restart after a crash or a non-zero exit */
    MANIFEST_RESTART_FAIL_STOP,  /* a failure stops the service for good (critical: the system) */
};

/* A name another service is referred to by, with the line that said it. */
struct manifest_ref {
    char name[MANIFEST_NAME_MAX + 1];
    uint16_t line;
};

/* grant= or lookup=: a service's endpoint and the rights on it. */
struct manifest_cap {
    char service[MANIFEST_NAME_MAX + 1];
    sos_rights_t rights; /* SOS_RIGHT_* */
    uint16_t line;
};

struct manifest {
    char name[MANIFEST_NAME_MAX + 1];
    char image[MANIFEST_PATH_MAX + 1]; /* bundle entry, e.g. "bin/log" */
    char description[MANIFEST_TEXT_MAX + 1];
    char file[MANIFEST_FILE_MAX + 1];  /* where it was defined, for messages */
    uint16_t line;                     /* of its service= line */
    uint16_t image_line;
    uint8_t startup;                   /* enum manifest_startup */
    uint8_t availability;              /* enum manifest_availability */
    uint8_t restart;                   /* enum manifest_restart */
    bool critical;
    bool emergency; /* the operator's way in: started without what cannot start */
    bool app;       /* a desktop application: listed by the launcher */
    uint32_t restart_limit;            /* restarts allowed (always/on-failure) */
    uint32_t restart_backoff_ms;       /* first delay; the root manager doubles it */
    uint32_t ready_timeout_ms;
    uint8_t n_depends, n_grants, n_lookups, n_resources, n_provides;
    struct manifest_ref depends[MANIFEST_MAX_DEPENDS];
    struct manifest_cap grants[MANIFEST_MAX_GRANTS];
    struct manifest_cap lookups[MANIFEST_MAX_LOOKUPS];
    /* as written, except that a storage resource loses its ":<rights>" */
    char resources[MANIFEST_MAX_RESOURCES][MANIFEST_PATH_MAX + 1];
    uint8_t resource_dir[MANIFEST_MAX_RESOURCES];   /* storage/...: MANIFEST_DIR_* (never 0);
                                                       other resources: 0 */
    uint16_t resource_line[MANIFEST_MAX_RESOURCES];
    struct manifest_ref provides[MANIFEST_MAX_PROVIDES];
};

struct manifest_set {
    uint32_t count;
    struct manifest svc[MANIFEST_MAX_SERVICES];
};

/* A start plan: wave w is order[wave_start[w] .. wave_start[w + 1]). */
struct manifest_plan {
    uint32_t count;                             /* services, = set->count */
    uint32_t n_waves;
    uint8_t order[MANIFEST_MAX_SERVICES];       /* set indices, wave by wave */
    uint8_t wave_of[MANIFEST_MAX_SERVICES];     /* by set index */
    uint8_t wave_start[MANIFEST_MAX_SERVICES + 1];
};

void manifest_set_init(struct manifest_set *set);

/* Parses text[0..len) (from file, named in messages) and appends its services to set.
 * On error set is unchanged and err says "file:line: ...". */
int manifest_parse(struct manifest_set *set, const char *file, const char *text, size_t len,
                   struct errmsg *err);

/* Checks the set as a whole. images[0..n_images) are the bundle's entry names; pass
 * images = NULL to skip the image check. Returns the first problem found. */
int manifest_validate(const struct manifest_set *set, const char *const *images,
                      size_t n_images, struct errmsg *err);

/* Orders a validated set into start waves (dependencies: depends= and grant=, since a
 * grant hands over the peer's endpoint at start, and storage for a service with a
 * storage/<path> resource). Fails on a cycle, naming it. */
int manifest_plan(const struct manifest_set *set, struct manifest_plan *plan,
                  struct errmsg *err);

/* The order to stop the plan's services in (set indices into order[0..plan->count)):
 * a service before those it depends on or looks up (a cycle of lookups is broken
 * deterministically, manifest_stop.c). Returns the number of services, plan->count. */
uint32_t manifest_stop_order(const struct manifest_set *set, const struct manifest_plan *plan,
                             uint8_t *order);

/* Index of the service called name, or -1. */
int manifest_find(const struct manifest_set *set, const char *name);

/* Index in m->resources of its first storage/<path> resource, or -1 when it has none. */
int manifest_storage_resource(const struct manifest *m);

/* "send+wait" for SOS_RIGHT_SEND | SOS_RIGHT_WAIT, "none" for 0. Returns buf. */
char *manifest_rights_format(sos_rights_t rights, char *buf, size_t size);

/* Text for enum values: "eager", "on-demand", "required", "on-failure", ... */
const char *manifest_startup_name(unsigned v);
const char *manifest_availability_name(unsigned v);
const char *manifest_restart_name(unsigned v);

#endif
