/*
 * services/storage/ops_test.c - the storage service's request handlers (ops.c) on the
 * host, over sosfs on an in-memory device: confinement and revocation.
 *
 * Confinement: a client holding only a directory handle on /home/app cannot reach
 * anything outside it by any path trick ('..', absolute paths, '//', '.', long chains,
 * names with NUL or '/', the boot store's mount point), through any request (open, stat,
 * readdir, mkdir, unlink, rename); rights only shrink when a handle is passed on (open,
 * clone, mint); a connection without manage reaches only its own directories.
 * Revocation: NODE_REVOKE on a revoker reaches every handle minted under it and derived
 * from those, whoever holds them, at once, and nothing else.
 * I/O errors: a failing device's error reaches the client, the store stays consistent.
 * Malformed requests: every request cut short or garbled, on every kind of handle.
 *
 * Handles are fake channel pairs (2k, 2k+1): the service serves 2k, the client gets 2k+1.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../lib/test/host_sys.h"
#include "fs/test/memdev.h"
#include "storage.h"

/* ---- what ops.c needs from storage.c, the boot store and the system */

struct storage g_st;
static uint32_t g_changes, g_bundle_calls;
static sos_handle_t g_next_ch = 1000;

void st_changed(void) { g_changes++; }
int st_sync(void) { return sfs_sync(g_st.fs); }
int st_repair(struct sfs_fsck *r) /* as storage.c's: unmount, repair, mount as at boot */
{
    sfs_unmount(g_st.fs);
    int err = sfs_fsck(&g_st.dev, SFS_FSCK_REPAIR, r);
    struct sfs_msg m;
    struct sfs_open_report rep;
    if (sfs_open(&g_st.dev, &g_st.fs, &rep, &m))
        abort();
    return err;
}
int st_bench(uint32_t mib, int64_t out[4])
{
    (void)mib;
    (void)out;
    return SOS_ERR_NOT_SUPPORTED;
}

int bundle_find(const struct bundle *b, const char *name, struct bundle_entry *e)
{
    (void)b;
    (void)name;
    (void)e;
    g_bundle_calls++;
    return SOS_ERR_NOT_FOUND;
}

int bundle_entry_at(const struct bundle *b, uint32_t i, struct bundle_entry *e)
{
    (void)b;
    (void)i;
    (void)e;
    g_bundle_calls++;
    return SOS_ERR_NOT_FOUND;
}

int bundle_read(const struct bundle *b, const struct bundle_entry *e, void *buf, size_t cap,
                struct errmsg *em)
{
    (void)b;
    (void)e;
    (void)buf;
    (void)cap;
    (void)em;
    g_bundle_calls++;
    return SOS_ERR_NOT_FOUND;
}

int64_t sos_channel_create(uint32_t options, sos_handle_t *out)
{
    (void)options;
    out[0] = g_next_ch;
    out[1] = g_next_ch + 1;
    g_next_ch += 2;
    return 0;
}

int sl_server_add_channel(struct sl_server *s, sos_handle_t ch, void *client)
{
    (void)s;
    (void)ch;
    (void)client;
    return 0;
}

/* ---- driving requests */

static struct memdev g_md;
static struct fake_req g_q;
static uint8_t g_buf[8192];

static struct node *node_by_handle(sos_handle_t client_end)
{
    for (struct node *n = g_st.nodes; n; n = n->next)
        if (n->ch + 1 == client_end)
            return n;
    return NULL;
}

/* Send msg on handle h (0: the service connection of a peer with `rights`, named `who`). */
static int send(sos_handle_t h, struct sl_msg *m, sos_rights_t rights, const char *who)
{
    assert_int_equal(sl_msg_finish(m), 0);
    fake_request(&g_q, m->bytes, m->len, NULL, 0, rights, who);
    if (h) {
        struct node *n = node_by_handle(h);
        assert_non_null(n);
        g_q.r.channel = n->ch;
        g_q.r.client = n;
    }
    for (size_t i = 0; i < g_storage_nops; i++)
        if (g_storage_ops[i].ordinal == sl_msg_hdr(m)->ordinal)
            return g_storage_ops[i].fn(&g_q.r);
    fail_msg("no handler");
    return -1;
}

