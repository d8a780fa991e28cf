/*
 * services/console/console_ops.h - the console service's state, input pump and request
 * handlers, apart from its main so that a host test can drive them
 * (console_ops_test.c).
 *
 * Layer: services (console).
 */
#ifndef CONSOLE_CONSOLE_OPS_H
#define CONSOLE_CONSOLE_OPS_H

#include <sl/service.h>
#include <sl/sl.h>

#include <proto/console.h>

#include "edit.h"

#define MAX_SESSIONS 4
#define WRITE_MAX (SOS_CHANNEL_MAX_BYTES - 64)

struct csess {
    struct session s;
    sos_handle_t ch;       /* where LINE / INTERRUPT / EOF go */
    struct sl_peer *owner; /* the connection that attached it */
    bool dead;             /* its channel broke: removed after the current input */
    bool resume_pending;   /* the client asked to resume while in the background */
};

struct consolesvc {
    struct sl_server srv;
    sos_handle_t input; /* the root resource (read+wait): console input */
    struct csess *stack[MAX_SESSIONS];
    uint32_t n;
    char pending[EDIT_TYPEAHEAD + CONSOLE_LINE_MAX]; /* input while no session is attached */
    uint32_t pending_len;
    sos_handle_t state; /* resource=state: unsent input kept for our successor, or 0 */
    sl_close_fn lib_close;
    char echo[4 * EDIT_TYPEAHEAD];
    struct edit_out out;
    sos_handle_t term[CONSOLE_TERMINALS]; /* graphical terminals (CONSOLE_TERMINAL) */
    char term_in[EDIT_TYPEAHEAD];         /* what they typed, not read yet */
    uint32_t term_in_len, term_in_pos;
};

extern struct consolesvc g_con;
extern const struct sl_op g_con_ops[4];

void con_init(void);
/* Take the input a killed predecessor had read but not sent (resource "state"). */
void con_restore(sos_handle_t state);
/* Read console input while a session (or the pending buffer) wants it. */
void con_pump(void);
void con_on_input(struct sl_server *s, const struct sos_port_packet *pkt, void *arg);
/* A client went away: so do its sessions (then services/lib's own hook). */
void con_on_close(struct sl_server *s, sos_handle_t ch, void *client);

int con_do_attach(struct sl_request *r);
int con_do_prompt(struct sl_request *r);
int con_do_write(struct sl_request *r);
int con_do_terminal(struct sl_request *r);
/* A terminal's channel has messages (CONSOLE_INPUT) or closed. */
void con_on_terminal(struct sl_server *s, const struct sos_port_packet *pkt, void *arg);

#endif
