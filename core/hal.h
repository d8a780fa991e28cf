/*
 * core/hal.h - the contract between the core and a platform (HAL).
 *
 * Every platform (hal-hosted, hal-x86_64, hal-aarch64, and the test HAL in tests/hal)
 * implements every function here. The core sees the machine only through this file.
 * Groups: boot info, CPU, contexts, address spaces, time, interrupts, console, devices,
 * power. Unless a comment says otherwise a function is called by the core with the
 * current CPU's interrupts disabled, and does not block.
 *
 * Calls the other way (HAL -> core) are at the end: core_main, core_syscall, core_irq,
 * core_fault, core_console_input.
 *
 * Layer: the boundary. Freestanding headers only.
 */
#ifndef CORE_HAL_H
#define CORE_HAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sos/fault.h>

typedef uint64_t paddr_t; /* a physical address (in the sim: an arena offset + base) */

#define HAL_PAGE_SIZE 4096u
#define HAL_MAX_MEM_RANGES 64
#define HAL_MAX_CPUS 16
#define HAL_CMDLINE_MAX 256

/* ---------------------------------------------------------------- boot info */

struct hal_mem_range {
    paddr_t base; /* page aligned */
    uint64_t size; /* multiple of the page size */
};

struct hal_framebuffer {
    paddr_t base;     /* 0 when there is no framebuffer */
    uint32_t width, height;
    uint32_t stride;  /* bytes per line */
    uint32_t format;  /* HAL_FB_XRGB8888 only for now */
};
#define HAL_FB_XRGB8888 1u

/*
 * Filled by the HAL before core_main(). Memory ranges are usable RAM the core may hand
 * out; the HAL has already excluded its own image, page tables it still needs, the
 * boot store and the init image. The boot store and init image are physical ranges the
 * core reads through hal_phys_to_virt() and may turn into read-only VMOs.
 */
struct boot_info {
    struct hal_mem_range mem[HAL_MAX_MEM_RANGES];
    uint32_t mem_count;
    uint32_t cpu_count;        /* CPUs the HAL can start (>= 1) */
    paddr_t bootstore_base;    /* the bootstore bundle, or 0; core checks it whole */
    uint64_t bootstore_size;
    const char *bootstore_name; /* where it came from, for messages ("initrd", a path) */
    paddr_t init_base;         /* an ELF image to run as the first process, or 0: core
                                  then starts the boot store's bin/rootmgr */
    uint64_t init_size;
    char init_args[HAL_CMDLINE_MAX]; /* NUL-separated argv for the init image */
    uint32_t init_args_len;
    char cmdline[HAL_CMDLINE_MAX];   /* NUL-terminated kernel command line */
    struct hal_framebuffer fb;
    paddr_t acpi_rsdp;         /* 0 when not known */
    paddr_t dtb;               /* 0 when not known */
    const char *platform;      /* "hosted", "qemu-q35", "qemu-virt", "raspi5", "test" */
};

/* ---------------------------------------------------------------- CPU */

/* Index of the calling CPU, 0 .. hal_cpu_count()-1. Any context. */
unsigned hal_cpu_id(void);

/* Number of CPUs running the core. Any context. */
unsigned hal_cpu_count(void);

/*
 * Disable interrupts on this CPU and return the previous state for
 * hal_irq_restore(). Any context. Interrupts that arrive while disabled stay pending.
 */
unsigned long hal_irq_save(void);

/* Restore the state hal_irq_save() returned; pending interrupts may be taken now. */
void hal_irq_restore(unsigned long state);

/*
 * Wait for an interrupt with interrupts enabled, then return with them disabled again.
 * Called only by a CPU's idle loop, without the core lock. May return spuriously.
 */
void hal_cpu_idle(void);

/* Ask CPU `cpu` to leave hal_cpu_idle() or to enter the core soon (an IPI). Any context. */
void hal_cpu_kick(unsigned cpu);

/*
 * Start the other CPUs; each calls core_secondary_main(id) on its own stack.
 * Called once by core_main() when it is ready for them.
 */
void hal_cpu_start_secondaries(void);

/* ---------------------------------------------------------------- atomics for locks */

/* Spin-wait hint (pause / yield). Any context. */
void hal_cpu_relax(void);

/* ---------------------------------------------------------------- contexts */

