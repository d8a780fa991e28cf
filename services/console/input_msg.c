/*
 * services/console/input_msg.c - reading one CONSOLE_INPUT message (input_msg.h).
 *
 * Layer: services (console).
 */
#include <proto/console.h>

#include "input_msg.h"

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
