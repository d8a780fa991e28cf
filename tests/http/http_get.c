/*
 * tests/http/http_get.c - the HTTP client and the TLS transport of services/clients,
 * built for the host with a transport over a real TCP socket, as a command for the
 * host tests (run-http.py) and for a person trying them:
 *
 *   http-get [--ca PEM] [--connect IP] [--redirects N] [--timeout-ms N] URL
 *
 * It connects every URL's host name to --connect (default 127.0.0.1: these tests stay on
 * loopback), wraps https in TLS trusting the certificates of --ca, seeds TLS from the
 * host's getrandom and takes the time from the host clock. On success it prints
 * "ok status=... bytes=... sha256=... redirects=... url=..." and exits 0; on failure
 * "error: <message>" and exits 1. The body is hashed as it streams and then dropped.
 *
 * Layer: host test program (libc, sockets).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <client/http.h>
#include <client/tls.h>

struct opts {
    const char *ca, *connect, *url;
    int redirects;
    long timeout_ms;
};

static struct tls_trust *g_trust;

static sos_time_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (sos_time_t)ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

/* Wait until fd is ready for events or the deadline passes. */
static int wait_fd(int fd, short events, sos_time_t deadline)
{
    sos_time_t left = deadline - now_ns();
    if (left <= 0)
        return SOS_ERR_TIMED_OUT;
    struct pollfd p = {fd, events, 0};
    int r = poll(&p, 1, (int)(left / 1000000 + 1));
    return r > 0 ? 0 : r == 0 ? SOS_ERR_TIMED_OUT : SOS_ERR_IO;
}

static int64_t sock_read(void *ctx, void *buf, size_t len, sos_time_t deadline)
{
    int fd = (int)(intptr_t)ctx;
    int err = wait_fd(fd, POLLIN, deadline);
    if (err)
        return err;
    ssize_t n = read(fd, buf, len);
    return n >= 0 ? n : SOS_ERR_IO;
}

static int sock_write(void *ctx, const void *buf, size_t len, sos_time_t deadline)
{
    int fd = (int)(intptr_t)ctx;
    const char *p = buf;
    while (len > 0) {
        int err = wait_fd(fd, POLLOUT, deadline);
        if (err)
            return err;
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n < 0)
            return errno == EPIPE ? SOS_ERR_PEER_CLOSED : SOS_ERR_IO;
        p += n, len -= (size_t)n;
    }
    return 0;
}

static void sock_close(void *ctx)
{
    close((int)(intptr_t)ctx);
}

static int host_entropy(void *ctx, void *buf, size_t len)
{
    (void)ctx;
    return getrandom(buf, len, 0) == (ssize_t)len ? 0 : SOS_ERR_IO;
}

/* The connector: TCP to opts->connect, then TLS for https. */
static int open_url(void *ctx, const struct http_url *url, sos_time_t deadline,
                    struct http_transport *out, const char **why)
{
    const struct opts *o = ctx;
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(url->port)};
    inet_pton(AF_INET, o->connect, &sa.sin_addr);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
        *why = "connection refused";
        if (fd >= 0)
            close(fd);
        return SOS_ERR_PEER_CLOSED;
    }
    struct http_transport tcp = {(void *)(intptr_t)fd, sock_read, sock_write, sock_close};
    if (!url->https) {
        *out = tcp;
        return 0;
    }
    struct tls_config cfg = {
        .trust = g_trust,
        .entropy = {NULL, host_entropy},
        .unix_time = (uint64_t)time(NULL),
    };
    return tls_client_open(&cfg, &tcp, url->host, deadline, out, why);
}

static int load_ca(const char *path)
{
    FILE *f = fopen(path, "rb");
    static char pem[1 << 20];
    if (!f) {
        printf("error: cannot open %s\n", path);
        return -1;
    }
    size_t n = fread(pem, 1, sizeof(pem), f);
    fclose(f);
    const char *why = NULL;
    g_trust = tls_trust_new();
    int r = tls_trust_add_pem(g_trust, pem, n, &why);
    if (r <= 0) {
        printf("error: trust store %s: %s\n", path, r ? why : "no certificates");
        return -1;
    }
    return 0;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
    *o = (struct opts){.connect = "127.0.0.1", .redirects = -1, .timeout_ms = 20000};
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--ca") && i + 1 < argc)
            o->ca = argv[++i];
        else if (!strcmp(argv[i], "--connect") && i + 1 < argc)
            o->connect = argv[++i];
        else if (!strcmp(argv[i], "--redirects") && i + 1 < argc)
            o->redirects = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--timeout-ms") && i + 1 < argc)
            o->timeout_ms = atol(argv[++i]);
        else if (argv[i][0] != '-' && !o->url)
            o->url = argv[i];
        else
            return -1;
    }
    return o->url ? 0 : -1;
}

int main(int argc, char **argv)
{
    struct opts o;
    if (parse_args(argc, argv, &o) != 0) {
        fprintf(stderr, "usage: http-get [--ca PEM] [--connect IP] [--redirects N] "
                        "[--timeout-ms N] URL\n");
        return 2;
    }
    if (o.ca && load_ca(o.ca) != 0)
        return 1;
    struct http_connector conn = {&o, open_url};
    struct http_request req = {
        .url = o.url, .deadline = now_ns() + o.timeout_ms * 1000000ll,
        .max_redirects = o.redirects, .want_sha256 = true,
    };
    static struct http_response resp;
    int err = http_get(&conn, &req, &resp);
    tls_trust_free(g_trust);
    if (err) {
        printf("error: %s\n", resp.error);
        return 1;
    }
    printf("ok status=%d bytes=%llu sha256=", resp.status, (unsigned long long)resp.body_len);
    for (int i = 0; i < 32; i++)
        printf("%02x", resp.sha256[i]);
    printf(" redirects=%u url=%s\n", resp.redirects, resp.url);
    return 0;
}
