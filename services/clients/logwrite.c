/*
 * services/clients/logwrite.c - writing a record to the log service (client/logwrite.h).
 *
 * Layer: services (log client).
 */
#include <stdio.h>

#include <client/logwrite.h>

int log_vwrite(struct sl_conn_to *log, uint32_t severity, const char *fmt, va_list ap)
{
    char text[LOG_MESSAGE_MAX];
    vsnprintf(text, sizeof(text), fmt, ap);
    uint8_t buf[LOG_MESSAGE_MAX + 64], rbuf[64];
    struct sl_msg req, rep;
    sl_msg_begin(&req, buf, sizeof(buf), NULL, 0, LOG_WRITE);
    sl_msg_put_u32(&req, severity);
    sl_msg_put_str(&req, text);
    sl_msg_begin(&rep, rbuf, sizeof(rbuf), NULL, 0, LOG_WRITE);
    return sl_conn_to_call(log, &req, &rep, sos_deadline_after(SOS_MS(1000)));
}
