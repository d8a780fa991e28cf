/*
 * core/drivers/fw_cfg/fw_cfg.c - QEMU's fw_cfg: signature, DMA transfers, the file
 * directory, and the ramfb configuration record.
 *
 * A DMA transfer: the descriptor (big-endian control, length, address) is written to
 * DMA memory, its physical address to the DMA register (high half, then low half,
 * which starts it); the device clears the control word when done or leaves the error
 * bit. The wait is bounded, so a device that never answers is an error, not a hang.
 * The directory is read into the bounce buffer in two steps (its count, then the
 * whole of it) and checked by fw_cfg_dir_find, which the unit test (fw_cfg_test.c)
 * feeds malformed directories.
 *
 * Layer: core drivers (arch-neutral).
 */
#include "drivers/fw_cfg/fw_cfg.h"

#include <sos/errors.h>

#include "fmt.h"
#include "lib/kstring.h"

#define R_DATA 0x00
#define R_SELECTOR 0x08
#define R_DMA 0x10
#define SEL_SIGNATURE 0x0000
#define SEL_ID 0x0001
#define SEL_FILE_DIR 0x0019
#define SEL_FILE_FIRST 0x0020
#define ID_DMA 0x2u
#define DMA_ERROR 0x01u
#define DMA_READ 0x02u
#define DMA_SELECT 0x08u
#define DMA_WRITE 0x10u
#define BOUNCE 64u
#define DMA_SPINS 1000000

static uint32_t be32_get(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void be32_put(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (24 - 8 * i));
}

static void be64_put(uint8_t *p, uint64_t v)
{
    be32_put(p, (uint32_t)(v >> 32));
    be32_put(p + 4, (uint32_t)v);
}

static int bad(char *why, size_t n, const char *fmt, unsigned a, unsigned b)
{
    k_snprintf(why, n, fmt, a, b);
    return SOS_ERR_INVALID_ARGS;
}

/* ---------------------------------------------------------------- the directory */

static int entry_read(const uint8_t *e, unsigned i, struct fw_cfg_file *f, char *why, size_t n)
{
    const char *name = (const char *)e + 8;
    size_t nlen = 0;
    while (nlen < FW_CFG_NAME_MAX && name[nlen])
        nlen++;
    if (nlen == FW_CFG_NAME_MAX)
        return bad(why, n, "the name of entry %u has no terminating NUL", i, 0);
    f->size = be32_get(e);
    f->select = (uint16_t)(e[4] << 8 | e[5]);
    if (f->select < SEL_FILE_FIRST)
        return bad(why, n, "entry %u has selector %#x, below the file range", i, f->select);
    memcpy(f->name, name, nlen + 1);
    return 0;
}

int fw_cfg_dir_find(const void *dir, size_t len, const char *name, struct fw_cfg_file *out,
                    char *why, size_t why_len)
{
    const uint8_t *p = dir;
    why[0] = 0;
    if (len < 4)
        return bad(why, why_len, "the directory is %u bytes, shorter than its count",
                   (unsigned)len, 0);
    uint32_t count = be32_get(p);
    if (count > (len - 4) / FW_CFG_DIR_ENTRY)
        return bad(why, why_len, "the directory claims %u entries but holds %u bytes", count,
                   (unsigned)(len - 4));
    for (uint32_t i = 0; i < count; i++) {
        struct fw_cfg_file f;
        int err = entry_read(p + 4 + (size_t)i * FW_CFG_DIR_ENTRY, i, &f, why, why_len);
        if (err)
            return err;
        if (!k_strcmp(f.name, name)) {
            *out = f;
            return 0;
        }
    }
    return SOS_ERR_NOT_FOUND;
}

/* ---------------------------------------------------------------- the device */

static void select_key(struct fw_cfg *c, uint16_t key)
{
    volatile uint16_t *sel = (volatile uint16_t *)(void *)(c->regs + R_SELECTOR);
    *sel = (uint16_t)(key >> 8 | key << 8); /* big-endian register */
}

/* Bytes of the selected item through the data register (no DMA needed). */
static void data_read(struct fw_cfg *c, uint8_t *out, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        out[i] = *(volatile uint8_t *)(c->regs + R_DATA);
}

