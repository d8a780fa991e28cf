/*
 * hal-x86_64/boot/loader.c - the UEFI stage: BOOTX64.EFI.
 *
 * Loads \serviceos\kernel.elf, the init image (\serviceos\init.elf, or init=PATH from
 * the command line), \serviceos\bootstore.bin when present and the command line
 * (\serviceos\cmdline.txt, or the load options when the image was started with
 * arguments); collects the GOP framebuffer, the ACPI RSDP and the memory map; builds
 * the kernel's first page tables (bootproto.h); exits boot services and jumps to the
 * kernel with one struct x86_boot.
 *
 * A missing or corrupt file is reported on the UEFI console (the screen, and the serial
 * port under OVMF). Then, on QEMU, the loader exits through isa-debug-exit with status
 * 4 so a test sees the failure at once; on other machines it waits for a key (at most a
 * minute) and powers off. It never hangs silently.
 *
 * Layer: hal-x86_64 boot. Built by clang as a PE32+ EFI application (see meson.build).
 */
#include "efi.h"

#include "x86/bootproto.h"

#define PAGE 4096ull
#define PTE_P 0x1ull
#define PTE_W 0x2ull
#define PTE_PS 0x80ull
#define PTE_G 0x100ull
#define PTE_NX (1ull << 63)
#define PTE_ADDR 0x000ffffffffff000ull

#define BOOT_FAIL_STATUS 4 /* the guest status a failed boot reports on QEMU */

static efi_system_table *g_st;
static efi_boot_services *g_bs;
static efi_handle g_image;
static int g_nx;

/* ---- the C library bits clang may call */

void *memcpy(void *d, const void *s, size_t n);
void *memset(void *d, int c, size_t n);

void *memcpy(void *d, const void *s, size_t n)
{
    uint8_t *dd = d;
    const uint8_t *ss = s;
    while (n--)
        *dd++ = *ss++;
    return d;
}

void *memset(void *d, int c, size_t n)
{
    uint8_t *dd = d;
    while (n--)
        *dd++ = (uint8_t)c;
    return d;
}

static size_t str_len(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

static int guid_eq(const efi_guid *a, const efi_guid *b)
{
    const uint8_t *x = (const uint8_t *)a, *y = (const uint8_t *)b;
    for (unsigned i = 0; i < sizeof(*a); i++)
        if (x[i] != y[i])
            return 0;
    return 1;
}

static inline void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port));
}

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}

/* ---- console output: ASCII in, UCS-2 out */

static void print(const char *s)
{
    char16 buf[128];
    size_t n = 0;
    for (; *s; s++) {
        if (*s == '\n')
            buf[n++] = '\r';
        buf[n++] = (char16)(uint8_t)*s;
        if (n >= 120) {
            buf[n] = 0;
            g_st->con_out->output_string(g_st->con_out, buf);
            n = 0;
        }
    }
    buf[n] = 0;
    g_st->con_out->output_string(g_st->con_out, buf);
}

static void print_hex(uint64_t v)
{
    char b[19] = "0x";
    for (int i = 0; i < 16; i++)
        b[2 + i] = "0123456789abcdef"[(v >> (60 - 4 * i)) & 15];
    b[18] = 0;
    print(b);
}

/* ---- failure */

static const char g_bochs_oem[6] = {'B', 'O', 'C', 'H', 'S', ' '};
static uint64_t g_rsdp;

/* QEMU (and Bochs) firmware tables carry the OEM id "BOCHS ". */
static int on_qemu(void)
{
    const uint8_t *r = (const uint8_t *)(uintptr_t)g_rsdp;
    if (!r)
        return 0;
    for (int i = 0; i < 6; i++)
        if (r[9 + i] != (uint8_t)g_bochs_oem[i])
            return 0;
    return 1;
}

static void find_rsdp(void)
{
    const efi_guid acpi2 = EFI_ACPI_20_TABLE_GUID, acpi1 = EFI_ACPI_10_TABLE_GUID;
    for (uint64_t i = 0; i < g_st->number_of_table_entries; i++) {
        efi_configuration_table *t = &g_st->configuration_table[i];
        if (guid_eq(&t->guid, &acpi2))
            g_rsdp = (uint64_t)(uintptr_t)t->table;
        else if (guid_eq(&t->guid, &acpi1) && !g_rsdp)
            g_rsdp = (uint64_t)(uintptr_t)t->table;
    }
}

