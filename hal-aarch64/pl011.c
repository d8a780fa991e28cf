/*
 * hal-aarch64/pl011.c - the console: an ARM PL011 UART (QEMU virt's, the Pi 5's debug
 * UART). Output is polled (hal_console_write may be called from any context);
 * input is interrupt-driven: the RX and RX-timeout interrupts drain the FIFO into
 * core_console_input(), then the HAL raises HAL_IRQ_CONSOLE.
 *
 * Neither the baud rate nor the line format is touched: the firmware (Pi: enable_uart/
 * uart_2ndstage) or QEMU has set the line up. Output turns "\n" into "\r\n" for terminals in raw mode.
 *
 * Layer: hal-aarch64.
 */
#include "arch.h"

#include "hal.h"

#define UART_DR 0x00
#define UART_FR 0x18
#define UART_LCRH 0x2c
#define UART_CR 0x30
#define UART_IFLS 0x34
#define UART_IMSC 0x38
#define UART_ICR 0x44

#define FR_RXFE (1u << 4)
#define FR_TXFF (1u << 5)
#define INT_RX (1u << 4)
#define INT_RT (1u << 6)

static uintptr_t g_uart;

bool pl011_present(void) { return g_uart != 0; }

void pl011_init(uint64_t base_pa, uint32_t intid)
{
    g_uart = mmio_va(base_pa);
    /* The line format (LCRH) stays as the firmware or the model left it: switching the
       FIFO on or off empties it, and input may already be arriving (piped input starts
       at power-on; QEMU's model drops or garbles bytes received around the switch). */
    uint32_t cr = mmio_read32(g_uart + UART_CR);
    mmio_write32(g_uart + UART_CR, cr | 0x301); /* UARTEN, TXE, RXE */
    mmio_write32(g_uart + UART_IFLS, 0);        /* RX interrupt at 1/8 full */
    /* error interrupts are cleared; a pending RX stays pending, so bytes that arrived
       before the core was up are delivered once interrupts are on */
    mmio_write32(g_uart + UART_ICR, 0x7ff & ~(INT_RX | INT_RT));
    if (intid) {
        mmio_write32(g_uart + UART_IMSC, INT_RX | INT_RT);
        gic_enable(intid, true);
    }
}

void pl011_putc(char c)
{
    if (!g_uart)
        return;
    for (unsigned spins = 0; mmio_read32(g_uart + UART_FR) & FR_TXFF; spins++)
        if (spins > 10000000u)
            return; /* a wedged UART must not hang a panic */
    mmio_write32(g_uart + UART_DR, (uint8_t)c);
}

void hal_console_write(const char *buf, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (buf[i] == '\n')
            pl011_putc('\r');
        pl011_putc(buf[i]);
    }
    ramfb_write(buf, len); /* the screen console on QEMU virt, while there is one */
}

/*
 * Drain the receive FIFO and hand the bytes to the core. Interrupts are cleared before
 * draining, so a byte that lands after the drain raises a fresh one. Bytes the core
 * cannot take yet (its ring is full) wait here and are offered again on the next
 * interrupt or idle, never dropped while there is room here. QEMU's model raises RX only
 * when the FIFO reaches its trigger level and has no receive timeout, so the idle loop
 * also looks at the FIFO (pl011_rx_waiting) before it sleeps.
 */
static char g_held[256];
static size_t g_held_len;

bool pl011_rx_waiting(void)
{
    return g_uart && (g_held_len || !(mmio_read32(g_uart + UART_FR) & FR_RXFE));
}

void pl011_irq(bool from_user)
{
    mmio_write32(g_uart + UART_ICR, INT_RX | INT_RT);
    while (g_held_len < sizeof(g_held) && !(mmio_read32(g_uart + UART_FR) & FR_RXFE))
        g_held[g_held_len++] = (char)(mmio_read32(g_uart + UART_DR) & 0xff);
    if (g_held_len) {
        size_t took = core_console_input(g_held, g_held_len);
        for (size_t i = took; i < g_held_len; i++)
            g_held[i - took] = g_held[i];
        g_held_len -= took;
    }
    core_irq(HAL_IRQ_CONSOLE, from_user);
}
