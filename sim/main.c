/*
 * sim/main.c - serviceos-sim: boot the core on hal-hosted inside this process.
 *
 * Parses the command line, loads the init image and the boot store into the top of the
 * simulated RAM (core checks the store and picks its root manager), starts vCPU 0 in
 * core_main, and waits on the main thread (running the SDL window unless --headless)
 * until the system powers off; the process exits with the status the system powered
 * off with. main is three steps: parse, fill_boot_info (after read_boot_files), run.
 *
 * Layer: sim (sees everything hosted).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hal.h"
#include "host.h"
#include "hosted.h"
#include "display.h"
#include "detopts.h"

/* The window's display (docs/graphics.md): its framebuffer sits in the arena above the
 * boot store, large enough for the largest mode. */
#define SIM_FB_MAX_W 1920u
#define SIM_FB_MAX_H 1200u
#define SIM_FB_BYTES ((size_t)SIM_FB_MAX_W * SIM_FB_MAX_H * 4)
static size_t g_fb_offset; /* arena offset of the framebuffer; 0 without a window */

static const char *g_usage =
    "usage: serviceos-sim [options] [--init IMAGE [ARGS...]]\n"
    "\n"
    "Boot ServiceOS inside this process: the kernel core and user processes run as\n"
    "threads, the console is this terminal, and a window shows the display.\n"
    "\n"
    "  --headless        no window; the console is this terminal only. End of standard\n"
    "                    input ends the console session (the shell powers off). There\n"
    "                    is no input device then (with a window, its keyboard and\n"
    "                    mouse are one, and keys also reach the console).\n"
    "  --audio sdl|none  the sound output (an audio device for the audio service): SDL's\n"
    "                    default device, also with --headless (default: sdl when the\n"
    "                    host has a sound server, /dev/snd or SDL_AUDIODRIVER is set;\n"
    "                    SDL_AUDIODRIVER=disk SDL_DISKAUDIOFILE=F writes the raw\n"
    "                    48 kHz S16 stereo frames to F), or none\n"
    "  --audio-stats     at power-off, print the sound device's latency from a write to\n"
    "                    its first frame leaving for SDL (median, p99, max) and its\n"
    "                    silent frames\n"
    "  --cpus N          virtual CPUs, 1..16 (default 1)\n"
    "  --mem MiB         guest memory in MiB, 8..65536 (default 128)\n"
    "  --bootstore FILE  the boot store bundle (default: the one built next to this\n"
    "                    binary, image/bootstore/bootstore.bin in the build dir)\n"
    "  --safe            boot in safe mode (only required services)\n"
    "  --desktop         boot to the desktop: the desktop shell starts with the system\n"
    "                    (the default when there is a window; also with --headless)\n"
    "  --no-desktop      boot to the text console, also in the window ('desktop start'\n"
    "                    at the prompt starts the desktop later)\n"
    "  --disk PATH       the disk: a file, created (sparse) on first use. Default:\n"
    "                    $XDG_DATA_HOME/serviceos/disk.img, or\n"
    "                    ~/.local/share/serviceos/disk.img. 'none': no disk (the\n"
    "                    storage service then keeps everything in memory). A disk is\n"
    "                    locked while a simulator runs on it; when the default one is\n"
    "                    in use, a second simulator boots without a disk. Boots with\n"
    "                    --init use no disk unless given one.\n"
    "  --disk-size MiB   the size of a disk created now, 1..1048576 (default 64)\n"
    "  --net slirp|tap:IFNAME|none\n"
    "                    the network card (device net0). slirp (default): a private\n"
    "                    user-mode network with NAT to the host's (10.0.2.15 by DHCP,\n"
    "                    gateway 10.0.2.2, DNS 10.0.2.3; rootless; started only when\n"
    "                    the system sends its first frame, so it costs nothing until\n"
    "                    used). tap:IFNAME: the Linux TAP device IFNAME (needs\n"
    "                    CAP_NET_ADMIN or a TAP device you own). none: no card.\n"
    "                    SOS_SIM_NET in the environment, when set, replaces the\n"
    "                    default (the test suites set none: a test that wants a card\n"
    "                    asks for one, and slirp only inside a private namespace).\n"
    "  --init IMAGE ...  boot IMAGE (a static-PIE ELF) as the first process instead of\n"
    "                    the root manager, with bootstrap authority; the remaining\n"
    "                    arguments are its argv\n"
    "  --deterministic   a run that is a function of its seed and its input: one vCPU,\n"
    "                    virtual time (a fixed cost per syscall; an idle system jumps to\n"
    "                    its next deadline, so waits take no time), interrupts only at\n"
    "                    syscalls and idle points, console input one line per idle point,\n"
    "                    disk I/O done at once, entropy from the seed. Implies --headless,\n"
    "                    --audio none and --net none (refuses --cpus N, --net and\n"
    "                    --audio sdl). At power-off it prints the kernel event trace's\n"
    "                    hash: same seed and input, same hash and transcript\n"
    "  --seed N          the seed of a deterministic run (default 1)\n"
    "  --record FILE     a deterministic run (one vCPU, headless) whose console input,\n"
    "                    and with --net slirp|tap:IFNAME the card's frames, come as they\n"
    "                    arrive: written to FILE with where they arrived and every\n"
    "                    kernel event\n"
    "  --replay FILE     run FILE's recording again (standard input is not read): each\n"
    "                    event is checked, the first that differs is reported (exit 72);\n"
    "                    with --net the card's frames come from FILE, not the network.\n"
    "                    Needs the same boot store, image, arguments and --mem, and the\n"
    "                    disk as it was when recording began (docs/sim.md)\n"
    "  --isolate         run each address space in its own host process (a stub that\n"
    "                    holds only its pages, under a seccomp filter), the kernel in\n"
    "                    this one: user code cannot reach the kernel's memory or the\n"
    "                    host (docs/sim.md, isolation); syscalls are much slower\n"
    "  -h, --help        this text\n"
    "  --gdb             (./serviceos-sim) run under gdb, which sees every service's\n"
    "                    symbols (scripts/gdb/serviceos.py, docs/debugging.md)\n"
    "\n"
    "The exit status is the status the system powered off with (70: kernel panic or\n"
    "a fault in kernel code; 72: a replay diverged; 73: a deterministic run is idle\n"
    "with no timer and no input left).\n"
    "A reboot starts the simulator again with the same options.\n";

