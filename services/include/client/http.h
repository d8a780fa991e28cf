/*
 * services/include/client/http.h - an HTTP/1.1 client over an abstract transport.
 *
 * The client knows nothing of sockets: it reads and writes bytes through a
 * struct http_transport (read/write/close callbacks and a context), and opens one
 * through a struct http_connector for each URL it visits (the first and every redirect).
 * On ServiceOS a connector opens a TCP channel of the network service, wrapped in TLS
 * (client/tls.h) for https; the host tests give it a fake transport or a real socket.
 * docs/network.md, "HTTP and TLS", describes the seam.
 *
 * It sends GET with Host, User-Agent: ServiceOS and Connection: close, and parses the
 * response incrementally (http_parser: status line, headers, Content-Length, chunked
 * and read-to-close bodies) into bounded buffers: nothing grows with the input. The body
 * goes to a callback as it arrives, optionally hashed with SHA-256. Every failure is a
 * negative SOS_ERR_* and a sentence.
 *
 * Layer: services (client library; freestanding, no allocation).
 */
#ifndef CLIENT_HTTP_H
#define CLIENT_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sos/errors.h>
#include <sos/types.h>

#define HTTP_HOST_MAX 254       /* a DNS name is at most 253 characters (+ NUL) */
#define HTTP_PATH_MAX 2048      /* path and query, sent as the request target */
#define HTTP_URL_MAX 2304       /* a whole URL: scheme, host, port, path */
#define HTTP_LINE_MAX 4096      /* one status, header, chunk-size or trailer line */
#define HTTP_HEADERS_MAX 100    /* header lines (and, separately, trailer lines) */
#define HTTP_HEAD_BYTES_MAX 65536 /* all header lines of one response together */
#define HTTP_REDIRECTS_MAX 5
#define HTTP_REASON_MAX 64
#define HTTP_ERROR_MAX 160
/* A Content-Length or chunk size past this is refused as absurd (2^48 bytes, 256 TiB). */
#define HTTP_LENGTH_MAX (1ull << 48)

/* ---- URLs */

struct http_url {
    bool https;
    bool ipv6;                  /* host is an IPv6 literal (written without brackets) */
    uint16_t port;              /* given or the scheme's default (80, 443) */
    char host[HTTP_HOST_MAX];   /* lower case */
    char path[HTTP_PATH_MAX];   /* starts with '/', fragment removed */
};

/* Parse an absolute http:// or https:// URL. 0, or SOS_ERR_INVALID_ARGS with *why set
 * to a sentence (userinfo, bad port, bad IPv6 literal, control characters...). */
int http_url_parse(const char *text, struct http_url *out, const char **why);

/* Resolve a Location value against the URL it came from: absolute, scheme-relative
 * (//host/p), absolute-path (/p), relative path (p, ../p) or query (?q). */
int http_url_resolve(const struct http_url *base, const char *ref, struct http_url *out,
                     const char **why);

/* Write the URL back as text; SOS_ERR_BUFFER_TOO_SMALL if it does not fit. */
int http_url_format(const struct http_url *u, char *buf, size_t size);

/* ---- Transport */

/*
 * A byte stream. read returns > 0 bytes read, 0 at the end of the stream, or a negative
 * SOS_ERR_* (SOS_ERR_TIMED_OUT once `deadline`, monotonic ns, has passed); write
 * returns 0 once all len bytes are taken, or SOS_ERR_*. close releases everything the
 * transport holds; it is called exactly once per opened transport.
 */
struct http_transport {
    void *ctx;
    int64_t (*read)(void *ctx, void *buf, size_t len, sos_time_t deadline);
    int (*write)(void *ctx, const void *buf, size_t len, sos_time_t deadline);
    void (*close)(void *ctx);
};

/*
 * Opens a transport to url's host and port (through TLS when url->https). On failure
 * returns SOS_ERR_* and may point *why at a sentence; nothing is left open.
 */