__attribute__((noreturn)) static void fail(const char *what, const char *path)
{
    print("\nServiceOS boot: ");
    print(what);
    if (path) {
        print(": ");
        print(path);
    }
    print("\n");
    if (on_qemu()) {
        print("ServiceOS boot: stopping the virtual machine (status 4)\n");
        outb(0xf4, BOOT_FAIL_STATUS + 1); /* isa-debug-exit, see image/x86_64/run.sh */
    }
    print("ServiceOS boot: press a key to power off (or wait one minute)\n");
    efi_event ev[2] = {g_st->con_in->wait_for_key, 0};
    uint64_t n = 1, idx;
    if (!EFI_ERROR(g_bs->create_event(EFI_EVT_TIMER, 0, 0, 0, &ev[1])) &&
        !EFI_ERROR(g_bs->set_timer(ev[1], EFI_TIMER_RELATIVE, 600000000ull)))
        n = 2;
    g_bs->wait_for_event(n, ev, &idx);
    g_st->runtime->reset_system(EFI_RESET_SHUTDOWN, EFI_LOAD_ERROR, 0, 0);
    for (;;)
        __asm__ volatile("cli; hlt");
}

/* ---- memory */

static void *alloc_pages(uint64_t n, const char *why)
{
    uint64_t pa = 0;
    if (EFI_ERROR(g_bs->allocate_pages(EFI_ALLOCATE_ANY_PAGES, EFI_LOADER_DATA, n, &pa)))
        fail("out of memory while loading", why);
    memset((void *)(uintptr_t)pa, 0, n * PAGE);
    return (void *)(uintptr_t)pa;
}

/* ---- files */

static efi_file *g_root;

static void open_root(void)
{
    const efi_guid li_guid = EFI_LOADED_IMAGE_GUID, fs_guid = EFI_SIMPLE_FILE_SYSTEM_GUID;
    efi_loaded_image *li;
    efi_simple_fs *fs;
    if (EFI_ERROR(g_bs->handle_protocol(g_image, &li_guid, (void **)&li)))
        fail("the firmware does not describe the loader image", 0);
    if (EFI_ERROR(g_bs->handle_protocol(li->device, &fs_guid, (void **)&fs)) ||
        EFI_ERROR(fs->open_volume(fs, &g_root)))
        fail("cannot open the EFI system partition the loader came from", 0);
}

/* Read a whole file into fresh LoaderData pages; 0 when it does not exist. */
static int load_file(const char *path, struct x86_boot_file *out, int required)
{
    char16 wpath[128];
    size_t n = str_len(path);
    if (n >= 127)
        fail("path too long", path);
    for (size_t i = 0; i <= n; i++)
        wpath[i] = (char16)(uint8_t)path[i];
    efi_file *f;
    if (EFI_ERROR(g_root->open(g_root, &f, wpath, EFI_FILE_MODE_READ, 0))) {
        if (required)
            fail("cannot find a required file", path);
        return 0;
    }
    uint64_t size = 0;
    if (EFI_ERROR(f->set_position(f, ~0ull)) || EFI_ERROR(f->get_position(f, &size)) ||
        EFI_ERROR(f->set_position(f, 0)))
        fail("cannot get the size of", path);
    if (size == 0 && required)
        fail("a required file is empty", path);
    uint8_t *buf = alloc_pages((size + PAGE - 1) / PAGE + 1, path);
    uint64_t done = 0;
    while (done < size) {
        uint64_t chunk = size - done > (1u << 20) ? (1u << 20) : size - done;
        if (EFI_ERROR(f->read(f, &chunk, buf + done)) || chunk == 0)
            fail("read error in", path);
        done += chunk;
    }
    f->close(f);
    out->pa = (uint64_t)(uintptr_t)buf;
    out->size = size;
    return 1;
}

/* ---- command line */

