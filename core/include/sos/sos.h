/* sos/sos.h - the whole ABI in one include. */
#ifndef SOS_SOS_H
#define SOS_SOS_H
#include <sos/types.h>
#include <sos/errors.h>
#include <sos/rights.h>
#include <sos/object.h>
#include <sos/ipc.h>
#include <sos/vm.h>
#include <sos/process.h>
#include <sos/audit.h>
#include <sos/fault.h>
#include <sos/syscall.h>
#endif
