/*
 * hal-x86_64/print.c - the kernel console: hal_console_write, x86_printf, x86_fatal.
 *
 * Every line goes to each console output in the order they were added (the serial port,
 * then the screen console) under one spinlock (taken only once the other CPUs run),
 * with interrupts off, so lines from two CPUs never interleave. (x86_fatal, which prints
 * and stops, is in halt.c.)
 *
 * The outputs add themselves (x86_console_add) when they come up, rather than this file
 * calling serial.c and fbcon.c: they map device memory, route interrupts and allocate
 * pages, and all of that reports failures here, so a direct call would close a circle
 * through half the HAL. Every file that prints depends on this small one, and it on
 * nothing above cpu.c.
 *
 * Layer: hal-x86_64 (just above cpu.c; everything that prints depends on it).
 */
#include "print.h"

#include "hal.h"
#include "cpu.h"

#include "fmt.h"

static struct spinlock_like {
    volatile uint32_t v;
} g_con_lock;

static void con_lock(void)
{
    if (hal_cpu_count() > 1)
        while (__atomic_exchange_n(&g_con_lock.v, 1, __ATOMIC_ACQUIRE))
            __asm__ volatile("pause");
}

static void con_unlock(void)
{
    if (hal_cpu_count() > 1)
        __atomic_store_n(&g_con_lock.v, 0, __ATOMIC_RELEASE);
}

#define MAX_OUTPUTS 2

static x86_console_fn g_outputs[MAX_OUTPUTS];
static unsigned g_noutputs;

void x86_console_add(x86_console_fn write)
{
    if (g_noutputs < MAX_OUTPUTS)
        g_outputs[g_noutputs++] = write;
}

void hal_console_write(const char *buf, size_t len)
{
    unsigned long s = hal_irq_save();
    con_lock();
    for (unsigned i = 0; i < g_noutputs; i++)
        g_outputs[i](buf, len);
    con_unlock();
    hal_irq_restore(s);
}

void x86_printf(const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    int n = k_vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    hal_console_write(buf, (size_t)MIN_INT(n, (int)sizeof(buf) - 1));
}