static struct sl_msg *begin(uint32_t ord)
{
    static struct sl_msg m;
    sl_msg_begin(&m, g_buf, sizeof(g_buf), NULL, 0, ord);
    return &m;
}

/* The handle in the last reply (index i), or 0. */
static sos_handle_t reply_handle(uint32_t i)
{
    return g_q.reply.nhandles > i ? g_q.reply_handles[i] : 0;
}

/* A path request with the path as raw bytes (so it may hold a NUL). */
static struct sl_msg *path_msg(uint32_t ord, const char *path, size_t len)
{
    struct sl_msg *m = begin(ord);
    sl_msg_put_u32(m, (uint32_t)len);
    sl_msg_put(m, path, (uint32_t)len);
    sl_msg_put(m, "", 1);
    return m;
}

static int open_h(sos_handle_t dir, const char *path, size_t len, uint32_t rights, uint32_t flags,
                  sos_handle_t *out)
{
    struct sl_msg *m = path_msg(NODE_OPEN, path, len);
    sl_msg_put_u32(m, rights);
    sl_msg_put_u32(m, flags);
    int err = send(dir, m, 0, NULL);
    *out = err ? 0 : reply_handle(0);
    return err;
}

static int top_open(const char *path, uint32_t rights, uint32_t flags, sos_rights_t conn,
                    const char *who, sos_handle_t *out)
{
    struct sl_msg *m = path_msg(STORAGE_OPEN, path, strlen(path));
    sl_msg_put_u32(m, rights);
    sl_msg_put_u32(m, flags);
    int err = send(0, m, conn, who);
    *out = err ? 0 : reply_handle(0);
    return err;
}

static int clone_h(sos_handle_t h, uint32_t rights, sos_handle_t *out)
{
    struct sl_msg *m = begin(NODE_CLONE);
    sl_msg_put_u32(m, rights);
    int err = send(h, m, 0, NULL);
    *out = err ? 0 : reply_handle(0);
    return err;
}

static int mint_h(sos_handle_t h, uint32_t rights, sos_handle_t *out, sos_handle_t *revoker)
{
    struct sl_msg *m = begin(NODE_MINT);
    sl_msg_put_u32(m, rights);
    int err = send(h, m, 0, NULL);
    *out = err ? 0 : reply_handle(0);
    *revoker = err ? 0 : reply_handle(1);
    return err;
}

static int one_path(sos_handle_t h, uint32_t ord, const char *path, size_t len)
{
    struct sl_msg *m = path_msg(ord, path, len);
    if (ord == NODE_READDIR)
        sl_msg_put_u64(m, 0);
    return send(h, m, 0, NULL);
}

static int rename_h(sos_handle_t h, const char *from, const char *to)
{
    struct sl_msg *m = begin(NODE_RENAME);
    sl_msg_put_str(m, from);
    sl_msg_put_str(m, to);
    return send(h, m, 0, NULL);
}

static int write_h(sos_handle_t f, const char *text)
{
    struct sl_msg *m = begin(NODE_WRITE);
    sl_msg_put_u64(m, 0);
    sl_msg_put(m, text, (uint32_t)strlen(text));
    return send(f, m, 0, NULL);
}

static int read_h(sos_handle_t f)
{
    struct sl_msg *m = begin(NODE_READ);
    sl_msg_put_u64(m, 0);
    sl_msg_put_u32(m, 64);
    return send(f, m, 0, NULL);
}

static int revoke_h(sos_handle_t rv, uint32_t *count)
{
    int err = send(rv, begin(NODE_REVOKE), 0, NULL);
    if (!err && count)
        memcpy(count, g_q.reply.bytes + sizeof(struct sos_msg_hdr), 4);
    return err;
}

static void close_h(sos_handle_t h)
{
    struct node *n = node_by_handle(h);
    assert_non_null(n);
    st_on_close(&g_st.srv, n->ch, n);
    free(n);
}

/* ---- the store: /home/secret, /home/app/{inside, sub/deep}, /boot would be the boot store */

static uint64_t g_home, g_app, g_secret;

static uint64_t mk(uint64_t dir, const char *name, uint32_t type)
{
    uint64_t ino;
    assert_int_equal(sfs_create(g_st.fs, dir, name, strlen(name), type, &ino), 0);
    return ino;
}

