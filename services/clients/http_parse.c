/*
 * services/clients/http_parse.c - the HTTP/1.1 response parser (client/http.h).
 *
 * A byte-at-a-time state machine for lines (status line, headers, chunk sizes,
 * trailers) and a bulk path for body bytes, so it can be fed whatever a transport
 * returns, one byte or a megabyte at a time, and keeps nothing but one line
 * (HTTP_LINE_MAX) and a few numbers. Each limit is a clear error: a line without CRLF,
 * a line too long, more than HTTP_HEADERS_MAX header lines or HTTP_HEAD_BYTES_MAX
 * header bytes, a Content-Length or chunk size that is not plain digits or is past
 * HTTP_LENGTH_MAX, conflicting lengths, unknown transfer codings, folded headers, and
 * streams that end early. The first error sticks.
 *
 * Layer: services (client library; freestanding, no allocation).
 */
#include <client/http.h>

#include <string.h>

static int fail(struct http_parser *p, int err, const char *why)
{
    if (!p->err) {
        p->err = err;
        p->why = why;
        p->state = HTTP_PS_ERROR;
    }
    return p->err;
}

void http_parser_init(struct http_parser *p, http_body_fn body, void *arg)
{
    memset(p, 0, sizeof(*p));
    p->state = HTTP_PS_STATUS;
    p->body = body;
    p->body_arg = arg;
}

/* ---- lines */

/* Take one byte of a line: 1 when the line is complete (CRLF seen, not stored), 0 to go
 * on, or an error. Every header-ish byte counts toward HTTP_HEAD_BYTES_MAX. */