/*
 * A kernel execution context: the callee-saved state lives on the context's own stack,
 * so the context itself is just the saved stack pointer. Same on every platform.
 */
struct hal_context {
    uintptr_t sp;
};

/*
 * Prepare `ctx` so that the first hal_context_switch() to it calls fn(arg) on the
 * stack [stack, stack+size). fn must never return.
 */
void hal_context_init(struct hal_context *ctx, void *stack, size_t size,
                      void (*fn)(void *), void *arg);

/*
 * Save the current context in `from` and resume `to`. Returns when something switches
 * back to `from`. Called with interrupts disabled; they stay disabled.
 */
void hal_context_switch(struct hal_context *from, struct hal_context *to);

/*
 * Tell the HAL which kernel stack top to use when the current CPU next enters the
 * kernel from user mode (TSS.rsp0 / SP_EL1 / the sim's trampoline stack). Called on
 * every switch to a thread.
 */
void hal_cpu_set_kernel_stack(uintptr_t top);

/*
 * Leave the kernel: run user code at `entry` with stack pointer `sp` and first argument
 * `arg`, in the address space last activated. Never returns; the thread comes back to
 * the core only through core_syscall(), core_irq() or core_fault().
 */
__attribute__((noreturn)) void hal_user_enter(uintptr_t entry, uintptr_t sp, uintptr_t arg);

/* ---------------------------------------------------------------- address spaces */

/* The ELF e_machine of user images on this platform (EM_X86_64 62, EM_AARCH64 183). */
unsigned hal_elf_machine(void);

struct hal_as; /* opaque, owned by the HAL */

#define HAL_PROT_READ 1u
#define HAL_PROT_WRITE 2u
#define HAL_PROT_EXEC 4u

/*
 * Create an empty user address space. On success *out is set and 0 returned; on
 * failure a negative SOS_ERR_*. Page-table pages come from core_frame_alloc().
 */
int hal_as_create(struct hal_as **out);

/* Destroy an address space that is not active on any CPU; unmaps everything. */
void hal_as_destroy(struct hal_as *as);

/* The user virtual range [*base, *base + *size) the core may place mappings in. */
void hal_as_range(struct hal_as *as, uintptr_t *base, uintptr_t *size);

/*
 * Map `npages` pages at user address `va` to physical `pa` (contiguous) with HAL_PROT_*
 * `prot`. The range is unmapped before the call (the core tracks mappings). Returns 0,
 * or SOS_ERR_NO_MEMORY when page tables cannot be allocated (nothing is mapped then).
 */
int hal_as_map(struct hal_as *as, uintptr_t va, paddr_t pa, size_t npages, unsigned prot);

/* Unmap `npages` pages at `va` (pages not mapped are ignored) and flush the TLBs. */
void hal_as_unmap(struct hal_as *as, uintptr_t va, size_t npages);

/* Change the protection of mapped pages at `va`. */
void hal_as_protect(struct hal_as *as, uintptr_t va, size_t npages, unsigned prot);

/* Make `as` current on this CPU (NULL: kernel only). */
void hal_as_activate(struct hal_as *as);

/*
 * The user address of the syscall entry stub in `as` (what the startup block tells
 * libsys to call). The HAL maps its stub when it creates the space.
 */
uintptr_t hal_as_syscall_entry(struct hal_as *as);

/*
 * Copy between kernel memory and user memory of the current address space. The core
 * has already checked that the range lies in mappings with the needed rights; the HAL
 * still must not fault the kernel: it returns 0 or SOS_ERR_BAD_ADDRESS.
 */
int hal_copy_from_user(void *dst, uintptr_t usrc, size_t len);
int hal_copy_to_user(uintptr_t udst, const void *src, size_t len);

/* The kernel's view of physical memory. Any context. */
void *hal_phys_to_virt(paddr_t pa);
paddr_t hal_virt_to_phys(const void *va);

/* ---------------------------------------------------------------- time */

/* Monotonic nanoseconds since boot. Any context. */
int64_t hal_time_now(void);

/*
 * The time of day: seconds since 1970-01-01 UTC, or 0 when this machine has no clock the
 * HAL reads (then nothing may rely on it: the package service leaves expiry unchecked).
 * Not monotonic (the host's clock may be set). Any context.
 */
int64_t hal_wall_clock_s(void);

