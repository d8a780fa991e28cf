/*
 * services/clients/tone.c - the sine generator (client/tone.h).
 *
 * Layer: services/clients (audio), pure logic.
 */
#include <client/tone.h>

#define PI 3.14159265358979323846

/* sin and cos of w in [0, pi] by their series: 20 terms reach double precision. */
static void sincos_series(double w, double *s, double *c)
{
    double ts = w, tc = 1.0, ss = 0.0, cc = 0.0;
    for (int k = 0; k < 20; k++) {
        ss += ts;
        cc += tc;
        ts *= -w * w / ((2.0 * k + 2) * (2.0 * k + 3));
        tc *= -w * w / ((2.0 * k + 1) * (2.0 * k + 2));
    }
    *s = ss;
    *c = cc;
}

int tone_init(struct tone *t, double freq, uint32_t rate, float amp)
{
    if (!(freq > 0.0) || !rate || freq >= rate / 2.0 || !(amp >= 0.0f) || amp > 1.0f)
        return -1;
    sincos_series(2.0 * PI * freq / rate, &t->s, &t->c);
    t->x = 1.0;
    t->y = 0.0;
    t->amp = amp;
    return 0;
}

void tone_fill(struct tone *t, float *out, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        out[i] = (float)t->y * t->amp;
        double x = t->x * t->c - t->y * t->s;
        t->y = t->x * t->s + t->y * t->c;
        t->x = x;
    }
    /* one Newton step towards |phasor| = 1 */
    double g = (3.0 - (t->x * t->x + t->y * t->y)) * 0.5;
    t->x *= g;
    t->y *= g;
}
