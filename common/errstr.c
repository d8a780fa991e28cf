/*
 * common/errstr.c - sos_strerror: text for every SOS_ERR_* code.
 *
 * Layer: common (core, user and host builds).
 */
#include <sos/errors.h>

const char *sos_strerror(int err)
{
    switch (err) {
    case SOS_OK:
        return "ok";
#define SOS_ERR_CASE_(name, value, text) \
    case value:                          \
        return text;
        SOS_ERROR_LIST(SOS_ERR_CASE_)
#undef SOS_ERR_CASE_
    default:
        return "unknown error";
    }
}
