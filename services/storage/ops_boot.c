/*
 * services/storage/ops_boot.c - the boot store as part of the tree: "/boot" below the
 * top of the store leads into the read-only bundle (bundle.h). Opening, listing and
 * reading there are answered from the bundle's entries, never from sosfs.
 *
 * Layer: services (storage), below the request handlers of ops_open.c, ops_dir.c and
 * ops_file.c.
 */
#include "ops.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "resolve.h"

/* Does `path` (below the top) lead into the boot store? *rest gets what follows "boot". */
bool boot_path(const struct node *n, const char *path, const char **rest)
{
    if (!n->top || !g_st.have_boot)
        return false;
    while (*path == '/')
        path++;
    if (strncmp(path, "boot", 4) || (path[4] && path[4] != '/'))
        return false;
    *rest = path + 4;
    while (**rest == '/')
        (*rest)++;
    return true;
}

int open_boot(struct sl_request *r, const struct node *base, const char *rest, uint32_t rights)
{
    if (strstr(rest, "..") || strlen(rest) >= sizeof(base->entry))
        return SOS_ERR_INVALID_ARGS;
    struct node n = {.kind = NODE_BOOT, .rights = rights & (STORAGE_R_READ | STORAGE_R_ENUMERATE),
                     .grant = base->grant};
    snprintf(n.entry, sizeof(n.entry), "%s", rest);
    size_t len = strlen(n.entry);
    while (len && n.entry[len - 1] == '/')
        n.entry[--len] = 0;
    struct bundle_entry e;
    n.boot_dir = !len || bundle_find(&g_st.boot, n.entry, &e) != 0;
    (void)base;
    sl_msg_put_u32(r->reply, n.boot_dir ? STORAGE_TYPE_DIR : STORAGE_TYPE_FILE);
    return give_node(r, &n);
}

/* The direct children of boot-store prefix `prefix`, in one reply. */
int readdir_boot(struct sl_request *r, const char *prefix)
{
    size_t pl = strlen(prefix);
    const char *seen[256];
    size_t seen_len[256];
    uint32_t n = 0;
    struct sl_msg *m = r->reply;
    sl_msg_put_u64(m, 0);
    uint32_t count_at = m->len;
    sl_msg_put_u32(m, 0);
    for (uint32_t i = 0; i < bundle_count(&g_st.boot) && n < 256; i++) {
        struct bundle_entry e;
        if (bundle_entry_at(&g_st.boot, i, &e))
            continue;
        const char *name = e.name;
        if (pl && (strncmp(name, prefix, pl) || name[pl] != '/'))
            continue;
        const char *c = name + (pl ? pl + 1 : 0);
        const char *slash = strchr(c, '/');
        size_t cl = slash ? (size_t)(slash - c) : strlen(c);
        bool dup = false;
        for (uint32_t k = 0; k < n && !dup; k++)
            dup = seen_len[k] == cl && !memcmp(seen[k], c, cl);
        if (dup || cl == 0 || cl > SFS_NAME_MAX)
            continue;
        seen[n] = c;
        seen_len[n++] = cl;
        char nm[SFS_NAME_MAX + 1];
        memcpy(nm, c, cl);
        nm[cl] = 0;
        sl_msg_put_str(m, nm);
        sl_msg_put_u32(m, slash ? STORAGE_TYPE_DIR : STORAGE_TYPE_FILE);
        sl_msg_put_u64(m, slash ? 0 : e.size);
    }
    memcpy(m->bytes + count_at, &n, 4);
    return 0;
}

int read_boot(struct sl_request *r, struct node *n, uint64_t off, uint32_t len)
{
    struct bundle_entry e;
    struct errmsg em;
    if (n->boot_dir || bundle_find(&g_st.boot, n->entry, &e))
        return SOS_ERR_WRONG_TYPE;
    if (off == STORAGE_POS_CURRENT)
        off = n->pos;
    if (off >= e.size)
        return 0;
    uint8_t *buf = malloc(e.size);
    if (!buf)
        return SOS_ERR_NO_MEMORY;
    int err = bundle_read(&g_st.boot, &e, buf, e.size, &em);
    if (!err) {
        uint64_t k = e.size - off < len ? e.size - off : len;
        sl_msg_put(r->reply, buf + off, (uint32_t)k);
        n->pos = off + k;
    }
    free(buf);
    return err;
}