static int setup(void **state)
{
    (void)state;
    fake_reset();
    memset(&g_st, 0, sizeof(g_st));
    memdev_init(&g_md, 512);
    struct sfs_msg m;
    assert_int_equal(sfs_format(&g_md.dev, 1, &m), 0);
    assert_int_equal(sfs_mount(&g_md.dev, 0, &g_st.fs, &m), 0);
    g_st.dev = g_md.dev; /* fsck reads the device itself */
    g_st.have_boot = true; /* an empty boot store: only the top may lead into it */
    g_home = mk(SFS_ROOT_INO, "home", SFS_DIR);
    mk(SFS_ROOT_INO, "config", SFS_DIR);
    mk(SFS_ROOT_INO, "state", SFS_DIR);
    mk(SFS_ROOT_INO, "data", SFS_DIR);
    mk(SFS_ROOT_INO, "tmp", SFS_DIR);
    g_secret = mk(g_home, "secret", SFS_FILE);
    mk(SFS_ROOT_INO, "rootfile", SFS_FILE);
    g_app = mk(g_home, "app", SFS_DIR);
    mk(g_app, "inside", SFS_FILE);
    uint64_t sub = mk(g_app, "sub", SFS_DIR);
    mk(sub, "deep", SFS_FILE);
    mk(g_app, "boot", SFS_DIR); /* a real directory named like the boot store's mount point */
    g_bundle_calls = 0;
    return 0;
}

/* Close every handle but the n in keep (what a mangled request handed out). */
static void close_all_but(const sos_handle_t *keep, size_t n)
{
    for (struct node **pp = &g_st.nodes; *pp;) {
        struct node *m = *pp;
        bool kept = false;
        for (size_t i = 0; i < n; i++)
            kept |= m->ch + 1 == keep[i];
        if (kept) {
            pp = &m->next;
            continue;
        }
        st_on_close(&g_st.srv, m->ch, m); /* unlinks m */
        free(m);
    }
}

static int teardown(void **state)
{
    (void)state;
    close_all_but(NULL, 0);
    sfs_unmount(g_st.fs);
    memdev_free(&g_md);
    return 0;
}

static bool has_bytes(const uint8_t *b, size_t n, const char *s)
{
    size_t k = strlen(s);
    for (size_t i = 0; i + k <= n; i++)
        if (!memcmp(b + i, s, k))
            return true;
    return false;
}

/* Is ino the app directory or below it? */
static bool inside_app(uint64_t ino)
{
    for (int i = 0; i < 64; i++) {
        if (ino == g_app)
            return true;
        struct sfs_stat st;
        if (sfs_stat(g_st.fs, ino, &st) || ino == SFS_ROOT_INO)
            return false;
        ino = st.parent;
    }
    return false;
}

static sos_handle_t app_handle(uint32_t rights)
{
    sos_handle_t top, app;
    assert_int_equal(top_open("/", STORAGE_R_ALL, STORAGE_O_DIR, SOS_RIGHT_MANAGE, "shell", &top), 0);
    assert_int_equal(open_h(top, "/home/app", 9, rights, STORAGE_O_DIR, &app), 0);
    close_h(top); /* the client keeps only the app handle */
    return app;
}

static const char *const g_tricks[] = {
    "..", "../", "/..", "../secret", "/../secret", "./../secret", "//..//secret", "..//secret",
    "sub/../../secret", "sub/../../../secret", "sub/deep/../../../secret", "./sub/./../..",
    "/home/secret", "//home/secret", "home/secret", "/rootfile", "../../rootfile",
    "../app/../secret", "sub/../sub/../../secret", "...", ".../secret", "..\\secret",
    "/boot", "/boot/bin/hello", "boot/../../secret", "../../boot/bin/hello", "/../boot/bin/hello",
};

