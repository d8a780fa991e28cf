/*
 * sos/object.h - object kinds, signals, info topics and fault classes.
 *
 * Layer: ABI.
 */
#ifndef SOS_OBJECT_H
#define SOS_OBJECT_H

#include <sos/types.h>

enum sos_obj_kind {
    SOS_OBJ_NONE = 0,
    SOS_OBJ_PROCESS = 1,
    SOS_OBJ_THREAD = 2,
    SOS_OBJ_CHANNEL = 3,
    SOS_OBJ_PORT = 4,
    SOS_OBJ_EVENT = 5,
    SOS_OBJ_VMO = 6,
    SOS_OBJ_TIMER = 7,
    SOS_OBJ_INTERRUPT = 8,
    SOS_OBJ_RESOURCE = 9,
    SOS_OBJ_REVOKER = 10,
    SOS_OBJ_DEVICE = 11, /* a device the HAL found (device_open, device_io) */
    SOS_OBJ_KIND_COUNT
};

/* Signals. The low 24 bits belong to the kernel, the top 8 to user code. */
#define SOS_SIG_READABLE (1u << 0)    /* channel has a message, port has a packet */
#define SOS_SIG_WRITABLE (1u << 1)    /* channel peer queue has room */
#define SOS_SIG_PEER_CLOSED (1u << 2) /* channel peer endpoint is gone */
#define SOS_SIG_SIGNALED (1u << 3)    /* event set, timer fired, interrupt pending */
#define SOS_SIG_TERMINATED (1u << 4)  /* process or thread ended */
#define SOS_SIG_FAULT_RECORD (1u << 5) /* root resource: fault records to read */
#define SOS_SIG_USER_ALL 0xff000000u
#define SOS_SIG_USER(n) (1u << (24 + (n)))

/* Fault classes recorded when user code faults. */
enum sos_fault_class {
    SOS_FAULT_NONE = 0,
    SOS_FAULT_NULL_DEREF = 1,   /* access below the first mappable page */
    SOS_FAULT_WILD_ADDRESS = 2, /* access to an unmapped address */
    SOS_FAULT_PERMISSION = 3,   /* write to read-only (or read of no-access) page */
    SOS_FAULT_EXEC = 4,         /* instruction fetch from a non-executable page */
    SOS_FAULT_ILLEGAL = 5,      /* illegal instruction */
    SOS_FAULT_ARITH = 6,        /* divide by zero and friends */
    SOS_FAULT_ALIGN = 7,        /* alignment or bus error */
    SOS_FAULT_BREAK = 8,        /* breakpoint / trap instruction */
    SOS_FAULT_KILLED = 9,       /* not a fault: killed by a handle holder */
    SOS_FAULT_HOST_SYSCALL = 10, /* sim: a raw host `syscall` instruction in user code */
    SOS_FAULT_CLASS_COUNT
};

/* The fault record of a thread or process that died by a fault. */
struct sos_fault_record {
    uint32_t fault_class; /* enum sos_fault_class */
    uint32_t reserved;
    uint64_t address; /* faulting data address (0 where it has none) */
    uint64_t pc;      /* program counter of the faulting instruction */
    sos_koid_t process;
    sos_koid_t thread;
    sos_time_t time;
};

/* object_get_info topics */
enum sos_info_topic {
    SOS_INFO_HANDLE = 1,       /* struct sos_info_handle, any handle */
    SOS_INFO_PROCESS = 2,      /* struct sos_info_process */
    SOS_INFO_KERNEL_STATS = 3, /* struct sos_info_kstats, resource handle */
    SOS_INFO_THREAD = 4,       /* struct sos_info_thread */
    SOS_INFO_VMO = 5,          /* struct sos_info_vmo */
    SOS_INFO_DEVICE = 6,       /* struct sos_info_device */
    SOS_INFO_NET = 7,          /* struct sos_info_net, a network device */
};

struct sos_info_handle {
    uint32_t kind;   /* enum sos_obj_kind */
    uint32_t rights; /* the handle's rights */
    sos_koid_t koid;
    sos_koid_t related_koid; /* peer channel end, owner process of a thread */
};

#define SOS_NAME_MAX 32

struct sos_info_process {
    sos_koid_t koid;
    char name[SOS_NAME_MAX];
    uint32_t state; /* 0 running, 1 exited, 2 faulted, 3 killed */
    int32_t exit_code;
    uint32_t threads;
    uint32_t handles;
    uint64_t mapped_bytes;
    uint64_t cpu_time_ns;
    struct sos_fault_record fault;
};

#define SOS_PROC_RUNNING 0
#define SOS_PROC_EXITED 1
#define SOS_PROC_FAULTED 2
#define SOS_PROC_KILLED 3

struct sos_info_thread {
    sos_koid_t koid;
    uint32_t state; /* 0 new, 1 runnable, 2 blocked, 3 dead */
    uint32_t priority;
    uint64_t cpu_time_ns;
};

