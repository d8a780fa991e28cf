/*
 * hal-hosted/hosted.h - what hal-hosted's core-world files export to sim/ and to the
 * trampolines.
 *
 * Layer: hal-hosted, core world.
 */
#ifndef HAL_HOSTED_HOSTED_H
#define HAL_HOSTED_HOSTED_H

#include <stdint.h>

#define HOSTED_PANIC_STATUS 70  /* the core panicked */
#define HOSTED_REBOOT_STATUS 254 /* the guest asked to reboot: sim/ restarts itself */

#define HOSTED_DISK_LINE 16u /* the disk's completion line (HAL_IRQ_FIRST_DEVICE) */

/* The disk host_disk_open opened becomes device 0, a block device of `bytes`. */
void hosted_disk_register(uint64_t bytes);

#define HOSTED_INPUT_LINE 17u /* the input device's line: events arrived */

/*
 * The window's keyboard and mouse become an input device (after the disk, if any);
 * pointer positions are in a display of width x height pixels. Before vCPUs start.
 */
void hosted_input_register(uint32_t width, uint32_t height);
/* The index-th input device (hal_dev_get's helper). */
struct hal_dev_ops;
bool hosted_input_get(unsigned index, const struct hal_dev_ops **ops, void **dev);

#define HOSTED_DISPLAY_LINE 21u /* the display's line: a request was shown */

/* The window as a display device whose framebuffer is the arena range at fb_base
 * (host/display.c holds the mode); listed after the input device. Before vCPUs start. */
void hosted_display_register(uint64_t fb_base, uint64_t fb_size);
bool hosted_display_get(unsigned index, const struct hal_dev_ops **ops, void **dev);

#define HOSTED_NET_LINE 18u /* the network card's line: frames arrived, room freed */

/* The backend host_net_open chose becomes a net device (after the input device and
 * the display). */
void hosted_net_register(void);
bool hosted_net_get(unsigned index, const struct hal_dev_ops **ops, void **dev);

/* For tests: the first syscall writes through a wild pointer in core context. */
void hosted_test_core_fault(void);

/* Called from host/trap_x86_64.S. */
int64_t hosted_syscall(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
                       uint64_t a4);
void hosted_irq_entry(void);
void hosted_user_fault(unsigned sig, int code, uintptr_t addr, uintptr_t pc, unsigned long err);
uint32_t hosted_fault_class(unsigned sig, int code, unsigned long err);

#endif
