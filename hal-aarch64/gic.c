/*
 * hal-aarch64/gic.c - the GICv2 distributor and CPU interface (the Pi 5's GIC-400 and
 * QEMU virt's default GIC).
 *
 * Every shared interrupt goes to CPU 0 at one priority, level-sensitive as the
 * firmware left it. Enabling group 0 (QEMU, no security extensions) and the
 * non-secure view's group 1 (the Pi, where the firmware runs in the secure world) is
 * the same register write.
 *
 * GICv3 (QEMU virt,gic-version=3) is driven too, in the same shape: affinity routing,
 * every interrupt in group 1, the boot CPU's redistributor woken and its SGI/PPI frame
 * used for the private interrupts, the CPU interface through the ICC_* registers
 * (start.S opened them to EL1 when entered at EL2).
 *
 * Layer: hal-aarch64.
 */
#include "arch.h"
#include "fdt_plat.h"

#define GICD_CTLR 0x000
#define GICD_TYPER 0x004
#define GICD_ISENABLER 0x100
#define GICD_ICENABLER 0x180
#define GICD_ICPENDR 0x280
#define GICD_IPRIORITYR 0x400
#define GICD_ITARGETSR 0x800

#define GICC_CTLR 0x000
#define GICC_PMR 0x004
#define GICC_BPR 0x008
#define GICC_IAR 0x00c
#define GICC_EOIR 0x010

#define GICD_IGROUPR 0x080
#define GICD_IROUTER 0x6000
#define GICD_CTLR_RWP (1u << 31)
#define GICR_TYPER 0x008
#define GICR_WAKER 0x014
#define GICR_SGI 0x10000 /* the SGI/PPI frame follows the control frame */
#define GICR_STRIDE 0x20000

static uintptr_t g_gicd, g_gicc, g_gicr_sgi;
static uint32_t g_nlines;
static unsigned g_version;

bool gic_intid_valid(uint32_t intid) { return intid < g_nlines && intid < 1020; }

static void wait_rwp(void)
{
    for (unsigned i = 0; i < 1000000 && (mmio_read32(g_gicd + GICD_CTLR) & GICD_CTLR_RWP); i++)
        ;
}

/* This CPU's redistributor: the frame whose affinity matches MPIDR. */
static uintptr_t find_redistributor(void)
{
    uint64_t mpidr = read_sysreg(mpidr_el1);
    uint32_t aff = (uint32_t)((mpidr & 0xffffff) | ((mpidr >> 32) & 0xff) << 24);
    uintptr_t r = mmio_va(g_plat.gicc_base);
    uint64_t mapped = g_plat.gicc_size < 8 * GICR_STRIDE ? g_plat.gicc_size : 8 * GICR_STRIDE;
    for (uint64_t off = 0; off + GICR_STRIDE <= mapped; off += GICR_STRIDE) { /* see boot.c */
        uint64_t typer = *(volatile uint64_t *)(r + off + GICR_TYPER);
        if ((uint32_t)(typer >> 32) == aff)
            return r + off;
        if (typer & (1u << 4)) /* Last */
            break;
    }
    return 0;
}

