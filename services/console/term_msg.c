/*
 * services/console/term_msg.c - reading one CONSOLE_INPUT message and sending one
 * CONSOLE_OUTPUT message on a terminal's channel (term_msg.h).
 *
 * Layer: services (console).
 */
#include <proto/console.h>

#include "term_msg.h"

int console_input_read(sos_handle_t ch, uint8_t *buf, uint32_t cap, const char **text, uint32_t *len)
{
    struct sos_chan_read rd = {.bytes = buf, .bytes_cap = cap};
    int err = (int)sos_channel_read(ch, &rd);
    if (err)
        return err;
    struct sl_parse p;
    struct sos_msg_hdr h;
    *text = NULL;
    *len = 0;
    if (!sl_parse_begin(&p, buf, rd.actual_bytes, NULL, 0, &h) && h.ordinal == CONSOLE_INPUT)
        *text = sl_parse_str(&p, len);
    return *text && !sl_parse_end(&p) ? 0 : SOS_ERR_INVALID_ARGS;
}

int console_output_send(sos_handle_t ch, const char *s, size_t n)
{
    static uint8_t buf[CONSOLE_OUTPUT_MAX + 64]; /* the header, the length, the NUL */
    if (n > CONSOLE_OUTPUT_MAX)
        return SOS_ERR_INVALID_ARGS;
    struct sl_msg m;
    sl_msg_begin(&m, buf, sizeof(buf), NULL, 0, CONSOLE_OUTPUT);
    sl_msg_hdr(&m)->flags |= SOS_MSG_NO_REPLY;
    sl_msg_put_u32(&m, (uint32_t)n);
    sl_msg_put(&m, s, (uint32_t)n);
    sl_msg_put(&m, "", 1);
    return sl_msg_send(ch, &m);
}
