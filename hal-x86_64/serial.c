/*
 * hal-x86_64/serial.c - the 16550 UART on COM1 (I/O port 0x3f8): the console.
 *
 * Output polls the transmitter (115200 8N1, FIFOs on). Input arrives by interrupt:
 * ISA IRQ 4 routed through the I/O APIC to X86_VEC_SERIAL; the handler drains the
 * receive FIFO, gives the bytes to core_console_input() and raises HAL_IRQ_CONSOLE.
 * When no UART answers (a PC without COM1) the console is the framebuffer alone.
 *
 * Layer: hal-x86_64 (above apic.c; adds itself to print.c as an output).
 */
#include "serial.h"

#include "hal.h"
#include "cpu.h"
#include "print.h"
#include "apic.h"

#define COM1 0x3f8
#define RBR 0 /* receive buffer (read) / transmit holding (write) */
#define IER 1
#define FCR 2
#define LCR 3
#define MCR 4
#define LSR 5
#define SCR 7

static bool g_present;

void x86_serial_init(void)
{
    outb(COM1 + SCR, 0x5a); /* scratch register: is there a UART at all? */
    if (inb(COM1 + SCR) != 0x5a)
        return;
    outb(COM1 + IER, 0);
    outb(COM1 + LCR, 0x80); /* divisor latch */
    outb(COM1 + 0, 1);      /* 115200 baud */
    outb(COM1 + 1, 0);
    outb(COM1 + LCR, 0x03); /* 8N1 */
    outb(COM1 + FCR, 0x07); /* FIFOs on and cleared */
    outb(COM1 + MCR, 0x0b); /* DTR, RTS, OUT2 (the IRQ gate) */
    g_present = true;
    x86_console_add(x86_serial_write);
}

static void put(char c)
{
    for (int spin = 0; spin < 100000 && !(inb(COM1 + LSR) & 0x20); spin++)
        __asm__ volatile("pause");
    outb(COM1, (uint8_t)c);
}

void x86_serial_write(const char *buf, size_t len)
{
    if (!g_present)
        return;
    for (size_t i = 0; i < len; i++) {
        if (buf[i] == '\n')
            put('\r');
        put(buf[i]);
    }
}

void x86_serial_enable_irq(void)
{
    if (!g_present)
        return;
    x86_ioapic_route(4, X86_VEC_SERIAL);
    outb(COM1 + IER, 0x01); /* received data available */
}

void x86_serial_irq(bool from_user)
{
    char buf[64];
    bool any = false;
    for (;;) { /* drain it all: the line is edge-triggered at the I/O APIC */
        size_t n = 0;
        while (n < sizeof(buf) && (inb(COM1 + LSR) & 1)) {
            char c = (char)inb(COM1 + RBR);
            buf[n++] = c == '\r' ? '\n' : c; /* terminals send CR for Enter */
        }
        if (!n)
            break;
        core_console_input(buf, n);
        any = true;
    }
    if (any)
        core_irq(HAL_IRQ_CONSOLE, from_user);
}
