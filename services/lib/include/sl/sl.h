/* sl/sl.h - the whole services/lib runtime API in one include. */
#ifndef SL_SL_H
#define SL_SL_H
#include <sl/sys.h>
#include <sl/startup.h>
#include <sl/thread.h>
#include <sl/ipc.h>
#include <sl/server.h>
#endif
