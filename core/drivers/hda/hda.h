/*
 * core/drivers/hda/hda.h - Intel High Definition Audio output, arch-neutral.
 *
 * A HAL that finds an HDA controller (PCI class 04.03) maps its registers, gives it an
 * interrupt line (MSI on x86_64) and a way to get DMA memory, and calls hda_probe. The
 * driver resets the controller, brings up the CORB/RIRB command rings, walks the first
 * codec's audio function group from an output pin back to a DAC (through mixers and
 * selectors), powers and unmutes that path, and programs the first output stream
 * descriptor with a cyclic buffer (8 fragments of 10 ms) described by a buffer descriptor
 * list, and starts it: it plays silence until sound is written. It returns a core/hal.h
 * audio device: S16 stereo at 48 kHz.
 *
 * Writes are copied into the cyclic buffer ahead of the DMA position (LPIB); a write
 * that does not fit waits in a short FIFO and is copied when the position moves on.
 * Each buffer fragment raises an interrupt when played (IOC), and every poll() zeroes
 * what the DMA has played, so an idle buffer plays silence, never stale sound.
 *
 * Rules: probe runs once at boot, before core_main (it waits for the hardware with
 * bounded loops); submit and poll run with the core lock held.
 *
 * Layer: core drivers (arch-neutral; core/hal.h and the core library only).
 */
#ifndef CORE_DRIVERS_HDA_HDA_H
#define CORE_DRIVERS_HDA_HDA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hal.h"

struct hda_bus {
    volatile uint8_t *regs;             /* BAR 0, mapped uncached */
    unsigned irq_line;                  /* 0: no interrupt (the device then runs polled) */
    paddr_t (*dma_alloc)(size_t pages); /* zeroed, contiguous, device-reachable, or 0 */
    char name[24];                      /* for messages: "pci 00:1b.0" */
};

/* 0 with the device in *ops and *dev, or SOS_ERR_* (the HAL says why on the console). */
int hda_probe(const struct hda_bus *bus, const struct hal_dev_ops **ops, void **dev);

#endif
