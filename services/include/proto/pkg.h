/*
 * services/include/proto/pkg.h - the package service (services/package, docs/packages.md).
 *
 * Every reply carries one string: the report for a person (one line per item) on
 * success, the reason on failure; the header's status is 0 or SOS_ERR_*.
 *
 *   PKG_LIST     (u32 flags)                 -> (str text)   [read]   PKG_LIST_AVAILABLE
 *   PKG_SHOW     (str name)                  -> (str text)   [read]
 *   PKG_SEARCH   (str word)                  -> (str text)   [read]
 *   PKG_INSTALL  (str name, str version)     -> (str text)   [write]  version "" = newest
 *   PKG_UPDATE   (str name)                  -> (str text)   [write]  name "" = every one
 *       Either may carry one handle, a channel: while the request runs, the service
 *       sends on it PKG_PROGRESS (str path, u64 done, u64 total), one way, for each
 *       package file it fetches: at 0 bytes, every 4 KiB, and at the end.
 *   PKG_REMOVE   (str name)                  -> (str text)   [write]
 *   PKG_ROLLBACK ()                          -> (str text)   [write]
 *   PKG_HISTORY  ()                          -> (str text)   [read]
 *   PKG_VERIFY   ()                          -> (str text)   [read]   status 0 even when
 *                                                                     files are bad: the
 *                                                                     text says which
 *   PKG_REPAIR   ()                          -> (str text)   [write]
 *   PKG_GC       ()                          -> (str text)   [write]
 *   PKG_REPO     (str op, str name, str url, str root) -> (str text)
 *                                              [write for add/remove/sync, read for
 *                                               list/trust/keys]
 *       op: "add", "remove", "list", "sync", "trust", "keys". A repository carries TUF
 *       metadata (docs/packages.md, "TUF in the service"); add trusts `root` (a file in
 *       /boot or /data/repo; "" is /boot/etc/pkg/trust/<name>.root, what the boot store
 *       ships) and syncs from `url` ("file:<dir>": /data/repo/<dir>; "" is
 *       file:<name>). url and root may be left out of the message for other ops.
 *   PKG_POLICY   (str op, str a, str b, str "") -> (str text)  [read for show, write
 *                                                               for the others]
 *       op: "show", "allow" <repo> <pkg|*>, "pin" <pkg> <version>, "unpin" <pkg>,
 *       "reset"; the reply is the policy after the change (docs/packages.md, "Policy")
 *   PKG_WHICH    (str name)                  -> (str path)   [read]
 *       the storage path of the installed package's program (its bin/<name>, else its
 *       first executable), for the root manager's loader (`run pkg <name>` in the shell)
 *   PKG_TRUSTINFO (str image)                -> (str records) [read]
 *       for the security service (`security trust`, the launch policy by package and
 *       publisher): one record a line, tab-separated "key=value" fields after the kind
 *         repo  name url root expires snapshot targets packages clock keys
 *               (keys: id:role+role,...; clock: valid, expired, or none to check with)
 *         pkg   name version repo keys verified listed sha256 policy images
 *               (repo and keys: its provenance; listed: yes when the repository's
 *               verified index still has those bytes; policy: the install rule that
 *               lets it in; images: the SHA-256 of its programs, comma-separated)
 *       image "": every repository and installed package; 64 hex digits: only the
 *       packages with a program of that SHA-256 (an image below /data/pkg)
 *
 * Records for programs (the software center), encoded and decoded by one codec in the
 * client library (client/pkg.h, services/clients/pkgrec.c), like MGR_LIST's services:
 *   PKG_PACKAGES (u32 flags, str word, u32 start) -> (u32 next, u32 n, n x package) [read]
 *       flags PKG_LIST_AVAILABLE: each version the repositories offer on the channels
 *       policy follows (`pkg list available`), else the installed packages (`pkg list`);
 *       word: only those whose name or description holds it ("": all; `pkg search w`
 *       is PKG_LIST_AVAILABLE with w). A reply holds at most PKG_PAGE_MAX records from
 *       the start'th on; next: the start of the next page, 0 after the last.
 *       package = (str name, str version, str description, u32 flags, str installed,
 *                  u32 channel, str repo, u64 size, str depends)
 *         flags PKG_PACKAGE_INSTALLED: this version is the one installed; installed: the
 *         version of name installed ("" none); channel: 0 stable, 1 testing; repo: the
 *         repository offering it (for an installed package the first whose verified
 *         index lists it, "" none); size: bytes of the package file; depends: its
 *         dependencies as the package declares them, "name >=1, other" ("" none)
 *   PKG_TRUST    (str name)                  -> (u32 n, n x repo, u32 m, m x origin)
 *                                               [read]
 *       what PKG_TRUSTINFO says, as records: every repository, and (m is 0 or 1) the
 *       origin of the installed package called name
 *       repo   = (str name, str url, u32 root version, u64 expires, u32 snapshot,
 *                 u32 targets, u32 packages, u32 clock, str keys)
 *         clock: PKG_CLOCK_*; keys: id:role+role,...
 *       origin = (str name, str version, u32 flags, str repo, str url, u32 root version,
 *                 str keys, str verified, str policy, str sha256, str images,
 *                 u32 generation, str who)
 *         flags PKG_ORIGIN_RECORDED: it has a provenance record (else repo, url, keys,
 *         verified and who are ""); PKG_ORIGIN_LISTED: its repository's verified index
 *         still has those bytes. The rest as PKG_TRUSTINFO's pkg record; the root
 *         version and keys its repository had when it was installed, the generation
 *         that installed it and who asked.
 *   Every string of a record is printable ASCII and shorter than its PKG_REC_* size; a
 *   decoder refuses anything else (and unknown flags, a channel or clock out of range,
 *   bytes after the last record).
 *
 * Layer: services protocols.
 */
