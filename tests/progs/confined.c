/*
 * tests/progs/confined.c - the end-to-end confinement test of storage/<path>
 * resources (docs/storage.md, "Confinement tests").
 *
 * An on-demand, optional service (confined.svc: resource=storage/home/app, restart=never):
 * `start confined` in the shell has the root manager open /home/app in storage (made
 * when missing) and hand it over as the startup handle "storage/home/app". Nothing else
 * about storage is given to it: no grant=storage, no lookup.
 *
 * It empties its directory, makes `sub/` and `inside.txt` and reads the file back (what
 * it may do), then throws path tricks at the handle through every directory request:
 * mkdir, readdir, stat, unlink, open with create, open, and rename both ways (the file
 * out to the path, the path in over the file). One line per attempt:
 *
 *   confined: open ../x: refused (access denied)
 *   confined: mkdir ...: ok
 *
 * Paths marked `escape` would name something outside the directory if the service let
 * them climb (`..`, `sub/../../x`, long chains, a NUL in the middle): every request on
 * them must be refused, and one that is not prints ESCAPED and makes the exit status 1.
 * The others name something inside after all (absolute paths are relative to the
 * handle, `/boot` is an ordinary name below it, `...`, `.. `, `..\x` and odd bytes are
 * ordinary names): whatever they do, they do it inside, which the scenario
 * (tests/scenarios/confined.scn) checks from the shell, outside.
 *
 * Last, its resource looked up again by name (DIR_LOOKUP "storage/home/app": how a
 * service gets a live handle after a restart of storage) must reach the same
 * directory, and a lookup of a directory that is not its resource ("storage/home",
 * above it) must be refused, else ESCAPED.
 *
 * Layer: services (tests).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sl/service.h>
#include <sl/sl.h>
#include <sl/startup.h>

#include <proto/storage.h>

#include <client/storage.h>

#define HANDLE_NAME "storage/home/app"
#define CALL_NS 10000000000ll
#define MAX_NAMES 64

static sos_handle_t g_dir;
static unsigned g_attempts, g_refused, g_allowed, g_escaped;

/* ---- showing paths: printable ASCII as it is, other bytes as \xNN */

static const char *shown(const char *p, size_t len, char *buf, size_t size)
{
    size_t n = 0;
    for (size_t i = 0; i < len && n + 5 < size; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c >= 0x20 && c < 0x7f)
            buf[n++] = (char)c;
        else
            n += (size_t)snprintf(buf + n, size - n, "\\x%02x", c);
    }
    buf[n] = 0;
    return buf;
}

/* ---- requests with a path that may hold a NUL (the client API takes C strings) */

static int raw_call(uint32_t ord, const char *path, size_t len, bool open)
{
    uint8_t b[STORAGE_PATH_MAX + 64], rb[64];
    sos_handle_t rh[1];
    struct sl_msg req, rep;
    sl_msg_begin(&req, b, sizeof(b), NULL, 0, ord);
    sl_msg_put_u32(&req, (uint32_t)len);
    sl_msg_put(&req, path, (uint32_t)len);
    sl_msg_put(&req, "", 1);
    if (open) {
        sl_msg_put_u32(&req, STORAGE_R_READ);
        sl_msg_put_u32(&req, 0);
    }
    sl_msg_begin(&rep, rb, sizeof(rb), rh, 1, ord);
    int err = sl_msg_finish(&req);
    if (!err)
        err = sl_call(g_dir, &req, &rep, sos_deadline_after(CALL_NS));
    for (uint32_t i = 0; i < rep.nhandles && !err; i++)
        sos_handle_close(rh[i]);
    return err;
}

/* ---- the attempts */

/* In this order, a name that is inside after all is made, listed, removed, made as a
 * file, read, and renamed over and back: it leaves the directory as it found it. */
enum op { OP_MKDIR, OP_READDIR, OP_STAT, OP_UNLINK, OP_CREATE, OP_OPEN, OP_RENAME_OUT,
          OP_RENAME_IN, OP_COUNT };
static const char *const g_op_names[OP_COUNT] = {"mkdir", "readdir", "stat", "unlink", "create",
                                                 "open", "rename inside.txt ->",
                                                 "rename -> inside.txt"};

static void count_entry(void *ctx, const char *name, uint32_t type, uint64_t size)
{
    (void)name;
    (void)type;
    (void)size;
    (*(unsigned *)ctx)++;
}

