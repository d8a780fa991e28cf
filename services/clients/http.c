/*
 * services/clients/http.c - HTTP/1.1 GET over a transport (client/http.h): the request,
 * the exchange and the redirect loop.
 *
 * One exchange per URL: the connector opens a transport, the request goes out with
 * Connection: close, and the response is read in 4 KiB pieces into the incremental
 * parser (http_parse.c). The body of a final 2xx response is streamed to the caller's
 * callback (and SHA-256) as it is parsed; a redirect or an error status is not read
 * past its headers. Redirects (301, 302, 303, 307, 308) are followed up to the
 * request's bound, relative Locations resolved against the URL they came from. The
 * deadline covers the whole fetch; the transport enforces it on each read and write.
 *
 * Layer: services (client library; freestanding, no allocation).
 */
#include <client/http.h>

#include <stdio.h>
#include <string.h>

#include "hash/sha256.h"

#define HTTP_READ_CHUNK 4096

struct fetch {
    const struct http_request *req;
    struct http_response *resp;
    struct http_parser parser;
    struct sha256 sha;
    bool over_limit;
};

int http_request_build(const struct http_url *u, char *buf, size_t size)
{
    char port[8] = "";
    if (u->port != (u->https ? 443 : 80))
        snprintf(port, sizeof(port), ":%u", (unsigned)u->port);
    int n = snprintf(buf, size,
                     "GET %s HTTP/1.1\r\nHost: %s%s%s%s\r\nUser-Agent: ServiceOS\r\n"
                     "Accept: */*\r\nConnection: close\r\n\r\n",
                     u->path, u->ipv6 ? "[" : "", u->host, u->ipv6 ? "]" : "", port);
    return (n < 0 || (size_t)n >= size) ? SOS_ERR_BUFFER_TOO_SMALL : n;
}

static bool is_redirect(int status)
{
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

static bool is_success(int status)
{
    return status >= 200 && status <= 299;
}

/* The parser's body callback: only a 2xx body reaches the caller. */
static int body_sink(void *arg, const void *data, size_t len)
{
    struct fetch *f = arg;
    if (!is_success(f->parser.status))
        return 0;
    const struct http_request *req = f->req;
    if (req->max_body && f->parser.body_bytes > req->max_body) {
        f->over_limit = true;
        return SOS_ERR_NO_SPACE;
    }
    if (req->want_sha256)
        sha256_update(&f->sha, data, len);
    return req->body ? req->body(req->body_arg, data, len) : 0;
}

static int say(struct http_response *resp, int err, const char *what, const char *why)
{
    snprintf(resp->error, sizeof(resp->error), "%s: %s", what, why ? why : sos_strerror(err));
    return err;
}

/* Past the headers of a response whose body we do not want. */
static bool body_unwanted(const struct http_parser *p)
{
    return p->state != HTTP_PS_STATUS && p->state != HTTP_PS_HEADERS &&
           !is_success(p->status);
}

/* Read the response into the parser until it is complete (or its headers are, when
 * the body is not wanted). */
static int read_response(struct fetch *f, struct http_transport *t)
{
    uint8_t buf[HTTP_READ_CHUNK];
    struct http_parser *p = &f->parser;
    while (!http_parser_done(p) && !body_unwanted(p)) {
        int64_t n = t->read(t->ctx, buf, sizeof(buf), f->req->deadline);
        if (n < 0)
            return say(f->resp, (int)n, "reading the response", NULL);
        int err = n == 0 ? http_parser_finish(p) : http_parser_feed(p, buf, (size_t)n, NULL);
        if (err && f->over_limit)
            return say(f->resp, err, "response body", "larger than the allowed size");
        if (err)
            return say(f->resp, err, "bad response", p->why);
        if (n == 0)
            break;
    }
    return 0;
}

/* One request/response on a fresh connection to u. */
static int exchange(const struct http_connector *conn, struct fetch *f, const struct http_url *u)
{
    char req[HTTP_PATH_MAX + HTTP_HOST_MAX + 160];
    const char *why = NULL;
    struct http_transport t;
    int n = http_request_build(u, req, sizeof(req));
    if (n < 0)
        return say(f->resp, n, "building the request", NULL);
    int err = conn->open(conn->ctx, u, f->req->deadline, &t, &why);
    if (err)
        return say(f->resp, err, "connecting", why);
    http_parser_init(&f->parser, body_sink, f);
    if (f->req->want_sha256)
        sha256_init(&f->sha);
    err = t.write(t.ctx, req, (size_t)n, f->req->deadline);
    if (err)
        say(f->resp, err, "sending the request", NULL);
    else
        err = read_response(f, &t);
    t.close(t.ctx);
    f->resp->status = f->parser.status;
    snprintf(f->resp->reason, sizeof(f->resp->reason), "%s", f->parser.reason);
    return err;
}

/* After a redirect response: the next URL into *u. */
static int follow(struct fetch *f, struct http_url *u, int limit)
{
    const char *why = NULL;
    struct http_url next;
    if (f->resp->redirects >= (uint32_t)limit) {
        snprintf(f->resp->error, sizeof(f->resp->error),
                 "too many redirects (more than %d)", limit);
        return SOS_ERR_OUT_OF_RANGE;
    }
    if (f->parser.location_too_long)
        return say(f->resp, SOS_ERR_BAD_FORMAT, "redirect", "Location is too long");
    if (!f->parser.location[0])
        return say(f->resp, SOS_ERR_BAD_FORMAT, "redirect", "no Location header");
    int err = http_url_resolve(u, f->parser.location, &next, &why);
    if (err)
        return say(f->resp, err, "redirect", why);
    *u = next;
    f->resp->redirects++;
    return 0;
}

static int final_status(struct fetch *f)
{
    struct http_response *resp = f->resp;
    int s = resp->status;
    if (is_success(s)) {
        resp->body_len = f->parser.body_bytes;
        if (f->req->want_sha256)
            sha256_final(&f->sha, resp->sha256);
        resp->error[0] = 0;
        return 0;
    }
    snprintf(resp->error, sizeof(resp->error), "server answered %d %s", s, resp->reason);
    return (s == 404 || s == 410) ? SOS_ERR_NOT_FOUND : SOS_ERR_IO;
}

int http_get(const struct http_connector *conn, const struct http_request *req,
             struct http_response *resp)
{
    struct fetch f = {.req = req, .resp = resp};
    struct http_url u;
    const char *why = NULL;
    int limit = req->max_redirects;
    memset(resp, 0, sizeof(*resp));
    if (limit < 0 || limit > HTTP_REDIRECTS_MAX)
        limit = HTTP_REDIRECTS_MAX;
    int err = http_url_parse(req->url, &u, &why);
    if (err)
        return say(resp, err, "bad URL", why);
    for (;;) {
        http_url_format(&u, resp->url, sizeof(resp->url));
        err = exchange(conn, &f, &u);
        if (err)
            return err;
        if (!is_redirect(resp->status))
            return final_status(&f);
        err = follow(&f, &u, limit);
        if (err)
            return err;
    }
}