struct options {
    int headless;
    int audio; /* -1 auto, 0 none, 1 sdl */
    int audio_stats;
    unsigned cpus;
    unsigned long mem_mib;
    const char *init;
    const char *bootstore;
    int safe;
    int desktop;   /* 1 --desktop, 0 --no-desktop, -1 when there is a window */
    int isolate;
    const char *disk;
    unsigned long disk_mib;
    const char *net;
    char init_args[HAL_CMDLINE_MAX];
    uint32_t init_args_len;
};

static int bad(const char *fmt, const char *arg)
{
    fprintf(stderr, "serviceos-sim: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n(see serviceos-sim --help)\n");
    return 2;
}

static int parse_num(const char *s, unsigned long lo, unsigned long hi, unsigned long *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s ? s : "", &end, 10);
    if (!s || !*s || *end || errno || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

static int add_arg(struct options *o, const char *a)
{
    size_t n = strlen(a) + 1;
    if (o->init_args_len + n > sizeof(o->init_args))
        return -1;
    memcpy(o->init_args + o->init_args_len, a, n);
    o->init_args_len += (uint32_t)n;
    return 0;
}

static int parse(int argc, char **argv, struct options *o)
{
    const char *net = getenv("SOS_SIM_NET");
    *o = (struct options){.audio = -1, .desktop = -1, .cpus = 1, .mem_mib = 128, .disk_mib = 64,
                          .net = net && *net ? net : "slirp"};
    bool net_given = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        unsigned long v;
        int det = sim_det_option(argv, &i);
        if (det <= 0) {
            if (det < 0)
                return 2;
        } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(g_usage, stdout);
            exit(0);
        } else if (!strcmp(a, "--headless")) {
            o->headless = 1;
        } else if (!strcmp(a, "--audio")) {
            const char *how = argv[++i] ? argv[i] : "";
            if (strcmp(how, "sdl") && strcmp(how, "none"))
                return bad("--audio takes 'sdl' or 'none', not '%s'", how);
            o->audio = !strcmp(how, "sdl");
        } else if (!strcmp(a, "--audio-stats")) {
            o->audio_stats = 1;
        } else if (!strcmp(a, "--cpus")) {
            if (parse_num(argv[++i], 1, HOST_MAX_VCPUS, &v))
                return bad("--cpus takes a number from 1 to 16, not '%s'", argv[i] ? argv[i] : "");
            o->cpus = (unsigned)v;
        } else if (!strcmp(a, "--mem")) {
            if (parse_num(argv[++i], 8, 65536, &v))
                return bad("--mem takes MiB from 8 to 65536, not '%s'", argv[i] ? argv[i] : "");
            o->mem_mib = v;
        } else if (!strcmp(a, "--bootstore")) {
            if (!argv[i + 1])
                return bad("--bootstore needs a file%s", "");
            o->bootstore = argv[++i];
        } else if (!strcmp(a, "--disk")) {
            if (!argv[i + 1] || !argv[i + 1][0])
                return bad("--disk needs a file (or 'none')%s", "");
            o->disk = argv[++i];
        } else if (!strcmp(a, "--disk-size")) {
            if (parse_num(argv[++i], 1, 1048576, &v))
                return bad("--disk-size takes MiB from 1 to 1048576, not '%s'", argv[i] ? argv[i] : "");
            o->disk_mib = v;
        } else if (!strcmp(a, "--net")) {
            if (!argv[i + 1] || !argv[i + 1][0])
                return bad("--net needs slirp, tap:IFNAME or none%s", "");
            o->net = argv[++i];
            net_given = true;
        } else if (!strcmp(a, "--safe")) {
            o->safe = 1;
        } else if (!strcmp(a, "--desktop")) {
            o->desktop = 1;
        } else if (!strcmp(a, "--no-desktop")) {
            o->desktop = 0;
        } else if (!strcmp(a, "--isolate")) {
            o->isolate = 1;
        } else if (!strcmp(a, "--test-core-fault")) { /* for tests only: docs/sim.md */
            hosted_test_core_fault();
        } else if (!strcmp(a, "--no-syscall-dispatch")) { /* to measure it: docs/sim.md */
            host_vcpu_sud_disable();
        } else if (!strcmp(a, "--init")) {
            if (!argv[i + 1])
                return bad("--init needs an image%s", "");
            o->init = argv[++i];
            const char *base = strrchr(o->init, '/');
            if (add_arg(o, base ? base + 1 : o->init))
                return bad("arguments too long%s", "");
            while (++i < argc)
                if (add_arg(o, argv[i]))
                    return bad("arguments for the init image are too long (%s)", argv[i]);
        } else {
            return bad("unknown option '%s'", a);
        }
    }
    return sim_det_check(o->cpus, &o->headless, &o->audio, &o->net, net_given) ? 2 : 0;
}