static int attempt_op(enum op op, const char *path, size_t len)
{
    if (memchr(path, 0, len)) { /* a NUL inside: only requests that take one path */
        if (op == OP_OPEN || op == OP_STAT || op == OP_MKDIR || op == OP_UNLINK) {
            static const uint32_t ords[] = {[OP_OPEN] = NODE_OPEN, [OP_STAT] = NODE_STAT,
                                            [OP_MKDIR] = NODE_MKDIR, [OP_UNLINK] = NODE_UNLINK};
            return raw_call(ords[op], path, len, op == OP_OPEN);
        }
        return 1; /* not tried */
    }
    sos_handle_t h;
    unsigned n = 0;
    int err;
    switch (op) {
    case OP_OPEN:
        err = stc_open(g_dir, path, STORAGE_R_READ, 0, &h);
        if (!err)
            sos_handle_close(h);
        return err;
    case OP_CREATE:
        err = stc_open(g_dir, path, STORAGE_R_WRITE, STORAGE_O_CREATE | STORAGE_O_EXCL, &h);
        if (!err) {
            err = stc_write(h, 0, "x", 1);
            sos_handle_close(h);
        }
        return err;
    case OP_STAT: return stc_stat(g_dir, path, NULL, NULL);
    case OP_READDIR: return stc_readdir(g_dir, path, count_entry, &n);
    case OP_MKDIR: return stc_mkdir(g_dir, path);
    case OP_UNLINK: return stc_unlink(g_dir, path);
    case OP_RENAME_OUT: return stc_rename(g_dir, "inside.txt", path);
    case OP_RENAME_IN: return stc_rename(g_dir, path, "inside.txt");
    default: return 1;
    }
}

/* Every request on path; `escape`: each must be refused. label names it when given. */
static void attempt(const char *path, size_t len, bool escape, const char *label)
{
    char buf[200];
    const char *name = label ? label : shown(path, len, buf, sizeof(buf));
    for (int op = 0; op < OP_COUNT; op++) {
        int err = attempt_op((enum op)op, path, len);
        if (err == 1)
            continue;
        g_attempts++;
        if (err) {
            g_refused++;
            printf("confined: %s %s: refused (%s)\n", g_op_names[op], name, sos_strerror(err));
        } else if (escape) {
            g_escaped++;
            printf("confined: %s %s: ESCAPED\n", g_op_names[op], name);
        } else {
            g_allowed++;
            printf("confined: %s %s: ok\n", g_op_names[op], name);
        }
    }
}

static void attempt_str(const char *path, bool escape)
{
    attempt(path, strlen(path), escape, NULL);
}

/* n1 copies of p1, n2 copies of p2, then tail: the long chains, in a new string. */
static void attempt_chain(const char *p1, unsigned n1, const char *p2, unsigned n2,
                          const char *tail, const char *label)
{
    size_t l1 = strlen(p1), l2 = strlen(p2), tl = strlen(tail);
    char *s = malloc(l1 * n1 + l2 * n2 + tl + 1);
    if (!s) {
        printf("confined: out of memory\n");
        return;
    }
    char *e = s;
    for (unsigned i = 0; i < n1; i++, e += l1)
        memcpy(e, p1, l1);
    for (unsigned i = 0; i < n2; i++, e += l2)
        memcpy(e, p2, l2);
    memcpy(e, tail, tl + 1);
    attempt(s, strlen(s), true, label);
    free(s);
}

/* ---- what it may do: empty its directory, make a directory and a file */

struct names {
    char *v[MAX_NAMES];
    uint32_t type[MAX_NAMES];
    unsigned n;
};

static void collect(void *ctx, const char *name, uint32_t type, uint64_t size)
{
    (void)size;
    struct names *ns = ctx;
    if (ns->n < MAX_NAMES && (ns->v[ns->n] = malloc(strlen(name) + 1))) {
        strcpy(ns->v[ns->n], name);
        ns->type[ns->n++] = type;
    }
}

/* Remove everything below path ("" for the directory itself), depth first. */
static int empty_dir(const char *path, int depth)
{
    struct names ns = {.n = 0};
    int err = depth > 8 ? SOS_ERR_OUT_OF_RANGE : stc_readdir(g_dir, path, collect, &ns);
    for (unsigned i = 0; i < ns.n; i++) {
        char *child = malloc(strlen(path) + strlen(ns.v[i]) + 2);
        if (child && !err) {
            sprintf(child, "%s%s%s", path, path[0] ? "/" : "", ns.v[i]);
            if (ns.type[i] == STORAGE_TYPE_DIR)
                err = empty_dir(child, depth + 1);
            if (!err)
                err = stc_unlink(g_dir, child);
        }
        free(child);
        free(ns.v[i]);
    }
    return err;
}

/* The directory's entries on one line: "inside.txt sub/". */
struct line {
    char text[400];
    size_t len;
};

