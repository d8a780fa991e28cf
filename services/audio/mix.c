/*
 * services/audio/mix.c - the mixer's arithmetic (mix.h): format conversion, ramped
 * gains, summing, the soft clip, clipping and the linear resampler.
 *
 * Layer: services (audio), pure logic.
 */
#include "mix.h"

#include <sos/sos.h>

#include <string.h>

#define ONE (1ull << 32)

static float clip(float x, size_t *clipped)
{
    if (x > 1.0f) {
        (*clipped)++;
        return 1.0f;
    }
    if (x < -1.0f) {
        (*clipped)++;
        return -1.0f;
    }
    return x;
}

void mix_to_float(uint32_t fmt, const void *src, size_t n, float *dst)
{
    if (fmt == SOS_AUDIO_FMT_S16) {
        const int16_t *s = src;
        for (size_t i = 0; i < n; i++)
            dst[i] = (float)s[i] * (1.0f / 32768.0f);
    } else if (fmt == SOS_AUDIO_FMT_S32) {
        const int32_t *s = src;
        for (size_t i = 0; i < n; i++)
            dst[i] = (float)((double)s[i] * (1.0 / 2147483648.0));
    } else if (fmt == SOS_AUDIO_FMT_F32) {
        const float *s = src;
        for (size_t i = 0; i < n; i++) /* NaN and infinities become silence and full scale */
            dst[i] = s[i] != s[i] ? 0.0f : s[i] > 1.0f ? 1.0f : s[i] < -1.0f ? -1.0f : s[i];
    } else {
        memset(dst, 0, n * sizeof(float));
    }
}

/* Round half away from zero without libm. */
static int64_t round_scaled(float x, double scale)
{
    double v = (double)x * scale;
    return (int64_t)(v < 0 ? v - 0.5 : v + 0.5);
}

size_t mix_from_float(uint32_t fmt, const float *src, size_t n, void *dst)
{
    size_t clipped = 0;
    for (size_t i = 0; i < n; i++) {
        float x = clip(src[i] != src[i] ? 0.0f : src[i], &clipped);
        if (fmt == SOS_AUDIO_FMT_S16) {
            int64_t v = round_scaled(x, 32767.0);
            ((int16_t *)dst)[i] = (int16_t)v;
        } else if (fmt == SOS_AUDIO_FMT_S32) {
            int64_t v = round_scaled(x, 2147483647.0);
            ((int32_t *)dst)[i] = (int32_t)(v > 2147483647 ? 2147483647 : v);
        } else {
            ((float *)dst)[i] = x;
        }
    }
    return clipped;
}

static float soft_clip(float x)
{
    if (x != x)
        return 0.0f;
    float a = x < 0 ? -x : x;
    if (a <= MIX_KNEE)
        return x;
    float u = (a - MIX_KNEE) / (1.0f - MIX_KNEE);
    float y = u > 1e30f ? 1.0f : MIX_KNEE + (1.0f - MIX_KNEE) * (u / (1.0f + u));
    return x < 0 ? -y : y;
}

size_t mix_soft_clip(float *buf, size_t n)
{
    size_t bent = 0;
    for (size_t i = 0; i < n; i++) {
        bent += buf[i] > MIX_KNEE || buf[i] < -MIX_KNEE;
        buf[i] = soft_clip(buf[i]);
    }
    return bent;
}

void mix_add(float *acc, uint32_t ch, const float *src, uint32_t src_ch, uint32_t frames,
             float g0, float g1)
{
    float dg = frames > 1 ? (g1 - g0) / (float)(frames - 1) : 0.0f;
    for (uint32_t f = 0; f < frames; f++) {
        float g = frames > 1 ? g0 + dg * (float)f : g1;
        const float *in = src + (size_t)f * src_ch;
        float *out = acc + (size_t)f * ch;
        if (src_ch == ch) {
            for (uint32_t c = 0; c < ch; c++)
                out[c] += in[c] * g;
        } else if (src_ch == 1) {
            for (uint32_t c = 0; c < ch; c++)
                out[c] += in[0] * g;
        } else { /* stereo into mono */
            out[0] += (in[0] + in[1]) * 0.5f * g;
        }
    }
}

void mix_scale(float *buf, uint32_t ch, uint32_t frames, float g0, float g1)
{
    float dg = frames > 1 ? (g1 - g0) / (float)(frames - 1) : 0.0f;
    for (uint32_t f = 0; f < frames; f++) {
        float g = frames > 1 ? g0 + dg * (float)f : g1;
        for (uint32_t c = 0; c < ch; c++)
            buf[(size_t)f * ch + c] *= g;
    }
}

float mix_gain(uint32_t volume) { return volume >= 100 ? 1.0f : (float)volume / 100.0f; }

/* ---- the resampler: output k lies at t + k * step input frames past prev */

int rs_init(struct resampler *r, uint32_t in_rate, uint32_t out_rate, uint32_t ch)
{
    if (!in_rate || !out_rate || in_rate > 192000 || out_rate > 192000 || !ch || ch > 2)
        return -1;
    *r = (struct resampler){.step = ((uint64_t)in_rate << 32) / out_rate, .ch = ch};
    return 0;
}

uint32_t rs_need(const struct resampler *r, uint32_t nout)
{
    if (!nout)
        return 0;
    uint32_t looked = (uint32_t)((r->frac + (uint64_t)(nout - 1) * r->step) >> 32) + 1;
    uint32_t used = rs_consumes(r, nout); /* more than looked at when downsampling */
    return looked > used ? looked : used;
}

uint32_t rs_consumes(const struct resampler *r, uint32_t nout)
{
    return (uint32_t)((r->frac + (uint64_t)nout * r->step) >> 32);
}

/* The most n with frac + (n - 1) * step < avail (what it looks at is there) and
 * frac + n * step < avail + 1 (what it consumes is there). */
uint32_t rs_max_out(const struct resampler *r, uint32_t avail)
{
    if (!avail)
        return 0;
    uint64_t span = ((uint64_t)avail << 32) - r->frac; /* > 0: frac < ONE */
    uint64_t looked = (span + r->step - 1) / r->step;
    uint64_t used = (span + ONE + r->step - 1) / r->step - 1;
    uint64_t n = looked < used ? looked : used;
    return n > 0xffffffffu ? 0xffffffffu : (uint32_t)n;
}

void rs_run(struct resampler *r, const float *in, float *out, uint32_t nout)
{
    uint32_t ch = r->ch;
    for (uint32_t k = 0; k < nout; k++) {
        uint64_t p = r->frac + (uint64_t)k * r->step;
        uint32_t i = (uint32_t)(p >> 32);
        float f = (float)(p & (ONE - 1)) * (1.0f / 4294967296.0f);
        const float *a = i ? in + (size_t)(i - 1) * ch : r->prev;
        const float *b = in + (size_t)i * ch;
        for (uint32_t c = 0; c < ch; c++)
            out[(size_t)k * ch + c] = f == 0.0f ? a[c] : a[c] + (b[c] - a[c]) * f;
    }
    uint64_t end = r->frac + (uint64_t)nout * r->step;
    uint32_t used = (uint32_t)(end >> 32);
    if (used)
        memcpy(r->prev, in + (size_t)(used - 1) * ch, ch * sizeof(float));
    r->frac = end & (ONE - 1);
}