static int gic3_init(void)
{
    uintptr_t rd = find_redistributor();
    if (!rd)
        return -1;
    g_gicr_sgi = rd + GICR_SGI;
    write_sysreg(icc_sre_el1, read_sysreg(icc_sre_el1) | 1); /* system register access */
    isb();
    mmio_write32(g_gicd + GICD_CTLR, 0);
    wait_rwp();
    for (uint32_t i = 32; i < g_nlines; i += 32) {
        mmio_write32(g_gicd + GICD_ICENABLER + i / 8, 0xffffffffu);
        mmio_write32(g_gicd + GICD_ICPENDR + i / 8, 0xffffffffu);
        mmio_write32(g_gicd + GICD_IGROUPR + i / 8, 0xffffffffu);
    }
    uint64_t mpidr = read_sysreg(mpidr_el1);
    for (uint32_t i = 32; i < g_nlines; i++) {
        *(volatile uint8_t *)(g_gicd + GICD_IPRIORITYR + i) = 0xa0;
        *(volatile uint64_t *)(g_gicd + GICD_IROUTER + 8 * i) = mpidr & 0xff00ffffffull;
    }
    mmio_write32(g_gicd + GICD_CTLR, (1u << 4) | (1u << 1) | 1u); /* ARE, Grp1, Grp0 */
    wait_rwp();
    mmio_write32(rd + GICR_WAKER, mmio_read32(rd + GICR_WAKER) & ~2u); /* ProcessorSleep */
    for (unsigned i = 0; i < 1000000 && (mmio_read32(rd + GICR_WAKER) & 4u); i++)
        ;
    mmio_write32(g_gicr_sgi + GICD_ICENABLER, 0xffffffffu);
    mmio_write32(g_gicr_sgi + GICD_IGROUPR, 0xffffffffu);
    for (uint32_t i = 0; i < 32; i += 4)
        mmio_write32(g_gicr_sgi + GICD_IPRIORITYR + i, 0xa0a0a0a0u);
    write_sysreg(icc_pmr_el1, 0xf0);
    write_sysreg(icc_bpr1_el1, 0);
    write_sysreg(icc_ctlr_el1, 0); /* EOI also deactivates */
    write_sysreg(icc_igrpen1_el1, 1);
    isb();
    return 0;
}

int gic_init(void)
{
    g_version = g_plat.gic_version;
    if (g_version == 3) {
        g_gicd = mmio_va(g_plat.gicd_base);
        g_nlines = 32 * ((mmio_read32(g_gicd + GICD_TYPER) & 0x1f) + 1);
        return gic3_init();
    }
    if (g_version != 2)
        return -1;
    g_gicd = mmio_va(g_plat.gicd_base);
    g_gicc = mmio_va(g_plat.gicc_base);
    g_nlines = 32 * ((mmio_read32(g_gicd + GICD_TYPER) & 0x1f) + 1);
    mmio_write32(g_gicd + GICD_CTLR, 0);
    for (uint32_t i = 0; i < g_nlines; i += 32) {
        mmio_write32(g_gicd + GICD_ICENABLER + i / 8, 0xffffffffu);
        mmio_write32(g_gicd + GICD_ICPENDR + i / 8, 0xffffffffu);
    }
    for (uint32_t i = 0; i < g_nlines; i += 4) {
        mmio_write32(g_gicd + GICD_IPRIORITYR + i, 0xa0a0a0a0u);
        if (i >= 32)
            mmio_write32(g_gicd + GICD_ITARGETSR + i, 0x01010101u);
    }
    mmio_write32(g_gicd + GICD_CTLR, 1);
    mmio_write32(g_gicc + GICC_PMR, 0xf0);
    mmio_write32(g_gicc + GICC_BPR, 0);
    mmio_write32(g_gicc + GICC_CTLR, 1);
    return 0;
}

void gic_enable(uint32_t intid, bool on)
{
    if (!gic_intid_valid(intid))
        return;
    uint32_t reg = (on ? GICD_ISENABLER : GICD_ICENABLER) + 4 * (intid / 32);
    uintptr_t base = g_version == 3 && intid < 32 ? g_gicr_sgi : g_gicd;
    mmio_write32(base + reg, 1u << (intid % 32));
}

uint32_t gic_ack(void)
{
    if (g_version == 3) {
        uint32_t iar = (uint32_t)read_sysreg(icc_iar1_el1);
        dsb(sy);
        return iar;
    }
    return mmio_read32(g_gicc + GICC_IAR);
}

void gic_eoi(uint32_t iar)
{
    if (g_version == 3) {
        write_sysreg(icc_eoir1_el1, iar);
        isb();
        return;
    }
    mmio_write32(g_gicc + GICC_EOIR, iar);
}
