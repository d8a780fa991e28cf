/*
 * services/clients/tls_entropy.c - the system's entropy as a TLS seed source
 * (client/tls.h): the entropy_read system call, whose bytes the core conditions with
 * SHA-256 from the platform's source (docs/network.md, "HTTP and TLS": RDSEED/RDRAND
 * on x86_64, RNDR or timer jitter on aarch64, the host's getrandom in the simulator).
 *
 * Layer: services (client library; ServiceOS only: the host tests seed from getrandom).
 */
#include <client/tls.h>

#include <sl/sys.h>

static int system_fill(void *ctx, void *buf, size_t len)
{
    (void)ctx;
    unsigned char *p = buf;
    while (len > 0) {
        size_t n = len < 256 ? len : 256; /* the call's limit */
        int64_t r = sos_entropy_read(p, n);
        if (r < 0)
            return (int)r;
        p += n, len -= n;
    }
    return 0;
}

struct tls_entropy tls_entropy_system(void)
{
    return (struct tls_entropy){NULL, system_fill};
}
