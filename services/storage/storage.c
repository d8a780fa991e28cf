/*
 * services/storage/storage.c - the storage service: start-up, the disk, namespaces and
 * the commit policy.
 *
 * The disk is the "block0" startup handle (a kernel device object the root manager got
 * with the root resource); blocks move through one mapped VMO. A blank disk is
 * formatted; a damaged store is mounted as sfs_open decides (an intact older
 * generation, a repair that loses no file, or read-only and untouched), and fsck
 * --repair unmounts, repairs and mounts it again; a foreign or unreadable disk is left
 * alone, and the service keeps its store in memory instead, saying so. The namespaces home, state, config, data, tmp and
 * backups are made when missing, and tmp is emptied at every boot. Changes are committed
 * one second after the last one, on every sync request and when the service stops.
 *
 * Layer: services (storage).
 */
#include "storage.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct storage g_st;

#define COMMIT_DELAY_NS 1000000000ll
#define MEMORY_STORE (8u << 20)
#define IO_MAP SOS_DEVICE_IO_MAX

static const char *const g_namespaces[] = {"home", "state", "config", "data", "tmp", "backups"};

/* ---- the block device */

struct blk {
    sos_handle_t dev, vmo;
    uint8_t *map;
    uint64_t per_block; /* device blocks per store block */
};
static struct blk g_blk;

static int blk_io(uint32_t op, uint64_t block, uint32_t n, void *buf)
{
    uint64_t bytes = (uint64_t)n * SFS_BLOCK;
    for (uint64_t done = 0; done < bytes;) {
        uint64_t k = bytes - done < IO_MAP ? bytes - done : IO_MAP;
        if (op == SOS_DEVICE_OP_WRITE)
            memcpy(g_blk.map, (uint8_t *)buf + done, k);
        struct sos_device_io io = {op, g_blk.vmo, (block + done / SFS_BLOCK) * g_blk.per_block, 0, k};
        int64_t r = sos_device_io(g_blk.dev, &io);
        if (r < 0)
            return (int)r;
        if (op == SOS_DEVICE_OP_READ)
            memcpy((uint8_t *)buf + done, g_blk.map, k);
        done += k;
    }
    return 0;
}

static int blk_read(void *ctx, uint64_t block, uint32_t n, void *buf)
{
    (void)ctx;
    return blk_io(SOS_DEVICE_OP_READ, block, n, buf);
}

static int blk_write(void *ctx, uint64_t block, uint32_t n, const void *buf)
{
    (void)ctx;
    return blk_io(SOS_DEVICE_OP_WRITE, block, n, (void *)buf);
}

static int blk_flush(void *ctx)
{
    (void)ctx;
    struct sos_device_io io = {SOS_DEVICE_OP_FLUSH, 0, 0, 0, 0};
    int64_t r = sos_device_io(g_blk.dev, &io);
    return r < 0 ? (int)r : 0;
}

static int open_disk(void)
{
    g_blk.dev = sos_startup_handle("block0");
    if (!g_blk.dev)
        return SOS_ERR_NOT_FOUND;
    struct sos_info_device info;
    int err = (int)sos_object_get_info(g_blk.dev, SOS_INFO_DEVICE, &info, sizeof(info));
    if (err < 0)
        return err;
    if (info.dev_class != SOS_DEV_BLOCK || !info.block_size || SFS_BLOCK % info.block_size)
        return SOS_ERR_NOT_SUPPORTED;
    g_blk.per_block = SFS_BLOCK / info.block_size;
    err = (int)sos_vmo_create(IO_MAP, 0, &g_blk.vmo);
    struct sos_vm_map m = {sos_self_process(), g_blk.vmo, 0, IO_MAP, SOS_VM_READ | SOS_VM_WRITE, 0, 0};
    if (!err)
        err = (int)sos_vm_map(&m);
    if (err)
        return err;
    g_blk.map = (uint8_t *)(uintptr_t)m.addr;
    g_st.dev = (struct sfs_dev){&g_blk, info.block_count / g_blk.per_block, blk_read, blk_write,
                                blk_flush};
    snprintf(g_st.source, sizeof(g_st.source), "block0 %s (%llu MiB)", info.name,
             (unsigned long long)(info.block_count * info.block_size >> 20));
    return 0;
}

/* ---- a store in memory, when there is no usable disk */

static uint8_t *g_mem;

