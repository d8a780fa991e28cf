/*
 * services/shell/cmds_store.c - the storage commands: ls, cat, write, mkdir, rm, mv, cp,
 * df, fsck [--repair], sha256, and `store <ls|cat|write|mkdir|rm|mv|cp|df|mounts|sync|bench>`.
 *
 * Each command opens the top of the store (STORAGE_OPEN "/", the shell's connection
 * has manage) and works with paths from there; `write` syncs before it says done.
 *
 * Layer: services (shell).
 */
#include "shell.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <proto/storage.h>

#include <client/storage.h>

#include "hash/sha256.h"

#define CALL_NS 30000000000ll

/* A handle on `path` from the top; 0 or an error (said already when `say`). */
static int st_open(const char *path, uint32_t rights, uint32_t flags, sos_handle_t *h, uint32_t *type)
{
    uint8_t b[STORAGE_PATH_MAX + 64], rb[64];
    sos_handle_t rh[1];
    struct sl_msg req, rep;
    sl_msg_begin(&req, b, sizeof(b), NULL, 0, STORAGE_OPEN);
    sl_msg_put_str(&req, path);
    sl_msg_put_u32(&req, rights);
    sl_msg_put_u32(&req, flags);
    sl_msg_begin(&rep, rb, sizeof(rb), rh, 1, STORAGE_OPEN);
    int err = sl_msg_finish(&req);
    if (!err)
        err = sl_conn_to_call(&g_sh.storage, &req, &rep, sos_deadline_after(CALL_NS));
    if (err)
        return err;
    struct sl_parse p;
    sl_parse_begin(&p, rep.bytes, rep.len, rep.handles, rep.nhandles, NULL);
    uint32_t t = sl_parse_u32(&p);
    sos_handle_t got = sl_parse_handle(&p);
    if (sl_parse_end(&p) || !got)
        return SOS_ERR_BAD_FORMAT;
    *h = got;
    if (type)
        *type = t;
    return 0;
}

/* The storage service's codes in the operator's words where the command makes them
 * plain: a write into the boot store's tree meets its (read-only) nodes. */
static bool in_boot(const char *path)
{
    return !strncmp(path, "/boot", 5) && (path[5] == 0 || path[5] == '/');
}

static const char *store_errtext(const char *what, const char *path, int err, bool changes)
{
    bool boot = in_boot(path);
    if (err == SOS_ERR_BAD_STATE && (!strcmp(what, "rm") || !strcmp(what, "mv")))
        return "directory not empty";
    if ((err == SOS_ERR_WRONG_TYPE || err == SOS_ERR_ACCESS_DENIED) && changes && boot)
        return "read-only: the boot store";
    return sh_errtext(err);
}

/* The command's path words as typed, for its messages, and what they became. */
static const char *g_typed[2], *g_cleaned[2];

/* `changes`: the path is one the command writes to. */
static void fail_at(const char *what, const char *path, int err, bool changes)
{
    const char *shown = path;
    for (int i = 0; i < 2; i++)
        if (path == g_cleaned[i])
            shown = g_typed[i];
    sh_eprintf("%s: %s: %s\n", what, shown, store_errtext(what, path, err, changes));
}

static void fail(const char *what, const char *path, int err)
{
    fail_at(what, path, err, strcmp(what, "ls") && strcmp(what, "cat") && strcmp(what, "cp"));
}

/* A path op from the top of the store (mkdir, rm, mv). */
static void top_op(const char *what, uint32_t ord, const char *a, const char *b)
{
    sos_handle_t top;
    int err = st_open("/", STORAGE_R_ALL, STORAGE_O_DIR, &top, NULL);
    if (!err) {
        err = stc_path_op(top, ord, a, b);
        sos_handle_close(top);
    }
    if (err) /* mv into the boot store: its destination is what went wrong */
        fail(what, b && in_boot(b) && !in_boot(a) ? b : a, err);
}

static void print_entry(void *ctx, const char *name, uint32_t type, uint64_t size)
{
    (void)ctx;
    if (type == STORAGE_TYPE_DIR)
        sh_printf("%s/\n", name);
    else
        sh_printf("%-32s %llu bytes\n", name, (unsigned long long)size);
}

static void do_ls(const char *path)
{
    sos_handle_t h;
    uint32_t type;
    int err = st_open(path, STORAGE_R_ENUMERATE, 0, &h, &type);
    if (err) {
        fail("ls", path, err);
        return;
    }
    err = stc_readdir(h, "", print_entry, NULL);
    if (err == SOS_ERR_WRONG_TYPE && type == STORAGE_TYPE_FILE) {
        sh_printf("%s\n", path);
        err = 0;
    }
    if (err)
        fail("ls", path, err);
    sos_handle_close(h);
}

