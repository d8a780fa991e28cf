/*
 * services/audio/srate.h - a stream's sample-rate converter, as the mixer uses it.
 *
 * Two implementations, one linked per build: srate_speex.c (speexdsp's resampler,
 * quality 5, when scripts/fetch-sources.sh has fetched it) and srate_linear.c (our
 * linear interpolation, mix.c's rs_*, otherwise). Both take float frames, interleaved.
 *
 * Layer: services (audio).
 */
#ifndef AUDIO_SRATE_H
#define AUDIO_SRATE_H

#include <stdint.h>

struct srate;

/* 0, or SOS_ERR_INVALID_ARGS / SOS_ERR_NO_MEMORY. */
int srate_open(struct srate **out, uint32_t in_rate, uint32_t out_rate, uint32_t channels);
void srate_close(struct srate *s);
/* The input frames worth offering to make nout frames (at most a few more than used). */
uint32_t srate_want(const struct srate *s, uint32_t nout);
/* Make up to nout frames from in[nin]; *used gets the input frames taken. Frames made. */
uint32_t srate_run(struct srate *s, const float *in, uint32_t nin, float *out, uint32_t nout,
                   uint32_t *used);
/* Frames of silence to feed after the last input so everything comes out (its latency). */
uint32_t srate_tail(const struct srate *s);
/* Which one this build has, for messages: "speexdsp" or "linear". */
const char *srate_name(void);

#endif