struct http_connector {
    void *ctx;
    int (*open)(void *ctx, const struct http_url *url, sos_time_t deadline,
                struct http_transport *out, const char **why);
};

/* ---- Response parser (incremental; also what the fuzzer drives) */

enum http_parse_state {
    HTTP_PS_STATUS, HTTP_PS_HEADERS, HTTP_PS_BODY_LENGTH, HTTP_PS_BODY_CLOSE,
    HTTP_PS_CHUNK_SIZE, HTTP_PS_CHUNK_DATA, HTTP_PS_CHUNK_CRLF, HTTP_PS_TRAILERS,
    HTTP_PS_DONE, HTTP_PS_ERROR,
};

/* Body bytes as they are parsed; a negative return aborts the parse with that error. */
typedef int (*http_body_fn)(void *arg, const void *data, size_t len);

struct http_parser {
    enum http_parse_state state;
    int status;                     /* 100..999 */
    char reason[HTTP_REASON_MAX];   /* truncated */
    bool has_length, chunked, no_body;
    uint64_t content_length;
    uint64_t remaining;             /* of the body or the current chunk */
    uint64_t body_bytes;            /* delivered so far */
    char location[HTTP_URL_MAX];    /* empty when none */
    bool location_too_long;
    uint32_t nheaders;              /* header (or trailer) lines of the current block */
    uint32_t head_bytes;            /* header bytes of the current block */
    uint32_t line_len;
    bool line_cr;                   /* the line so far ended in CR */
    char line[HTTP_LINE_MAX];
    http_body_fn body;
    void *body_arg;
    bool interim;                   /* a 1xx response: another follows */
    int err;                        /* the first error, sticky */
    const char *why;                /* its sentence */
};

/* Start parsing one response. A body callback may be NULL (the body is dropped). */
void http_parser_init(struct http_parser *p, http_body_fn body, void *arg);

/* Feed bytes: 0 or SOS_ERR_* (BAD_FORMAT for malformed input, with p->why). Bytes
 * after the end of the response are ignored (*used, if given, says how many counted). */
int http_parser_feed(struct http_parser *p, const void *data, size_t len, size_t *used);

/* The stream ended: 0 if the response is complete (a read-to-close body ends here),
 * else SOS_ERR_BAD_FORMAT ("truncated ..."). */
int http_parser_finish(struct http_parser *p);

static inline bool http_parser_done(const struct http_parser *p)
{
    return p->state == HTTP_PS_DONE;
}

/* ---- Fetching */

struct http_request {
    const char *url;
    sos_time_t deadline;        /* for the whole fetch, redirects included */
    int max_redirects;          /* 0..HTTP_REDIRECTS_MAX; below 0 means the maximum */
    uint64_t max_body;          /* 0: no limit; else a longer body fails with NO_SPACE */
    bool want_sha256;
    http_body_fn body;          /* the final 2xx response's body; may be NULL */
    void *body_arg;
};

struct http_response {
    int status;                 /* of the last response received, 0 if none */
    char reason[HTTP_REASON_MAX];
    uint64_t body_len;
    uint8_t sha256[32];         /* when want_sha256 and the fetch succeeded */
    uint32_t redirects;         /* followed */
    char url[HTTP_URL_MAX];     /* the last URL requested */
    char error[HTTP_ERROR_MAX]; /* the sentence when the fetch failed, else empty */
};

/*
 * GET req->url through conn, following up to max_redirects 301/302/303/307/308
 * responses, and stream the final response's body to req->body. 0 when that response
 * is 2xx and its body arrived whole; else SOS_ERR_* and resp->error (a non-2xx final
 * status is SOS_ERR_NOT_FOUND for 404 and 410, SOS_ERR_IO otherwise; its body is not
 * delivered). A body callback may have seen part of a body that then failed.
 */
int http_get(const struct http_connector *conn, const struct http_request *req,
             struct http_response *resp);

/* Build the request for u into buf: its length, or SOS_ERR_BUFFER_TOO_SMALL. */
int http_request_build(const struct http_url *u, char *buf, size_t size);

#endif