static int read_file(const char *path, void **data, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    struct stat st;
    if (fstat(fileno(f), &st) || !S_ISREG(st.st_mode) || st.st_size <= 0) {
        fclose(f);
        errno = EINVAL;
        return -1;
    }
    *len = (size_t)st.st_size;
    *data = malloc(*len);
    size_t n = *data ? fread(*data, 1, *len, f) : 0;
    fclose(f);
    return n == *len ? 0 : -1;
}

static struct boot_info g_bi;
static uint64_t g_boot_digest; /* what is booted, for a record file (detopts.c) */

static void boot_cpu(unsigned id)
{
    (void)id;
    core_main(&g_bi);
}

/* The boot store built next to this binary (build/sim/../image/bootstore/bootstore.bin). */
static char *default_bootstore(void)
{
    static char self[4096]; /* lives as long as the process: nothing to free (LSan) */
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 64);
    if (n <= 0)
        return NULL;
    self[n] = 0;
    char *slash = strrchr(self, '/');
    if (!slash)
        return NULL;
    strcpy(slash, "/../image/bootstore/bootstore.bin");
    return access(self, R_OK) == 0 ? self : NULL;
}

/* The per-user default disk: $XDG_DATA_HOME/serviceos/disk.img or ~/.local/share/... */
static char *default_disk(void)
{
    const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
    char dir[4096];
    if (xdg && *xdg)
        snprintf(dir, sizeof(dir), "%s/serviceos", xdg);
    else if (home && *home)
        snprintf(dir, sizeof(dir), "%s/.local/share/serviceos", home);
    else
        return NULL;
    for (char *p = dir + 1; *p; p++) { /* mkdir -p */
        if (*p != '/')
            continue;
        *p = 0;
        mkdir(dir, 0755);
        *p = '/';
    }
    if (mkdir(dir, 0755) && errno != EEXIST)
        return NULL;
    char *path = malloc(strlen(dir) + 16);
    if (path)
        sprintf(path, "%s/disk.img", dir);
    return path;
}

