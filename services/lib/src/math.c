/*
 * services/lib/src/math.c - math.h's functions without a host libm.
 *
 * Rounding uses the FPU's truncating conversion below 2^52 (from there on a double
 * has no fraction); sqrt is the hardware instruction; exp and log are
 * reduced to a small range and summed as series; sin reduces by pi (in two parts) and
 * cos by 2*pi, each summing its series; acos goes through atan's series via sqrt. Precise to ~1e-15 relative on the
 * ranges graphics uses (font scales, gamma, curve flattening).
 *
 * Layer: services/lib (runtime).
 */
#include <math.h>
#include <stdint.h>

#define PI 3.14159265358979323846
#define PI_HI 3.14159265358979311600e+00 /* PI_HI + PI_LO is pi to twice a double's digits */
#define PI_LO 1.22464679914735317720e-16

double fabs(double x) { return x < 0 ? -x : x; }

double floor(double x)
{
    if (!(x > -0x1p52 && x < 0x1p52))
        return x; /* from 2^52 up a double has no fraction (or it is NaN) */
    double t = (double)(int64_t)x;
    return t > x ? t - 1 : t;
}

double ceil(double x) { return -floor(-x); }

double sqrt(double x)
{
#if defined(__x86_64__)
    double r;
    __asm__("sqrtsd %1, %0" : "=x"(r) : "x"(x));
    return r;
#else
    double r;
    __asm__("fsqrt %d0, %d1" : "=w"(r) : "w"(x));
    return r;
#endif
}

/* Exact: subtract y scaled by a power of two while it fits (each such subtraction is
 * exact, since ay <= t <= ax < 2t), so the result never carries a rounding error. */
double fmod(double x, double y)
{
    double ax = fabs(x), ay = fabs(y);
    if (ay == 0 || ax != ax || ay != ay || ax == HUGE_VAL)
        return __builtin_nan("");
    int ex, ey;
    frexp(ay, &ey);
    while (ax >= ay) {
        frexp(ax, &ex);
        double t = ldexp(ay, ex - ey);
        if (t > ax)
            t /= 2;
        ax -= t;
    }
    return x < 0 ? -ax : ax;
}

double frexp(double x, int *e)
{
    union { double d; uint64_t u; } v = {x};
    int be = (int)((v.u >> 52) & 0x7ff);
    if (be == 0) { /* zero or subnormal */
        if (x == 0) {
            *e = 0;
            return x;
        }
        double m = frexp(x * 18014398509481984.0, e); /* 2^54 */
        *e -= 54;
        return m;
    }
    if (be == 0x7ff) {
        *e = 0;
        return x;
    }
    *e = be - 1022;
    v.u = (v.u & ~(0x7ffull << 52)) | (1022ull << 52);
    return v.d;
}

double ldexp(double x, int e)
{
    while (e > 1000) {
        x *= 0x1p1000;
        e -= 1000;
    }
    while (e < -1000) {
        x *= 0x1p-1000;
        e += 1000;
    }
    union { double d; uint64_t u; } v = {.u = (uint64_t)(e + 1023) << 52};
    return x * v.d;
}

double exp(double x)
{
    if (x > 709)
        return HUGE_VAL;
    if (x < -745)
        return 0;
    int k = (int)floor(x / 0.69314718055994530942 + 0.5);
    double r = x - k * 0.69314718055994530942, term = 1, sum = 1;
    for (int i = 1; i < 20; i++) {
        term *= r / i;
        sum += term;
    }
    return ldexp(sum, k);
}

double log(double x)
{
    if (x <= 0)
        return x == 0 ? -HUGE_VAL : __builtin_nan("");
    int e;
    double m = frexp(x, &e); /* x = m * 2^e, m in [0.5, 1) */
    if (m < 0.70710678118654752440) {
        m *= 2;
        e--;
    }
    double s = (m - 1) / (m + 1), s2 = s * s, term = s, sum = 0;
    for (int i = 1; i < 40; i += 2) { /* 2 atanh(s) */
        sum += term / i;
        term *= s2;
    }
    return 2 * sum + e * 0.69314718055994530942;
}

double pow(double x, double y)
{
    if (y == 0)
        return 1;
    if (x == 0)
        return y > 0 ? 0 : HUGE_VAL;
    if (x < 0) {
        double iy = floor(y);
        if (iy != y)
            return __builtin_nan("");
        double r = exp(y * log(-x));
        return fmod(iy, 2) != 0 ? -r : r;
    }
    return exp(y * log(x));
}

/* sin reduces to [-pi/2, pi/2] by x - k pi, pi in two parts (the arguments speexdsp
 * gives it stay below a few hundred radians, where this keeps ~1e-13), and sums its
 * series to 1e-18; the sign follows k's parity. */
double sin(double x)
{
    if (!(fabs(x) < 1e15))
        return 0.0; /* NaN, infinities, and arguments past any meaning here */
    double k = floor(x / PI_HI + 0.5);
    double r = (x - k * PI_HI) - k * PI_LO;
    double term = r, sum = 0.0;
    for (int n = 1; n < 40 && fabs(term) > 1e-18; n += 2) {
        sum += term;
        term *= -r * r / ((n + 1.0) * (n + 2.0));
    }
    return ((int64_t)k & 1) ? -sum : sum;
}

double cos(double x)
{
    x = fmod(fabs(x), 2 * PI);
    double sign = 1;
    if (x > PI) {
        x = 2 * PI - x;
    }
    if (x > PI / 2) {
        x = PI - x;
        sign = -1;
    }
    double x2 = x * x, term = 1, sum = 1;
    for (int i = 1; i < 14; i++) {
        term *= -x2 / ((2 * i - 1) * (2 * i));
        sum += term;
    }
    return sign * sum;
}

/* atan for |t| <= 1 by halving the angle twice, then its series. */
static double atan1(double t)
{
    double a = t / (1 + sqrt(1 + t * t));
    a = a / (1 + sqrt(1 + a * a));
    double a2 = a * a, term = a, sum = 0;
    for (int i = 1; i < 40; i += 2) {
        sum += term / i;
        term *= -a2;
    }
    return 4 * sum;
}

double acos(double x)
{
    if (x < -1 || x > 1)
        return __builtin_nan("");
    if (x == -1)
        return PI;
    /* acos(x) = 2 atan(sqrt((1 - x) / (1 + x))); the argument may exceed 1 */
    double t = sqrt((1 - x) / (1 + x));
    return 2 * (t <= 1 ? atan1(t) : PI / 2 - atan1(1 / t));
}
