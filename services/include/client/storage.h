/*
 * services/include/client/storage.h - a small client of the storage service (proto/storage.h)
 * for services that keep their own files (config, log), the root manager (stored images,
 * storage/<path> resources) and the confinement test (tests/progs/confined.c). Compiled into
 * them from services/clients (sos_clients); uses services/lib only.
 *
 * A service granted `storage:read+write` (without manage) opens its own directory in
 * a namespace with stc_open_own(conn, "state", ...): the storage service hands out
 * state/<service>/ and nothing else.
 *
 * Layer: services (storage client).
 */
#ifndef STORAGE_CLIENT_H
#define STORAGE_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include <sl/service.h>
#include <sl/sl.h>

#include <proto/storage.h>

/* A directory handle on <ns>/<our name> (made when missing), with all our rights. */
int stc_open_own(struct sl_conn_to *c, const char *ns, sos_handle_t *dir);

/*
 * STORAGE_OPEN on a plain connection to the service: a handle on `path` from the top
 * (the connection has manage; the root manager's) or below the client's own
 * directories; *type (unless NULL) gets STORAGE_TYPE_FILE or STORAGE_TYPE_DIR.
 */
int stc_open_conn(sos_handle_t conn, const char *path, uint32_t rights, uint32_t flags,
                  sos_handle_t *out, uint32_t *type);

/* NODE_OPEN below a directory handle: (type ignored) -> handle. */
int stc_open(sos_handle_t dir, const char *path, uint32_t rights, uint32_t flags, sos_handle_t *out);

/* NODE_READ: bytes read (0 at the end) or an error. */
int64_t stc_read(sos_handle_t f, uint64_t off, void *buf, uint32_t len);

/* NODE_WRITE of all len bytes (in pieces of STORAGE_IO_MAX). */
int stc_write(sos_handle_t f, uint64_t off, const void *buf, size_t len);

/* A request on dir with up to two path arguments (NULL: none) and an empty answer
 * (NODE_MKDIR, NODE_UNLINK, NODE_RENAME, NODE_SYNC). */
int stc_path_op(sos_handle_t dir, uint32_t ord, const char *a, const char *b);
int stc_rename(sos_handle_t dir, const char *from, const char *to);
int stc_unlink(sos_handle_t dir, const char *path);
int stc_mkdir(sos_handle_t dir, const char *path);
int stc_sync(sos_handle_t h);
/* NODE_STAT of path below dir: its type (STORAGE_TYPE_*) and size; either may be NULL. */
int stc_stat(sos_handle_t dir, const char *path, uint32_t *type, uint64_t *size);
/* NODE_STAT: the size of path below dir. */
int stc_size(sos_handle_t dir, const char *path, uint64_t *size);

/* NODE_READDIR of path below dir ("" for dir itself): fn once per entry, every batch. */
typedef void (*stc_entry_fn)(void *ctx, const char *name, uint32_t type, uint64_t size);
int stc_readdir(sos_handle_t dir, const char *path, stc_entry_fn fn, void *ctx);

/*
 * Read the whole file `path` below dir into a new buffer (NUL-terminated; *len without
 * the NUL). SOS_ERR_OUT_OF_RANGE when it is larger than max.
 */
int stc_read_file(sos_handle_t dir, const char *path, size_t max, char **out, size_t *len);

/*
 * Replace file `name` in dir with data[0..len) atomically (write name.tmp, rename over
 * name) and make it durable (sync). After a crash the file is the old or the new one.
 */
int stc_replace_file(sos_handle_t dir, const char *name, const void *data, size_t len);

/*
 * A service's own directory (stc_open_own(conn, ns)) kept open across storage
 * restarts: when storage goes away the handle is opened again at once, not at the next
 * use, so no dead handle lingers (the chaos test counts kernel objects), and after a
 * failed open every 200 ms until one works. `dir` is 0 while there is none.
 */
struct stc_kept_dir {
    struct sl_server *srv;
    struct sl_conn_to *conn;
    const char *ns;
    sos_handle_t dir, timer;
};

/* Set up on srv's loop and open; the open's error (it is then retried by itself). */
int stc_kept_dir_start(struct stc_kept_dir *d, struct sl_server *srv, struct sl_conn_to *conn,
                       const char *ns);
/* Open it again now (an operation on it failed: storage restarted, say). */
int stc_kept_dir_reopen(struct stc_kept_dir *d);

#endif
