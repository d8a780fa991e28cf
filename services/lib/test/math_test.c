/*
 * services/lib/test/math_test.c - the runtime's math.h (the functions stb_truetype,
 * stb_image and stb_image_write call) against glibc's libm: exact for floor, ceil,
 * fabs, sqrt, frexp, ldexp, fmod on fixed edge cases and random values; within 1e-12
 * relative (or 1e-13 absolute) for exp, log, pow, sin, cos and acos over the ranges the
 * graphics code and speexdsp's resampler use.
 *
 * Layer: services/lib host tests.
 */
#include "host.h"


double sl_fabs(double), sl_floor(double), sl_ceil(double), sl_sqrt(double);
double sl_fmod(double, double), sl_frexp(double, int *), sl_ldexp(double, int);
double sl_pow(double, double), sl_exp(double), sl_log(double), sl_cos(double), sl_acos(double);
double sl_sin(double);

static double rnd(uint64_t *seed, double lo, double hi)
{
    return lo + (hi - lo) * (double)(test_rand(seed) % 1000000007u) / 1000000007.0;
}

static void close_to(double got, double want, const char *what, double x)
{
    double tol = fabs(want) * 1e-12 + 1e-13;
    if (!(fabs(got - want) <= tol))
        fail_msg("%s(%.17g) = %.17g, libm says %.17g", what, x, got, want);
}

static void test_exact(void **state)
{
    (void)state;
    static const double v[] = {0.0, -0.0, 0.5, -0.5, 1.0, -1.0, 1.5, -1.5, 2.5, 1e-300, -1e-300,
                               4503599627370495.5, 4.5e15, -4.5e15, 1e300, -1e300, 123456.789};
    for (size_t i = 0; i < ARRAY_LEN(v); i++) {
        assert_true(sl_floor(v[i]) == floor(v[i]));
        assert_true(sl_ceil(v[i]) == ceil(v[i]));
        assert_true(sl_fabs(v[i]) == fabs(v[i]));
        int e1, e2;
        double m1 = sl_frexp(v[i], &e1), m2 = frexp(v[i], &e2);
        assert_true(m1 == m2 && e1 == e2);
        assert_true(sl_ldexp(m2, e2) == v[i]);
    }
    uint64_t seed = 7;
    for (int k = 0; k < 20000; k++) {
        double x = rnd(&seed, -1e6, 1e6), y = rnd(&seed, 0.001, 100);
        assert_true(sl_floor(x) == floor(x));
        assert_true(sl_ceil(x) == ceil(x));
        assert_true(sl_sqrt(fabs(x)) == sqrt(fabs(x)));
        close_to(sl_fmod(x, y), fmod(x, y), "fmod", x);
    }
    int e;
    assert_true(sl_frexp(4.9e-324, &e) == frexp(4.9e-324, &e)); /* subnormal */
}

static void test_transcendental(void **state)
{
    (void)state;
    uint64_t seed = 11;
    for (int k = 0; k < 20000; k++) {
        double x = rnd(&seed, -30, 30), p = rnd(&seed, 0.0001, 1000), t = rnd(&seed, -1, 1);
        double g = rnd(&seed, 0.1, 3);
        close_to(sl_exp(x), exp(x), "exp", x);
        close_to(sl_log(p), log(p), "log", p);
        close_to(sl_pow(p / 1000, g), pow(p / 1000, g), "pow", p / 1000); /* gamma-like */
        close_to(sl_cos(x), cos(x), "cos", x);
        close_to(sl_sin(x), sin(x), "sin", x);
        close_to(sl_sin(x * 15), sin(x * 15), "sin", x * 15); /* speexdsp's sinc: to ~450 */
        close_to(sl_acos(t), acos(t), "acos", t);
    }
    assert_true(sl_pow(2, 10) == 1024);
    close_to(sl_pow(-2, 3), -8, "pow", -2);
    assert_true(isnan(sl_pow(-2, 0.5)));
    assert_true(isnan(sl_acos(1.5)));
    assert_true(sl_acos(-1) == acos(-1));
    assert_true(sl_log(0) == -HUGE_VAL);
    assert_true(sl_sin(0) == 0 && sl_sin(-0.0) == 0);
    close_to(sl_sin(M_PI / 2), 1, "sin", M_PI / 2);
    assert_true(fabs(sl_sin(M_PI)) < 1e-15);
    assert_true(sl_sin(__builtin_nan("")) == 0 && sl_sin(HUGE_VAL) == 0); /* not NaN */
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_exact),
                                       cmocka_unit_test(test_transcendental)};
    return cmocka_run_group_tests_name("libc-math", tests, NULL, NULL);
}
