/*
 * core/bootstore.c - boot policy shared by every platform: check the boot store whole
 * and find the root manager in it.
 *
 * A HAL only reports where the boot store is (boot_info.bootstore_base, _size and a
 * name for messages); it never parses it. Before anything boots, core checks the whole
 * store (header, index, SHA-256 digest) with the index reader of common/bundle (no zlib,
 * no allocation), so a damaged store is refused the same way, with the same message and
 * status, in the simulator, on x86_64 and on aarch64. Without an init image the first
 * process is the store's root manager, which mkbundle keeps uncompressed and
 * page-aligned: it runs straight from the store's pages.
 *
 * Layer: core.
 */
#include "bootstore.h"

#include "bundle.h"
#include "kernel.h"

__attribute__((noreturn)) static void boot_fail(const char *fmt, ...)
{
    va_list ap;
    kprintf("\nServiceOS boot: ");
    va_start(ap, fmt);
    kvprintf(fmt, ap);
    va_end(ap);
    kprintf("\nServiceOS boot: cannot continue; powering off (status %d)\n",
            BOOTSTORE_FAIL_STATUS);
    hal_power_off(BOOTSTORE_FAIL_STATUS);
}

/* argv[0] names the image: "rootmgr" instead of the HAL's "init"; the rest stays. */
static void name_argv0(struct boot_info *bi, const char *name)
{
    uint32_t first = bi->init_args_len
                         ? (uint32_t)k_strnlen(bi->init_args, bi->init_args_len) + 1
                         : 0;
    if (first > bi->init_args_len)
        first = bi->init_args_len;
    uint32_t rest_len = bi->init_args_len - first;
    char args[HAL_CMDLINE_MAX];
    uint32_t o = (uint32_t)k_strlcpy(args, name, sizeof(args)) + 1;
    if (rest_len > sizeof(args) - o)
        rest_len = (uint32_t)(sizeof(args) - o);
    memcpy(args + o, bi->init_args + first, rest_len);
    memcpy(bi->init_args, args, o + rest_len);
    bi->init_args_len = o + rest_len;
}

void bootstore_select(struct boot_info *bi)
{
    if (!bi->bootstore_base)
        return;
    const char *name = bi->bootstore_name ? bi->bootstore_name : "(unnamed)";
    struct bundle b;
    struct errmsg em;
    if (bundle_open(&b, hal_phys_to_virt(bi->bootstore_base), bi->bootstore_size, &em))
        boot_fail("the boot store %s is corrupt: %s", name, em.msg);
    if (bi->init_base)
        return;
    struct bundle_entry root;
    if (bundle_find(&b, "bin/rootmgr", &root) || !(root.flags & BUNDLE_FLAG_STORED) ||
        (bi->bootstore_base + root.offset) % PAGE_SIZE)
        boot_fail("the boot store %s has no page-aligned, uncompressed bin/rootmgr to start",
                  name);
    bi->init_base = bi->bootstore_base + root.offset;
    bi->init_size = root.size;
    name_argv0(bi, "rootmgr");
}