static int mem_read(void *ctx, uint64_t block, uint32_t n, void *buf)
{
    (void)ctx;
    memcpy(buf, g_mem + block * SFS_BLOCK, (size_t)n * SFS_BLOCK);
    return 0;
}

static int mem_write(void *ctx, uint64_t block, uint32_t n, const void *buf)
{
    (void)ctx;
    memcpy(g_mem + block * SFS_BLOCK, buf, (size_t)n * SFS_BLOCK);
    return 0;
}

static int mem_flush(void *ctx)
{
    (void)ctx;
    return 0;
}

static int use_memory(void)
{
    g_mem = calloc(1, MEMORY_STORE);
    if (!g_mem)
        return SOS_ERR_NO_MEMORY;
    g_st.memory = true;
    g_st.dev = (struct sfs_dev){NULL, MEMORY_STORE / SFS_BLOCK, mem_read, mem_write, mem_flush};
    snprintf(g_st.source, sizeof(g_st.source), "memory (%u MiB, lost at power-off)", MEMORY_STORE >> 20);
    struct sfs_msg m;
    int err = sfs_format(&g_st.dev, 0, &m);
    return err ? err : sfs_mount(&g_st.dev, 0, &g_st.fs, &m);
}

/* Is the disk blank (both superblock blocks zero)? */
static bool blank(void)
{
    uint8_t *b = malloc(2 * SFS_BLOCK);
    bool zero = b && g_st.dev.read(g_st.dev.ctx, 0, 2, b) == 0;
    for (unsigned i = 0; zero && i < 2 * SFS_BLOCK; i++)
        zero = b[i] == 0;
    free(b);
    return zero;
}

static uint64_t clock_ns(void *ctx)
{
    (void)ctx;
    return (uint64_t)sos_clock_get();
}

/* What sfs_open did about damage, on the console (the fsck lines only when it found some). */
static void say_open(int err, const struct sfs_open_report *rep, const struct sfs_msg *m)
{
    if (!err && (rep->how == SFS_OPEN_REPAIRED || rep->how == SFS_OPEN_READONLY))
        printf("storage: fsck of generation %llu: %u problems\n%s",
               (unsigned long long)rep->damaged_generation, rep->fsck.errors, rep->fsck.log);
    if (err)
        printf("storage: %s is not usable: %s (%s)\n", g_st.source, m->text[0] ? m->text : "-",
               sos_strerror(err));
    else if (m->text[0]) /* a fallback, a repair, a read-only mount or a skipped superblock */
        printf("storage: %s: %s\n", g_st.source, m->text);
    if (!err && rep->how == SFS_OPEN_READONLY)
        printf("storage: the store is mounted read-only; `fsck --repair` in the shell repairs it\n");
}

/* Mount the disk's store, recovering from damage as sfs_open does (docs/storage.md). */
static int mount_disk(void)
{
    struct sfs_msg m;
    struct sfs_open_report *rep = calloc(1, sizeof(*rep));
    if (!rep)
        return SOS_ERR_NO_MEMORY;
    int err = sfs_open(&g_st.dev, &g_st.fs, rep, &m);
    if (err == SOS_ERR_BAD_FORMAT && blank()) {
        printf("storage: %s is blank: making a new store\n", g_st.source);
        uint64_t id = (uint64_t)sos_clock_get() * 0x9e3779b97f4a7c15ull;
        err = sfs_format(&g_st.dev, id, &m);
        if (!err)
            err = sfs_open(&g_st.dev, &g_st.fs, rep, &m);
    }
    say_open(err, rep, &m);
    free(rep);
    return err;
}

static void tune(void)
{
    sfs_set_clock(g_st.fs, clock_ns, NULL);
    sfs_set_cache(g_st.fs, 512, 2048);
}

static void make_namespaces(bool boot);

/*
 * STORAGE_FSCK with repair: the store is unmounted (what is pending committed first),
 * repaired, and mounted again as at boot. Handles name (inode, generation), so they
 * keep working, or say "not found" when the repair took their file.
 */