/* Each trick is refused, or names something inside app (never outside). */
static void test_confined_open(void **state)
{
    (void)state;
    sos_handle_t app = app_handle(STORAGE_R_ALL);
    char chain[8192];
    for (size_t i = 0; i < sizeof(g_tricks) / sizeof(g_tricks[0]) + 3; i++) {
        const char *path = NULL;
        size_t len;
        if (i < sizeof(g_tricks) / sizeof(g_tricks[0])) {
            path = g_tricks[i];
            len = strlen(path);
        } else if (i == sizeof(g_tricks) / sizeof(g_tricks[0])) { /* a long chain down and up */
            size_t n = 0;
            for (int k = 0; k < 200; k++)
                n += (size_t)snprintf(chain + n, sizeof(chain) - n, "sub/../");
            snprintf(chain + n, sizeof(chain) - n, "../secret");
            path = chain;
            len = strlen(chain);
        } else if (i == sizeof(g_tricks) / sizeof(g_tricks[0]) + 1) { /* deeper than the stack */
            size_t n = 0;
            for (int k = 0; k < 300; k++)
                n += (size_t)snprintf(chain + n, sizeof(chain) - n, "./");
            for (int k = 0; k < 300; k++)
                n += (size_t)snprintf(chain + n, sizeof(chain) - n, "../");
            path = chain;
            len = strlen(chain);
        } else { /* a NUL inside the name */
            path = "inside\0/../../secret";
            len = 20;
        }
        uint32_t ords[] = {NODE_OPEN, NODE_STAT, NODE_READDIR};
        for (size_t k = 0; k < 3; k++) {
            int err;
            if (ords[k] == NODE_OPEN) {
                sos_handle_t h;
                err = open_h(app, path, len, STORAGE_R_ALL, 0, &h);
                if (!err) {
                    struct node *n = node_by_handle(h);
                    assert_int_not_equal(n->kind, NODE_BOOT);
                    assert_true(inside_app(n->ino));
                    close_h(h);
                }
            } else {
                err = one_path(app, ords[k], path, len);
                if (!err && ords[k] == NODE_READDIR) /* app's own listing has no "secret" */
                    assert_false(has_bytes(g_q.reply.bytes, g_q.reply.len, "secret"));
            }
            if (strstr(path, "secret") || strstr(path, "rootfile") || strstr(path, "hello"))
                assert_int_not_equal(err, 0);
        }
        /* whatever mkdir, unlink and rename do with it, nothing outside changes */
        one_path(app, NODE_MKDIR, path, len);
        one_path(app, NODE_UNLINK, path, len);
        if (len == strlen(path)) {
            rename_h(app, "inside", path);
            rename_h(app, path, "stolen");
        }
        uint64_t ino;
        assert_int_equal(sfs_lookup(g_st.fs, g_home, "secret", 6, &ino), 0);
        assert_int_equal(ino, g_secret);
        assert_int_equal(sfs_lookup(g_st.fs, SFS_ROOT_INO, "rootfile", 8, &ino), 0);
        struct sfs_dirent de;
        uint64_t pos = 0;
        int names = 0;
        while (sfs_readdir(g_st.fs, g_home, &pos, &de) == 0)
            names++;
        assert_int_equal(names, 2); /* secret, app: nothing new beside app */
        pos = 0;
        names = 0;
        while (sfs_readdir(g_st.fs, SFS_ROOT_INO, &pos, &de) == 0)
            names++;
        assert_int_equal(names, 6);
    }
    assert_int_equal(g_bundle_calls, 0); /* the boot store was never even looked at */
    /* creating with a name holding '/' or NUL, or '..' as the last name: refused */
    sos_handle_t h;
    assert_int_not_equal(open_h(app, "../x", 4, STORAGE_R_ALL, STORAGE_O_CREATE, &h), 0);
    assert_int_not_equal(open_h(app, "x\0y", 3, STORAGE_R_ALL, STORAGE_O_CREATE, &h), 0);
    assert_int_not_equal(open_h(app, "..", 2, STORAGE_R_ALL, STORAGE_O_CREATE, &h), 0);
    assert_int_not_equal(one_path(app, NODE_MKDIR, "sub/../..", 9), 0);
    uint64_t ino;
    assert_int_equal(sfs_lookup(g_st.fs, g_home, "x", 1, &ino), SOS_ERR_NOT_FOUND);
    /* what is inside stays reachable by the same tricks that stay inside */
    assert_int_equal(open_h(app, "sub/../sub/./deep", 17, STORAGE_R_READ, 0, &h), 0);
    close_h(h);
    assert_int_equal(open_h(app, "//./fresh", 9, STORAGE_R_ALL, STORAGE_O_CREATE, &h), 0);
    assert_int_equal(sfs_lookup(g_st.fs, g_app, "fresh", 5, &ino), 0);
    assert_int_equal(node_by_handle(h)->ino, ino);
    close_h(h);
}

