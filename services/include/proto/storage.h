/*
 * services/include/proto/storage.h - the storage service: the writable store and the
 * boot store, through directory and file handles.
 *
 * A connection to the service (looked up as "storage") carries the manifest's rights:
 *
 *   STORAGE_OPEN   (str path, u32 rights, u32 flags) -> (u32 type) + handle     [manage]
 *       a handle on any path from the top ("/home/app", "/boot/config/defaults.conf")
 *                                                                        [read or write]
 *       without manage: only below the client's own directories config/<name>,
 *       state/<name>, data/<name> and tmp/<name> (made when missing), where <name>
 *       is the service name of the connection: "/state" is state/<name>, "/state/x" is x below it;
 *       rights at most enumerate+read (READ) and write+create+delete (WRITE)
 *   STORAGE_MOUNTS ()  -> (u32 n, n x (str path, str source, str fstype, u32 flags))  [read]
 *   STORAGE_DF     ()  -> (u64 blocks, u64 free, u32 block_size, u64 inodes, u32 flags,
 *                          str source, u64 reserved)                             [read]
 *       free: what new data can use; reserved: kept back for removals (a full store
 *       can always be freed) and copy-on-write; used is what is left
 *   STORAGE_FSCK   (u32 flags) -> (u32 errors, u32 repaired, u64 files, u64 dirs,
 *                          u64 blocks_checked, str log, u64 lost, u64 zeroed,
 *                          u64 adopted)                                          [manage]
 *       checks the committed store (syncing first); lost: files and directories that
 *       cannot be kept, zeroed: data blocks that cannot be read, adopted: inodes in no
 *       directory (what a repair loses, replaces by zeros, puts in /lost+found).
 *       STORAGE_FSCK_REPAIR unmounts the store (committing first), repairs it in one
 *       commit and mounts it again; handles stay valid unless their file was lost
 *   STORAGE_SYNC   ()  -> ()                                                     [write]
 *   STORAGE_BENCH  (u32 mib) -> (u64 fs_write_ns, u64 fs_read_ns, u64 raw_write_ns,
 *                          u64 raw_read_ns)                                      [manage]
 *       sequential throughput of the store against the raw device in the same run: a
 *       file of mib MiB written (then synced) and read back through sosfs, and the same
 *       bytes written (then flushed) and read straight to free blocks of the device
 *
 * A handle is a channel to the service. A directory handle reaches only what is below
 * it: paths are relative to it ('/' at the start means the handle itself), '..' never
 * climbs above it, and there are no symbolic links to leave it by. Its rights are the
 * STORAGE_R_* bits below; a handle derived from another (NODE_OPEN, NODE_CLONE) gets at
 * most its parent's rights. Paths are at most STORAGE_PATH_MAX bytes.
 *
 *   NODE_OPEN      (str path, u32 rights, u32 flags) -> (u32 type) + handle
 *       flags: STORAGE_O_CREATE (create a file if missing: needs CREATE),
 *              STORAGE_O_EXCL (fail if it exists), STORAGE_O_TRUNC (needs WRITE),
 *              STORAGE_O_DIR (must be a directory), STORAGE_O_APPEND (writes at the end)
 *   NODE_CLONE     (u32 rights) -> handle            the same node with fewer rights
 *   NODE_READDIR   (str path, u64 cookie) -> (u64 next, u32 n, n x (str name, u32 type,
 *                          u64 size))               [enumerate]; next 0: the end
 *   NODE_STAT      (str path) -> (u32 type, u64 size, u64 mtime)   [enumerate]
 *   NODE_MKDIR     (str path) -> ()                 [create]
 *   NODE_UNLINK    (str path) -> ()                 [delete]; directories must be empty
 *   NODE_RENAME    (str from, str to) -> ()         [delete + create]; atomic, replaces a
 *                                                   file (or an empty directory)
 *   NODE_READ      (u64 offset, u32 len) -> bytes   [read]; offset STORAGE_POS_CURRENT
 *                                                   reads at the handle's position
 *   NODE_WRITE     (u64 offset, bytes...) -> (u32 written)  [write]
 *   NODE_SEEK      (u32 whence, u64 offset) -> (u64 position)   whence 0 set, 1 cur, 2 end
 *   NODE_TRUNCATE  (u64 size) -> ()                 [write]
 *   NODE_SYNC      () -> ()                         everything written so far is durable
 *   NODE_MINT      (u32 rights) -> handle + revoker handle
 *       the same node with fewer rights, under a new revocation point; the revoker is a
 *       handle of its own that only takes NODE_REVOKE
 *   NODE_REVOKE    () -> (u32 handles)              on a revoker: every handle minted
 *       under it and every handle derived from those (open, clone, mint), by any holder,
 *       fails with SOS_ERR_REVOKED from now on; says how many it reached
 *
 * Durability: a change is visible at once and durable after NODE_SYNC or STORAGE_SYNC
 * returns; the service also commits by itself one second after the last change and when
 * it stops. Each request is atomic across a power cut (docs/storage.md).
 *
 * Layer: services protocols.
 */
