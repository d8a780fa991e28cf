/*
 * client/tone.h - a sine generator without libm: a unit phasor rotated by a fixed
 * step each sample (the step's sine and cosine come from their Taylor series), renormalised
 * every block so the amplitude never drifts.
 *
 * Layer: services/clients (audio), pure logic.
 */
#ifndef CLIENT_TONE_H
#define CLIENT_TONE_H

#include <stdint.h>

struct tone {
    double c, s; /* cos and sin of the step */
    double x, y; /* the phasor: y is the output */
    float amp;
};

/* freq in Hz (0 < freq < rate / 2), amp 0..1; starts at phase 0. 0, or -1. */
int tone_init(struct tone *t, double freq, uint32_t rate, float amp);
/* n samples of the tone into out (mono). */
void tone_fill(struct tone *t, float *out, uint32_t n);

#endif