/* Rights only shrink when a handle is passed on: open, clone and mint. */
static void test_rights_reduce(void **state)
{
    (void)state;
    sos_handle_t app = app_handle(STORAGE_R_ALL), ro, f, again, minted, rv;
    assert_int_equal(clone_h(app, STORAGE_R_ENUMERATE | STORAGE_R_READ, &ro), 0);
    assert_int_equal(node_by_handle(ro)->rights, STORAGE_R_ENUMERATE | STORAGE_R_READ);
    assert_int_equal(open_h(ro, "new", 3, STORAGE_R_ALL, STORAGE_O_CREATE, &f), SOS_ERR_ACCESS_DENIED);
    assert_int_equal(one_path(ro, NODE_MKDIR, "d", 1), SOS_ERR_ACCESS_DENIED);
    assert_int_equal(one_path(ro, NODE_UNLINK, "inside", 6), SOS_ERR_ACCESS_DENIED);
    assert_int_equal(rename_h(ro, "inside", "x"), SOS_ERR_ACCESS_DENIED);
    assert_int_equal(open_h(app, "inside", 6, STORAGE_R_ALL, 0, &f), 0);
    assert_int_equal(write_h(f, "keep"), 0);
    assert_int_equal(open_h(ro, "inside", 6, STORAGE_R_ALL, STORAGE_O_TRUNC, &f), SOS_ERR_ACCESS_DENIED);
    assert_int_equal(open_h(ro, "inside", 6, STORAGE_R_ALL, 0, &f), 0);
    assert_int_equal(node_by_handle(f)->rights, STORAGE_R_ENUMERATE | STORAGE_R_READ);
    assert_int_equal(write_h(f, "x"), SOS_ERR_ACCESS_DENIED);
    assert_int_equal(read_h(f), 0);
    /* asking for more again gets nothing more */
    assert_int_equal(clone_h(ro, STORAGE_R_ALL, &again), 0);
    assert_int_equal(node_by_handle(again)->rights, STORAGE_R_ENUMERATE | STORAGE_R_READ);
    assert_int_equal(mint_h(ro, STORAGE_R_ALL, &minted, &rv), 0);
    assert_int_equal(node_by_handle(minted)->rights, STORAGE_R_ENUMERATE | STORAGE_R_READ);
    assert_int_equal(clone_h(app, STORAGE_R_READ, &again), 0);
    assert_int_equal(one_path(again, NODE_READDIR, "", 0), SOS_ERR_ACCESS_DENIED);
    /* a revoker is no node: it opens, reads and clones nothing */
    assert_int_equal(open_h(rv, "inside", 6, STORAGE_R_READ, 0, &f), SOS_ERR_WRONG_TYPE);
    assert_int_equal(clone_h(rv, STORAGE_R_ALL, &f), SOS_ERR_WRONG_TYPE);
    assert_int_equal(read_h(rv), SOS_ERR_WRONG_TYPE);
}