#ifndef PROTO_STORAGE_H
#define PROTO_STORAGE_H

#include <proto/proto.h>

#define STORAGE_VERSION 1
#define STORAGE_OPEN SOS_ORD(PROTO_STORAGE, STORAGE_VERSION, 1)
#define STORAGE_MOUNTS SOS_ORD(PROTO_STORAGE, STORAGE_VERSION, 2)
#define STORAGE_DF SOS_ORD(PROTO_STORAGE, STORAGE_VERSION, 3)
#define STORAGE_FSCK SOS_ORD(PROTO_STORAGE, STORAGE_VERSION, 4)
#define STORAGE_SYNC SOS_ORD(PROTO_STORAGE, STORAGE_VERSION, 5)
#define STORAGE_BENCH SOS_ORD(PROTO_STORAGE, STORAGE_VERSION, 6)

#define NODE_OPEN SOS_ORD(PROTO_STORAGE, STORAGE_VERSION, 16)
#define NODE_CLONE SOS_ORD(PROTO_STORAGE, STORAGE_VERSION, 17)
#define NODE_READDIR SOS_ORD(PROTO_STORAGE, STORAGE_VERSION, 18)
#define NODE_STAT SOS_ORD(PROTO_STORAGE, STORAGE_VERSION, 19)
#define NODE_MKDIR SOS_ORD(PROTO_STORAGE, STORAGE_VERSION, 20)
#define NODE_UNLINK SOS_ORD(PROTO_STORAGE, STORAGE_VERSION, 21)
#define NODE_RENAME SOS_ORD(PROTO_STORAGE, STORAGE_VERSION, 22)
#define NODE_READ SOS_ORD(PROTO_STORAGE, STORAGE_VERSION, 23)
#define NODE_WRITE SOS_ORD(PROTO_STORAGE, STORAGE_VERSION, 24)
#define NODE_SEEK SOS_ORD(PROTO_STORAGE, STORAGE_VERSION, 25)
#define NODE_TRUNCATE SOS_ORD(PROTO_STORAGE, STORAGE_VERSION, 26)
#define NODE_SYNC SOS_ORD(PROTO_STORAGE, STORAGE_VERSION, 27)
#define NODE_MINT SOS_ORD(PROTO_STORAGE, STORAGE_VERSION, 28)
#define NODE_REVOKE SOS_ORD(PROTO_STORAGE, STORAGE_VERSION, 29)

/* Rights on a handle. */
#define STORAGE_R_ENUMERATE (1u << 0)
#define STORAGE_R_READ (1u << 1)
#define STORAGE_R_WRITE (1u << 2)
#define STORAGE_R_CREATE (1u << 3)
#define STORAGE_R_DELETE (1u << 4)
#define STORAGE_R_ALL 0x1fu

#define STORAGE_O_CREATE (1u << 0)
#define STORAGE_O_EXCL (1u << 1)
#define STORAGE_O_TRUNC (1u << 2)
#define STORAGE_O_DIR (1u << 3)
#define STORAGE_O_APPEND (1u << 4)

#define STORAGE_TYPE_FILE 1u
#define STORAGE_TYPE_DIR 2u

#define STORAGE_FSCK_REPAIR 1u
#define STORAGE_MOUNT_RO (1u << 0)
#define STORAGE_MOUNT_MEMORY (1u << 1) /* no disk: nothing survives a reboot */

#define STORAGE_POS_CURRENT UINT64_MAX
#define STORAGE_PATH_MAX 1024u
#define STORAGE_IO_MAX 49152u /* bytes per NODE_READ / NODE_WRITE */

#endif
