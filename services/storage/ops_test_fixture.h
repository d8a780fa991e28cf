/*
 * services/storage/ops_test_fixture.h - the host harness of the storage service's
 * request handlers (ops_test_fixture.c), shared by ops_test.c (confinement, rights,
 * own directories, revocation) and ops_errors_test.c (I/O errors, malformed requests).
 *
 * Handles are fake channel pairs (2k, 2k+1): the service serves 2k, the client gets 2k+1.
 *
 * Layer: services host tests.
 */
#ifndef STORAGE_OPS_TEST_FIXTURE_H
#define STORAGE_OPS_TEST_FIXTURE_H

#include "../lib/test/host_sys.h"
#include "fs/test/memdev.h"
#include "storage.h"

/* The store setup makes: /home/secret, /home/app/{inside, sub/deep}, /home/app/boot. */
extern uint64_t g_home, g_app, g_secret;
extern uint32_t g_changes, g_bundle_calls; /* st_changed calls; boot-store look-ups */
extern struct memdev g_md;
extern struct fake_req g_q;

struct node *node_by_handle(sos_handle_t client_end);
/* Send msg on handle h (0: the service connection of a peer with `rights`, named `who`). */
int send_req(sos_handle_t h, struct sl_msg *m, sos_rights_t rights, const char *who);
struct sl_msg *begin(uint32_t ord);
int open_h(sos_handle_t dir, const char *path, size_t len, uint32_t rights, uint32_t flags,
           sos_handle_t *out);
int top_open(const char *path, uint32_t rights, uint32_t flags, sos_rights_t conn,
             const char *who, sos_handle_t *out);
int clone_h(sos_handle_t h, uint32_t rights, sos_handle_t *out);
int mint_h(sos_handle_t h, uint32_t rights, sos_handle_t *out, sos_handle_t *revoker);
int one_path(sos_handle_t h, uint32_t ord, const char *path, size_t len);
int rename_h(sos_handle_t h, const char *from, const char *to);
int write_h(sos_handle_t f, const char *text);
int read_h(sos_handle_t f);
int revoke_h(sos_handle_t rv, uint32_t *count);
void close_h(sos_handle_t h);
int setup(void **state);
/* Close every handle but the n in keep (what a mangled request handed out). */
void close_all_but(const sos_handle_t *keep, size_t n);
int teardown(void **state);
bool has_bytes(const uint8_t *b, size_t n, const char *s);
/* Is ino the app directory or below it? */
bool inside_app(uint64_t ino);
sos_handle_t app_handle(uint32_t rights);

/* ops_errors_test.c */
void test_io_error_reported(void **state);
void test_malformed_requests(void **state);

#endif