/* A connection without manage reaches only its own directories, with its rights. */
static void test_own_directories(void **state)
{
    (void)state;
    sos_handle_t h;
    const char *outside[] = {"/", "/home", "/home/app", "/config/../home", "/config/..",
                             "/config/../../home", "/configx", "/boot/bin/hello", "/backups", "/home",
                             "config", "/state/../../rootfile", "//..//home"};
    for (size_t i = 0; i < sizeof(outside) / sizeof(outside[0]); i++) {
        int err = top_open(outside[i], STORAGE_R_ALL, 0, SOS_RIGHT_READ | SOS_RIGHT_WRITE, "config", &h);
        if (!err) { /* only "config" alone: its own directory */
            assert_string_equal(outside[i], "config");
            assert_true(node_by_handle(h)->ino != SFS_ROOT_INO);
            close_h(h);
        }
    }
    assert_int_equal(top_open("/config", STORAGE_R_ALL, STORAGE_O_DIR, SOS_RIGHT_READ | SOS_RIGHT_WRITE,
                              "config", &h), 0);
    struct node *n = node_by_handle(h);
    uint64_t cfg, own;
    assert_int_equal(sfs_lookup(g_st.fs, SFS_ROOT_INO, "config", 6, &cfg), 0);
    assert_int_equal(sfs_lookup(g_st.fs, cfg, "config", 6, &own), 0);
    assert_int_equal(n->ino, own);
    assert_false(n->top);
    sos_handle_t f;
    assert_int_equal(open_h(h, "../../home/secret", 17, STORAGE_R_READ, 0, &f), SOS_ERR_ACCESS_DENIED);
    close_h(h);
    assert_int_equal(top_open("/state/x", STORAGE_R_ALL, STORAGE_O_CREATE, SOS_RIGHT_READ | SOS_RIGHT_WRITE,
                              "log", &h), 0);
    close_h(h);
    uint64_t st, lg, x;
    assert_int_equal(sfs_lookup(g_st.fs, SFS_ROOT_INO, "state", 5, &st), 0);
    assert_int_equal(sfs_lookup(g_st.fs, st, "log", 3, &lg), 0);
    assert_int_equal(sfs_lookup(g_st.fs, lg, "x", 1, &x), 0);
    /* read only: no directory made, and no more than enumerate+read */
    assert_int_equal(top_open("/data", STORAGE_R_ALL, 0, SOS_RIGHT_READ, "status", &h), SOS_ERR_NOT_FOUND);
    assert_int_equal(top_open("/state", STORAGE_R_ALL, 0, SOS_RIGHT_READ, "log", &h), 0);
    assert_int_equal(node_by_handle(h)->rights, STORAGE_R_ENUMERATE | STORAGE_R_READ);
    close_h(h);
    assert_int_equal(top_open("/state", STORAGE_R_ALL, 0, 0, "log", &h), SOS_ERR_ACCESS_DENIED);
    /* names that are no directory name */
    assert_int_equal(top_open("/state", STORAGE_R_ALL, 0, SOS_RIGHT_READ | SOS_RIGHT_WRITE, "..", &h),
                     SOS_ERR_ACCESS_DENIED);
    assert_int_equal(top_open("/state", STORAGE_R_ALL, 0, SOS_RIGHT_READ | SOS_RIGHT_WRITE, "", &h),
                     SOS_ERR_ACCESS_DENIED);
}

/* Revoking reaches every handle minted under the revoker and derived from them, now. */
/*
 * I/O errors reach the client: once the device fails a write, the request whose commit
 * needed it gets SOS_ERR_IO, later changes are refused, what was synced before stays
 * readable, and after a power-off the store mounts clean with every synced change and
 * nothing half-made.
 */
static void test_io_error_reported(void **state)
{
    (void)state;
    sos_handle_t app = app_handle(STORAGE_R_ALL), f1, f2, f3;
    assert_int_equal(open_h(app, "kept", 4, STORAGE_R_ALL, STORAGE_O_CREATE, &f1), 0);
    assert_int_equal(write_h(f1, "synced before the failure"), 0);
    assert_int_equal(send(f1, begin(NODE_SYNC), 0, NULL), 0);

    g_md.fail_write_at = g_md.writes + 1; /* the device fails from its next write on */
    g_md.fail_err = SOS_ERR_IO;
    g_md.sticky = 1;
    assert_int_equal(open_h(app, "lost", 4, STORAGE_R_ALL, STORAGE_O_CREATE, &f2), 0);
    assert_int_equal(write_h(f2, "never synced"), 0);
    assert_int_equal(send(f2, begin(NODE_SYNC), 0, NULL), SOS_ERR_IO);
    assert_true(g_md.failed);
    /* the store has stopped taking changes: each says so, none crashes the handlers */
    assert_int_not_equal(write_h(f1, "more"), 0);
    assert_int_not_equal(open_h(app, "third", 5, STORAGE_R_ALL, STORAGE_O_CREATE, &f3), 0);
    assert_int_not_equal(one_path(app, NODE_MKDIR, "d", 1), 0);
    assert_int_not_equal(send(f1, begin(NODE_SYNC), 0, NULL), 0);

    /* power off (the service's state is dropped), the disk works again, boot */
    close_all_but(NULL, 0);
    sfs_unmount(g_st.fs);
    g_md.fail_write_at = 0;
    g_md.sticky = 0;
    g_md.failed = false;
    struct sfs_fsck r;
    assert_int_equal(sfs_fsck(&g_md.dev, 0, &r), 0);
    assert_int_equal(r.errors, 0);
    struct sfs_msg m;
    assert_int_equal(sfs_mount(&g_md.dev, 0, &g_st.fs, &m), 0);
    app = app_handle(STORAGE_R_ALL);
    assert_int_equal(open_h(app, "kept", 4, STORAGE_R_READ, 0, &f1), 0);
    assert_int_equal(read_h(f1), 0);
    assert_true(has_bytes(g_q.reply.bytes, g_q.reply.len, "synced before the failure"));
    assert_false(has_bytes(g_q.reply.bytes, g_q.reply.len, "more"));
    /* the unsynced file is wholly there or wholly absent */
    if (open_h(app, "lost", 4, STORAGE_R_READ, 0, &f2) == 0) {
        assert_int_equal(read_h(f2), 0);
        uint32_t n = g_q.reply.len;
        assert_true(n == sizeof(struct sos_msg_hdr) ||
                    has_bytes(g_q.reply.bytes, n, "never synced"));
    }
}