static int printable(const char16 *s, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if (s[i] && (s[i] < 0x20 || s[i] > 0x7e) && s[i] != '\t')
            return 0;
    return n > 0;
}

/* Copy `src` into the boot command line: whitespace runs become one space, trimmed. */
static void set_cmdline(struct x86_boot *b, const char *src, size_t n)
{
    size_t o = 0;
    int space = 0;
    for (size_t i = 0; i < n && src[i] && o + 2 < X86_BOOT_CMDLINE_MAX; i++) {
        char c = src[i];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            space = o > 0;
            continue;
        }
        if (space)
            b->cmdline[o++] = ' ';
        space = 0;
        b->cmdline[o++] = c;
    }
    b->cmdline[o] = 0;
}

/* Load options from the UEFI shell: "bootx64.efi args..."; boot entries may hold
   binary data, which is ignored. Returns 1 when there were textual arguments. */
static int cmdline_from_options(struct x86_boot *b)
{
    const efi_guid li_guid = EFI_LOADED_IMAGE_GUID;
    efi_loaded_image *li;
    if (EFI_ERROR(g_bs->handle_protocol(g_image, &li_guid, (void **)&li)) ||
        !li->load_options || li->load_options_size < 2)
        return 0;
    const char16 *w = li->load_options;
    uint32_t n = li->load_options_size / 2;
    if (!printable(w, n))
        return 0;
    char a[X86_BOOT_CMDLINE_MAX];
    uint32_t i = 0, o = 0;
    while (i < n && w[i] == ' ')
        i++;
    uint32_t first = i;
    while (i < n && w[i] && w[i] != ' ')
        i++;
    /* the first word is the image's own name when it ends in .efi */
    if (!(i - first >= 4 && (w[i - 1] | 0x20) == 'i' && (w[i - 2] | 0x20) == 'f' &&
          (w[i - 3] | 0x20) == 'e' && w[i - 4] == '.'))
        i = first;
    for (; i < n && w[i] && o + 1 < sizeof(a); i++)
        a[o++] = (char)w[i];
    a[o] = 0;
    set_cmdline(b, a, o);
    return b->cmdline[0] != 0;
}

static void read_cmdline(struct x86_boot *b)
{
    if (cmdline_from_options(b))
        return;
    struct x86_boot_file f;
    if (load_file("\\serviceos\\cmdline.txt", &f, 0))
        set_cmdline(b, (const char *)(uintptr_t)f.pa, f.size);
}

/* The loader's own option: init=PATH (before any "--"); returns 1 when it was given. */
static int init_path(const struct x86_boot *b, char *out, size_t max)
{
    const char *dflt = "\\serviceos\\init.elf";
    const char *s = b->cmdline;
    while (*s) {
        if (s[0] == '-' && s[1] == '-' && (s[2] == ' ' || !s[2]))
            break;
        if (s == b->cmdline || s[-1] == ' ') {
            if (s[0] == 'i' && s[1] == 'n' && s[2] == 'i' && s[3] == 't' && s[4] == '=') {
                size_t o = 0;
                for (s += 5; *s && *s != ' ' && o + 1 < max; s++)
                    out[o++] = *s == '/' ? '\\' : *s;
                out[o] = 0;
                return 1;
            }
        }
        s++;
    }
    memcpy(out, dflt, str_len(dflt) + 1);
    return 0;
}

/* ---- the kernel ELF */