static void add_entry(void *ctx, const char *name, uint32_t type, uint64_t size)
{
    (void)size;
    struct line *l = ctx;
    char buf[200];
    if (l->len < sizeof(l->text))
        l->len += (size_t)snprintf(l->text + l->len, sizeof(l->text) - l->len, "%s%s%s",
                                   l->len ? " " : "", shown(name, strlen(name), buf, sizeof(buf)),
                                   type == STORAGE_TYPE_DIR ? "/" : "");
}

static int allowed_inside(void)
{
    static const char text[] = "written inside";
    int err = empty_dir("", 0);
    printf("confined: empty its directory: %s\n", err ? sos_strerror(err) : "ok");
    if (!err)
        err = stc_mkdir(g_dir, "sub");
    printf("confined: mkdir sub: %s\n", err ? sos_strerror(err) : "ok");
    sos_handle_t f;
    if (!err)
        err = stc_open(g_dir, "inside.txt", STORAGE_R_READ | STORAGE_R_WRITE,
                       STORAGE_O_CREATE | STORAGE_O_TRUNC, &f);
    if (!err) {
        err = stc_write(f, 0, text, sizeof(text) - 1);
        sos_handle_close(f);
    }
    if (!err)
        err = stc_sync(g_dir);
    printf("confined: write inside.txt: %s\n", err ? sos_strerror(err) : "ok");
    char *back = NULL;
    size_t len = 0;
    if (!err)
        err = stc_read_file(g_dir, "/inside.txt", 256, &back, &len);
    printf("confined: read inside.txt: %s\n", err ? sos_strerror(err) : back);
    free(back);
    return err;
}

/* The resource looked up again reaches the same directory; one not granted does not. */
static void lookup_again(void)
{
    sos_handle_t h = 0;
    char *back = NULL;
    size_t len = 0;
    int err = sl_service_lookup(HANDLE_NAME, &h, sos_deadline_after(SOS_MS(10000)));
    if (!err)
        err = stc_read_file(h, "inside.txt", 256, &back, &len);
    printf("confined: lookup %s again: %s\n", HANDLE_NAME, err ? sos_strerror(err) : back);
    free(back);
    if (h)
        sos_handle_close(h);
    h = 0;
    err = sl_service_lookup("storage/home", &h, sos_deadline_after(SOS_MS(10000)));
    printf("confined: lookup storage/home: %s%s\n", err ? "refused: " : "ESCAPED", err ? sos_strerror(err) : "");
    if (!err) {
        g_escaped++;
        sos_handle_close(h);
    }
}

int main(void)
{
    g_dir = sos_startup_handle(HANDLE_NAME);
    if (!g_dir) {
        printf("confined: no startup handle '%s' (start it with `start confined`)\n", HANDLE_NAME);
        return 2;
    }
    printf("confined: started with the directory handle %s\n", HANDLE_NAME);
    if (allowed_inside())
        return 3;

    /* climbing above the handle, every spelling */
    attempt_str("..", true);
    attempt_str("../x", true);
    attempt_str("/..", true);
    attempt_str("//..//x", true);
    attempt_str("./../x", true);
    attempt_str("sub/../../x", true);
    attempt_str("sub/../..", true);
    attempt_str("../secret", true);
    attempt_str("../../home/secret", true);
    attempt_str("../../boot/config/defaults.conf", true);
    attempt_chain("sub/../", 140, "", 0, "../x", "(sub/../)x140../x");
    attempt_chain("./", 150, "../", 150, "home/x", "(./)x150(../)x150home/x");
    attempt_chain("sub/..//./", 100, "", 0, "../x", "(sub/..//./)x100../x");
    attempt_chain("../", 343, "", 0, "x", "(../)x343x"); /* 1030 bytes: over the limit */
    static const char nul[] = "x\0/../../home/x";
    attempt(nul, sizeof(nul) - 1, true, NULL);
    /* the directory itself */
    attempt_str("/", false);
    attempt_str("sub/..", false);
    attempt_str("sub/../sub/./", false);
    /* absolute paths and the boot store: relative to the handle, so inside */
    attempt_str("/home/secret", false);
    attempt_str("/boot/config/defaults.conf", false);
    attempt_str("/boot", false);
    /* names that only look like climbing, and odd bytes: ordinary names inside */
    attempt_str("...", false);
    attempt_str(".. ", false);
    attempt_str("..\\x", false);
    attempt_str("%2e%2e/x", false);
    attempt_str("\x01\x7f\xff", false);

    lookup_again();
    struct line l = {.len = 0};
    int err = stc_readdir(g_dir, "", add_entry, &l);
    printf("confined: readdir /: %s\n", err ? sos_strerror(err) : l.text);
    printf("confined: %u attempts: %u refused, %u allowed inside, %u escaped\n", g_attempts,
           g_refused, g_allowed, g_escaped);
    return g_escaped ? 1 : 0;
}