/* Open the disk the options name; 0, or 2 when the simulator must not start. */
static int open_disk(const struct options *o)
{
    if (o->disk && !strcmp(o->disk, "none"))
        return 0;
    char *path = o->disk ? strdup(o->disk) : o->init ? NULL : default_disk();
    if (!path)
        return 0;
    char err[512];
    uint64_t bytes = 0;
    int rc = host_disk_open(path, (uint64_t)o->disk_mib << 20, &bytes, err, sizeof(err));
    if (rc == -2 && !o->disk) {
        fprintf(stderr, "serviceos-sim: %s: booting without a disk\n", err);
        rc = 0;
        bytes = 0;
    } else if (rc) {
        fprintf(stderr, "serviceos-sim: %s\n", err);
        free(path);
        return 2;
    }
    if (bytes)
        hosted_disk_register(bytes);
    free(path);
    return 0;
}

/* The sound output: asked for, or (by default) when the host has something to play on. */
static void open_audio(const struct options *o)
{
    if (o->audio == 0)
        return;
    if (o->audio < 0 && !host_audio_available()) {
        if (!o->headless)
            fprintf(stderr, "serviceos-sim: no sound server or /dev/snd: no audio device\n");
        return;
    }
    hosted_audio_register(); /* prints why when it cannot */
}

static void print_audio_stats(void)
{
    struct host_audio_latency l;
    host_audio_latency(&l);
    fprintf(stderr, "serviceos-sim: audio: %llu writes, write to output median %u ms, p99 %u ms, "
                    "max %u ms; %llu frames played, %llu silent (queue dry)\n",
            (unsigned long long)l.writes, l.median_ms, l.p99_ms, l.max_ms,
            (unsigned long long)l.played_frames, (unsigned long long)l.underrun_frames);
}

#define PAGE_UP(x) (((x) + 0xfffu) & ~(size_t)0xfff)

/* The files the simulator boots: an init image, the boot store, or both. */
struct boot_files {
    void *image, *store;
    size_t image_len, store_len;
    const char *store_path;
};

/* Read the files the options name; 0, or 2 when the simulator must not start. */
static int read_boot_files(const struct options *o, struct boot_files *f)
{
    *f = (struct boot_files){.store_path = o->bootstore ? o->bootstore : default_bootstore()};
    if (!o->init && !f->store_path) {
        fprintf(stderr, "serviceos-sim: no boot store: build it (ninja -C build "
                        "image/bootstore/bootstore.bin), give --bootstore FILE, or boot an "
                        "image with --init IMAGE\n");
        return 2;
    }
    if (o->init && read_file(o->init, &f->image, &f->image_len)) {
        fprintf(stderr, "serviceos-sim: cannot read init image '%s': %s\n", o->init,
                strerror(errno));
        return 2;
    }
    if (f->store_path && read_file(f->store_path, &f->store, &f->store_len)) {
        fprintf(stderr, "serviceos-sim: cannot read boot store '%s': %s\n", f->store_path,
                strerror(errno));
        return 2;
    }
    return 0;
}

/*
 * Fill g_bi: the RAM, then the init image and the boot store copied above it. The
 * simulator only says where they are; core checks the store and, without an init
 * image, starts its root manager (core/bootstore.c), as on every platform.
 */
