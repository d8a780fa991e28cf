/*
 * services/security/security.h - the security service's state, shared by its request
 * handlers (security_ops.c) and its storage side (store.c).
 *
 * Layer: services (security).
 */
#ifndef SECURITY_SECURITY_H
#define SECURITY_SECURITY_H

#include <sl/server.h>

#include "chain.h"
#include "policy.h"

#define SEC_PENDING_MAX 16
#define SEC_SEEN_MAX 64
#define SEC_ONCE_MAX 16
#define SEC_PATH_MAX 64

struct sec_pending {
    uint64_t id; /* 0: a free slot */
    uint8_t hash[SEC_HASH_SIZE];
    char name[SEC_NAME_MAX];
    char path[SEC_PATH_MAX];
};

/* Where an image comes from: its package, repository and signing key ids ("" unknown). */
struct sec_origin {
    char package[32], repo[32], keys[136];
};

struct sec_seen {
    uint8_t hash[SEC_HASH_SIZE];
    char name[SEC_NAME_MAX];
    struct sec_origin origin; /* the package it belongs to (package "": none) */
    uint32_t verdict, launches, refusals;
};

struct secsvc {
    struct sl_server srv;
    struct sec_policy policy;
    struct sec_chain chain; /* where the persisted history stands */
    struct sec_pending pending[SEC_PENDING_MAX];
    uint64_t next_id;
    struct sec_seen seen[SEC_SEEN_MAX];
    uint32_t nseen;
    uint8_t once[SEC_ONCE_MAX][SEC_HASH_SIZE]; /* approved once, not remembered */
    uint32_t nonce;
};

extern struct secsvc g_sec;
extern const struct sl_op g_sec_ops[12];

/* caps.c: what can be lent. known: a capability name a program may ask for; source:
 * the handle to mint a grant from (*held: one made for this grant alone, which the
 * grant closes when it is revoked, else 0). */
#define CAP_NAME_MAX 32
void sec_caps_init(void);
bool sec_cap_known(const char *what);
int sec_cap_source(const char *what, sos_handle_t *from, sos_handle_t *held);

/* grants.c: runtime approvals of capabilities (SEC_REQUEST_CAP). */
void sec_grants_init(void);
int sec_do_request_cap(struct sl_request *r);
int sec_do_revoke_grant(struct sl_request *r);
int sec_do_grants(struct sl_request *r);
/* Decide capability request id: 0, SOS_ERR_NOT_FOUND (no such waiting request) or an
 * error minting the handle (then nothing changed). */
int sec_grant_decide(uint64_t id, bool approve, bool remember, const char *who);

/* trust.c: the package service's trust records (PKG_TRUSTINFO). init: look it up once
 * ready; origin: the installed package holding a program of that hash, over a live
 * channel only (SOS_ERR_PEER_CLOSED without one; o->package "" when none holds it);
 * SEC_TRUST; apps: the installed packages with their launch verdicts into m. */
void sec_trust_init(void);
int sec_trust_origin(const uint8_t hash[SEC_HASH_SIZE], struct sec_origin *o);
int sec_do_trust(struct sl_request *r);
void sec_trust_apps(struct sl_msg *m);

/* kaudit.c: the kernel's audit ring into the history (from the ring's end at start). */
void sec_kaudit_init(void);
void sec_kaudit_drain(void);

/* store.c: the files in state/security (audit.log, audit.head, policy). */
int sec_store_open(void);
/* Append one record to the history (and the console when storage is away). */
void sec_audit(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Storage reachable and what it holds read (policy, chain): 0, or why not. Call before
 * changing the policy, so that a change starts from the rules on disk. */
int sec_store_ready(void);
/* A small file of our directory: read whole (malloc'd, NUL-terminated), or replaced. */
int sec_store_get(const char *name, char **text, size_t *len);
int sec_store_put(const char *name, const char *text, size_t len);
/* A new handle on directory <parent>/<name> of ours (both made when missing), with every
 * storage right inside it. */
int sec_store_subdir(const char *parent, const char *name, sos_handle_t *out);
/* Save the policy rules; 0 or an error (the change is then not made). */
int sec_store_policy(const struct sec_policy *p);
/* The whole history as text (malloc'd, NUL-terminated) and the head file's record count. */
int sec_store_read_log(char **text, size_t *len, uint64_t *head_seq);
/* The default verdict for images without a rule (config security.default_launch). */
uint32_t sec_default_verdict(void);

#endif
