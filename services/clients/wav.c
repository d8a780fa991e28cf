/*
 * services/clients/wav.c - RIFF/WAVE parsing (client/wav.h).
 *
 * Walks the chunks after "RIFF....WAVE", bounds-checking each size against what is
 * left, takes the first "fmt " and "data" chunks and checks the format before anyone
 * touches a sample. A data chunk longer than the file (common in streamed recordings)
 * is cut to what is there, to whole frames.
 *
 * Layer: services/clients (audio), pure logic.
 */
#include <client/wav.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define FMT_PCM 1u
#define FMT_FLOAT 3u
#define FMT_EXTENSIBLE 0xfffeu

static uint32_t le16(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8; }
static uint32_t le32(const uint8_t *p) { return le16(p) | le16(p + 2) << 16; }

static int fail(char *err, size_t errlen, const char *why)
{
    snprintf(err, errlen, "%s", why);
    return -1;
}

/* The format chunk: what the samples are. */
static int parse_fmt(const uint8_t *p, uint32_t size, struct wav_info *o, char *err, size_t n)
{
    if (size < 16)
        return fail(err, n, "the fmt chunk is shorter than 16 bytes");
    uint32_t tag = le16(p), bits = le16(p + 14);
    o->channels = le16(p + 2);
    o->rate = le32(p + 4);
    uint32_t align = le16(p + 12);
    if (tag == FMT_EXTENSIBLE) {
        if (size < 40)
            return fail(err, n, "an extensible fmt chunk is shorter than 40 bytes");
        tag = le16(p + 24); /* the subformat GUID starts with the format tag */
    }
    if (tag == FMT_PCM && bits == 16)
        o->sample = WAV_S16;
    else if (tag == FMT_PCM && bits == 24)
        o->sample = WAV_S24;
    else if (tag == FMT_FLOAT && bits == 32)
        o->sample = WAV_F32;
    else
        return fail(err, n, tag == FMT_PCM || tag == FMT_FLOAT
                                ? "unsupported sample size (16 or 24-bit PCM, 32-bit float)"
                                : "not PCM or float samples (compressed WAV is not supported)");
    if (o->channels < 1 || o->channels > 2)
        return fail(err, n, "unsupported channel count (mono or stereo)");
    if (o->rate < 8000 || o->rate > 48000)
        return fail(err, n, "unsupported sample rate (8000 to 48000 Hz)");
    o->frame_bytes = o->channels * (bits / 8);
    if (align != o->frame_bytes)
        return fail(err, n, "the block alignment does not match channels and sample size");
    return 0;
}

int wav_parse(const void *buf, size_t len, struct wav_info *out, char *err, size_t errlen)
{
    const uint8_t *b = buf;
    *out = (struct wav_info){0};
    if (len < 12 || memcmp(b, "RIFF", 4) || memcmp(b + 8, "WAVE", 4))
        return fail(err, errlen, "not a WAV file (no RIFF/WAVE header)");
    bool have_fmt = false;
    size_t pos = 12;
    while (len - pos >= 8) {
        uint32_t size = le32(b + pos + 4);
        const uint8_t *body = b + pos + 8;
        size_t left = len - pos - 8;
        if (!memcmp(b + pos, "fmt ", 4)) {
            if (size > left)
                return fail(err, errlen, "the fmt chunk runs past the end of the file");
            if (parse_fmt(body, size, out, err, errlen))
                return -1;
            have_fmt = true;
        } else if (!memcmp(b + pos, "data", 4)) {
            if (!have_fmt)
                return fail(err, errlen, "the data chunk comes before the fmt chunk");
            size_t bytes = size > left ? left : size;
            out->data = body;
            out->frames = (uint32_t)(bytes / out->frame_bytes);
            if (!out->frames)
                return fail(err, errlen, "the data chunk holds no whole frame");
            return 0;
        } else if (size > left) {
            return fail(err, errlen, "a chunk runs past the end of the file");
        }
        pos += 8 + (size_t)size + (size & 1); /* chunks are padded to even sizes */
        if (pos > len)
            break;
    }
    return fail(err, errlen, have_fmt ? "no data chunk" : "no fmt chunk");
}

void wav_s24_to_s32(const uint8_t *in, size_t samples, int32_t *out)
{
    for (size_t i = 0; i < samples; i++, in += 3)
        out[i] = (int32_t)((uint32_t)in[0] << 8 | (uint32_t)in[1] << 16 | (uint32_t)in[2] << 24);
}