/*
 * Every request cut at every length and garbled at random, on every kind of target: the
 * service connection (with manage), a directory, a file and a revoker. Each call returns
 * an error or 0 and never crashes or reads past the message (ASan); the store stays
 * consistent (fsck) whatever the garbled requests did to it.
 */
static void test_malformed_requests(void **state)
{
    (void)state;
    sos_handle_t app = app_handle(STORAGE_R_ALL), file, given, rv;
    assert_int_equal(open_h(app, "inside", 6, STORAGE_R_ALL, 0, &file), 0);
    assert_int_equal(mint_h(app, STORAGE_R_ALL, &given, &rv), 0);
    sos_handle_t keep[] = {app, file, given, rv};
    sos_handle_t targets[] = {0, app, file, rv};

    /* request shapes: a path, rights and flags; a path and a cookie; two paths; an
     * offset and bytes; an offset and a length; rights alone */
    static uint8_t bufs[6][512];
    struct sl_msg shapes[6];
    for (int k = 0; k < 6; k++)
        sl_msg_begin(&shapes[k], bufs[k], sizeof(bufs[k]), NULL, 0, 0);
    sl_msg_put_str(&shapes[0], "sub/deep");
    sl_msg_put_u32(&shapes[0], STORAGE_R_ALL);
    sl_msg_put_u32(&shapes[0], STORAGE_O_CREATE);
    sl_msg_put_str(&shapes[1], "sub");
    sl_msg_put_u64(&shapes[1], 0);
    sl_msg_put_str(&shapes[2], "inside");
    sl_msg_put_str(&shapes[2], "sub/moved");
    sl_msg_put_u64(&shapes[3], 3);
    sl_msg_put(&shapes[3], "some bytes to write", 19);
    sl_msg_put_u64(&shapes[4], 0);
    sl_msg_put_u32(&shapes[4], 64);
    sl_msg_put_u32(&shapes[5], STORAGE_R_READ);

    uint32_t calls = 0;
    for (size_t op = 0; op < g_storage_nops; op++) {
        if (g_storage_ops[op].ordinal == NODE_REVOKE)
            continue; /* takes no arguments: mangling it would only revoke `given` */
        for (size_t t = 0; t < sizeof(targets) / sizeof(targets[0]); t++) {
            struct node *n = targets[t] ? node_by_handle(targets[t]) : NULL;
            for (int k = 0; k < 6; k++) {
                sl_msg_hdr(&shapes[k])->ordinal = g_storage_ops[op].ordinal;
                assert_int_equal(sl_msg_finish(&shapes[k]), 0);
                fake_mangle_on(g_storage_ops[op].fn, &shapes[k], SOS_RIGHT_MANAGE | SOS_RIGHTS_ALL,
                               200, n ? n->ch : 0, n);
                calls += shapes[k].len + 100;
                close_all_but(keep, sizeof(keep) / sizeof(keep[0]));
            }
        }
    }
    assert_true(calls > 10000);
    assert_int_equal(sfs_sync(g_st.fs), 0);
    struct sfs_fsck r;
    assert_int_equal(sfs_fsck(&g_md.dev, 0, &r), 0);
    assert_int_equal(r.errors, 0);
    /* nothing escaped app: what is outside is as it was */
    uint64_t ino;
    assert_int_equal(sfs_lookup(g_st.fs, g_home, "secret", 6, &ino), 0);
    assert_int_equal(ino, g_secret);
}