/*
 * Arm this CPU's one-shot timer for the absolute time `deadline` (replacing any earlier
 * one); when it passes, the HAL calls core_irq(HAL_IRQ_TIMER, ...) on this CPU.
 * INT64_MAX disarms.
 */
void hal_timer_set(int64_t deadline);

/* ---------------------------------------------------------------- entropy */

/*
 * Fill buf[0..len) from the platform's hardware entropy source: a CPU generator (x86_64
 * RDSEED, else RDRAND; aarch64 RNDR) or, in the simulator, the host's getrandom.
 * Returns 0, or SOS_ERR_NOT_SUPPORTED when there is none (or it keeps failing); the
 * core then falls back to timer jitter, and in every case conditions the bytes with
 * SHA-256 before user code sees them (core/entropy.c). Any context; bounded time (it
 * never waits for an interrupt).
 */
int hal_entropy_fill(void *buf, size_t len);

/* ---------------------------------------------------------------- interrupts */

#define HAL_IRQ_TIMER 0u   /* the per-CPU deadline timer */
#define HAL_IRQ_IPI 1u     /* hal_cpu_kick() */
#define HAL_IRQ_CONSOLE 2u /* console input arrived (the HAL has called core_console_input) */
#define HAL_IRQ_FIRST_DEVICE 16u
#define HAL_IRQ_MAX 256u

/* Unmask an interrupt line so it reaches core_irq(); 0 or SOS_ERR_INVALID_ARGS. */
int hal_irq_enable(unsigned line);

/* Mask it again. */
void hal_irq_disable(unsigned line);

/* The core has handled the line and its device is quiet: a HAL that masked the line
 * when it was delivered (a level-triggered line would fire again at once) unmasks it
 * here; one that delivers edges or MSIs has nothing to do. */
void hal_irq_ack(unsigned line);

/* ---------------------------------------------------------------- console */

/* Write bytes to the console (serial, terminal, the window's text view). Any context. */
void hal_console_write(const char *buf, size_t len);

/* ---------------------------------------------------------------- devices */

enum hal_dev_class {
    HAL_DEV_BLOCK = 1,
    HAL_DEV_NET = 2,
    HAL_DEV_DISPLAY = 3,
    HAL_DEV_INPUT = 4,
    HAL_DEV_AUDIO = 5,
};

/* net: what the device knows of itself (the core counts frames and bytes it moved). */
struct hal_net_info {
    uint8_t mac[6];
    uint8_t link_up;
    uint64_t rx_dropped, rx_errors, tx_dropped, tx_errors;
};

struct hal_dev_info {
    uint32_t dev_class;  /* enum hal_dev_class */
    uint32_t irq;        /* line raised on completion, or 0 when polled */
    char name[32];
    uint64_t block_size; /* block: bytes per block; audio: bytes per frame */
    uint64_t block_count;/* block: device size in blocks; audio: frames it queues */
    uint32_t width, height; /* display: the current mode */
    uint32_t pitch;         /* display: bytes per line of the framebuffer */
    uint32_t max_width, max_height; /* display: the largest mode */
    paddr_t fb_base;        /* display: the framebuffer, physically contiguous */
    uint64_t fb_size;       /* display: its bytes (a multiple of the page size) */
    uint32_t audio_rate;  /* audio: frames per second */
    uint16_t audio_channels, audio_format; /* audio: samples per frame, SOS_AUDIO_FMT_* */
    struct hal_net_info net; /* net: asked again whenever the core reports it */
};

/*
 * A request to a device: block read/write/flush, a net frame, an input event read, an
 * audio buffer. Buffers are physical so DMA and the sim's arena both work.
 */
struct hal_dev_req {
    uint32_t op;       /* HAL_DEVOP_* */
    int32_t status;    /* filled at completion: 0 or SOS_ERR_* */
    uint64_t offset;   /* block: first block; display: first line; input: flags */
    paddr_t buf;       /* physically contiguous buffer */
    uint64_t len;      /* bytes; block: a multiple of block_size */
    uint64_t actual;   /* bytes done, at completion */
    uint64_t cookie;   /* the core's, untouched by the HAL */
};

#define HAL_DEVOP_READ 1u
#define HAL_DEVOP_WRITE 2u
#define HAL_DEVOP_FLUSH 3u /* block: make earlier completed writes durable */
#define HAL_DEVOP_PRESENT 4u /* display: buf holds len / 16 struct sos_display_rect, already
                              * checked against the mode; complete when they are shown */
