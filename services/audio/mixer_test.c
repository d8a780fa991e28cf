/*
 * services/audio/mixer_test.c - the mixer thread's passes on the host (mixer.c with
 * mix.c), against a fake device that keeps every period written and a converter that
 * copies (what srate_speex.c does for a stream at the device's rate).
 * The test calls mixer_pass() itself, so it decides exactly which of the server's
 * changes (volume, a new stream) the mixer sees before which pass: the interleavings
 * a loaded machine makes now and then are made here every time.
 *
 *  - a master volume set between two sounds, with no silent pass of the mixer between
 *    them (it was still busy with the first sound's last period when the volume and the
 *    next sound came): the next sound starts at the new volume, not ramped in from the
 *    old one (audio-tone-paced measured a first period at volume 100 under load);
 *  - a volume set while a sound plays ramps over one period (no step), as before;
 *  - mute between two sounds: the next one is silent from its first frame.
 *
 * Layer: services host tests (never in an image).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../lib/test/host_sys.h"

#include "audiosvc.h"

struct audiosvc g_au;

#define DEV 5
#define WAKE 6
#define OUT_VMO 9
#define MAX_PERIODS 64
#define PERIOD 480u  /* frames at 48 kHz */
#define RING 4800u   /* frames */
#define LEVEL 0.5f   /* the test sound: a constant, so each output sample is its gain */

/* ---- the fake kernel: one S16 stereo 48 kHz device, every period written kept */

static uint8_t g_vmo[PERIOD * 4];
static int16_t g_out[MAX_PERIODS][PERIOD * 2];
static uint32_t g_nout;

int64_t sos_object_signal(sos_handle_t h, sos_signals_t clear, sos_signals_t set)
{
    (void)h;
    (void)clear;
    (void)set;
    return 0;
}

int64_t sos_object_get_info(sos_handle_t h, uint32_t topic, void *buf, size_t len)
{
    if (h != DEV || topic != SOS_INFO_DEVICE || len < sizeof(struct sos_info_device))
        return SOS_ERR_INVALID_ARGS;
    struct sos_info_device d = {.dev_class = SOS_DEV_AUDIO, .block_size = 4, .block_count = 1440,
                                .audio_rate = 48000, .audio_channels = 2,
                                .audio_format = SOS_AUDIO_FMT_S16};
    memcpy(buf, &d, sizeof(d));
    return sizeof(d);
}

int64_t sos_vmo_create(uint64_t size, uint32_t options, sos_handle_t *out)
{
    (void)options;
    if (size > sizeof(g_vmo))
        return SOS_ERR_NO_MEMORY;
    *out = OUT_VMO;
    return 0;
}

int64_t sos_vmo_write(sos_handle_t vmo, const void *buf, uint64_t offset, size_t len)
{
    if (vmo != OUT_VMO || offset + len > sizeof(g_vmo))
        return SOS_ERR_OUT_OF_RANGE;
    memcpy(g_vmo + offset, buf, len);
    return 0;
}

int64_t sos_device_io(sos_handle_t dev, const struct sos_device_io *io)
{
    if (dev != DEV || io->op != SOS_DEVICE_OP_WRITE || io->len != sizeof(g_vmo) ||
        g_nout == MAX_PERIODS)
        return SOS_ERR_INVALID_ARGS;
    memcpy(g_out[g_nout++], g_vmo, sizeof(g_vmo));
    return (int64_t)io->len;
}

int64_t sos_thread_sleep(sos_time_t deadline)
{
    (void)deadline;
    return 0;
}

int64_t sos_vm_unmap(sos_handle_t process, uint64_t addr, uint64_t len)
{
    (void)process;
    (void)addr;
    (void)len;
    return 0;
}

sos_handle_t sos_self_process(void) { return 1; }

int sl_thread_start(struct sl_thread *t, void (*fn)(void *), void *arg, size_t stack_size)
{
    (void)t;
    (void)fn;
    (void)arg;
    (void)stack_size;
    return SOS_ERR_NOT_SUPPORTED; /* the test is the mixer thread */
}

/* ---- srate.h: a copy (the test's streams are at the device's rate) */

struct srate {
    uint32_t channels;
};

int srate_open(struct srate **out, uint32_t in_rate, uint32_t out_rate, uint32_t channels)
{
    if (in_rate != out_rate)
        return SOS_ERR_NOT_SUPPORTED;
    *out = malloc(sizeof(**out));
    if (!*out)
        return SOS_ERR_NO_MEMORY;
    (*out)->channels = channels;
    return 0;
}

void srate_close(struct srate *s) { free(s); }

uint32_t srate_want(const struct srate *s, uint32_t nout)
{
    (void)s;
    return nout;
}

uint32_t srate_run(struct srate *s, const float *in, uint32_t nin, float *out, uint32_t nout,
                   uint32_t *used)
{
    uint32_t n = nin < nout ? nin : nout;
    memcpy(out, in, (size_t)n * s->channels * sizeof(float));
    *used = n;
    return n;
}

uint32_t srate_tail(const struct srate *s)
{
    (void)s;
    return 0;
}

const char *srate_name(void) { return "copy"; }

/* ---- a mono F32 stream at the device's rate in slot 0 */

static struct audio_ring g_ring;
static float g_data[RING];