static void do_cat(const char *path)
{
    sos_handle_t h;
    int err = st_open(path, STORAGE_R_READ, 0, &h, NULL);
    if (err) {
        fail("cat", path, err);
        return;
    }
    char *buf = malloc(STORAGE_IO_MAX);
    bool nl = true;
    int64_t n = buf ? 0 : SOS_ERR_NO_MEMORY;
    for (uint64_t off = 0; buf && (n = stc_read(h, off, buf, STORAGE_IO_MAX)) > 0; off += (uint64_t)n) {
        sh_printf("%.*s", (int)n, buf);
        nl = buf[n - 1] == '\n';
    }
    if (!nl)
        sh_printf("\n");
    if (n < 0)
        fail("cat", path, (int)n);
    free(buf);
    sos_handle_close(h);
}

/* `path` made (or emptied) and filled with len bytes, synced: the operator expects it
 * saved when the command returns. */
static int put_synced(const char *path, const void *data, size_t len)
{
    sos_handle_t h;
    int err = st_open(path, STORAGE_R_WRITE | STORAGE_R_CREATE, STORAGE_O_CREATE | STORAGE_O_TRUNC, &h, NULL);
    if (err)
        return err;
    err = stc_write(h, 0, data, len);
    if (!err)
        err = stc_sync(h);
    sos_handle_close(h);
    return err;
}

int sh_store_put(const char *path, const void *data, size_t len)
{
    char clean[STORAGE_PATH_MAX];
    if (!sh_path_clean(path, clean, sizeof(clean))) {
        sh_eprintf(">: the path is too long\n");
        return SOS_ERR_INVALID_ARGS;
    }
    g_typed[0] = path;
    g_cleaned[0] = clean;
    g_cleaned[1] = NULL;
    int err = put_synced(clean, data, len);
    if (err)
        fail(">", clean, err);
    return err;
}

int sh_store_get(const char *what, const char *path, size_t max, char **out, size_t *len)
{
    char clean[STORAGE_PATH_MAX];
    if (!sh_path_clean(path, clean, sizeof(clean))) {
        sh_eprintf("%s: the path is too long\n", what);
        return SOS_ERR_INVALID_ARGS;
    }
    g_typed[0] = path;
    g_cleaned[0] = clean;
    g_cleaned[1] = NULL;
    sos_handle_t top;
    int err = st_open("/", STORAGE_R_READ, STORAGE_O_DIR, &top, NULL);
    if (!err) {
        err = stc_read_file(top, clean[0] == '/' ? clean + 1 : clean, max, out, len);
        sos_handle_close(top);
    }
    if (err)
        fail_at(what, clean, err, false);
    return err;
}

static void do_write(const char *path, int argc, char **argv)
{
    char *text = malloc(STORAGE_IO_MAX);
    if (!text || !sh_join(argc, argv, text, STORAGE_IO_MAX - 2)) {
        sh_eprintf("write: the text is too long\n");
        free(text);
        return;
    }
    size_t len = strlen(text);
    text[len++] = '\n';
    int err = put_synced(path, text, len);
    if (err)
        fail("write", path, err);
    free(text);
}

/* cp: any file the top reaches (the boot store too) to a new or replaced file, synced. */
static void do_cp(const char *from, const char *to)
{
    sos_handle_t src, dst;
    uint32_t type;
    int err = st_open(from, STORAGE_R_READ, 0, &src, &type);
    if (!err && type != STORAGE_TYPE_FILE) {
        sos_handle_close(src);
        err = SOS_ERR_WRONG_TYPE;
    }
    if (err) {
        fail("cp", from, err);
        return;
    }
    err = st_open(to, STORAGE_R_WRITE | STORAGE_R_CREATE, STORAGE_O_CREATE | STORAGE_O_TRUNC, &dst, NULL);
    if (err) {
        sos_handle_close(src);
        fail_at("cp", to, err, true);
        return;
    }
    uint8_t *buf = malloc(STORAGE_IO_MAX);
    uint64_t off = 0;
    const char *where = from;
    err = buf ? 0 : SOS_ERR_NO_MEMORY;
    while (!err) {
        int64_t n = stc_read(src, off, buf, STORAGE_IO_MAX);
        if (n <= 0) {
            err = (int)n;
            break;
        }
        where = to;
        err = stc_write(dst, off, buf, (size_t)n);
        off += (uint64_t)n;
    }
    if (!err)
        err = stc_sync(dst);
    free(buf);
    sos_handle_close(src);
    sos_handle_close(dst);
    if (err)
        fail_at("cp", where, err, where == to);
    else
        sh_printf("cp: %llu bytes\n", (unsigned long long)off);
}