static int dma(struct fw_cfg *c, uint32_t control, uint32_t len, paddr_t addr, char *why,
               size_t n)
{
    uint8_t *d = c->dma;
    be32_put(d, control);
    be32_put(d + 4, len);
    be64_put(d + 8, addr);
    __atomic_thread_fence(__ATOMIC_SEQ_CST); /* the descriptor before the doorbell */
    volatile uint32_t *reg = (volatile uint32_t *)(void *)(c->regs + R_DMA);
    uint8_t pa[8];
    be64_put(pa, c->dma_pa);
    reg[0] = (uint32_t)pa[0] | (uint32_t)pa[1] << 8 | (uint32_t)pa[2] << 16 | (uint32_t)pa[3] << 24;
    reg[1] = (uint32_t)pa[4] | (uint32_t)pa[5] << 8 | (uint32_t)pa[6] << 16 | (uint32_t)pa[7] << 24;
    for (int i = 0; i < DMA_SPINS; i++) {
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        volatile const uint8_t *v = d;
        uint32_t ctl = (uint32_t)v[0] << 24 | (uint32_t)v[1] << 16 | (uint32_t)v[2] << 8 | v[3];
        if (ctl & DMA_ERROR) {
            k_snprintf(why, n, "the DMA transfer failed (control %#x)", control);
            return SOS_ERR_IO;
        }
        if (!ctl)
            return 0;
        hal_cpu_relax();
    }
    k_snprintf(why, n, "the DMA transfer did not finish (control %#x)", control);
    return SOS_ERR_IO;
}

int fw_cfg_open(struct fw_cfg *c, char *why, size_t why_len)
{
    uint8_t sig[4], id[4];
    select_key(c, SEL_SIGNATURE);
    data_read(c, sig, 4);
    if (sig[0] != 'Q' || sig[1] != 'E' || sig[2] != 'M' || sig[3] != 'U') {
        k_snprintf(why, why_len, "no QEMU signature (%02x %02x %02x %02x)", sig[0], sig[1],
                   sig[2], sig[3]);
        return SOS_ERR_NOT_SUPPORTED;
    }
    select_key(c, SEL_ID);
    data_read(c, id, 4); /* little-endian */
    if (!(id[0] & ID_DMA) || c->dma_len < 2 * BOUNCE) {
        k_snprintf(why, why_len, "the device offers no DMA interface");
        return SOS_ERR_NOT_SUPPORTED;
    }
    return 0;
}

int fw_cfg_find(struct fw_cfg *c, const char *name, struct fw_cfg_file *out, char *why,
                size_t why_len)
{
    uint32_t room = (uint32_t)(c->dma_len - BOUNCE);
    uint32_t ctl = (uint32_t)SEL_FILE_DIR << 16 | DMA_SELECT | DMA_READ;
    int err = dma(c, ctl, 4, c->dma_pa + BOUNCE, why, why_len);
    if (err)
        return err;
    uint32_t count = be32_get(c->dma + BOUNCE);
    if (count > (room - 4) / FW_CFG_DIR_ENTRY) {
        k_snprintf(why, why_len, "the directory's %u entries do not fit %u bytes", count, room);
        return SOS_ERR_NO_MEMORY;
    }
    uint32_t len = 4 + count * FW_CFG_DIR_ENTRY;
    err = dma(c, ctl, len, c->dma_pa + BOUNCE, why, why_len);
    return err ? err : fw_cfg_dir_find(c->dma + BOUNCE, len, name, out, why, why_len);
}

int fw_cfg_write(struct fw_cfg *c, uint16_t select, const void *data, uint32_t len,
                 char *why, size_t why_len)
{
    if (len > c->dma_len - BOUNCE) {
        k_snprintf(why, why_len, "%u bytes do not fit the bounce buffer", len);
        return SOS_ERR_NO_MEMORY;
    }
    memcpy(c->dma + BOUNCE, data, len);
    uint32_t ctl = (uint32_t)select << 16 | DMA_SELECT | DMA_WRITE;
    return dma(c, ctl, len, c->dma_pa + BOUNCE, why, why_len);
}

void ramfb_cfg_encode(uint8_t out[RAMFB_CFG_SIZE], uint64_t addr, uint32_t width,
                      uint32_t height, uint32_t stride)
{
    be64_put(out, addr);
    be32_put(out + 8, RAMFB_FOURCC_XRGB8888);
    be32_put(out + 12, 0); /* flags */
    be32_put(out + 16, width);
    be32_put(out + 20, height);
    be32_put(out + 24, stride);
}
