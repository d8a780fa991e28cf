/*
 * hal-hosted/host/disk.c - the simulator's disk: a host file, read and written by the
 * libuv loop (its thread pool does the blocking calls), completions raised as a virtual
 * interrupt line on vCPU 0.
 *
 * A vCPU queues a request (host_disk_submit) and wakes the loop; the loop starts a
 * uv_fs_read, uv_fs_write or uv_fs_fdatasync for it; its callback, on the loop thread,
 * puts the request on the done list and raises the line. The core then takes it with
 * host_disk_done. The file is locked (flock) while the simulator runs, so two
 * simulators never share a disk; the lock goes with the process (and across a reboot's
 * exec, since the descriptor is close-on-exec).
 *
 * Layer: hal-hosted, host world (libc and libuv only).
 */
#define _GNU_SOURCE
#include "host.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uv.h>

static int g_fd = -1;
static unsigned g_line;
static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static struct host_disk_req *g_queue, *g_done, **g_done_tail = &g_done;
static uv_async_t g_kick;
static uv_loop_t *g_loop;

int host_disk_open(const char *path, uint64_t create_bytes, uint64_t *bytes, char *err, size_t errlen)
{
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
        return -1;
    }
    if (flock(fd, LOCK_EX | LOCK_NB)) {
        snprintf(err, errlen, "%s is in use by another serviceos-sim", path);
        close(fd);
        return -2;
    }
    struct stat st;
    if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s is not a regular file", path);
        close(fd);
        return -1;
    }
    if (st.st_size == 0 && ftruncate(fd, (off_t)create_bytes)) { /* a new disk: sparse */
        snprintf(err, errlen, "cannot size %s: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    if (st.st_size == 0)
        st.st_size = (off_t)create_bytes;
    *bytes = (uint64_t)st.st_size & ~4095ull;
    if (*bytes < 64 * 1024) {
        snprintf(err, errlen, "%s is too small for a disk (%lld bytes)", path, (long long)st.st_size);
        close(fd);
        return -1;
    }
    g_fd = fd;
    return 0;
}

void host_disk_set_line(unsigned line) { g_line = line; }

/* Put a finished request on the done list and raise the line. */
static void complete(struct host_disk_req *r)
{
    pthread_mutex_lock(&g_lock);
    r->next = NULL;
    *g_done_tail = r;
    g_done_tail = &r->next;
    pthread_mutex_unlock(&g_lock);
    host_vcpu_raise(0, g_line);
}

static void finish(uv_fs_t *fs)
{
    struct host_disk_req *r = fs->data;
    ssize_t res = fs->result;
    uv_fs_req_cleanup(fs);
    free(fs);
    if (r->op == HOST_DISK_FLUSH)
        r->result = res < 0 ? (int)res : 0;
    else
        r->result = res < 0 ? (int)res : (uint64_t)res == r->len ? 0 : -EIO;
    complete(r);
}

static void start(uv_async_t *a)
{
    (void)a;
    pthread_mutex_lock(&g_lock);
    struct host_disk_req *q = g_queue;
    g_queue = NULL;
    pthread_mutex_unlock(&g_lock);
    while (q) {
        struct host_disk_req *r = q;
        q = q->next;
        uv_fs_t *fs = calloc(1, sizeof(*fs));
        if (!fs) {
            r->result = -ENOMEM;
            complete(r);
            continue;
        }
        fs->data = r;
        uv_buf_t b = uv_buf_init(r->buf, (unsigned)r->len);
        int e;
        if (r->op == HOST_DISK_READ)
            e = uv_fs_read(g_loop, fs, g_fd, &b, 1, (int64_t)r->offset, finish);
        else if (r->op == HOST_DISK_WRITE)
            e = uv_fs_write(g_loop, fs, g_fd, &b, 1, (int64_t)r->offset, finish);
        else
            e = uv_fs_fdatasync(g_loop, fs, g_fd, finish);
        if (e) { /* could not even start: complete it with the error */
            fs->result = e;
            finish(fs);
        }
    }
}

/*
 * A deterministic run does the I/O at once on the vCPU and completes the request before
 * returning: the completion is then taken at the next delivery point, the same in every
 * run, and no host thread raises the line at a time of its choosing.
 */
static void submit_now(struct host_disk_req *r)
{
    ssize_t n = r->op == HOST_DISK_READ    ? pread(g_fd, r->buf, r->len, (off_t)r->offset)
                : r->op == HOST_DISK_WRITE ? pwrite(g_fd, r->buf, r->len, (off_t)r->offset)
                                           : fdatasync(g_fd);
    if (r->op == HOST_DISK_FLUSH)
        r->result = n < 0 ? -errno : 0;
    else
        r->result = n < 0 ? -errno : (uint64_t)n == r->len ? 0 : -EIO;
    host_det_charge(HOST_DET_DISK_NS);
    complete(r);
}

void host_disk_submit(struct host_disk_req *r)
{
    if (host_det) {
        submit_now(r);
        return;
    }
    pthread_mutex_lock(&g_lock);
    r->next = g_queue; /* order does not matter: the core waits for each request */
    g_queue = r;
    pthread_mutex_unlock(&g_lock);
    uv_async_send(&g_kick);
}

struct host_disk_req *host_disk_done(void)
{
    pthread_mutex_lock(&g_lock);
    struct host_disk_req *r = g_done;
    if (r) {
        g_done = r->next;
        if (!g_done)
            g_done_tail = &g_done;
    }
    pthread_mutex_unlock(&g_lock);
    return r;
}

uint64_t host_disk_digest(void)
{
    static uint8_t buf[1 << 16];
    uint64_t h = 0xcbf29ce484222325ull;
    ssize_t n;
    if (g_fd < 0)
        return 0;
    for (off_t off = 0; (n = pread(g_fd, buf, sizeof(buf), off)) > 0; off += n)
        for (ssize_t i = 0; i < n; i++)
            h = (h ^ buf[i]) * 0x100000001b3ull;
    return h;
}

int host_disk_attach(void *loop)
{
    if (g_fd < 0)
        return 0;
    g_loop = loop;
    return uv_async_init(g_loop, &g_kick, start) ? -1 : 0;
}