static void do_df(void)
{
    uint8_t b[64], rb[256];
    struct sl_msg req, rep;
    sl_msg_begin(&req, b, sizeof(b), NULL, 0, STORAGE_DF);
    sl_msg_begin(&rep, rb, sizeof(rb), NULL, 0, STORAGE_DF);
    int err = sl_conn_to_call(&g_sh.storage, &req, &rep, sos_deadline_after(CALL_NS));
    struct sl_parse p;
    if (err || sl_parse_begin(&p, rep.bytes, rep.len, NULL, 0, NULL)) {
        sh_eprintf("df: %s\n", sh_errtext(err ? err : SOS_ERR_BAD_FORMAT));
        return;
    }
    uint64_t blocks = sl_parse_u64(&p), freeb = sl_parse_u64(&p);
    uint32_t bs = sl_parse_u32(&p);
    uint64_t files = sl_parse_u64(&p);
    uint32_t flags = sl_parse_u32(&p);
    const char *src = sl_parse_str(&p, NULL);
    uint64_t resv = sl_parse_u64(&p);
    if (sl_parse_end(&p) || freeb + resv > blocks)
        return;
    char a[32], u[32], f[32], r[32];
    sh_printf("/         %s\n", src);
    sh_printf("          size %s  used %s  free %s  reserved %s  files %llu%s%s\n",
              fmt_kib(a, sizeof(a), blocks * bs), fmt_kib(u, sizeof(u), (blocks - freeb - resv) * bs),
              fmt_kib(f, sizeof(f), freeb * bs), fmt_kib(r, sizeof(r), resv * bs),
              (unsigned long long)files,
              flags & STORAGE_MOUNT_RO ? "  read-only" : "",
              flags & STORAGE_MOUNT_MEMORY ? "  in memory: lost at power-off" : "");
}

static void do_mounts(void)
{
    uint8_t b[64], rb[1024];
    struct sl_msg req, rep;
    sl_msg_begin(&req, b, sizeof(b), NULL, 0, STORAGE_MOUNTS);
    sl_msg_begin(&rep, rb, sizeof(rb), NULL, 0, STORAGE_MOUNTS);
    int err = sl_conn_to_call(&g_sh.storage, &req, &rep, sos_deadline_after(CALL_NS));
    struct sl_parse p;
    if (err || sl_parse_begin(&p, rep.bytes, rep.len, NULL, 0, NULL)) {
        sh_eprintf("store mounts: %s\n", sh_errtext(err ? err : SOS_ERR_BAD_FORMAT));
        return;
    }
    uint32_t n = sl_parse_u32(&p);
    sh_printf("%-9s %-8s %-4s %s\n", "MOUNT", "TYPE", "MODE", "SOURCE");
    for (uint32_t i = 0; i < n && !p.bad; i++) {
        const char *path = sl_parse_str(&p, NULL), *src = sl_parse_str(&p, NULL);
        const char *type = sl_parse_str(&p, NULL);
        uint32_t flags = sl_parse_u32(&p);
        if (!p.bad)
            sh_printf("%-9s %-8s %-4s %s\n", path, type, flags & STORAGE_MOUNT_RO ? "ro" : "rw", src);
    }
}

/* What a repair loses (or, after a check, would lose): said even when it is nothing. */
static void say_losses(bool repair, uint64_t lost, uint64_t zeroed, uint64_t adopted)
{
    sh_printf("fsck: %s %llu files and directories, %llu data blocks %s zeros, %llu %s /lost+found\n",
              repair ? "lost" : "a repair would lose", (unsigned long long)lost,
              (unsigned long long)zeroed, repair ? "replaced by" : "to",
              (unsigned long long)adopted, repair ? "put in" : "to");
}

