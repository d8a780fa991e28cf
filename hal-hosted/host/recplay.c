/*
 * hal-hosted/host/recplay.c - the record file of a run, written (--record) and played
 * back (--replay); the format and its parser are record.c's.
 *
 * Recording: every kernel event is appended to a buffer that becomes an EVENTS record
 * when it fills, or before an input record (so the file stays in time order), or at
 * power-off, which adds the END record. Replaying: the whole file is read and checked
 * before the boot; then each event the run makes is compared with the next one in the
 * file, and the first that differs stops the run with both events, its number and its
 * virtual time (exit status HOST_DIVERGED_STATUS). At an idle point the input recorded
 * there, if any, is delivered instead of what standard input holds.
 *
 * Layer: hal-hosted, host world (libc only).
 */
#define _GNU_SOURCE
#include "determ.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define EVBUF 65536u

static int g_fd = -1;
static const char *g_path;
static uint8_t g_ev[EVBUF];
static size_t g_evlen;
static bool g_write_failed;

static void put(const void *buf, size_t len)
{
    const uint8_t *p = buf;
    while (len && !g_write_failed) {
        ssize_t n = write(g_fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            fprintf(stderr, "serviceos-sim: cannot write the record file %s: %s; it ends "
                            "here\n", g_path, strerror(errno));
            g_write_failed = true;
            return;
        }
        p += n, len -= (size_t)n;
    }
}

static void put_record(unsigned type, const uint8_t *payload, size_t len)
{
    uint8_t head[5];
    put(head, host_rec_put_head(head, type, (uint32_t)len));
    put(payload, len);
}

static void flush_events(void)
{
    if (g_evlen)
        put_record(HOST_REC_EVENTS, g_ev, g_evlen);
    g_evlen = 0;
}

int rec_open(const char *path, const struct host_rec_header *h, char *err, size_t errlen)
{
    g_path = path;
    g_fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (g_fd < 0) {
        snprintf(err, errlen, "cannot create the record file %s: %s", path, strerror(errno));
        return -1;
    }
    uint8_t head[HOST_REC_HEADER];
    put(head, host_rec_put_header(head, h));
    return g_write_failed ? -1 : 0;
}

void rec_event(const struct host_rec_event *e)
{
    if (g_evlen + 32 > EVBUF)
        flush_events();
    g_evlen += host_rec_put_event(g_ev + g_evlen, e);
}

void rec_input(unsigned type, uint64_t event, int64_t vtime, const void *data, size_t len)
{
    uint8_t rec[HOST_REC_INPUT_MAX + 20];
    flush_events();
    size_t n = host_rec_put_varint(rec, event);
    n += host_rec_put_varint(rec + n, (uint64_t)vtime);
    memcpy(rec + n, data, len);
    put_record(type, rec, n + len);
}

void rec_end(const struct host_rec_end *end)
{
    uint8_t rec[48];
    flush_events();
    size_t n = host_rec_put_varint(rec, end->events);
    for (int i = 0; i < 8; i++)
        rec[n++] = (uint8_t)(end->hash >> (8 * i));
    n += host_rec_put_varint(rec + n, end->vtime);
    n += host_rec_put_varint(rec + n, end->status);
    put_record(HOST_REC_END, rec, n);
    if (g_write_failed || fsync(g_fd))
        fprintf(stderr, "serviceos-sim: the record file %s is incomplete\n", g_path);
}

/* ---- replay */

static uint8_t *g_file;
static struct host_rec_cursor g_cur;

static int read_all(const char *path, size_t *len, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "cannot read the record file %s: %s", path,
                 fd < 0 ? strerror(errno) : "not a regular file");
        if (fd >= 0)
            close(fd);
        return -1;
    }
    g_file = malloc((size_t)st.st_size + 1);
    size_t got = 0;
    while (g_file && got < (size_t)st.st_size) {
        ssize_t n = read(fd, g_file + got, (size_t)st.st_size - got);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    if (!g_file || got != (size_t)st.st_size) {
        snprintf(err, errlen, "cannot read the record file %s", path);
        return -1;
    }
    *len = got;
    return 0;
}

