/*
 * tests/bench/netpeer.c - the host's side of the network benchmarks (run-netbench.py), in
 * C so that the baseline's client costs what the guest's C client costs, not what
 * Python's does.
 *
 *   netpeer serve ADDR            a sink on ADDR:7100 (reads each connection to its end,
 *                                 then closes) and a closer on ADDR:7101 (accepts and
 *                                 closes at once), in one poll loop; prints "ready"
 *   netpeer bulk HOST BYTES       sends BYTES to HOST:7100, shuts down its side, waits
 *                                 for the sink's close; prints "ns=T"
 *   netpeer conn HOST MS          connect + close to HOST:7101 for MS milliseconds;
 *                                 prints "n=N ns=T"
 *
 * Layer: benchmark harness (host program, never in an image).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAXFD 256

static int64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static struct sockaddr_in addr_of(const char *host, int port)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    if (inet_pton(AF_INET, host, &a.sin_addr) != 1) {
        fprintf(stderr, "netpeer: %s is not an IPv4 address\n", host);
        exit(2);
    }
    return a;
}

static int listen_on(const char *host, int port)
{
    struct sockaddr_in a = addr_of(host, port);
    int one = 1, fd = socket(AF_INET, SOCK_STREAM, 0);
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, 1024)) {
        perror("netpeer: listen");
        exit(1);
    }
    return fd;
}

static int serve(const char *host)
{
    struct pollfd p[MAXFD] = {{listen_on(host, 7100), POLLIN, 0}, {listen_on(host, 7101), POLLIN, 0}};
    int n = 2;
    static char buf[1 << 16];
    printf("ready\n");
    fflush(stdout);
    for (;;) {
        if (poll(p, (nfds_t)n, -1) < 0)
            return 1;
        for (int i = n - 1; i >= 0; i--) {
            if (!p[i].revents)
                continue;
            if (i == 1) {
                int c = accept(p[1].fd, NULL, NULL);
                if (c >= 0)
                    close(c);
            } else if (i == 0) {
                int c = accept(p[0].fd, NULL, NULL);
                if (c >= 0 && n < MAXFD)
                    p[n++] = (struct pollfd){c, POLLIN, 0};
                else if (c >= 0)
                    close(c);
            } else if (read(p[i].fd, buf, sizeof(buf)) <= 0) {
                close(p[i].fd);
                p[i] = p[--n];
            }
        }
    }
}

static int connect_to(const char *host, int port)
{
    struct sockaddr_in a = addr_of(host, port);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a))) {
        perror("netpeer: connect");
        exit(1);
    }
    return fd;
}

static int bulk(const char *host, long bytes)
{
    static char buf[1 << 16];
    memset(buf, 0x5a, sizeof(buf));
    int64_t t0 = now_ns();
    int fd = connect_to(host, 7100);
    for (long sent = 0; sent < bytes;) {
        ssize_t w = write(fd, buf, sizeof(buf) < (size_t)(bytes - sent) ? sizeof(buf) : (size_t)(bytes - sent));
        if (w <= 0) {
            perror("netpeer: write");
            return 1;
        }
        sent += w;
    }
    shutdown(fd, SHUT_WR);
    while (read(fd, buf, sizeof(buf)) > 0)
        ;
    printf("ns=%lld\n", (long long)(now_ns() - t0));
    close(fd);
    return 0;
}

static int conn(const char *host, long ms)
{
    int64_t t0 = now_ns(), t = t0;
    long n = 0;
    while (t - t0 < ms * 1000000) {
        close(connect_to(host, 7101));
        n++;
        t = now_ns();
    }
    printf("n=%ld ns=%lld\n", n, (long long)(t - t0));
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "serve"))
        return serve(argv[2]);
    if (argc == 4 && !strcmp(argv[1], "bulk"))
        return bulk(argv[2], atol(argv[3]));
    if (argc == 4 && !strcmp(argv[1], "conn"))
        return conn(argv[2], atol(argv[3]));
    fprintf(stderr, "usage: netpeer serve ADDR | bulk HOST BYTES | conn HOST MS\n");
    return 2;
}
