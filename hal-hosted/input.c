/*
 * hal-hosted/input.c - the simulator's input device (the window's keyboard and mouse)
 * as a core/hal.h input device.
 *
 * host/input.c queues the events the window's thread sees (bounded: the oldest are
 * dropped and counted when the core does not keep up) and raises HOSTED_INPUT_LINE on
 * each. A READ completes at once with as many whole struct sos_input_event records as
 * are queued and fit, possibly none; the core's waiting readers ask again when the line
 * fires (core/obj/device.c). Requests come from the core under its lock, so the small
 * completion ring needs no lock of its own.
 *
 * Layer: hal-hosted, core world.
 */
#include <sos/sos.h>

#include "hal.h"
#include "host.h"
#include "hosted.h"

#define DONE_MAX 8u

_Static_assert(sizeof(struct host_input_event) == sizeof(struct sos_input_event), "layout");
_Static_assert(__builtin_offsetof(struct host_input_event, mods) ==
               __builtin_offsetof(struct sos_input_event, mods), "layout");
_Static_assert(__builtin_offsetof(struct host_input_event, x) ==
               __builtin_offsetof(struct sos_input_event, x), "layout");
_Static_assert(__builtin_offsetof(struct host_input_event, time_ns) ==
               __builtin_offsetof(struct sos_input_event, time_ns), "layout");
_Static_assert(HOST_INPUT_KEY == SOS_INPUT_KEY && HOST_INPUT_MOTION == SOS_INPUT_MOTION &&
               HOST_INPUT_BUTTON == SOS_INPUT_BUTTON && HOST_INPUT_WHEEL == SOS_INPUT_WHEEL &&
               HOST_INPUT_DROPPED == SOS_INPUT_DROPPED, "event types");
_Static_assert(HOST_INPUT_MOD_SHIFT == SOS_INPUT_MOD_SHIFT && HOST_INPUT_MOD_CTRL == SOS_INPUT_MOD_CTRL &&
               HOST_INPUT_MOD_ALT == SOS_INPUT_MOD_ALT && HOST_INPUT_MOD_META == SOS_INPUT_MOD_META &&
               HOST_INPUT_MOD_CAPS == SOS_INPUT_MOD_CAPS, "modifiers");

static struct hal_dev_req *g_done[DONE_MAX];
static unsigned g_done_head, g_done_tail; /* free-running */
static uint32_t g_width, g_height;
static bool g_present;

void hosted_input_register(uint32_t width, uint32_t height)
{
    g_width = width;
    g_height = height;
    g_present = true;
    host_input_enable(HOSTED_INPUT_LINE);
}

static int input_submit(void *dev, struct hal_dev_req *r)
{
    (void)dev;
    if (r->op != HAL_DEVOP_READ)
        return SOS_ERR_NOT_SUPPORTED;
    if (r->len < sizeof(struct sos_input_event) || r->len > (1u << 30))
        return SOS_ERR_INVALID_ARGS;
    if (g_done_head - g_done_tail == DONE_MAX)
        return SOS_ERR_SHOULD_WAIT;
    uint32_t max = (uint32_t)(r->len / sizeof(struct sos_input_event));
    uint32_t n = host_input_take(hal_phys_to_virt(r->buf), max);
    r->status = 0;
    r->actual = (uint64_t)n * sizeof(struct sos_input_event);
    g_done[g_done_head++ % DONE_MAX] = r;
    return 0;
}

static struct hal_dev_req *input_poll(void *dev)
{
    (void)dev;
    if (g_done_head == g_done_tail)
        return NULL;
    return g_done[g_done_tail++ % DONE_MAX];
}

static void input_info(void *dev, struct hal_dev_info *out)
{
    (void)dev;
    *out = (struct hal_dev_info){.dev_class = HAL_DEV_INPUT, .irq = HOSTED_INPUT_LINE,
                                 .block_size = sizeof(struct sos_input_event),
                                 .width = g_width, .height = g_height};
    __builtin_memcpy(out->name, "sim-input", 10);
}

static const struct hal_dev_ops g_input_ops = {input_submit, input_poll, input_info};

bool hosted_input_get(unsigned index, const struct hal_dev_ops **ops, void **dev)
{
    if (index != 0 || !g_present)
        return false;
    *ops = &g_input_ops;
    *dev = &g_present;
    return true;
}
