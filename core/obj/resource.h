/*
 * core/obj/resource.h - the resource object: bootstrap authority. The root resource
 * (MANAGE) gates privileged calls; it is READABLE while console input is waiting and
 * raises FAULT_RECORD while fault records are.
 *
 * Layer: core objects. Under g_klock.
 */
#ifndef CORE_OBJ_RESOURCE_H
#define CORE_OBJ_RESOURCE_H

#include "obj/object.h"

struct resource {
    struct object obj;
};

extern struct resource *g_root_resource;
int resource_init(void);

#endif