static struct stream *stream0(void) { return &g_au.streams[0]; }

/* Once: the mixer takes the device (its buffers are for the process's life). */
static int group_setup(void **state)
{
    (void)state;
    fake_reset();
    g_au.master = 100;
    g_au.wake = WAKE;
    return mixer_init(&g_au, DEV) || g_au.ep.period_frames != PERIOD;
}

static int group_teardown(void **state)
{
    (void)state;
    srate_close(g_au.streams[0].rs);
    return 0;
}

/* Each test: no stream, master 100, not muted, after a silent pass of the mixer. */
static void setup_mixer(void)
{
    struct srate *rs = g_au.streams[0].rs;
    memset(g_au.streams, 0, sizeof(g_au.streams));
    g_au.streams[0].rs = rs; /* open_stream closes it */
    g_au.master = 100;
    g_au.muted = 0;
    assert_false(mixer_pass(&g_au));
    g_nout = 0;
}

/* As AUDIO_OPEN does: a new stream, paused, at volume 100. */
static void open_stream(void)
{
    struct stream *s = stream0();
    if (s->rs)
        srate_close(s->rs);
    g_ring = (struct audio_ring){.frame_bytes = 4, .frames = RING};
    *s = (struct stream){.id = 1, .format = SOS_AUDIO_FMT_F32, .rate = 48000, .channels = 1,
                         .frame_bytes = 4, .ring_frames = RING, .ring = &g_ring,
                         .data = (uint8_t *)g_data, .volume = 100, .gain = 1.0f};
    assert_int_equal(srate_open(&s->rs, 48000, 48000, 1), 0);
    s->tail_left = srate_tail(s->rs);
    au_store(&s->state, AUDIO_STATE_PAUSED);
}

/* The client writes n frames of LEVEL into the ring. */
static void feed(uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        g_data[(g_ring.write_pos + i) % RING] = LEVEL;
    __atomic_store_n(&g_ring.write_pos, g_ring.write_pos + n, __ATOMIC_RELEASE);
}

/* Play n frames as the shell's tone does (fill, drain) and run the mixer until the
 * drain is over: the last pass is the one that found the stream dry, as busy as ever. */
static void play_and_drain(uint32_t n)
{
    open_stream();
    feed(n);
    au_store(&stream0()->state, AUDIO_STATE_DRAINING);
    for (int i = 0; i < 32 && au_load(&stream0()->state) == AUDIO_STATE_DRAINING; i++)
        assert_true(mixer_pass(&g_au));
    assert_int_equal(au_load(&stream0()->state), AUDIO_STATE_PAUSED);
}

/* A new stream started (the server's START) and one pass: the period it made. */
static uint32_t next_sound(void)
{
    open_stream();
    feed(2 * PERIOD);
    au_store(&stream0()->state, AUDIO_STATE_RUNNING);
    assert_true(mixer_pass(&g_au));
    return g_nout - 1;
}

static int16_t sample(uint32_t period, uint32_t frame) { return g_out[period][frame * 2]; }

/* Every frame of period p is at level `want` (S16), both channels. */
static void assert_period_level(uint32_t p, int want)
{
    for (uint32_t f = 0; f < PERIOD; f++) {
        if (abs(sample(p, f) - want) > 1 || g_out[p][f * 2 + 1] != sample(p, f))
            fail_msg("period %u frame %u: %d, want %d", p, f, sample(p, f), want);
    }
}

static void test_volume_between_sounds(void **state)
{
    (void)state;
    setup_mixer();
    play_and_drain(2 * PERIOD);
    assert_period_level(0, 16384); /* 0.5 at master 100 */
    /* `audio volume 50`, then the next tone's START, both before the mixer's next pass */
    au_store(&g_au.master, 50);
    assert_period_level(next_sound(), 8192);
}

static void test_volume_while_playing_ramps(void **state)
{
    (void)state;
    setup_mixer();
    open_stream();
    feed(3 * PERIOD);
    au_store(&stream0()->state, AUDIO_STATE_RUNNING);
    assert_true(mixer_pass(&g_au));
    assert_period_level(0, 16384);
    au_store(&g_au.master, 50);
    assert_true(mixer_pass(&g_au));
    /* one period from 16384 to 8192: falling, no step larger than the slope */
    assert_true(sample(1, 0) > 16300);
    assert_true(abs(sample(1, PERIOD - 1) - 8192) <= 20);
    for (uint32_t f = 1; f < PERIOD; f++)
        assert_true(sample(1, f) <= sample(1, f - 1) && sample(1, f - 1) - sample(1, f) <= 18);
    assert_true(mixer_pass(&g_au));
    assert_period_level(2, 8192);
}

static void test_mute_between_sounds(void **state)
{
    (void)state;
    setup_mixer();
    play_and_drain(PERIOD);
    au_store(&g_au.muted, 1);
    assert_period_level(next_sound(), 0);
}

/* Nothing plays: no period is written and the pass says so (the thread then sleeps). */
static void test_idle(void **state)
{
    (void)state;
    setup_mixer();
    open_stream();
    assert_false(mixer_pass(&g_au));
    assert_int_equal(g_nout, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_volume_between_sounds),
        cmocka_unit_test(test_volume_while_playing_ramps),
        cmocka_unit_test(test_mute_between_sounds),
        cmocka_unit_test(test_idle),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
