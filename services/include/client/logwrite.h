/*
 * services/include/client/logwrite.h - writing a record to the log service.
 *
 * One LOG_WRITE call over a connection that survives the log's restarts (the
 * manifest needs lookup=log:write or grant=log:write). It waits at most a second: a
 * log that is away costs its writer no more than that.
 *
 * Layer: services (log client).
 */
#ifndef CLIENT_LOGWRITE_H
#define CLIENT_LOGWRITE_H

#include <stdarg.h>

#include <sl/service.h>
#include <sl/sl.h>

#include <proto/log.h>

/* 0, or the error of the call (the record is then lost: say it elsewhere if it matters). */
int log_vwrite(struct sl_conn_to *log, uint32_t severity, const char *fmt, va_list ap);

#endif