static void do_fsck(bool repair)
{
    uint8_t b[64];
    uint8_t *rb = malloc(8192);
    struct sl_msg req, rep;
    sl_msg_begin(&req, b, sizeof(b), NULL, 0, STORAGE_FSCK);
    sl_msg_put_u32(&req, repair ? STORAGE_FSCK_REPAIR : 0);
    sl_msg_begin(&rep, rb, 8192, NULL, 0, STORAGE_FSCK);
    int err = rb ? sl_conn_to_call(&g_sh.storage, &req, &rep, sos_deadline_after(CALL_NS)) : SOS_ERR_NO_MEMORY;
    struct sl_parse p;
    if (err || sl_parse_begin(&p, rep.bytes, rep.len, NULL, 0, NULL)) {
        sh_eprintf("fsck: %s\n", sh_errtext(err ? err : SOS_ERR_BAD_FORMAT));
        free(rb);
        return;
    }
    uint32_t errors = sl_parse_u32(&p), repaired = sl_parse_u32(&p);
    uint64_t files = sl_parse_u64(&p), dirs = sl_parse_u64(&p), blocks = sl_parse_u64(&p);
    const char *log = sl_parse_str(&p, NULL);
    uint64_t lost = sl_parse_u64(&p), zeroed = sl_parse_u64(&p), adopted = sl_parse_u64(&p);
    if (!sl_parse_end(&p)) {
        if (errors && repair)
            sh_printf("fsck: %u problems, %u repaired:\n%s", errors, repaired, log);
        else if (errors)
            sh_printf("fsck: %u problems:\n%s", errors, log);
        else
            sh_printf("fsck: clean: %llu files, %llu directories, %llu blocks checked\n",
                      (unsigned long long)files, (unsigned long long)dirs, (unsigned long long)blocks);
        if (errors)
            say_losses(repair, lost, zeroed, adopted);
        if (errors && !repair)
            sh_printf("fsck: `fsck --repair` repairs it\n");
    }
    free(rb);
}

static void do_sync(void)
{
    uint8_t b[64], rb[64];
    struct sl_msg req, rep;
    sl_msg_begin(&req, b, sizeof(b), NULL, 0, STORAGE_SYNC);
    sl_msg_begin(&rep, rb, sizeof(rb), NULL, 0, STORAGE_SYNC);
    int err = sl_conn_to_call(&g_sh.storage, &req, &rep, sos_deadline_after(CALL_NS));
    if (err)
        sh_eprintf("sync: %s\n", sh_errtext(err));
}

static void do_bench(const char *arg)
{
    unsigned long mib = arg ? strtoul(arg, NULL, 10) : 16;
    uint8_t b[64], rb[128];
    struct sl_msg req, rep;
    sl_msg_begin(&req, b, sizeof(b), NULL, 0, STORAGE_BENCH);
    sl_msg_put_u32(&req, (uint32_t)mib);
    sl_msg_begin(&rep, rb, sizeof(rb), NULL, 0, STORAGE_BENCH);
    int err = sl_conn_to_call(&g_sh.storage, &req, &rep, sos_deadline_after(120000000000ll));
    struct sl_parse p;
    if (err || sl_parse_begin(&p, rep.bytes, rep.len, NULL, 0, NULL)) {
        sh_eprintf("store bench: %s\n", sh_errtext(err ? err : SOS_ERR_BAD_FORMAT));
        return;
    }
    uint64_t ns[4];
    for (int i = 0; i < 4; i++)
        ns[i] = sl_parse_u64(&p);
    if (sl_parse_end(&p))
        return;
    double bytes = (double)(mib << 20);
    double mbs[4];
    for (int i = 0; i < 4; i++)
        mbs[i] = ns[i] ? bytes / 1048576.0 / ((double)ns[i] / 1e9) : 0;
    /* whole per-mille: the shell's printf has no floating point */
    sh_printf("store bench %lu MiB: write %llu MiB/s, raw device %llu MiB/s, ratio %llu.%03llu\n", mib,
              (unsigned long long)mbs[0], (unsigned long long)mbs[2],
              (unsigned long long)(mbs[0] / mbs[2]), (unsigned long long)(mbs[0] * 1000 / mbs[2]) % 1000);
    sh_printf("store bench %lu MiB: read %llu MiB/s, raw device %llu MiB/s, ratio %llu.%03llu\n", mib,
              (unsigned long long)mbs[1], (unsigned long long)mbs[3],
              (unsigned long long)(mbs[1] / mbs[3]), (unsigned long long)(mbs[1] * 1000 / mbs[3]) % 1000);
}

/* The path words of a storage command (all but write's text), cleaned in place of the
 * originals (sh_path_clean): false, said, when one is too long. */
static bool clean_paths(const char *sub, int argc, char **argv, char (*buf)[STORAGE_PATH_MAX])
{
    int n = !strcmp(sub, "write") ? 1 : argc;
    g_cleaned[0] = g_cleaned[1] = NULL;
    for (int i = 0; i < n && i < 2; i++) {
        g_typed[i] = argv[i];
        g_cleaned[i] = buf[i];
        if (!sh_path_clean(argv[i], buf[i], STORAGE_PATH_MAX)) {
            sh_eprintf("%s: the path is too long\n", sub);
            return false;
        }
        argv[i] = buf[i];
    }
    return true;
}

