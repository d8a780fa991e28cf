/*
 * core/obj/resource.c - the root resource: the bootstrap authority. One object, made at
 * boot and handed to the first process; privileged calls want a handle to it with
 * MANAGE (check_resource). It also carries the signals of the console input ring
 * (READABLE) and the fault ring (FAULT_RECORD).
 *
 * Layer: core objects.
 */
#include "obj/resource.h"

#include "mm/heap.h"

struct resource *g_root_resource;

static void resource_destroy(struct object *o) { kfree(o); }
static const struct obj_ops g_resource_ops = {"resource", resource_destroy, NULL};

int resource_init(void)
{
    g_root_resource = kmalloc(sizeof(*g_root_resource));
    if (!g_root_resource)
        return SOS_ERR_NO_MEMORY;
    obj_init(&g_root_resource->obj, SOS_OBJ_RESOURCE, &g_resource_ops);
    g_obj_bytes[SOS_OBJ_RESOURCE] = 64;
    return 0;
}
