/*
 * sos/errors.h - the one error type: 0 for success, negative SOS_ERR_* for failure.
 *
 * Layer: ABI. Values are stable: they cross the syscall boundary and protocols.
 */
#ifndef SOS_ERRORS_H
#define SOS_ERRORS_H

#define SOS_OK 0

/* X(name, value, text) */
#define SOS_ERROR_LIST(X)                                                  \
    X(SOS_ERR_INTERNAL, -1, "internal error")                              \
    X(SOS_ERR_NOT_SUPPORTED, -2, "not supported")                          \
    X(SOS_ERR_NO_RESOURCES, -3, "out of resources")                        \
    X(SOS_ERR_NO_MEMORY, -4, "out of memory")                              \
    X(SOS_ERR_BAD_SYSCALL, -5, "no such system call")                      \
    X(SOS_ERR_INVALID_ARGS, -10, "invalid argument")                       \
    X(SOS_ERR_BAD_ADDRESS, -11, "bad user address")                        \
    X(SOS_ERR_OUT_OF_RANGE, -12, "out of range")                           \
    X(SOS_ERR_BUFFER_TOO_SMALL, -13, "buffer too small")                   \
    X(SOS_ERR_BAD_STATE, -20, "bad state")                                 \
    X(SOS_ERR_TIMED_OUT, -21, "timed out")                                 \
    X(SOS_ERR_SHOULD_WAIT, -22, "should wait")                             \
    X(SOS_ERR_CANCELED, -23, "canceled")                                   \
    X(SOS_ERR_PEER_CLOSED, -24, "peer closed")                             \
    X(SOS_ERR_NOT_FOUND, -25, "not found")                                 \
    X(SOS_ERR_ALREADY_EXISTS, -26, "already exists")                       \
    X(SOS_ERR_QUEUE_FULL, -27, "queue full")                               \
    X(SOS_ERR_ACCESS_DENIED, -30, "access denied")                         \
    X(SOS_ERR_BAD_HANDLE, -40, "bad handle")                               \
    X(SOS_ERR_WRONG_TYPE, -41, "wrong object type")                        \
    X(SOS_ERR_REVOKED, -42, "capability revoked")                          \
    X(SOS_ERR_IO, -50, "I/O error")                                        \
    X(SOS_ERR_CORRUPT, -51, "data corrupt")                                \
    X(SOS_ERR_BAD_FORMAT, -52, "bad format")                               \
    X(SOS_ERR_NO_SPACE, -53, "no space")

#define SOS_ERR_ENUM_(name, value, text) name = (value),
enum { SOS_ERROR_LIST(SOS_ERR_ENUM_) SOS_ERR_LAST_ = -100 };
#undef SOS_ERR_ENUM_

/* Text for an error code; never NULL. Implemented in core/lib (and services/lib). */
const char *sos_strerror(int err);

#endif