struct sos_info_vmo {
    uint64_t size;
    uint64_t committed_bytes;
    uint32_t map_count;
    uint32_t reserved;
};

/* Device classes (the HAL's enum hal_dev_class). */
#define SOS_DEV_ANY 0u
#define SOS_DEV_BLOCK 1u
#define SOS_DEV_NET 2u
#define SOS_DEV_DISPLAY 3u
#define SOS_DEV_INPUT 4u
#define SOS_DEV_AUDIO 5u

#define SOS_DEVICE_READ_ONLY (1u << 0) /* sos_info_device.flags */

struct sos_info_device {
    uint32_t dev_class; /* SOS_DEV_* */
    uint32_t flags;
    uint64_t block_size;  /* block: bytes per block; audio: bytes per frame */
    uint64_t block_count; /* block: the device's size in blocks; audio: frames it buffers */
    char name[SOS_NAME_MAX];
    /* display: the current mode; the framebuffer (device_buffer) holds fb_size bytes,
     * line y of the picture at y * pitch, pixels 32-bit 0xAARRGGBB (alpha ignored) */
    uint32_t width, height, pitch, max_width, max_height, reserved2;
    uint64_t fb_size;
    uint32_t audio_rate;     /* audio: frames per second */
    uint16_t audio_channels; /* audio: interleaved samples per frame */
    uint16_t audio_format;   /* audio: SOS_AUDIO_FMT_* */
};

/* device_io: one synchronous request through a VMO buffer. */
#define SOS_DEVICE_OP_READ 1u  /* blocks -> vmo (device READ, vmo WRITE) */
#define SOS_DEVICE_OP_WRITE 2u /* vmo -> blocks (device WRITE, vmo READ) */
#define SOS_DEVICE_OP_FLUSH 3u /* make completed writes durable (device WRITE) */
#define SOS_DEVICE_OP_PRESENT 4u /* display: show damage rectangles (device WRITE, vmo READ) */
#define SOS_DEVICE_OP_MODE 5u    /* display: set the mode, block = width << 32 | height */

struct sos_device_io {
    uint32_t op;       /* SOS_DEVICE_OP_* */
    sos_handle_t vmo;  /* the buffer (not for FLUSH) */
    uint64_t block;    /* first block */
    uint64_t vmo_offset;
    uint64_t len;      /* bytes, a multiple of the block size, at most SOS_DEVICE_IO_MAX */
};
#define SOS_DEVICE_IO_MAX (1u << 20)

/*
 * Display devices (SOS_DEV_DISPLAY). The picture lives in the device's framebuffer,
 * a physical VMO that device_buffer hands out (read, write, map). A PRESENT names the
 * parts that changed: the VMO range holds `len / 16` struct sos_display_rect (1 to
 * SOS_DISPLAY_RECTS_MAX, each inside the current mode, none empty); `block` is 0. It
 * returns once the device has shown them (the sim: after the next vsync-paced frame),
 * so a presenter is paced by the display. A MODE request (no VMO) asks for width x
 * height (1 .. max_width x max_height); the framebuffer stays the same VMO, its pitch
 * follows the width. Either fails with SOS_ERR_INVALID_ARGS on bad values, and
 * SOS_ERR_OUT_OF_RANGE for a rectangle outside the mode.
 */
struct sos_display_rect {
    uint32_t x, y, w, h;
};
#define SOS_DISPLAY_RECTS_MAX 256u

/*
 * Input devices (SOS_DEV_INPUT) that report events in this format say so with
 * sos_info_device.block_size == sizeof(struct sos_input_event); only those take
 * device_io. A READ (device READ, vmo WRITE) has `len` a non-zero multiple of the
 * record size, at most SOS_INPUT_READ_MAX, and `block` holding SOS_INPUT_READ_* flags.
 * It returns the bytes written: as many whole events as are queued and fit, oldest
 * first. With none queued it waits until one arrives (SOS_ERR_TIMED_OUT after 30 s),
 * or with SOS_INPUT_READ_NOWAIT returns 0 at once. When the device's queue overflowed
 * the oldest events were dropped, and the next read starts with one
 * SOS_INPUT_DROPPED record whose value counts them.
 */
#define SOS_INPUT_READ_NOWAIT (1u << 0)
#define SOS_INPUT_READ_MAX (64u * 1024u)

/*
 * Audio output devices (SOS_DEV_AUDIO) take WRITEs of whole frames (block_size bytes
 * each, `block` 0, at most SOS_DEVICE_IO_MAX bytes) in the format sos_info_device
 * names. A WRITE returns once every frame is in the device's queue, which holds
 * block_count frames: a writer is paced by the device's clock. Nothing else is
 * supported. When the queue runs dry the device plays silence.
 */
#define SOS_AUDIO_FMT_S16 1u /* signed 16-bit little endian */
#define SOS_AUDIO_FMT_S32 2u /* signed 32-bit little endian */
#define SOS_AUDIO_FMT_F32 3u /* IEEE float, -1.0 .. 1.0 */

