/*
 * tests/bench/harness/simrun.c - serviceos-sim as a child: the benchmark image runs and
 * the full-graph boots.
 *
 * The child's standard input and output are pipes; its output is read line by line
 * (the shell prompt has no newline, so an unfinished line can match a prompt). While
 * the image runs, the per-thread CPU time of the child between "BENCH-BEGIN" and the
 * result line shows how busy each vCPU thread was (the libuv and main threads sleep).
 *
 * Layer: tests/bench (host program).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

int64_t h_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* ---- the child process */

int h_sim_start(struct h_sim *s, char *const argv[], FILE *log)
{
    int in[2], out[2];
    memset(s, 0, sizeof(*s));
    s->status = -1;
    s->log = log;
    if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC))
        return -1;
    s->t_start = h_now();
    s->pid = fork();
    if (s->pid < 0)
        return -1;
    if (s->pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        dup2(out[1], 2);
        execv(argv[0], argv);
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    s->in_fd = in[1];
    s->out_fd = out[0];
    if (log) {
        fprintf(log, "$");
        for (int i = 0; argv[i]; i++)
            fprintf(log, " %s", argv[i]);
        fprintf(log, "\n");
    }
    return 0;
}

static int take_line(struct h_sim *s, char *line, size_t cap)
{
    char *nl = memchr(s->buf, '\n', s->len);
    if (!nl)
        return 0;
    size_t n = (size_t)(nl - s->buf);
    size_t keep = n < cap ? n : cap - 1;
    memcpy(line, s->buf, keep);
    line[keep] = 0;
    if (keep && line[keep - 1] == '\r')
        line[keep - 1] = 0;
    memmove(s->buf, nl + 1, s->len - n - 1);
    s->len -= n + 1;
    if (s->log)
        fprintf(s->log, "%s\n", line);
    return 1;
}

int h_sim_line(struct h_sim *s, char *line, size_t cap, const char *prompt, int64_t deadline)
{
    for (;;) {
        if (take_line(s, line, cap))
            return 1;
        size_t pl = prompt ? strlen(prompt) : 0;
        if (pl && s->len >= pl && !memcmp(s->buf + s->len - pl, prompt, pl)) {
            snprintf(line, cap, "%.*s", (int)s->len, s->buf);
            if (s->log)
                fprintf(s->log, "%s", line);
            s->len = 0;
            return 2;
        }
        if (s->len == sizeof(s->buf)) { /* a line longer than the buffer: cut it */
            s->buf[s->len - 1] = '\n';
            continue;
        }
        if (s->out_fd < 0)
            return 0;
        int64_t left = deadline - h_now();
        if (left <= 0)
            return -1;
        struct pollfd p = {s->out_fd, POLLIN, 0};
        int r = poll(&p, 1, (int)(left / 1000000) + 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            continue;
        ssize_t n = read(s->out_fd, s->buf + s->len, sizeof(s->buf) - s->len);
        if (n <= 0) {
            close(s->out_fd);
            s->out_fd = -1;
            if (s->len) { /* a last line without a newline */
                s->buf[s->len < sizeof(s->buf) ? s->len : s->len - 1] = '\n';
                s->len += s->len < sizeof(s->buf);
            }
            continue;
        }
        s->len += (size_t)n;
    }
}

int h_sim_send(struct h_sim *s, const char *text)
{
    size_t n = strlen(text);
    if (s->log)
        fprintf(s->log, "[sent] %s", text);
    return write(s->in_fd, text, n) == (ssize_t)n ? 0 : -1;
}

int h_sim_wait(struct h_sim *s, int64_t deadline)
{
    int st;
    for (;;) {
        pid_t r = wait4(s->pid, &st, WNOHANG, &s->ru);
        if (r == s->pid)
            break;
        if (r < 0)
            return -1;
        if (h_now() > deadline) {
            kill(s->pid, SIGKILL);
            wait4(s->pid, &st, 0, &s->ru);
            break;
        }
        struct timespec ts = {0, 2000000};
        nanosleep(&ts, NULL);
    }
    s->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    if (s->in_fd >= 0)
        close(s->in_fd);
    if (s->out_fd >= 0)
        close(s->out_fd);
    s->in_fd = s->out_fd = -1;
    if (s->log)
        fprintf(s->log, "[exit status %d, peak RSS %ld KiB]\n", s->status, s->ru.ru_maxrss);
    return 0;
}

/* ---- per-thread CPU time */

void h_threads_snap(pid_t pid, struct h_threads *t)
{
    char path[64];
    t->n = 0;
    t->at = h_now();
    snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
    DIR *d = opendir(path);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) && t->n < H_MAX_THREADS) {
        if (e->d_name[0] == '.')
            continue;
        char p2[96];
        snprintf(p2, sizeof(p2), "/proc/%d/task/%.32s/schedstat", (int)pid, e->d_name);
        FILE *f = fopen(p2, "r");
        unsigned long long ns;
        if (f && fscanf(f, "%llu", &ns) == 1) {
            t->tid[t->n] = atoi(e->d_name);
            t->ns[t->n++] = ns;
        }
        if (f)
            fclose(f);
    }
    closedir(d);
}

void h_threads_busy(const struct h_threads *a, const struct h_threads *b, char *out, size_t n)
{
    double wall = (double)(b->at - a->at), top[2] = {0, 0};
    if (wall < 20e6) { /* too short to say (a quick run): both lines came in one read */
        snprintf(out, n, "vcpu_busy=n/a");
        return;
    }
    for (unsigned i = 0; i < b->n; i++)
        for (unsigned j = 0; j < a->n; j++) {
            if (a->tid[j] != b->tid[i])
                continue;
            double share = wall > 0 ? (double)(b->ns[i] - a->ns[j]) / wall : 0;
            share = share > 1 ? 1 : share; /* the two clocks are read a moment apart */
            if (share > top[0]) {
                top[1] = top[0];
                top[0] = share;
            } else if (share > top[1]) {
                top[1] = share;
            }
        }
    snprintf(out, n, "vcpu_busy=%.0f%%,%.0f%%", top[0] * 100, top[1] * 100);
}
