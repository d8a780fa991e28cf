/*
 * hal-x86_64/print.c - the kernel console: hal_console_write, x86_printf, x86_fatal.
 *
 * Every line goes to the serial port and the screen console under one spinlock (taken
 * only once the other CPUs run), with interrupts off, so lines from two CPUs never
 * interleave. (x86_fatal, which prints and stops, is in halt.c.)
 *
 * Its own file so that every HAL file that prints depends on this small one rather
 * than on boot.c, which itself calls into nearly every other file.
 *
 * Layer: hal-x86_64.
 */
#include "x86.h"

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

void hal_console_write(const char *buf, size_t len)
{
    unsigned long s = hal_irq_save();
    con_lock();
    x86_serial_write(buf, len);
    x86_fbcon_write(buf, len);
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
