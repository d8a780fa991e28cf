/*
 * services/console/input_msg.h - one CONSOLE_INPUT message read from a terminal's
 * channel (proto/console.h): shared by the console (its terminal channels) and the
 * shell (the terminal sessions of its own, services/shell/terms.c).
 *
 * Layer: services (console).
 */
#ifndef CONSOLE_INPUT_MSG_H
#define CONSOLE_INPUT_MSG_H

#include <sl/sl.h>

/* Read one message from ch into buf[cap]: 0 with *text (not NUL-terminated past *len)
 * and *len, SOS_ERR_SHOULD_WAIT when there is none, SOS_ERR_INVALID_ARGS for a message
 * that is not CONSOLE_INPUT, or the channel's error (PEER_CLOSED ...). */
int console_input_read(sos_handle_t ch, uint8_t *buf, uint32_t cap, const char **text, uint32_t *len);

#endif
