/*
 * core/obj/handle.h - handles, per-process handle tables, and revokers.
 *
 * A handle is a kernel record {object, rights, revoker}. It lives in exactly one place:
 * a process's handle table, or a channel message in transit. Handle values encode the
 * table slot and a generation, so a closed (stale) or guessed value fails.
 *
 * Revocation: a handle minted under a revoker (and every handle derived from it by
 * duplicate, replace or transfer) is on the revoker's list. revoker_revoke() marks them
 * all revoked at once, in every table and in every queued message, and drops their
 * object references; later use fails with SOS_ERR_REVOKED.
 *
 * Layer: core objects.
 */
#ifndef CORE_OBJ_HANDLE_H
#define CORE_OBJ_HANDLE_H

#include "obj/object.h"

struct revoker;
struct process;

struct handle {
    struct object *obj; /* NULL once revoked */
    sos_rights_t rights;
    bool revoked;
    struct revoker *rev;
    struct list_node rev_node;
};

struct hslot {
    struct handle *h;
    uint32_t gen;       /* 1..4095 */
    uint32_t next_free; /* index+1 of the next free slot, 0 at the end */
};

struct htable {
    struct hslot *slots;
    uint32_t cap;
    uint32_t count;
    uint32_t free_head; /* index+1, 0 when none */
};

#define HTABLE_MAX 16384u

/* A new handle to `o` (takes a reference on o). NULL when out of memory. */
struct handle *handle_new(struct object *o, sos_rights_t rights);

/* A handle to the same object with `rights` (a subset), under the same revoker. */
struct handle *handle_derive(const struct handle *h, sos_rights_t rights);

/* Free a handle: unlinks it from its revoker, drops the object reference. */
void handle_free(struct handle *h);

void htable_init(struct htable *t);
/* Close every handle (process teardown). */
void htable_destroy(struct htable *t);

/* Put `h` in the table. 0 and *value, or SOS_ERR_NO_RESOURCES/NO_MEMORY (h untouched). */
int htable_install(struct htable *t, struct handle *h, sos_handle_t *value);

/* Grow the table so that `n` more handles install without failing. */
int htable_reserve(struct htable *t, uint32_t n);

/* How many more handles fit. */
uint32_t htable_room(const struct htable *t);

/*
 * The only rights check: find `value`, check its kind (SOS_OBJ_NONE: any) and that it
 * has every right in `rights`. Errors: BAD_HANDLE, REVOKED, WRONG_TYPE, ACCESS_DENIED
 * (denials are audited).
 */
int htable_get(struct htable *t, sos_handle_t value, uint32_t kind, sos_rights_t rights,
               struct handle **out);

/* Take the handle out of the table (the value becomes stale). NULL if not there. */
struct handle *htable_take(struct htable *t, sos_handle_t value);

/* Look up without rights checks (NULL when bad; revoked handles are returned). */
struct handle *htable_peek(struct htable *t, sos_handle_t value);

/* ---- revokers */
struct revoker {
    struct object obj;
    bool revoked;
    struct list_node handles;  /* struct handle.rev_node */
    struct revoker *parent;    /* revoking the parent revokes this one too */
    struct list_node children; /* struct revoker.child_node */
    struct list_node child_node;
};

struct revoker *revoker_new(void);
void revoker_revoke(struct revoker *r);

/* Mint a handle to h's object with `rights` under `r`. NULL + *err on failure. */
struct handle *handle_mint(const struct handle *h, struct revoker *r, sos_rights_t rights,
                           int *err);

#endif