int st_repair(struct sfs_fsck *r)
{
    if (g_st.memory)
        return SOS_ERR_NOT_SUPPORTED;
    sfs_unmount(g_st.fs); /* a broken store is freed all the same */
    g_st.fs = NULL;
    int err = sfs_fsck(&g_st.dev, SFS_FSCK_REPAIR, r);
    printf("storage: fsck --repair: %u problems, %u repaired; %llu files and directories lost, "
           "%llu data blocks replaced by zeros, %llu put in /lost+found\n", r->errors, r->repaired,
           (unsigned long long)r->lost, (unsigned long long)r->zeroed, (unsigned long long)r->adopted);
    if (mount_disk()) { /* a restart boots the service again, as after any failure */
        printf("storage: the store does not mount after the repair: stopping\n");
        exit(1);
    }
    tune();
    make_namespaces(false); /* a repair may have taken one */
    return err;
}

/* ---- namespaces */

static int empty_dir(uint64_t dir, int depth)
{
    struct sfs_dirent de;
    uint64_t pos = 0;
    while (sfs_readdir(g_st.fs, dir, &pos, &de) == 0) {
        if (de.type == SFS_DIR && depth < 64)
            empty_dir(de.ino, depth + 1);
        int err = sfs_unlink(g_st.fs, dir, de.name, de.namelen);
        if (err)
            return err;
        pos = 0; /* entries moved: start over */
    }
    return 0;
}

/* Make the namespaces that are missing; at boot, empty tmp too. */
static void make_namespaces(bool boot)
{
    struct sfs_statfs sf;
    if (sfs_statfs(g_st.fs, &sf) == 0 && sf.read_only)
        return; /* as it is: nothing may be written */
    for (unsigned i = 0; i < sizeof(g_namespaces) / sizeof(g_namespaces[0]); i++) {
        const char *n = g_namespaces[i];
        uint64_t ino;
        int err = sfs_lookup(g_st.fs, SFS_ROOT_INO, n, strlen(n), &ino);
        if (err == SOS_ERR_NOT_FOUND)
            err = sfs_create(g_st.fs, SFS_ROOT_INO, n, strlen(n), SFS_DIR, &ino);
        if (!err && boot && !strcmp(n, "tmp"))
            err = empty_dir(ino, 0);
        if (err)
            printf("storage: namespace %s: %s\n", n, sos_strerror(err));
    }
    st_sync();
}

/* ---- commits */

int st_sync(void)
{
    int err = sfs_sync(g_st.fs);
    g_st.commits++;
    if (err) {
        g_st.commit_errors++;
        const char *why = sfs_broken_reason(g_st.fs);
        printf("storage: commit failed: %s\n", why ? why : sos_strerror(err));
    }
    return err;
}

static void commit_due(struct sl_server *s, const struct sos_port_packet *pkt, void *arg)
{
    (void)s;
    (void)pkt;
    (void)arg;
    g_st.commit_armed = false;
    if (sfs_dirty(g_st.fs))
        st_sync();
}

void st_changed(void)
{
    if (g_st.commit_armed || !g_st.commit_timer)
        return;
    if (sos_timer_set(g_st.commit_timer, sos_clock_get() + COMMIT_DELAY_NS, 0) == 0)
        g_st.commit_armed = true;
}

static void open_boot_store(void)
{
    sos_handle_t vmo = sos_startup_handle("bootstore");
    uint64_t size;
    if (!vmo || sos_vmo_get_size(vmo, &size))
        return;
    struct sos_vm_map m = {sos_self_process(), vmo, 0, size, SOS_VM_READ, 0, 0};
    struct errmsg em;
    if (sos_vm_map(&m) == 0 && bundle_open(&g_st.boot, (const void *)(uintptr_t)m.addr, size, &em) == 0)
        g_st.have_boot = true;
}

int main(void)
{
    int err = open_disk();
    if (!err)
        err = mount_disk();
    else
        printf("storage: no disk (%s)\n", sos_strerror(err));
    if (err) {
        printf("storage: keeping the store in memory: nothing will survive a reboot\n");
        if ((err = use_memory())) {
            printf("storage: cannot make a store in memory: %s\n", sos_strerror(err));
            return 1;
        }
    }
    tune();
    open_boot_store();
    make_namespaces(true);
    struct sfs_statfs sf;
    sfs_statfs(g_st.fs, &sf);
    printf("storage: %s: generation %llu, %llu of %llu blocks free\n", g_st.source,
           (unsigned long long)sf.generation, (unsigned long long)sf.free_blocks,
           (unsigned long long)sf.blocks);
    err = sl_service_init(&g_st.srv, g_storage_ops, g_storage_nops, &g_st);
    if (err) {
        printf("storage: cannot start its server loop: %s\n", sos_strerror(err));
        return 1;
    }
    /* our hook runs first, then services/lib's frees the client record */
    g_st_lib_close = g_st.srv.on_close;
    g_st.srv.on_close = st_on_close;
    if (sos_timer_create(0, &g_st.commit_timer) == 0)
        sl_server_watch(&g_st.srv, g_st.commit_timer, SOS_SIG_SIGNALED, SOS_WAIT_ASYNC_REPEAT,
                        commit_due, NULL);
    err = sl_service_ready();
    if (err) {
        printf("storage: the root manager did not take our ready: %s\n", sos_strerror(err));
        return 1;
    }
    err = sl_server_run(&g_st.srv);
    if (!g_st.memory)
        st_sync(); /* an orderly stop: everything is durable */
    return err;
}

