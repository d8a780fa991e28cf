/*
 * services/console/term_msg.h - the messages of a terminal's channel
 * (proto/console.h): one CONSOLE_INPUT read from it, one CONSOLE_OUTPUT sent on it.
 * Shared by the console (its terminal channels, console_ops.c) and the shell (the
 * terminal sessions of its own, services/shell/terms.c), so both speak it alike.
 *
 * Layer: services (console).
 */
#ifndef CONSOLE_TERM_MSG_H
#define CONSOLE_TERM_MSG_H

#include <sl/sl.h>

/* The most output bytes one CONSOLE_OUTPUT carries (also the kernel's limit per
 * console write). */
#define CONSOLE_OUTPUT_MAX 4096u

/* Read one message from ch into buf[cap]: 0 with *text (not NUL-terminated past *len)
 * and *len, SOS_ERR_SHOULD_WAIT when there is none, SOS_ERR_INVALID_ARGS for a message
 * that is not CONSOLE_INPUT, or the channel's error (PEER_CLOSED ...). */
int console_input_read(sos_handle_t ch, uint8_t *buf, uint32_t cap, const char **text, uint32_t *len);

/* Send s[0..n) on ch as one CONSOLE_OUTPUT (no reply): 0, SOS_ERR_INVALID_ARGS when n
 * is over CONSOLE_OUTPUT_MAX, or the channel's error (SOS_ERR_SHOULD_WAIT: its queue
 * is full; PEER_CLOSED ...). What to do about a full queue is the caller's choice. */
int console_output_send(sos_handle_t ch, const char *s, size_t n);

#endif