static void test_revoke(void **state)
{
    (void)state;
    sos_handle_t app = app_handle(STORAGE_R_ALL), given, rv, sub, file, cl, inner, rv2, other, orv;
    assert_int_equal(mint_h(app, STORAGE_R_ALL, &given, &rv), 0);
    /* the holder of `given` passes handles on: an open directory, a file, a clone, a mint */
    assert_int_equal(open_h(given, "sub", 3, STORAGE_R_ALL, STORAGE_O_DIR, &sub), 0);
    assert_int_equal(open_h(sub, "deep", 4, STORAGE_R_ALL, 0, &file), 0);
    assert_int_equal(clone_h(given, STORAGE_R_READ | STORAGE_R_ENUMERATE, &cl), 0);
    assert_int_equal(mint_h(sub, STORAGE_R_ALL, &inner, &rv2), 0);
    /* a sibling mint on the same directory, not under rv */
    assert_int_equal(mint_h(app, STORAGE_R_ALL, &other, &orv), 0);
    assert_int_equal(write_h(file, "data"), 0);
    uint32_t count = 0;
    assert_int_equal(revoke_h(rv, &count), 0);
    assert_int_equal(count, 5); /* given, sub, file, cl, inner */
    sos_handle_t h;
    assert_int_equal(open_h(given, "inside", 6, STORAGE_R_READ, 0, &h), SOS_ERR_REVOKED);
    assert_int_equal(one_path(sub, NODE_READDIR, "", 0), SOS_ERR_REVOKED);
    assert_int_equal(read_h(file), SOS_ERR_REVOKED);
    assert_int_equal(write_h(file, "more"), SOS_ERR_REVOKED);
    assert_int_equal(one_path(cl, NODE_STAT, "inside", 6), SOS_ERR_REVOKED);
    assert_int_equal(clone_h(cl, STORAGE_R_READ, &h), SOS_ERR_REVOKED);
    assert_int_equal(mint_h(inner, STORAGE_R_READ, &h, &h), SOS_ERR_REVOKED);
    assert_int_equal(send(file, begin(NODE_SYNC), 0, NULL), SOS_ERR_REVOKED);
    struct sl_msg *m = begin(NODE_SEEK);
    sl_msg_put_u32(m, 0);
    sl_msg_put_u64(m, 0);
    assert_int_equal(send(file, m, 0, NULL), SOS_ERR_REVOKED);
    /* revoking twice, or the inner revoker afterwards: nothing more to reach */
    assert_int_equal(revoke_h(rv, NULL), SOS_ERR_REVOKED);
    assert_int_equal(revoke_h(rv2, &count), 0);
    assert_int_equal(count, 0);
    /* the revoker's own holder and the sibling are untouched */
    assert_int_equal(open_h(app, "inside", 6, STORAGE_R_READ, 0, &h), 0);
    close_h(h);
    assert_int_equal(open_h(other, "sub/deep", 8, STORAGE_R_READ, 0, &h), 0);
    assert_int_equal(read_h(h), 0);
    close_h(h);
    /* handles closed in any order free the revocation points (ASan/valgrind would tell) */
    close_h(file);
    close_h(rv);
    close_h(given);
    close_h(inner);
    close_h(sub);
    close_h(rv2);
    close_h(cl);
    close_h(orv);
    close_h(other);
    close_h(app);
    assert_null(g_st.nodes);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_confined_open, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rights_reduce, setup, teardown),
        cmocka_unit_test_setup_teardown(test_own_directories, setup, teardown),
        cmocka_unit_test_setup_teardown(test_revoke, setup, teardown),
        cmocka_unit_test_setup_teardown(test_io_error_reported, setup, teardown),
        cmocka_unit_test_setup_teardown(test_malformed_requests, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
