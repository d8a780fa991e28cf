/*
 * services/storage/ops_test_fixture.c - the host harness of the storage service's
 * request handlers: what ops*.c need from storage.c, the boot store and the system
 * (fakes), requests driven through the real dispatch table, and a store on an
 * in-memory device with /home/secret and /home/app/{inside, sub/deep} to be confined in.
 *
 * Layer: services host tests.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ops_test_fixture.h"

/* ---- what ops.c needs from storage.c, the boot store and the system */

struct storage g_st;
uint32_t g_changes, g_bundle_calls;
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

struct memdev g_md;
struct fake_req g_q;
static uint8_t g_buf[8192];

struct node *node_by_handle(sos_handle_t client_end)
{
    for (struct node *n = g_st.nodes; n; n = n->next)
        if (n->ch + 1 == client_end)
            return n;
    return NULL;
}

/* Send msg on handle h (0: the service connection of a peer with `rights`, named `who`). */
int send_req(sos_handle_t h, struct sl_msg *m, sos_rights_t rights, const char *who)
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

struct sl_msg *begin(uint32_t ord)
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

int open_h(sos_handle_t dir, const char *path, size_t len, uint32_t rights, uint32_t flags,
           sos_handle_t *out)
{
    struct sl_msg *m = path_msg(NODE_OPEN, path, len);
    sl_msg_put_u32(m, rights);
    sl_msg_put_u32(m, flags);
    int err = send_req(dir, m, 0, NULL);
    *out = err ? 0 : reply_handle(0);
    return err;
}

int top_open(const char *path, uint32_t rights, uint32_t flags, sos_rights_t conn,
             const char *who, sos_handle_t *out)
{
    struct sl_msg *m = path_msg(STORAGE_OPEN, path, strlen(path));
    sl_msg_put_u32(m, rights);
    sl_msg_put_u32(m, flags);
    int err = send_req(0, m, conn, who);
    *out = err ? 0 : reply_handle(0);
    return err;
}

int clone_h(sos_handle_t h, uint32_t rights, sos_handle_t *out)
{
    struct sl_msg *m = begin(NODE_CLONE);
    sl_msg_put_u32(m, rights);
    int err = send_req(h, m, 0, NULL);
    *out = err ? 0 : reply_handle(0);
    return err;
}

int mint_h(sos_handle_t h, uint32_t rights, sos_handle_t *out, sos_handle_t *revoker)
{
    struct sl_msg *m = begin(NODE_MINT);
    sl_msg_put_u32(m, rights);
    int err = send_req(h, m, 0, NULL);
    *out = err ? 0 : reply_handle(0);
    *revoker = err ? 0 : reply_handle(1);
    return err;
}

int one_path(sos_handle_t h, uint32_t ord, const char *path, size_t len)
{
    struct sl_msg *m = path_msg(ord, path, len);
    if (ord == NODE_READDIR)
        sl_msg_put_u64(m, 0);
    return send_req(h, m, 0, NULL);
}

int rename_h(sos_handle_t h, const char *from, const char *to)
{
    struct sl_msg *m = begin(NODE_RENAME);
    sl_msg_put_str(m, from);
    sl_msg_put_str(m, to);
    return send_req(h, m, 0, NULL);
}

int write_h(sos_handle_t f, const char *text)
{
    struct sl_msg *m = begin(NODE_WRITE);
    sl_msg_put_u64(m, 0);
    sl_msg_put(m, text, (uint32_t)strlen(text));
    return send_req(f, m, 0, NULL);
}

int read_h(sos_handle_t f)
{
    struct sl_msg *m = begin(NODE_READ);
    sl_msg_put_u64(m, 0);
    sl_msg_put_u32(m, 64);
    return send_req(f, m, 0, NULL);
}

int revoke_h(sos_handle_t rv, uint32_t *count)
{
    int err = send_req(rv, begin(NODE_REVOKE), 0, NULL);
    if (!err && count)
        memcpy(count, g_q.reply.bytes + sizeof(struct sos_msg_hdr), 4);
    return err;
}

void close_h(sos_handle_t h)
{
    struct node *n = node_by_handle(h);
    assert_non_null(n);
    st_on_close(&g_st.srv, n->ch, n);
    free(n);
}

/* ---- the store: /home/secret, /home/app/{inside, sub/deep}, /boot would be the boot store */

uint64_t g_home, g_app, g_secret;

static uint64_t mk(uint64_t dir, const char *name, uint32_t type)
{
    uint64_t ino;
    assert_int_equal(sfs_create(g_st.fs, dir, name, strlen(name), type, &ino), 0);
    return ino;
}

int setup(void **state)
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
void close_all_but(const sos_handle_t *keep, size_t n)
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

int teardown(void **state)
{
    (void)state;
    close_all_but(NULL, 0);
    sfs_unmount(g_st.fs);
    memdev_free(&g_md);
    return 0;
}

bool has_bytes(const uint8_t *b, size_t n, const char *s)
{
    size_t k = strlen(s);
    for (size_t i = 0; i + k <= n; i++)
        if (!memcmp(b + i, s, k))
            return true;
    return false;
}

/* Is ino the app directory or below it? */
bool inside_app(uint64_t ino)
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

sos_handle_t app_handle(uint32_t rights)
{
    sos_handle_t top, app;
    assert_int_equal(top_open("/", STORAGE_R_ALL, STORAGE_O_DIR, SOS_RIGHT_MANAGE, "shell", &top), 0);
    assert_int_equal(open_h(top, "/home/app", 9, rights, STORAGE_O_DIR, &app), 0);
    close_h(top); /* the client keeps only the app handle */
    return app;
}