#ifndef PROTO_PKG_H
#define PROTO_PKG_H

#include <proto/proto.h>

#define PKG_PROTO_VERSION 1
#define PKG_LIST SOS_ORD(PROTO_PKG, PKG_PROTO_VERSION, 1)
#define PKG_SHOW SOS_ORD(PROTO_PKG, PKG_PROTO_VERSION, 2)
#define PKG_SEARCH SOS_ORD(PROTO_PKG, PKG_PROTO_VERSION, 3)
#define PKG_INSTALL SOS_ORD(PROTO_PKG, PKG_PROTO_VERSION, 4)
#define PKG_UPDATE SOS_ORD(PROTO_PKG, PKG_PROTO_VERSION, 5)
#define PKG_REMOVE SOS_ORD(PROTO_PKG, PKG_PROTO_VERSION, 6)
#define PKG_ROLLBACK SOS_ORD(PROTO_PKG, PKG_PROTO_VERSION, 7)
#define PKG_HISTORY SOS_ORD(PROTO_PKG, PKG_PROTO_VERSION, 8)
#define PKG_VERIFY SOS_ORD(PROTO_PKG, PKG_PROTO_VERSION, 9)
#define PKG_REPAIR SOS_ORD(PROTO_PKG, PKG_PROTO_VERSION, 10)
#define PKG_GC SOS_ORD(PROTO_PKG, PKG_PROTO_VERSION, 11)
#define PKG_REPO SOS_ORD(PROTO_PKG, PKG_PROTO_VERSION, 12)
#define PKG_WHICH SOS_ORD(PROTO_PKG, PKG_PROTO_VERSION, 13)
#define PKG_POLICY SOS_ORD(PROTO_PKG, PKG_PROTO_VERSION, 14)
#define PKG_TRUSTINFO SOS_ORD(PROTO_PKG, PKG_PROTO_VERSION, 15)
#define PKG_PACKAGES SOS_ORD(PROTO_PKG, PKG_PROTO_VERSION, 16)
#define PKG_TRUST SOS_ORD(PROTO_PKG, PKG_PROTO_VERSION, 17)
#define PKG_PROGRESS SOS_ORD(PROTO_PKG, PKG_PROTO_VERSION, 32)

/* Where the service keeps its state (package.svc: resource=storage/data/pkg): installed
 * files are PKG_STATE_PATH/objects/<sha256>. */
#define PKG_STATE_PATH "/data/pkg"

#define PKG_LIST_AVAILABLE 1u

#define PKG_ARG_MAX 64      /* names, versions, repository operations */
#define PKG_URL_MAX 160     /* a repository's url, a root file's path */
#define PKG_REPLY_MAX 8192  /* bytes of the reply's text */

/* PKG_PACKAGES and PKG_TRUST records */
#define PKG_PAGE_MAX 32             /* packages in one PKG_PACKAGES reply */
#define PKG_TRUST_REPOS 8           /* repositories in one PKG_TRUST reply */
#define PKG_PACKAGE_INSTALLED 1u
#define PKG_ORIGIN_RECORDED 1u
#define PKG_ORIGIN_LISTED 2u
#define PKG_CHANNEL_COUNT 2u        /* stable, testing */
enum pkg_clock { PKG_CLOCK_NONE, PKG_CLOCK_VALID, PKG_CLOCK_EXPIRED, PKG_CLOCK_COUNT };
/* String sizes, the NUL included (a package name has at most 31 bytes) */
#define PKG_REC_NAME 32
#define PKG_REC_VERSION 24
#define PKG_REC_TEXT 80             /* a description */
#define PKG_REC_LINE 160            /* verified, policy */
#define PKG_REC_KEYS 832            /* 16 key ids with their roles */
#define PKG_REC_HASH 65             /* 64 hex digits */
#define PKG_REC_IMAGES (8 * PKG_REC_HASH)

#endif
