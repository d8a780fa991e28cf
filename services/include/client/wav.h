/*
 * client/wav.h - reading RIFF/WAVE files: the header is checked whole and every
 * malformed file gets a sentence saying what is wrong, never a crash. PCM 16 and 24 bit
 * integer and 32-bit float (WAVE_FORMAT_PCM, WAVE_FORMAT_IEEE_FLOAT, or EXTENSIBLE with
 * either subformat), 1 or 2 channels, 8000..48000 Hz.
 *
 * Layer: services/clients (audio), pure logic (no system calls).
 */
#ifndef CLIENT_WAV_H
#define CLIENT_WAV_H

#include <stddef.h>
#include <stdint.h>

#define WAV_S16 1u
#define WAV_S24 2u
#define WAV_F32 3u

struct wav_info {
    uint32_t sample;    /* WAV_* */
    uint32_t rate, channels;
    uint32_t frame_bytes;
    const uint8_t *data; /* the frames, inside the buffer given */
    uint32_t frames;
};

/* Parse buf[len]; 0, or -1 with why (a sentence) in err[errlen]. */
int wav_parse(const void *buf, size_t len, struct wav_info *out, char *err, size_t errlen);

/* Convert n frames of a S24 file to S32 (a stream format): in and out may not overlap. */
void wav_s24_to_s32(const uint8_t *in, size_t samples, int32_t *out);

#endif
