/*
 * services/log/log_ops.h - the log service's state and request handlers, apart from
 * its main so that a host test can drive them with any message (log_ops_test.c).
 *
 * Layer: services (log).
 */
#ifndef LOG_LOG_OPS_H
#define LOG_LOG_OPS_H

#include <sl/service.h>
#include <sl/sl.h>

#include "ring.h"

#define MAX_FOLLOWERS 16

struct follower {
    sos_handle_t ch; /* 0: free */
    struct log_filter f;
    uint64_t dropped; /* records lost because its queue was full */
};

struct logsvc {
    struct sl_server srv;
    struct log_ring ring;
    const struct log_rec **sel; /* capacity pointers, for queries */
    uint32_t capacity;
    struct follower followers[MAX_FOLLOWERS];
    sos_handle_t faults; /* the root resource (read+wait): the kernel's fault records */
    void (*persist)(const struct log_rec *rec); /* stores each new record (NULL: none) */
};

extern struct logsvc g_log;
extern const struct sl_op g_log_ops[3];

/* Allocate the ring; 0 or SOS_ERR_NO_MEMORY. */
int log_state_init(uint32_t capacity);

/* A record from the log itself (source "log") or the kernel. */
void log_append_text(uint32_t severity, const char *source, const char *msg);

/* Log every fault record the kernel holds; the watch callback does the same. */
void log_drain_faults(void);
void log_on_faults(struct sl_server *s, const struct sos_port_packet *pkt, void *arg);

int log_do_write(struct sl_request *r);
int log_do_query(struct sl_request *r);
int log_do_follow(struct sl_request *r);

#endif
