/*
 * math.h - the few floating-point functions of the services/lib libc subset that the
 * header-only libraries the services compile (stb_image_write, stb_truetype,
 * stb_image) and speexdsp's resampler (services/third_party/speexdsp: sin, floor,
 * fabs) call. Doubles only; no errno, no rounding modes; good to the last bit or
 * two, which is all pixel arithmetic needs. The HALs save FPU/SIMD state across
 * switches, so services may use floating point freely.
 */
#ifndef SL_MATH_H
#define SL_MATH_H

#define HUGE_VAL __builtin_huge_val()
#define M_PI 3.14159265358979323846

double fabs(double x);
double floor(double x);
double ceil(double x);
double sqrt(double x);
double fmod(double x, double y);
double frexp(double x, int *exp);
double ldexp(double x, int exp);
double pow(double x, double y);
double exp(double x);
double log(double x);
double sin(double x);
double cos(double x);
double acos(double x);

#endif