#define HAL_DEVOP_MODE 5u    /* display: offset = width << 32 | height, checked against the
                              * maximum; info() reports the new mode once it completes */

/*
 * An input device whose block_size is sizeof(struct sos_input_event) delivers those
 * records: it completes a READ at once with the whole events queued (actual may be 0;
 * offset holds SOS_INPUT_READ_* flags) and raises its line when events arrive, so the
 * core can wait for them without leaving a request with the device.
 *
 * An audio device (HAL_DEV_AUDIO) takes WRITEs of whole frames in the format its info
 * names and completes each once all of it is in its queue (block_count frames deep),
 * raising its line then; it plays silence when the queue runs dry.
 */

/*
 * A net device (block_size: the largest frame, SOS_NET_FRAME_MAX) moves whole Ethernet
 * frames, one per request: a READ completes at once with the oldest received frame
 * (actual = its length, 0 when none is queued; len holds any frame) and the device
 * raises its line when frames arrive; a WRITE of one frame completes once the device
 * has taken it (the buffer is free again) and the submit says SOS_ERR_SHOULD_WAIT while
 * the transmit queue is full; the line also fires when room frees.
 */

struct hal_dev_ops {
    /* Queue a request; 0 or SOS_ERR_*. Completion is reported through poll(). */
    int (*submit)(void *dev, struct hal_dev_req *req);
    /* Return a completed request, or NULL. Called from core_irq for the device's line. */
    struct hal_dev_req *(*poll)(void *dev);
    void (*info)(void *dev, struct hal_dev_info *out);
};

/* The i-th device the HAL found, or false past the end. */
bool hal_dev_get(unsigned index, const struct hal_dev_ops **ops, void **dev);

/* ---------------------------------------------------------------- power */

/* Turn the machine off (or reset it) with `status` as the exit status. Never returns. */
__attribute__((noreturn)) void hal_power_off(int status);
__attribute__((noreturn)) void hal_reboot(void);

/*
 * The core panicked: the message is already on the console. Print what the platform
 * can (registers, backtrace) and stop all CPUs. Never returns.
 */
__attribute__((noreturn)) void hal_panic_halt(void);

/* ================================================================ HAL -> core */

/* Boot CPU entry, after the HAL filled `bi` (the core copies it). Never returns. */
__attribute__((noreturn)) void core_main(const struct boot_info *bi);

/* Entry of every other CPU (from hal_cpu_start_secondaries). Never returns. */
__attribute__((noreturn)) void core_secondary_main(unsigned cpu);

/*
 * A system call from user code, on the thread's kernel stack, interrupts disabled.
 * Returns the value for the user (it may switch threads and return much later, or not
 * at all if the thread dies).
 */
int64_t core_syscall(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
                     uint64_t a4);

/*
 * An interrupt arrived on `line` with interrupts disabled. `from_user` says that user
 * code was interrupted: then the core may switch threads before returning (preemption),
 * and the HAL resumes whatever thread the core returns to.
 */
void core_irq(unsigned line, bool from_user);

/* What a HAL reports about a user fault. */
struct hal_fault {
    uint32_t fault_class; /* enum sos_fault_class */
    uintptr_t address;
    uintptr_t pc;
    /* the user registers in sos/fault.h's order when has_regs (0 leaves them unknown) */
    bool has_regs;
    uint64_t regs[SOS_FAULT_NREGS];
};

/* User code faulted. The faulting thread's process dies; never returns. */
__attribute__((noreturn)) void core_fault(const struct hal_fault *f);

/*
 * Console input bytes arrived. Called on a CPU with interrupts disabled and without
 * the core lock (from the HAL's console interrupt handling). Returns how many bytes
 * the core took: the rest did not fit (its ring holds 4 KiB until the console service
 * reads), and a HAL that can hold them back offers them again later.
 */
size_t core_console_input(const char *buf, size_t len);

/*
 * Physical pages for the HAL (page tables, DMA buffers): one zeroed page, or 0 when
 * memory is exhausted. Called with the core lock held or during boot.
 */
paddr_t core_frame_alloc(void);
void core_frame_free(paddr_t pa);

/* Formatted panic: prints, then hal_panic_halt(). */
__attribute__((noreturn, format(printf, 1, 2))) void panic(const char *fmt, ...);

#endif
