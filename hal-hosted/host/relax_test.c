/*
 * hal-hosted/host/relax_test.c - spinning vCPUs must let the lock holder run
 * (relax.c). The core's lock is a ticket lock: only the thread holding the next ticket
 * can go on. With more vCPU threads than host cores (4 vCPUs on a loaded 2-core host)
 * a waiter that only executes `pause` burns its whole host time slice while the next
 * ticket's thread waits to be scheduled, so every handoff costs host time slices and
 * boot crawled for tens of seconds with all vCPUs spinning in klock_acquire. Here four
 * threads pinned to ONE host CPU pass a ticket lock round, with the same wait loop as
 * core/lock.c: with waiters that give up the CPU this takes a tenth of a second; with pure
 * spinning each handoff waits for the host scheduler's time slices (minutes).
 *
 * Layer: tests (host).
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <cmocka.h>

#include "host.h"

#define THREADS 4
#define ROUNDS 4000
#define HOLD_LOOPS 100
#define LIMIT_NS 5000000000ll /* under load: 0.07-0.18 s; ~500 handoffs in 5 s without yields */

static uint32_t g_next, g_owner;
static unsigned long g_count;
static cpu_set_t g_one_cpu;
static pthread_barrier_t g_start;

static uint32_t ticket_take(void) { return __atomic_fetch_add(&g_next, 1, __ATOMIC_RELAXED); }

static void ticket_wait(uint32_t me)
{
    while (__atomic_load_n(&g_owner, __ATOMIC_ACQUIRE) != me)
        host_cpu_relax();
}

static void ticket_unlock(void) { __atomic_store_n(&g_owner, g_owner + 1, __ATOMIC_RELEASE); }

static int64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static void *worker(void *arg)
{
    int64_t give_up = *(int64_t *)arg;
    pthread_setaffinity_np(pthread_self(), sizeof(g_one_cpu), &g_one_cpu);
    /* every thread holds a ticket before any runs: from the first handoff on, the
     * queue always holds all of them, so each handoff needs another thread to run */
    uint32_t me = ticket_take();
    pthread_barrier_wait(&g_start);
    for (int i = 0; i < ROUNDS; i++) {
        ticket_wait(me);
        for (volatile int w = 0; w < HOLD_LOOPS; w++) /* a core call's worth of work */
            ;
        g_count++;
        bool last = i + 1 == ROUNDS || now_ns() >= give_up;
        if (!last)
            me = ticket_take();
        ticket_unlock();
        if (last)
            break;
    }
    return NULL;
}

static void test_ticket_lock_on_one_cpu_makes_progress(void **state)
{
    (void)state;
    int cpu = sched_getcpu();
    CPU_ZERO(&g_one_cpu);
    CPU_SET(cpu < 0 ? 0 : cpu, &g_one_cpu);
    int64_t t0 = now_ns(), give_up = t0 + LIMIT_NS;
    pthread_t th[THREADS];
    assert_int_equal(pthread_barrier_init(&g_start, NULL, THREADS), 0);
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(pthread_create(&th[i], NULL, worker, &give_up), 0);
    for (int i = 0; i < THREADS; i++)
        pthread_join(th[i], NULL);
    pthread_barrier_destroy(&g_start);
    int64_t took = now_ns() - t0;
    print_message("# %lu handoffs in %.3f s\n", g_count, (double)took / 1e9);
    if (g_count != (unsigned long)THREADS * ROUNDS)
        fail_msg("only %lu of %d lock handoffs in %lld s: spinning waiters starve the "
                 "next ticket's thread", g_count, THREADS * ROUNDS, LIMIT_NS / 1000000000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ticket_lock_on_one_cpu_makes_progress),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