static int line_byte(struct http_parser *p, char c)
{
    if (++p->head_bytes > HTTP_HEAD_BYTES_MAX)
        return fail(p, SOS_ERR_BAD_FORMAT, "response headers exceed 64 KiB");
    if (p->line_cr) {
        if (c != '\n')
            return fail(p, SOS_ERR_BAD_FORMAT, "CR not followed by LF in response");
        p->line_cr = false;
        p->line[p->line_len] = 0;
        return 1;
    }
    if (c == '\r') {
        p->line_cr = true;
        return 0;
    }
    if (c == '\n')
        return fail(p, SOS_ERR_BAD_FORMAT, "response line ends without CRLF");
    if (c == 0)
        return fail(p, SOS_ERR_BAD_FORMAT, "NUL byte in response head");
    if (p->line_len + 1 >= HTTP_LINE_MAX)
        return fail(p, SOS_ERR_BAD_FORMAT, "response line longer than 4096 bytes");
    p->line[p->line_len++] = c;
    return 0;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int hex_val(char c)
{
    if (is_digit(c))
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static bool is_tchar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) ||
           (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* ---- status line and headers */

static int status_line(struct http_parser *p)
{
    const char *l = p->line;
    if (p->line_len < 12 || memcmp(l, "HTTP/", 5) != 0 || !is_digit(l[5]) || l[6] != '.' ||
        !is_digit(l[7]) || l[8] != ' ')
        return fail(p, SOS_ERR_BAD_FORMAT, "malformed HTTP status line");
    if (l[5] != '1')
        return fail(p, SOS_ERR_NOT_SUPPORTED, "server answered with an HTTP version other than 1.x");
    if (!is_digit(l[9]) || !is_digit(l[10]) || !is_digit(l[11]) ||
        (p->line_len > 12 && l[12] != ' '))
        return fail(p, SOS_ERR_BAD_FORMAT, "malformed HTTP status code");
    p->status = (l[9] - '0') * 100 + (l[10] - '0') * 10 + (l[11] - '0');
    if (p->status < 100 || p->status > 599)
        return fail(p, SOS_ERR_BAD_FORMAT, "HTTP status code outside 100..599");
    size_t r = 0;
    for (const char *s = l + (p->line_len > 12 ? 13 : 12); *s && r + 1 < HTTP_REASON_MAX; s++)
        p->reason[r++] = ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f) ? '?' : *s;
    p->reason[r] = 0;
    if (p->status == 101)
        return fail(p, SOS_ERR_NOT_SUPPORTED, "server switched protocols (101) unasked");
    p->interim = p->status < 200;
    p->state = HTTP_PS_HEADERS;
    p->nheaders = 0;
    return 0;
}

/* Digits only, at most HTTP_LENGTH_MAX. */
static int parse_length(struct http_parser *p, const char *v, uint64_t *out)
{
    uint64_t n = 0;
    if (!*v)
        return fail(p, SOS_ERR_BAD_FORMAT, "empty Content-Length");
    for (; *v; v++) {
        if (!is_digit(*v))
            return fail(p, SOS_ERR_BAD_FORMAT, "Content-Length is not a plain number");
        n = n * 10 + (uint64_t)(*v - '0');
        if (n > HTTP_LENGTH_MAX)
            return fail(p, SOS_ERR_BAD_FORMAT, "Content-Length is absurdly large");
    }
    *out = n;
    return 0;
}

/* Transfer-Encoding: only "chunked" (any case, surrounding spaces) is understood. */
static int transfer_coding(struct http_parser *p, const char *v)
{
    if (strcasecmp(v, "chunked") != 0)
        return fail(p, SOS_ERR_NOT_SUPPORTED, "unsupported Transfer-Encoding (only chunked)");
    if (p->chunked)
        return fail(p, SOS_ERR_BAD_FORMAT, "chunked applied twice");
    p->chunked = true;
    return 0;
}

static int known_header(struct http_parser *p, const char *name, const char *v)
{
    if (strcasecmp(name, "content-length") == 0) {
        uint64_t n = 0;
        int err = parse_length(p, v, &n);
        if (err)
            return err;
        if (p->has_length && n != p->content_length)
            return fail(p, SOS_ERR_BAD_FORMAT, "conflicting Content-Length headers");
        p->has_length = true;
        p->content_length = n;
    } else if (strcasecmp(name, "transfer-encoding") == 0) {
        return transfer_coding(p, v);
    } else if (strcasecmp(name, "location") == 0) {
        size_t n = strlen(v);
        p->location_too_long = n >= sizeof(p->location);
        if (!p->location_too_long)
            memcpy(p->location, v, n + 1);
    }
    return 0;
}

/* name ":" OWS value OWS; the line is split in place. Trailers are checked, not used. */
static int header_line(struct http_parser *p, bool trailer)
{
    char *l = p->line;
    if (++p->nheaders > HTTP_HEADERS_MAX)
        return fail(p, SOS_ERR_BAD_FORMAT, "too many header lines in response");
    if (l[0] == ' ' || l[0] == '\t')
        return fail(p, SOS_ERR_BAD_FORMAT, "folded header lines are not accepted");
    char *colon = strchr(l, ':');
    if (!colon || colon == l)
        return fail(p, SOS_ERR_BAD_FORMAT, "malformed header line (no name or colon)");
    for (char *c = l; c < colon; c++)
        if (!is_tchar(*c))
            return fail(p, SOS_ERR_BAD_FORMAT, "malformed header name");
    *colon = 0;
    char *v = colon + 1;
    while (*v == ' ' || *v == '\t')
        v++;
    char *end = v + strlen(v);
    while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
        *--end = 0;
    for (char *c = v; c < end; c++)
        if (((unsigned char)*c < 0x20 && *c != '\t') || *c == 0x7f)
            return fail(p, SOS_ERR_BAD_FORMAT, "control character in header value");
    return trailer ? 0 : known_header(p, l, v);
}

/* The blank line after the headers: choose how the body is framed. */
static int end_of_headers(struct http_parser *p)
{
    if (p->interim) { /* 1xx: a final response follows */
        p->state = HTTP_PS_STATUS;
        p->has_length = p->chunked = false;
        p->location[0] = 0;
        return 0;
    }
    p->head_bytes = 0;
    p->nheaders = 0;
    if (p->status == 204 || p->status == 304) {
        p->no_body = true;
        p->state = HTTP_PS_DONE;
    } else if (p->chunked) {
        p->state = HTTP_PS_CHUNK_SIZE;
    } else if (p->has_length) {
        p->remaining = p->content_length;
        p->state = p->remaining ? HTTP_PS_BODY_LENGTH : HTTP_PS_DONE;
    } else {
        p->state = HTTP_PS_BODY_CLOSE;
    }
    return 0;
}

/* ---- chunked */

static int chunk_size_line(struct http_parser *p)
{
    const char *s = p->line;
    uint64_t n = 0;
    if (hex_val(*s) < 0)
        return fail(p, SOS_ERR_BAD_FORMAT, "malformed chunk size");
    for (; hex_val(*s) >= 0; s++) {
        n = n * 16 + (uint64_t)hex_val(*s);
        if (n > HTTP_LENGTH_MAX)
            return fail(p, SOS_ERR_BAD_FORMAT, "chunk size is absurdly large");
    }
    while (*s == ' ' || *s == '\t')
        s++;
    if (*s && *s != ';')
        return fail(p, SOS_ERR_BAD_FORMAT, "malformed chunk size");
    p->remaining = n;
    p->head_bytes = 0;
    p->nheaders = 0;
    p->state = n ? HTTP_PS_CHUNK_DATA : HTTP_PS_TRAILERS;
    return 0;
}

/* A complete line in the current state. */
static int line_done(struct http_parser *p)
{
    int err = 0;
    bool empty = p->line_len == 0;
    switch (p->state) {
    case HTTP_PS_STATUS:
        err = status_line(p);
        break;
    case HTTP_PS_HEADERS:
        err = empty ? end_of_headers(p) : header_line(p, false);
        break;
    case HTTP_PS_CHUNK_SIZE:
        err = chunk_size_line(p);
        break;
    case HTTP_PS_CHUNK_CRLF:
        if (!empty)
            return fail(p, SOS_ERR_BAD_FORMAT, "chunk data not followed by CRLF");
        p->state = HTTP_PS_CHUNK_SIZE;
        break;
    case HTTP_PS_TRAILERS:
        if (empty)
            p->state = HTTP_PS_DONE;
        else
            err = header_line(p, true);
        break;
    default:
        return fail(p, SOS_ERR_INTERNAL, "http parser: line in a body state");
    }
    p->line_len = 0;
    return err;
}

/* ---- bodies */

static int deliver(struct http_parser *p, const uint8_t *d, size_t n)
{
    p->body_bytes += n;
    if (!p->body || !n)
        return 0;
    int err = p->body(p->body_arg, d, n);
    return err < 0 ? fail(p, err, "the body could not be stored") : 0;
}

/* Body bytes from d[0..n): how many were taken, or an error. */
static int64_t body_bytes(struct http_parser *p, const uint8_t *d, size_t n)
{
    size_t take = n;
    if (p->state != HTTP_PS_BODY_CLOSE && take > p->remaining)
        take = (size_t)p->remaining;
    int err = deliver(p, d, take);
    if (err)
        return err;
    if (p->state == HTTP_PS_BODY_CLOSE)
        return (int64_t)take;
    p->remaining -= take;
    if (p->remaining == 0)
        p->state = p->state == HTTP_PS_CHUNK_DATA ? HTTP_PS_CHUNK_CRLF : HTTP_PS_DONE;
    return (int64_t)take;
}

int http_parser_feed(struct http_parser *p, const void *data, size_t len, size_t *used)
{
    const uint8_t *d = data;
    size_t i = 0;
    while (i < len && p->state != HTTP_PS_DONE && !p->err) {
        if (p->state == HTTP_PS_BODY_LENGTH || p->state == HTTP_PS_BODY_CLOSE ||
            p->state == HTTP_PS_CHUNK_DATA) {
            int64_t took = body_bytes(p, d + i, len - i);
            if (took < 0)
                break;
            i += (size_t)took;
            continue;
        }
        int r = line_byte(p, (char)d[i++]);
        if (r == 1)
            line_done(p);
    }
    if (used)
        *used = i;
    return p->err;
}

int http_parser_finish(struct http_parser *p)
{
    switch (p->state) {
    case HTTP_PS_DONE:
        return 0;
    case HTTP_PS_ERROR:
        return p->err;
    case HTTP_PS_BODY_CLOSE:
        p->state = HTTP_PS_DONE;
        return 0;
    case HTTP_PS_STATUS:
        if (p->line_len == 0 && !p->line_cr && p->head_bytes == 0)
            return fail(p, SOS_ERR_BAD_FORMAT, "connection closed before any response");
        return fail(p, SOS_ERR_BAD_FORMAT, "truncated HTTP status line");
    case HTTP_PS_HEADERS:
        return fail(p, SOS_ERR_BAD_FORMAT, "response ended inside its headers");
    case HTTP_PS_BODY_LENGTH:
        return fail(p, SOS_ERR_BAD_FORMAT, "body shorter than its Content-Length");
    case HTTP_PS_TRAILERS:
        return fail(p, SOS_ERR_BAD_FORMAT, "response ended inside its trailers");
    default:
        return fail(p, SOS_ERR_BAD_FORMAT, "chunked body ended before its last chunk");
    }
}