struct elf_ehdr {
    uint8_t ident[16];
    uint16_t type, machine;
    uint32_t version;
    uint64_t entry, phoff, shoff;
    uint32_t flags;
    uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf_phdr {
    uint32_t type, flags;
    uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

#define KERNEL_PATH "\\serviceos\\kernel.elf"

static const struct elf_phdr *kernel_phdrs(const struct x86_boot_file *f,
                                           const struct elf_ehdr **hp)
{
    const struct elf_ehdr *h = (const struct elf_ehdr *)(uintptr_t)f->pa;
    if (f->size < sizeof(*h) || h->ident[0] != 0x7f || h->ident[1] != 'E' ||
        h->ident[2] != 'L' || h->ident[3] != 'F' || h->ident[4] != 2 || h->ident[5] != 1)
        fail("the kernel is not an ELF64 little-endian file (corrupt?)", KERNEL_PATH);
    if (h->type != 2 || h->machine != 62 || h->phentsize != sizeof(struct elf_phdr) ||
        h->phnum == 0 || h->phnum > 16)
        fail("the kernel is not an x86_64 executable (corrupt?)", KERNEL_PATH);
    if (h->phoff > f->size || h->phnum * sizeof(struct elf_phdr) > f->size - h->phoff)
        fail("the kernel's program headers lie outside the file (truncated?)", KERNEL_PATH);
    *hp = h;
    return (const struct elf_phdr *)(uintptr_t)(f->pa + h->phoff);
}

/* Check the segments and find the image's virtual span [*lo, *hi). */
static void kernel_span(const struct x86_boot_file *f, const struct elf_ehdr *h,
                        const struct elf_phdr *ph, uint64_t *lo, uint64_t *hi)
{
    *lo = ~0ull;
    *hi = 0;
    int entry_ok = 0;
    for (unsigned i = 0; i < h->phnum; i++) {
        if (ph[i].type != 1 || ph[i].memsz == 0)
            continue;
        if (ph[i].filesz > ph[i].memsz || ph[i].offset > f->size ||
            ph[i].filesz > f->size - ph[i].offset)
            fail("a kernel segment lies outside the file (truncated?)", KERNEL_PATH);
        if (ph[i].vaddr < X86_KERNEL_BASE || ph[i].vaddr + ph[i].memsz < ph[i].vaddr ||
            (ph[i].vaddr & (PAGE - 1)) != (ph[i].offset & (PAGE - 1)))
            fail("a kernel segment is not at the kernel's address (corrupt?)", KERNEL_PATH);
        if (ph[i].vaddr < *lo)
            *lo = ph[i].vaddr & ~(PAGE - 1);
        if (ph[i].vaddr + ph[i].memsz > *hi)
            *hi = (ph[i].vaddr + ph[i].memsz + PAGE - 1) & ~(PAGE - 1);
        if ((ph[i].flags & 1) && h->entry >= ph[i].vaddr &&
            h->entry < ph[i].vaddr + ph[i].memsz)
            entry_ok = 1;
    }
    if (*hi <= *lo || *hi - *lo > (256ull << 20))
        fail("the kernel has no loadable segments or is too large (corrupt?)", KERNEL_PATH);
    if (!entry_ok)
        fail("the kernel's entry point is not in its code (corrupt?)", KERNEL_PATH);
}

/* ---- page tables */

static uint64_t *g_pml4;

static uint64_t *table_next(uint64_t *t, unsigned idx)
{
    if (!(t[idx] & PTE_P)) {
        uint64_t *n = alloc_pages(1, "page tables");
        t[idx] = (uint64_t)(uintptr_t)n | PTE_P | PTE_W;
    }
    return (uint64_t *)(uintptr_t)(t[idx] & PTE_ADDR);
}

static void map_page(uint64_t va, uint64_t pa, uint64_t flags, int large)
{
    uint64_t *pdpt = table_next(g_pml4, (va >> 39) & 511);
    uint64_t *pd = table_next(pdpt, (va >> 30) & 511);
    if (large) {
        pd[(va >> 21) & 511] = pa | flags | PTE_PS | PTE_P;
        return;
    }
    uint64_t *pt = table_next(pd, (va >> 21) & 511);
    pt[(va >> 12) & 511] = pa | flags | PTE_P;
}

static uint64_t nx(void) { return g_nx ? PTE_NX : 0; }

static void map_kernel(const struct elf_ehdr *h, const struct elf_phdr *ph, uint64_t lo,
                       uint64_t pa)
{
    for (unsigned i = 0; i < h->phnum; i++) {
        if (ph[i].type != 1 || ph[i].memsz == 0)
            continue;
        uint64_t s = ph[i].vaddr & ~(PAGE - 1);
        uint64_t e = (ph[i].vaddr + ph[i].memsz + PAGE - 1) & ~(PAGE - 1);
        uint64_t fl = PTE_G | ((ph[i].flags & 2) ? PTE_W : 0) | ((ph[i].flags & 1) ? 0 : nx());
        for (uint64_t va = s; va < e; va += PAGE)
            map_page(va, pa + (va - lo), fl, 0);
    }
}

static int ram_like(uint32_t type)
{
    return (type >= 1 && type <= 7) || type == 9 || type == 10 || type == 14;
}

/* Bytes to direct-map: all RAM-like memory, and at least the first 4 GiB. */
static uint64_t direct_size(void)
{
    uint64_t size = 0, key, dsz;
    uint32_t ver;
    g_bs->get_memory_map(&size, 0, &key, &dsz, &ver);
    size += 8 * dsz;
    efi_memory_descriptor *map;
    if (EFI_ERROR(g_bs->allocate_pool(EFI_BOOT_SERVICES_DATA, size, (void **)&map)) ||
        EFI_ERROR(g_bs->get_memory_map(&size, map, &key, &dsz, &ver)))
        fail("cannot read the memory map", 0);
    uint64_t top = 4ull << 30;
    for (uint64_t o = 0; o + dsz <= size; o += dsz) {
        efi_memory_descriptor *d = (efi_memory_descriptor *)((uint8_t *)map + o);
        uint64_t end = d->physical_start + d->number_of_pages * PAGE;
        if (ram_like(d->type) && end > top)
            top = end;
    }
    g_bs->free_pool(map);
    top = (top + (1ull << 30) - 1) & ~((1ull << 30) - 1);
    return top > X86_DIRECT_MAX ? X86_DIRECT_MAX : top;
}

/* ---- hand-off */

void sos_handoff(uint64_t pml4, uint64_t entry, uint64_t arg);
__asm__(".text\n"
        ".balign 64\n"
        ".globl sos_handoff\n"
        "sos_handoff:\n" /* MS ABI: rcx = pml4, rdx = entry, r8 = arg */
        "  cli\n"
        "  mov %rcx, %cr3\n"
        "  mov %r8, %rdi\n"
        "  jmp *%rdx\n"
        ".balign 64\n");

static void enable_nx(void)
{
    uint32_t a, b, c, d;
    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0x80000001u), "c"(0));
    g_nx = (d >> 20) & 1;
    if (!g_nx)
        return;
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(0xc0000080u));
    lo |= 1u << 11;
    __asm__ volatile("wrmsr" ::"a"(lo), "d"(hi), "c"(0xc0000080u));
}

