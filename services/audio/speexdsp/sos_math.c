/*
 * services/audio/speexdsp/sos_math.c - sin, floor and fabs without libm (math.h).
 *
 * sin reduces its argument to [-pi/2, pi/2] (x - k pi with the sign of k's parity;
 * the resampler's arguments stay below a few hundred radians, where one double
 * subtraction keeps ~1e-13 of accuracy) and sums its Taylor series to 1e-17.
 *
 * Layer: services (audio), third-party glue (pure C).
 */
#include "math.h"

#define PI_HI 3.14159265358979311600e+00
#define PI_LO 1.22464679914735317720e-16

double sos_fabs(double x) { return x < 0 ? -x : x; }

double sos_floor(double x)
{
    if (!(sos_fabs(x) < 4503599627370496.0)) /* |x| >= 2^52 (or NaN): already whole */
        return x;
    double t = (double)(long long)x;
    return t > x ? t - 1.0 : t;
}

double sos_sin(double x)
{
    if (!(sos_fabs(x) < 1e15))
        return 0.0; /* NaN, infinities, and arguments past any meaning here */
    double k = sos_floor(x / PI_HI + 0.5);
    double r = (x - k * PI_HI) - k * PI_LO; /* in [-pi/2, pi/2] */
    double term = r, sum = 0.0;
    for (int n = 1; n < 40 && sos_fabs(term) > 1e-18; n += 2) {
        sum += term;
        term *= -r * r / ((n + 1.0) * (n + 2.0));
    }
    return ((long long)k & 1) ? -sum : sum;
}
