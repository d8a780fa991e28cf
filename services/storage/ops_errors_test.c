/*
 * services/storage/ops_errors_test.c - the storage service's request handlers when
 * things go wrong: a failing device's error reaches the client and the store stays
 * consistent; every request cut short or garbled, on every kind of handle, is refused
 * cleanly. Run from ops_test.c's main, over ops_test_fixture.c.
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

/* Revoking reaches every handle minted under the revoker and derived from them, now. */
/*
 * I/O errors reach the client: once the device fails a write, the request whose commit
 * needed it gets SOS_ERR_IO, later changes are refused, what was synced before stays
 * readable, and after a power-off the store mounts clean with every synced change and
 * nothing half-made.
 */
void test_io_error_reported(void **state)
{
    (void)state;
    sos_handle_t app = app_handle(STORAGE_R_ALL), f1, f2, f3;
    assert_int_equal(open_h(app, "kept", 4, STORAGE_R_ALL, STORAGE_O_CREATE, &f1), 0);
    assert_int_equal(write_h(f1, "synced before the failure"), 0);
    assert_int_equal(send_req(f1, begin(NODE_SYNC), 0, NULL), 0);

    g_md.fail_write_at = g_md.writes + 1; /* the device fails from its next write on */
    g_md.fail_err = SOS_ERR_IO;
    g_md.sticky = 1;
    assert_int_equal(open_h(app, "lost", 4, STORAGE_R_ALL, STORAGE_O_CREATE, &f2), 0);
    assert_int_equal(write_h(f2, "never synced"), 0);
    assert_int_equal(send_req(f2, begin(NODE_SYNC), 0, NULL), SOS_ERR_IO);
    assert_true(g_md.failed);
    /* the store has stopped taking changes: each says so, none crashes the handlers */
    assert_int_not_equal(write_h(f1, "more"), 0);
    assert_int_not_equal(open_h(app, "third", 5, STORAGE_R_ALL, STORAGE_O_CREATE, &f3), 0);
    assert_int_not_equal(one_path(app, NODE_MKDIR, "d", 1), 0);
    assert_int_not_equal(send_req(f1, begin(NODE_SYNC), 0, NULL), 0);

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
void test_malformed_requests(void **state)
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