/*
 * Network devices (SOS_DEV_NET; sos_info_device.block_size is SOS_NET_FRAME_MAX) move
 * whole Ethernet frames (destination, source, type, payload; no FCS) through
 * device_io, one frame a call, `block` holding SOS_NET_IO_* flags:
 *  - READ (device READ, vmo WRITE): the oldest received frame; `len` must hold any
 *    frame (>= SOS_NET_FRAME_MAX, else BUFFER_TOO_SMALL). Returns its length. With none
 *    queued it waits for one (TIMED_OUT after 30 s), or with SOS_NET_IO_NOWAIT returns
 *    0 at once.
 *  - WRITE (device WRITE, vmo READ): sends `len` bytes, SOS_NET_FRAME_MIN..MAX (a
 *    longer frame is OUT_OF_RANGE, a shorter one INVALID_ARGS). Returns `len` once the
 *    device has taken the frame. When its transmit queue is full it waits for room, or
 *    with SOS_NET_IO_NOWAIT fails with SHOULD_WAIT.
 * Signals on the device object, for waiting on it beside channels: READABLE when frames
 * may have arrived, WRITABLE when transmit room may have freed. The device's interrupt
 * sets them; a NOWAIT read that finds nothing clears READABLE, a NOWAIT write that
 * finds no room clears WRITABLE, so a waiter never sleeps through an arrival.
 */
#define SOS_NET_FRAME_MIN 14u
#define SOS_NET_FRAME_MAX 1514u
#define SOS_NET_IO_NOWAIT (1u << 0)

/* object_get_info(SOS_INFO_NET) on a network device: address, link and counters. */
struct sos_info_net {
    uint8_t mac[6];
    uint8_t link_up;      /* 1: the link is up (devices that cannot tell say up) */
    uint8_t reserved;
    uint32_t frame_max;   /* SOS_NET_FRAME_MAX */
    uint64_t rx_frames, rx_bytes;
    uint64_t rx_dropped;  /* frames lost before anyone read them (the queue was full) */
    uint64_t rx_errors;   /* frames the device refused (damaged, too long) */
    uint64_t tx_frames, tx_bytes;
    uint64_t tx_dropped;  /* frames taken but never sent */
    uint64_t tx_errors;   /* sends the device failed */
};

#define SOS_INPUT_KEY 1u     /* code: USB HID usage (page 7); value 1 down, 0 up, 2 repeat */
#define SOS_INPUT_MOTION 2u  /* the pointer moved to x, y */
#define SOS_INPUT_BUTTON 3u  /* code: 1 left, 2 middle, 3 right, 4/5 extra; value 1 down, 0 up */
#define SOS_INPUT_WHEEL 4u   /* code 0 vertical (value > 0: away from the user), 1 horizontal
                                (value > 0: right); value in steps */
#define SOS_INPUT_DROPPED 5u /* value: events dropped (the queue was full) before the next */

#define SOS_INPUT_MOD_SHIFT (1u << 0) /* sos_input_event.mods: held at the time */
#define SOS_INPUT_MOD_CTRL (1u << 1)
#define SOS_INPUT_MOD_ALT (1u << 2)
#define SOS_INPUT_MOD_META (1u << 3)
#define SOS_INPUT_MOD_CAPS (1u << 4) /* caps lock on */

struct sos_input_event {
    uint32_t type;    /* SOS_INPUT_* */
    uint32_t code;
    int32_t value;
    uint32_t mods;    /* SOS_INPUT_MOD_* */
    int32_t x, y;     /* the pointer, in display pixels (0,0 top left), for every type */
    uint64_t time_ns; /* when it happened, on the kernel's monotonic clock */
};

struct sos_info_kstats {
    uint64_t objects[SOS_OBJ_KIND_COUNT]; /* live objects per kind */
    uint64_t object_bytes[SOS_OBJ_KIND_COUNT]; /* kernel bytes per object of the kind */
    uint64_t frames_total;
    uint64_t frames_free;
    uint64_t heap_bytes;     /* bytes in use by the kernel heap */
    uint64_t handles;        /* live handles, everywhere */
    uint64_t processes;
    uint64_t threads;
    uint64_t context_switches;
    uint64_t syscalls;
    uint64_t audit_records;
    uint32_t cpus;
    uint32_t reserved;
    sos_time_t uptime_ns;
    int64_t wall_clock_s; /* seconds since 1970 (UTC), 0: the machine has no clock of day */
    /* Added later, at the end, so a caller built before them still works: a buffer of at
     * least SOS_INFO_KSTATS_V1_SIZE (and less than the whole) gets the fields above. */
    uint64_t ipc_messages; /* channel messages carried since boot: writes (replies among
                              them) and call requests, counted when they are delivered */
    uint64_t ipc_bytes;    /* the bytes of those messages */
    uint64_t ipc_handles;  /* the handles they moved */
};
#define SOS_INFO_KSTATS_V1_SIZE offsetof(struct sos_info_kstats, ipc_messages)

#endif