int replay_open(const char *path, struct host_rec_header *h, char *err, size_t errlen)
{
    size_t len;
    char why[200];
    g_path = path;
    if (read_all(path, &len, err, errlen))
        return -1;
    if (host_rec_parse(g_file, len, h, &g_cur, why, sizeof(why))) {
        snprintf(err, errlen, "%s is not a usable record file: %s", path, why);
        return -1;
    }
    return 0;
}

void det_diverged(uint64_t index, int64_t vtime, const char *recorded, const char *replayed)
{
    fprintf(stderr, "serviceos-sim: replay of %s diverged at event %llu (virtual time "
            "%lld.%09lld s): the recording has %s, this run %s\n", g_path,
            (unsigned long long)index, (long long)(vtime / 1000000000),
            (long long)(vtime % 1000000000), recorded, replayed);
    host_console_restore();
    _exit(HOST_DIVERGED_STATUS);
}

/* What the file has next, in words. */
static void describe_next(char *out, size_t len)
{
    struct host_rec_cursor c = g_cur;
    struct host_rec_event e;
    struct host_rec_end end;
    uint64_t ev, vt;
    const uint8_t *d;
    size_t n;
    unsigned type;
    if (host_rec_next_event(&c, &e))
        host_rec_describe(&e, out, len);
    else if (host_rec_next_input(&c, &type, &ev, &vt, &d, &n))
        snprintf(out, len, "%s (%zu bytes) at an idle point",
                 type == HOST_REC_NET ? "a frame for the network card" : "console input", n);
    else if (host_rec_at_end(&c, &end))
        snprintf(out, len, "the end of the run (power-off with status %llu)",
                 (unsigned long long)end.status);
}

void replay_event(const struct host_rec_event *e, uint64_t index, int64_t vtime)
{
    struct host_rec_cursor before = g_cur;
    struct host_rec_event want;
    if (host_rec_next_event(&g_cur, &want) && want.kind == e->kind && want.a == e->a &&
        want.b == e->b)
        return;
    char rec[120] = "", got[120];
    g_cur = before;
    describe_next(rec, sizeof(rec));
    host_rec_describe(e, got, sizeof(got));
    det_diverged(index, vtime, rec, got);
}

size_t replay_input(uint64_t index, int64_t vtime, unsigned *type, void *buf)
{
    uint64_t ev, vt;
    const uint8_t *d;
    size_t n;
    if (!host_rec_next_input(&g_cur, type, &ev, &vt, &d, &n))
        return 0;
    if (ev != index || vt != (uint64_t)vtime) {
        char rec[120];
        snprintf(rec, sizeof(rec), "%s at event %llu, virtual time %llu ns",
                 *type == HOST_REC_NET ? "a frame" : "console input", (unsigned long long)ev,
                 (unsigned long long)vt);
        det_diverged(index, vtime, rec, "reached that input at another point");
    }
    memcpy(buf, d, n);
    return n;
}

bool replay_has_more(void)
{
    struct host_rec_cursor c = g_cur;
    struct host_rec_end end;
    return !host_rec_at_end(&c, &end);
}

int replay_end(const struct host_rec_end *run)
{
    struct host_rec_end want;
    struct host_rec_cursor c = g_cur;
    char rec[160], got[160];
    if (!host_rec_at_end(&c, &want)) {
        describe_next(rec, sizeof(rec));
        snprintf(got, sizeof(got), "a power-off with status %llu", (unsigned long long)run->status);
    } else if (want.events != run->events || want.hash != run->hash ||
               want.status != run->status) {
        snprintf(rec, sizeof(rec), "%llu events, hash %016llx, status %llu",
                 (unsigned long long)want.events, (unsigned long long)want.hash,
                 (unsigned long long)want.status);
        snprintf(got, sizeof(got), "%llu events, hash %016llx, status %llu",
                 (unsigned long long)run->events, (unsigned long long)run->hash,
                 (unsigned long long)run->status);
    } else {
        fprintf(stderr, "serviceos-sim: replay of %s: the same %llu events as recorded\n",
                g_path, (unsigned long long)run->events);
        return 0;
    }
    fprintf(stderr, "serviceos-sim: replay of %s diverged at the end: the recording has %s, "
                    "this run %s\n", g_path, rec, got);
    return HOST_DIVERGED_STATUS;
}
