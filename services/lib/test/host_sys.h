/*
 * services/lib/test/host_sys.h - fake system calls for host tests of service request
 * handlers (log_ops_test.c, config_ops_test.c, console_ops_test.c, storage's
 * ops_test.c, clients/mgrinfo_test.c). The handlers are compiled for the host with
 * services/lib's IPC helpers (ipc.c); the few system calls they make land here and are
 * recorded, so a test can drive a handler with any message and look at what it did.
 *
 * Layer: services host tests (never in an image).
 */
#ifndef SERVICES_HOST_SYS_H
#define SERVICES_HOST_SYS_H

#include <sl/service.h>
#include <sl/sl.h>

#define FAKE_MAX_WRITES 256

struct fake_write {
    sos_handle_t ch;
    uint32_t ordinal;
    uint32_t len;
    uint8_t bytes[1024]; /* the first bytes */
};

struct fake_sys {
    int64_t now;
    struct fake_write writes[FAKE_MAX_WRITES];
    uint32_t nwrites;
    sos_handle_t write_fail_ch; /* writes to it fail with write_fail_err */
    int write_fail_err;
    uint32_t write_fail_times;  /* ... that many times, then they go in (0: always) */
    sos_handle_t peer_closed_ch; /* wait_one on it sees PEER_CLOSED */
    uint32_t closes;
    struct sos_fault_record faults[8];
    uint32_t nfaults;
    char out[65536]; /* sos_debug_write */
    size_t out_len;
    char in[4096]; /* sos_console_read */
    size_t in_len, in_pos;
    uint32_t conn_calls; /* sl_conn_to_call */
    int conn_result;
    const uint8_t *conn_reply; /* its reply (the header is made up when NULL) */
    uint32_t conn_reply_len;
};

extern struct fake_sys g_fake;

void fake_reset(void);

/* A request for handler `fn`: message bytes[0..len) from a client with `rights`. */
struct fake_req {
    struct sl_server srv;
    struct sl_peer peer;
    struct sl_request r;
    struct sl_msg reply;
    uint8_t reply_buf[65536];
    sos_handle_t reply_handles[64];
    sos_handle_t handles[64];
};

/* Fill q for a call of ordinal with the given message; client NULL means the peer. */
void fake_request(struct fake_req *q, const void *bytes, uint32_t len, const sos_handle_t *handles,
                  uint32_t nhandles, sos_rights_t rights, const char *client_name);

/*
 * Call fn with msg cut at every length and with random bytes changed; every call must
 * return (an error or 0) without crashing. Returns how many calls returned 0.
 */
uint32_t fake_mangle(sl_handler_fn fn, const struct sl_msg *msg, sos_rights_t rights, uint32_t rounds);

/* The same on a given channel with a given client context (services that find their
 * object by the channel a request came on, like storage's handles). */
uint32_t fake_mangle_on(sl_handler_fn fn, const struct sl_msg *msg, sos_rights_t rights,
                        uint32_t rounds, sos_handle_t channel, void *client);

#endif