/* bench takes a size and fsck an option: every other subcommand's words are paths. */
static bool takes_paths(const char *sub)
{
    return strcmp(sub, "bench") && strcmp(sub, "fsck");
}

static bool store_cmd(const char *sub, int argc, char **argv)
{
    char paths[2][STORAGE_PATH_MAX];
    if (takes_paths(sub) && !clean_paths(sub, argc, argv, paths))
        return true;
    if (!strcmp(sub, "bench") && argc <= 1) {
        do_bench(argc ? argv[0] : NULL);
        return true;
    }
    if (!strcmp(sub, "ls") && argc <= 1)
        do_ls(argc ? argv[0] : "/");
    else if (!strcmp(sub, "cat") && argc == 1)
        do_cat(argv[0]);
    else if (!strcmp(sub, "write") && argc >= 1)
        do_write(argv[0], argc - 1, argv + 1);
    else if (!strcmp(sub, "mkdir") && argc == 1)
        top_op("mkdir", NODE_MKDIR, argv[0], NULL);
    else if (!strcmp(sub, "rm") && argc == 1)
        top_op("rm", NODE_UNLINK, argv[0], NULL);
    else if (!strcmp(sub, "mv") && argc == 2)
        top_op("mv", NODE_RENAME, argv[0], argv[1]);
    else if (!strcmp(sub, "cp") && argc == 2)
        do_cp(argv[0], argv[1]);
    else if (!strcmp(sub, "df") && argc == 0)
        do_df();
    else if (!strcmp(sub, "mounts") && argc == 0)
        do_mounts();
    else if (!strcmp(sub, "fsck") && argc <= 1 && (!argc || !strcmp(argv[0], "--repair")))
        do_fsck(argc == 1);
    else if (!strcmp(sub, "sync") && argc == 0)
        do_sync();
    else
        return false;
    return true;
}

int sh_store_top(const char *what, const char *path, sos_handle_t *top, char *rel, size_t size)
{
    char clean[STORAGE_PATH_MAX];
    if (!sh_path_clean(path, clean, sizeof(clean)) || strlen(clean) >= size) {
        sh_eprintf("%s: the path is too long\n", what);
        return SOS_ERR_INVALID_ARGS;
    }
    snprintf(rel, size, "%s", clean + 1);
    int err = st_open("/", STORAGE_R_ALL, STORAGE_O_DIR, top, NULL);
    if (err)
        sh_eprintf("%s: the store: %s\n", what, sh_errtext(err));
    return err;
}

/* sha256 <path>: the file read back from the store, hashed (as sha256sum prints it). */
void cmd_sha256(int argc, char **argv)
{
    (void)argc;
    sos_handle_t h;
    uint32_t type;
    int err = st_open(argv[1], STORAGE_R_READ, 0, &h, &type);
    if (!err && type != STORAGE_TYPE_FILE) {
        sos_handle_close(h);
        err = SOS_ERR_WRONG_TYPE;
    }
    if (err) {
        fail_at("sha256", argv[1], err, false);
        return;
    }
    uint8_t *buf = malloc(STORAGE_IO_MAX), sum[32];
    struct sha256 sha;
    int64_t n = buf ? 0 : SOS_ERR_NO_MEMORY;
    uint64_t off = 0;
    sha256_init(&sha);
    while (buf && (n = stc_read(h, off, buf, STORAGE_IO_MAX)) > 0) {
        sha256_update(&sha, buf, (size_t)n);
        off += (uint64_t)n;
    }
    free(buf);
    sos_handle_close(h);
    if (n < 0) {
        fail_at("sha256", argv[1], (int)n, false);
        return;
    }
    sha256_final(&sha, sum);
    for (int i = 0; i < 32; i++)
        sh_printf("%02x", sum[i]);
    sh_printf("  %s (%llu bytes)\n", argv[1], (unsigned long long)off);
}

/* ls, cat, write, mkdir, rm, mv, df, fsck: the command's name is the subcommand. */
void cmd_storage(int argc, char **argv)
{
    if (!store_cmd(argv[0], argc - 1, argv + 1))
        sh_eprintf("usage: %s\n", argv[0]);
}

void cmd_store(int argc, char **argv)
{
    if (!store_cmd(argv[1], argc - 2, argv + 2))
        sh_eprintf("usage: store ls [path] | cat <path> | write <path> <text...> | mkdir <path> | "
                  "rm <path> | mv <from> <to> | cp <from> <to> | df | mounts | fsck [--repair] | sync | bench [MiB]\n");
}
