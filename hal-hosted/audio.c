/*
 * hal-hosted/audio.c - the simulator's sound output (host/audio.c, SDL2) as a
 * core/hal.h audio device, `sim-audio`: S16 stereo at 48 kHz.
 *
 * A WRITE hands the request's buffer to the host queue; it completes when its last
 * frame is queued, on the spot or later from SDL's audio thread, which then raises
 * HOSTED_AUDIO_LINE on vCPU 0 and the core collects it through poll. The host side
 * keeps the request's cookie, so nothing here needs a lock.
 *
 * Layer: hal-hosted, core world.
 */
#include <sos/sos.h>

#include "hal.h"
#include "host.h"
#include "hosted.h"

static struct host_audio_info g_info;
static bool g_present;

int hosted_audio_register(void)
{
    if (host_audio_open(HOSTED_AUDIO_LINE, &g_info))
        return -1;
    g_present = true;
    return 0;
}

static int audio_submit(void *dev, struct hal_dev_req *r)
{
    (void)dev;
    if (r->op != HAL_DEVOP_WRITE)
        return SOS_ERR_NOT_SUPPORTED;
    if (!r->len || r->len % g_info.frame_bytes)
        return SOS_ERR_INVALID_ARGS;
    r->status = 0;
    r->actual = r->len;
    int rc = host_audio_write(hal_phys_to_virt(r->buf), r->len, r);
    return rc > 0 ? SOS_ERR_SHOULD_WAIT : rc < 0 ? SOS_ERR_IO : 0;
}

static struct hal_dev_req *audio_poll(void *dev)
{
    (void)dev;
    return host_audio_done();
}

static void audio_info(void *dev, struct hal_dev_info *out)
{
    (void)dev;
    *out = (struct hal_dev_info){.dev_class = HAL_DEV_AUDIO, .irq = HOSTED_AUDIO_LINE,
                                 .block_size = g_info.frame_bytes,
                                 .block_count = g_info.queue_frames,
                                 .audio_rate = g_info.rate,
                                 .audio_channels = (uint16_t)g_info.channels,
                                 .audio_format = SOS_AUDIO_FMT_S16};
    __builtin_memcpy(out->name, "sim-audio", 10);
}

static const struct hal_dev_ops g_audio_ops = {audio_submit, audio_poll, audio_info};

bool hosted_audio_get(unsigned index, const struct hal_dev_ops **ops, void **dev)
{
    if (index != 0 || !g_present)
        return false;
    *ops = &g_audio_ops;
    *dev = &g_present;
    return true;
}
