/*
 * services/audio/mix.h - the mixer's arithmetic, with no system calls, so the host
 * unit tests run it as it is: sample format conversion to and from float32, the
 * resampler, ramped gains, summing, the soft clip (headroom) and clipping.
 *
 * Everything works on interleaved frames. Gains are linear amplitudes (volume v of
 * 0..100 is v / 100). A gain change is a straight ramp over the block it is applied
 * to, so volume steps never click.
 *
 * Layer: services (audio), pure logic.
 */
#ifndef AUDIO_MIX_H
#define AUDIO_MIX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Convert n samples of `fmt` (SOS_AUDIO_FMT_*) to float32 in -1..1. */
void mix_to_float(uint32_t fmt, const void *src, size_t n, float *dst);

/* Convert n float samples to `fmt`, clipping to -1..1; returns the samples clipped. */
size_t mix_from_float(uint32_t fmt, const float *src, size_t n, void *dst);

/*
 * acc[i] += src[i] * gain, the gain moving linearly from g0 (first frame) to g1 (last
 * frame) over `frames` frames of `ch` channels; src has src_ch channels (1 or 2): a
 * mono source feeds every output channel, a stereo one mixed to mono is averaged.
 */
void mix_add(float *acc, uint32_t ch, const float *src, uint32_t src_ch, uint32_t frames,
             float g0, float g1);

/* Multiply in place by a gain ramping from g0 to g1 over `frames` frames. */
void mix_scale(float *buf, uint32_t ch, uint32_t frames, float g0, float g1);

/*
 * The mix's headroom: a soft clip on the master output. Samples up to MIX_KNEE (0.75,
 * -2.5 dBFS) pass bit for bit; above it the magnitude bends smoothly (the slope falls
 * from 1 at the knee: no corner) towards full scale, y = K + (1 - K) u / (1 + u) with
 * u = (|x| - K) / (1 - K), so two full-scale streams (2.0) come out at 0.958 and the 16
 * a mixer holds (16.0) at 0.996 instead of a flat top. Odd (no offset). NaN becomes 0,
 * infinities +-1. Returns the samples that were above the knee.
 */
#define MIX_KNEE 0.75f
size_t mix_soft_clip(float *buf, size_t n);

/* Volume 0..100 as a linear gain. */
float mix_gain(uint32_t volume);

/*
 * A linear-interpolation resampler (temporary, see docs/audio.md), one per stream.
 * Position is 32.32 fixed point, so a stream's length comes out exact over time:
 * after producing n frames from a source at in_rate for out_rate, exactly
 * floor(n * in_rate / out_rate) source frames have been consumed.
 */
struct resampler {
    uint64_t step;  /* input frames per output frame, 32.32 */
    uint64_t frac;  /* position between prev (0) and the next input frame (1), 32.32 */
    uint32_t ch;
    float prev[2];  /* the last input frame consumed */
};

/* 0, or -1 for rates outside 1..192000 or ch not 1..2. */
int rs_init(struct resampler *r, uint32_t in_rate, uint32_t out_rate, uint32_t ch);
/* Input frames that producing `nout` frames reads (rs_run's input): every frame it
 * looks at and every frame it consumes. */
uint32_t rs_need(const struct resampler *r, uint32_t nout);
/* How many of those it consumes (upsampling may look one frame further, read again
 * next time). */
uint32_t rs_consumes(const struct resampler *r, uint32_t nout);
/* The most output frames `avail` input frames can make. */
uint32_t rs_max_out(const struct resampler *r, uint32_t avail);
/* Produce nout frames into out from in[rs_need(r, nout)] and advance. */
void rs_run(struct resampler *r, const float *in, float *out, uint32_t nout);

#endif