static void find_gop(struct x86_boot *b)
{
    const efi_guid gop_guid = EFI_GOP_GUID;
    efi_gop *gop;
    if (EFI_ERROR(g_bs->locate_protocol(&gop_guid, 0, (void **)&gop)) || !gop->mode ||
        !gop->mode->info)
        return;
    const efi_gop_mode_info *mi = gop->mode->info;
    if (mi->pixel_format != 1) /* only blue-green-red-reserved (XRGB8888 in a word) */
        return;
    b->fb_base = gop->mode->frame_buffer_base;
    b->fb_size = gop->mode->frame_buffer_size;
    b->fb_width = mi->width;
    b->fb_height = mi->height;
    b->fb_stride = mi->pixels_per_scan_line * 4;
    b->fb_format = 1;
}

/* Get the final memory map into `b`'s buffer and leave the firmware. */
static void exit_firmware(struct x86_boot *b, efi_memory_descriptor *map, uint64_t cap)
{
    for (int tries = 0; tries < 8; tries++) {
        uint64_t size = cap, key, dsz;
        uint32_t ver;
        if (EFI_ERROR(g_bs->get_memory_map(&size, map, &key, &dsz, &ver)))
            fail("cannot read the final memory map", 0);
        b->mmap_size = size;
        b->mmap_desc_size = dsz;
        if (!EFI_ERROR(g_bs->exit_boot_services(g_image, key)))
            return;
    }
    fail("the firmware refused ExitBootServices", 0);
}

