/*
 * services/config/saved.h - the keys config keeps in storage (config/config/saved.conf).
 *
 * The file holds the keys set at run time, over the defaults, in the defaults file's
 * syntax with every type declared, between a header and a trailer that carries the
 * number of keys and a checksum (FNV-1a 64) of the lines between them:
 *
 *     # serviceos config 1
 *     string system.hostname = "box \"one\""
 *     int network.mtu = 9000
 *     # end 2 3f9a0c1b2d3e4f50
 *
 * A file that is not exactly that (wrong header, missing trailer, a count or checksum
 * that does not match, any line the parser rejects) is refused as a whole: config says
 * why and keeps the defaults. Pure logic: tested on the host (saved_test.c).
 *
 * Layer: services (config).
 */
#ifndef CONFIG_SAVED_H
#define CONFIG_SAVED_H

#include <stddef.h>

#include "store.h"

#define CFG_SAVED_HEADER "# serviceos config 1\n"

/* The file for store s into out[size] (NUL-terminated); returns its length, or the
 * length it needs when that is size or more (like snprintf). */
size_t cfg_saved_format(const struct cfg_store *s, char *out, size_t size);

/*
 * Parse a saved file into `out` (an empty store). 0, or SOS_ERR_CORRUPT with a reason
 * in why[size] (out may then hold some keys: throw it away).
 */
int cfg_saved_parse(struct cfg_store *out, const char *text, size_t len, char *why, size_t size);

#endif
