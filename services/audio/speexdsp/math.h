/*
 * services/audio/speexdsp/math.h - the three functions of <math.h> speexdsp's
 * resampler uses, for its freestanding build (services have no libm): sin, floor,
 * fabs, named sos_* (sos_math.c) so a host build can test them against libm.
 *
 * Layer: services (audio), third-party glue.
 */
#ifndef SOS_SPEEX_MATH_H
#define SOS_SPEEX_MATH_H

double sos_sin(double x);
double sos_floor(double x);
double sos_fabs(double x);

#define sin sos_sin
#define floor sos_floor
#define fabs sos_fabs

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

#endif
