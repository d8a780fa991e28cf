/*
 * services/include/proto/security.h - the security service: launch policy, approvals,
 * audit history (services/security, docs/security.md).
 *
 *   SEC_CHECK_LAUNCH (str hash, str name, str path [, str package, str repository,
 *                     str key ids]) -> (u32 verdict, u64 approval, str rule)         [manage]
 *       the root manager, before it launches an image that is not in the boot store
 *       (run image, run pkg, every start of a packaged service); hash: the image's
 *       SHA-256 in 64 hex digits; the package fields as MGR_PKG_SERVICE gave them
 *       (left out, or "": the service asks the package service which installed package
 *       holds an image below /data/pkg). verdict SEC_ALLOW: go on; SEC_BLOCK: refuse;
 *       SEC_ASK: refuse until the operator approves `approval`. rule: the package or
 *       publisher rule that decided ("package:greeter"), "" for the image's rule or
 *       the default
 *   SEC_POLICY_LIST  () -> (u32 default, u32 n, n x (str target, u32 verdict, str name))  [read]
 *   SEC_POLICY_SET   (str target, str name, u32 verdict) -> ()                        [manage]
 *       target: 64 hex digits (an image), "package:<name>" or "publisher:<repository
 *       or key id>" (services/security/policy.h)
 *   SEC_APPS         () -> (u32 n, n x (str hash, str name, str package, u32 verdict,
 *                                       u32 launches, u32 refusals),
 *                         u32 m, m x (str package, str version, str repository,
 *                                     u32 verdict, str rule))                       [read]
 *       the images asked about since the service started, then the installed packages
 *       (from the package service; m = 0 when it cannot be asked) with the launch
 *       verdict for their programs and the rule that gives it ("the default")
 *   SEC_TRUST        () -> (u32 n, n x str line)                                      [read]
 *       `security trust`: per repository its keys and what was verified, per installed
 *       package who signed it, its verification, the install rule that let it in and
 *       its launch verdict (from the package service's PKG_TRUSTINFO); repository
 *       changes since the last look go into the history
 *   SEC_PENDING      () -> (u32 n, n x (u64 id, str hash, str name, str path))        [read]
 *   SEC_DECIDE       (u64 id, u32 approve, u32 remember) -> ()                        [manage]
 *       approve without remember: the next launch of that image is allowed, once;
 *       with remember: an allow rule. Deny: forgotten (a block rule if remember)
 *   SEC_REVOKE       (str target) -> ()                                               [manage]
 *       the rule for that target and any one-time approval of an image go: its next
 *       launch follows the remaining rules and the default
 *   SEC_REQUEST_CAP  (str what) -> () + handle                                        [write]
 *       a program asks for a capability its manifest did not grant; the answer waits
 *       for the operator (security pending / approve / deny). Only "log:write" is
 *       lent today: a handle on the security service's own log connection, minted
 *       under a revoker, so `security revoke <id>` ends it at once, wherever it is
 *       (SOS_ERR_REVOKED); records written through it carry the lender's name.
 *       Denied: SOS_ERR_ACCESS_DENIED; unknown capability: SOS_ERR_NOT_SUPPORTED
 *   SEC_REVOKE_GRANT (u64 id) -> ()                                                   [manage]
 *   SEC_PENDING and SEC_APPS list launches; SEC_GRANTS lists requests and grants:
 *   SEC_GRANTS       () -> (u32 n, n x (u64 id, str client, str what, u32 state))    [read]
 *       state: 0 waiting, 1 granted, 2 revoked
 *   SEC_AUDIT        (u32 n) -> (u32 problem, u64 records, u32 line, u64 expected,
 *                                u64 found, u32 n, n x str record)                     [read]
 *       the last n records of the persisted history and its verification
 *       (problem: enum sec_chain_problem, or SEC_AUDIT_CUT when the head file says
 *       more records were written than the log holds)
 *
 * Layer: services protocols.
 */
#ifndef PROTO_SECURITY_H
#define PROTO_SECURITY_H

#include <proto/proto.h>

#define SEC_VERSION 1
#define SEC_CHECK_LAUNCH SOS_ORD(PROTO_SECURITY, SEC_VERSION, 1)
#define SEC_POLICY_LIST SOS_ORD(PROTO_SECURITY, SEC_VERSION, 2)
#define SEC_POLICY_SET SOS_ORD(PROTO_SECURITY, SEC_VERSION, 3)
#define SEC_APPS SOS_ORD(PROTO_SECURITY, SEC_VERSION, 4)
#define SEC_PENDING SOS_ORD(PROTO_SECURITY, SEC_VERSION, 5)
#define SEC_DECIDE SOS_ORD(PROTO_SECURITY, SEC_VERSION, 6)
#define SEC_REVOKE SOS_ORD(PROTO_SECURITY, SEC_VERSION, 7)
#define SEC_AUDIT SOS_ORD(PROTO_SECURITY, SEC_VERSION, 8)
#define SEC_REQUEST_CAP SOS_ORD(PROTO_SECURITY, SEC_VERSION, 9)
#define SEC_REVOKE_GRANT SOS_ORD(PROTO_SECURITY, SEC_VERSION, 10)
#define SEC_GRANTS SOS_ORD(PROTO_SECURITY, SEC_VERSION, 11)
#define SEC_TRUST SOS_ORD(PROTO_SECURITY, SEC_VERSION, 12)

#define SEC_GRANT_WAITING 0u
#define SEC_GRANT_GRANTED 1u
#define SEC_GRANT_REVOKED 2u

/* verdicts: services/security/policy.h's enum sec_verdict */
#define SEC_V_ALLOW 0u
#define SEC_V_BLOCK 1u
#define SEC_V_ASK 2u

#define SEC_AUDIT_CUT 4u /* beyond enum sec_chain_problem: records missing at the end */
#define SEC_AUDIT_MAX 64 /* records one SEC_AUDIT answers at most */

#endif
