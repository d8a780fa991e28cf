/*
 * errno.h - errno for the few libc calls that set it (strtol family).
 *
 * Layer: services/lib (libc subset). Images have no thread-local storage, so errno is
 * one word per process: read it right after the call that set it. Service code uses
 * SOS_ERR_* return values instead.
 */
#ifndef SL_ERRNO_H
#define SL_ERRNO_H

extern int __sl_errno;
#define errno __sl_errno

#define EDOM 33
#define ERANGE 34
#define EINVAL 22
#define ENOMEM 12

#endif