static int fill_boot_info(struct options *o, struct boot_files *f)
{
    if (!o->init) { /* argv[0] for the first process; core names it after its image */
        add_arg(o, "init");
        if (o->safe)
            add_arg(o, "mode=safe");
        if (o->desktop > 0 || (o->desktop < 0 && !o->headless && !host_sdl_no_display()))
            add_arg(o, "start=desktop"); /* by default with a window */
    }
    size_t ram = (size_t)o->mem_mib << 20;
    g_boot_digest = sim_det_digest(sim_det_digest(sim_det_digest(0, f->image, f->image_len),
                                                  f->store, f->store_len),
                                   o->init_args, o->init_args_len);
    g_boot_digest = sim_det_digest(g_boot_digest, &ram, sizeof(ram));
    size_t fb = o->headless ? 0 : SIM_FB_BYTES;
    if (host_arena_init(ram + PAGE_UP(f->image_len) + PAGE_UP(f->store_len) + fb, 1024, 1ull << 32))
        return 1;
    if (fb)
        g_fb_offset = ram + PAGE_UP(f->image_len) + PAGE_UP(f->store_len);
    char *top = (char *)host_arena_base() + ram;
    g_bi.mem[0] = (struct hal_mem_range){HOST_PHYS_BASE, ram};
    g_bi.mem_count = 1;
    g_bi.cpu_count = o->cpus;
    if (f->image) {
        memcpy(top, f->image, f->image_len);
        g_bi.init_base = HOST_PHYS_BASE + ram;
        g_bi.init_size = f->image_len;
        free(f->image);
    }
    if (f->store) {
        memcpy(top + PAGE_UP(f->image_len), f->store, f->store_len);
        g_bi.bootstore_base = HOST_PHYS_BASE + ram + PAGE_UP(f->image_len);
        g_bi.bootstore_size = f->store_len;
        g_bi.bootstore_name = f->store_path;
        free(f->store);
    }
    memcpy(g_bi.init_args, o->init_args, o->init_args_len);
    g_bi.init_args_len = o->init_args_len;
    g_bi.platform = "hosted";
    return 0;
}

/* Devices, vCPU 0 in core_main, and the main thread until power-off; the exit status. */
static int run(const struct options *o, char **argv)
{
    if (host_signals_init(hosted_user_fault)) {
        perror("serviceos-sim: signal handlers");
        return 1;
    }
    host_vcpu_set_count(o->cpus);
    if (o->isolate) { /* the stubs' seccomp filters replace Syscall User Dispatch */
        host_vcpu_sud_disable();
        if (host_isolate_enable())
            return 1;
    }
    int rc = open_disk(o);
    if (rc)
        return rc;
    char neterr[512];
    if (host_net_open(o->net, neterr, sizeof(neterr))) {
        fprintf(stderr, "serviceos-sim: %s\n", neterr);
        return 2;
    }
    if ((rc = sim_det_start(g_boot_digest)))
        return rc;
    if (host_net_present())
        hosted_net_register();
    if (!o->headless) { /* the window's keyboard and mouse: an input device */
        uint32_t w, h;
        host_sdl_grid_size(&w, &h);
        hosted_input_register(w, h);
        host_display_init((char *)host_arena_base() + g_fb_offset, SIM_FB_MAX_W, SIM_FB_MAX_H,
                          1024, 768, HOSTED_DISPLAY_LINE);
        hosted_display_register(HOST_PHYS_BASE + g_fb_offset, SIM_FB_BYTES);
    }
    open_audio(o);
    if (host_uv_start(!sim_det_replaying())) /* a replay's input is in its file */
        return 1;
    if (host_vcpu_start(0, boot_cpu)) {
        perror("serviceos-sim: starting vcpu 0");
        return 1;
    }
    int status;
    if (!o->headless && host_sdl_run("ServiceOS") >= 0 && host_power_status() < 0)
        status = 0; /* the window was closed */
    else
        status = host_power_wait();
    host_console_restore();
    if (o->audio_stats)
        print_audio_stats();
    if (sim_det_on())
        status = host_det_finish(status);
    if (status == HOSTED_REBOOT_STATUS && host_det >= HOST_DET_RECORD) {
        fprintf(stderr, "serviceos-sim: a recorded or replayed run ends at a reboot\n");
        return status;
    }
    if (status == HOSTED_REBOOT_STATUS) { /* the guest rebooted: boot again, same options */
        fprintf(stderr, "serviceos-sim: rebooting\n");
        execv("/proc/self/exe", argv);
        perror("serviceos-sim: reboot");
        return 1;
    }
    return status;
}

int main(int argc, char **argv)
{
    struct options o;
    struct boot_files f;
    int rc = parse(argc, argv, &o);
    if (!rc)
        sim_det_fixed_layout(argv);
    if (!rc)
        rc = read_boot_files(&o, &f);
    if (rc)
        return rc;
    host_time_init();
    if ((rc = fill_boot_info(&o, &f)))
        return rc;
    return run(&o, argv);
}
