/*
 * services/include/proto/config.h - the config service: hierarchical typed keys.
 *
 * Keys are dot-separated paths ("log.minimum_severity", "network.ipv4.address").
 * Each key has a type fixed by its default (config/defaults.conf in the boot store)
 * or by its first set: string, int (64-bit signed), or bool (true/false).
 *
 *   CONFIG_GET    (str key)                   -> (u32 type, str value)        [read]
 *   CONFIG_SET    (str key, str value)        -> ()                           [write]
 *       SOS_ERR_INVALID_ARGS when the value does not parse as the key's type (or the
 *       key is malformed); that reply carries (str why), the reason in words
 *   CONFIG_LIST   (str prefix)                -> (u32 n, n x (str key, u32 type, str value)) [read]
 *   CONFIG_WATCH  (str prefix) + handle       -> ()                           [read]
 *       every later change under prefix is written to the channel given as
 *       CONFIG_CHANGED (str key, str value), without a reply, until it closes
 *
 * Layer: services protocols.
 */
#ifndef PROTO_CONFIG_H
#define PROTO_CONFIG_H

#include <proto/proto.h>

#define CONFIG_VERSION 1
#define CONFIG_GET SOS_ORD(PROTO_CONFIG, CONFIG_VERSION, 1)
#define CONFIG_SET SOS_ORD(PROTO_CONFIG, CONFIG_VERSION, 2)
#define CONFIG_LIST SOS_ORD(PROTO_CONFIG, CONFIG_VERSION, 3)
#define CONFIG_WATCH SOS_ORD(PROTO_CONFIG, CONFIG_VERSION, 4)
#define CONFIG_CHANGED SOS_ORD(PROTO_CONFIG, CONFIG_VERSION, 5)

enum config_type { CONFIG_STRING = 1, CONFIG_INT = 2, CONFIG_BOOL = 3 };

#define CONFIG_KEY_MAX 128
#define CONFIG_VALUE_MAX 512

#endif