static void build_tables(struct x86_boot *b, const struct elf_ehdr *h,
                         const struct elf_phdr *ph, uint64_t lo)
{
    g_pml4 = alloc_pages(1, "page tables");
    b->pml4_pa = (uint64_t)(uintptr_t)g_pml4;
    b->direct_size = direct_size();
    for (uint64_t pa = 0; pa < b->direct_size; pa += 2ull << 20)
        map_page(X86_DIRECT_BASE + pa, pa, PTE_W | PTE_G | nx(), 1);
    map_kernel(h, ph, lo, b->kernel_pa);
    uint64_t ho = (uint64_t)(uintptr_t)&sos_handoff & ~(PAGE - 1);
    b->handoff_pa = ho;
    map_page(ho, ho, 0, 0); /* identity: the code after mov %cr3 runs from here */
}

static void load_kernel(struct x86_boot *b, uint64_t *entry)
{
    struct x86_boot_file kf;
    load_file(KERNEL_PATH, &kf, 1);
    const struct elf_ehdr *h;
    const struct elf_phdr *ph = kernel_phdrs(&kf, &h);
    uint64_t lo, hi;
    kernel_span(&kf, h, ph, &lo, &hi);
    uint8_t *img = alloc_pages((hi - lo) / PAGE, "the kernel");
    for (unsigned i = 0; i < h->phnum; i++)
        if (ph[i].type == 1 && ph[i].memsz)
            memcpy(img + (ph[i].vaddr - lo), (const uint8_t *)(uintptr_t)(kf.pa + ph[i].offset),
                   ph[i].filesz);
    b->kernel_pa = (uint64_t)(uintptr_t)img;
    b->kernel_size = hi - lo;
    b->kernel_va = lo;
    *entry = h->entry;
    build_tables(b, h, ph, lo);
    g_bs->free_pages(kf.pa, (kf.size + PAGE - 1) / PAGE + 1);
}

efi_status EFIAPI efi_main(efi_handle image, efi_system_table *st);

efi_status EFIAPI efi_main(efi_handle image, efi_system_table *st)
{
    uint64_t t0 = rdtsc();
    g_st = st;
    g_bs = st->boot;
    g_image = image;
    g_bs->set_watchdog_timer(0, 0, 0, 0);
    find_rsdp();
    print("ServiceOS UEFI loader\n");
    struct x86_boot *b = alloc_pages(1, "boot info");
    b->magic = X86_BOOT_MAGIC;
    b->version = X86_BOOT_VERSION;
    b->size = sizeof(*b);
    b->tsc_loader = t0;
    b->rsdp_pa = g_rsdp;
    enable_nx();
    b->nx = (uint32_t)g_nx;
    open_root();
    read_cmdline(b);
    uint64_t entry;
    load_kernel(b, &entry);
    char ipath[64];
    int explicit_init = init_path(b, ipath, sizeof(ipath));
    if (load_file("\\serviceos\\bootstore.bin", &b->bootstore, 0) && b->bootstore.size < 16)
        fail("the boot store is too small to be a bundle (corrupt?)",
             "\\serviceos\\bootstore.bin");
    /* init is optional with a boot store: the kernel then starts its root manager */
    if (load_file(ipath, &b->init, explicit_init || !b->bootstore.pa))
        memcpy(b->init_name, ipath, str_len(ipath) + 1);
    find_gop(b);
    print("ServiceOS boot: kernel ");
    print_hex(b->kernel_pa);
    print(b->init.pa ? ", init " : ", boot store only");
    print(b->init.pa ? ipath : "");
    print(", starting\n");
    /* the memory-map buffer: room for the map plus what allocating it adds */
    uint64_t size = 0, key, dsz;
    uint32_t ver;
    g_bs->get_memory_map(&size, 0, &key, &dsz, &ver);
    uint64_t cap = size + 16 * dsz + PAGE;
    efi_memory_descriptor *map = alloc_pages(cap / PAGE + 1, "the memory map");
    b->mmap_pa = (uint64_t)(uintptr_t)map;
    exit_firmware(b, map, cap);
    b->tsc_exit = rdtsc();
    sos_handoff(b->pml4_pa, entry, X86_DIRECT_BASE + (uint64_t)(uintptr_t)b);
    return EFI_LOAD_ERROR;
}
