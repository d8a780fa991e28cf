/*
 * tests/bench/bench_stats.h - the one definition of median and p99, shared by the
 * benchmark image (freestanding) and the host harness, so that a figure measured inside
 * ServiceOS and its Linux baseline are summarised by the same code.
 *
 * A sample is the mean cost of one operation over a batch, in picoseconds. The median
 * is the middle sample (the mean of the two middle ones for an even count); p99 is the
 * nearest-rank 99th percentile (the smallest sample at or above 99% of them).
 *
 * Layer: tests/bench (pure C, stdint only).
 */
#ifndef BENCH_STATS_H
#define BENCH_STATS_H

#include <stdint.h>

struct bs_summary {
    int64_t median, p99, min, max; /* picoseconds per operation */
    uint32_t n;
};

/* Shell sort: the sample arrays are small and this needs no library. */
static inline void bs_sort(int64_t *v, uint32_t n)
{
    static const uint32_t gaps[] = {701, 301, 132, 57, 23, 10, 4, 1};
    for (uint32_t g = 0; g < sizeof(gaps) / sizeof(gaps[0]); g++) {
        uint32_t gap = gaps[g];
        for (uint32_t i = gap; i < n; i++) {
            int64_t x = v[i];
            uint32_t j = i;
            for (; j >= gap && v[j - gap] > x; j -= gap)
                v[j] = v[j - gap];
            v[j] = x;
        }
    }
}

/* Sorts v in place and fills s; n may be 0 (everything zero). */
static inline void bs_summarize(int64_t *v, uint32_t n, struct bs_summary *s)
{
    *s = (struct bs_summary){.n = n};
    if (!n)
        return;
    bs_sort(v, n);
    s->min = v[0];
    s->max = v[n - 1];
    s->median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    uint32_t rank = (uint32_t)(((uint64_t)n * 99 + 99) / 100); /* ceil(0.99 n), 1-based */
    s->p99 = v[rank - 1];
}

#endif