/* ---- the benchmark (STORAGE_BENCH): the store against the raw device, same run */

static int bench_fs(uint64_t bytes, uint8_t *buf, uint64_t chunk, int64_t *w_ns, int64_t *r_ns)
{
    uint64_t tmp, ino;
    int err = sfs_lookup(g_st.fs, SFS_ROOT_INO, "tmp", 3, &tmp);
    sfs_unlink(g_st.fs, tmp, ".bench", 6);
    if (!err)
        err = sfs_create(g_st.fs, tmp, ".bench", 6, SFS_FILE, &ino);
    if (!err)
        err = sfs_sync(g_st.fs);
    int64_t t0 = sos_clock_get();
    for (uint64_t off = 0; off < bytes && !err; off += chunk) {
        int64_t n = sfs_write(g_st.fs, ino, off, buf, chunk);
        err = n < 0 ? (int)n : 0;
    }
    if (!err)
        err = sfs_sync(g_st.fs);
    int64_t t1 = sos_clock_get();
    sfs_set_cache(g_st.fs, 0, 2048); /* read from the disk, not from memory */
    sfs_set_cache(g_st.fs, 512, 2048);
    for (uint64_t off = 0; off < bytes && !err; off += chunk) {
        int64_t n = sfs_read(g_st.fs, ino, off, buf, chunk);
        err = n < 0 ? (int)n : 0;
    }
    int64_t t2 = sos_clock_get();
    sfs_unlink(g_st.fs, tmp, ".bench", 6);
    sfs_sync(g_st.fs);
    *w_ns = t1 - t0;
    *r_ns = t2 - t1;
    return err;
}

static int bench_raw(uint64_t bytes, uint8_t *buf, uint64_t chunk, int64_t *w_ns, int64_t *r_ns)
{
    uint64_t nblk = bytes / SFS_BLOCK, first = sfs_free_run(g_st.fs, nblk); /* never a used block */
    if (!first)
        return SOS_ERR_NO_SPACE;
    int err = 0;
    int64_t t0 = sos_clock_get();
    for (uint64_t off = 0; off < bytes && !err; off += chunk)
        err = g_st.dev.write(g_st.dev.ctx, first + off / SFS_BLOCK, (uint32_t)(chunk / SFS_BLOCK), buf);
    if (!err)
        err = g_st.dev.flush(g_st.dev.ctx);
    int64_t t1 = sos_clock_get();
    for (uint64_t off = 0; off < bytes && !err; off += chunk)
        err = g_st.dev.read(g_st.dev.ctx, first + off / SFS_BLOCK, (uint32_t)(chunk / SFS_BLOCK), buf);
    int64_t t2 = sos_clock_get();
    *w_ns = t1 - t0;
    *r_ns = t2 - t1;
    return err;
}

int st_bench(uint32_t mib, int64_t out[4])
{
    if (mib == 0 || mib > 1024 || g_st.memory)
        return g_st.memory ? SOS_ERR_NOT_SUPPORTED : SOS_ERR_OUT_OF_RANGE;
    const uint64_t chunk = STORAGE_IO_MAX;
    uint64_t bytes = (uint64_t)mib << 20;
    bytes -= bytes % chunk;
    uint8_t *buf = malloc(chunk);
    if (!buf)
        return SOS_ERR_NO_MEMORY;
    for (uint64_t i = 0; i < chunk; i++)
        buf[i] = (uint8_t)(i * 131 + 7);
    int err = bench_fs(bytes, buf, chunk, &out[0], &out[1]);
    if (!err)
        err = bench_raw(bytes, buf, chunk, &out[2], &out[3]);
    free(buf);
    return err;
}
