/*
 * core/drivers/hda/hda.c - Intel HDA output (hda.h): controller reset, CORB/RIRB
 * verbs, the codec walk, and the output stream with its cyclic buffer.
 *
 * Layer: core drivers (arch-neutral).
 */
#include "drivers/hda/hda.h"

#include <sos/errors.h>
#include <sos/object.h>

#include "fmt.h"
#include "lib/kstring.h"

/* Controller registers (HDA 1.0a, section 3.3). */
#define GCAP 0x00
#define GCTL 0x08
#define STATESTS 0x0e
#define INTCTL 0x20
#define INTSTS 0x24
#define CORBLBASE 0x40
#define CORBUBASE 0x44
#define CORBWP 0x48
#define CORBRP 0x4a
#define CORBCTL 0x4c
#define CORBSIZE 0x4e
#define RIRBLBASE 0x50
#define RIRBUBASE 0x54
#define RIRBWP 0x58
#define RINTCNT 0x5a
#define RIRBCTL 0x5c
#define RIRBSTS 0x5d
#define RIRBSIZE 0x5e
#define SD_BASE 0x80 /* stream descriptor n at SD_BASE + 0x20 * n */
#define SD_CTL 0x00
#define SD_STS 0x03
#define SD_LPIB 0x04
#define SD_CBL 0x08
#define SD_LVI 0x0c
#define SD_FMT 0x12
#define SD_BDPL 0x18
#define SD_BDPU 0x1c

/* Verbs and parameters (section 7.3). */
#define V_GET_PARAM 0xf00
#define V_GET_CONN 0xf02
#define V_SET_CONN 0x701
#define V_SET_POWER 0x705
#define V_SET_STREAM 0x706
#define V_SET_PIN 0x707
#define V_SET_EAPD 0x70c
#define V_GET_CONFIG 0xf1c
#define V4_SET_FORMAT 0x2
#define V4_SET_AMP 0x3
#define P_NODE_COUNT 0x04
#define P_FG_TYPE 0x05
#define P_WIDGET_CAP 0x09
#define P_PIN_CAP 0x0c
#define P_IN_AMP 0x0d
#define P_CONN_LEN 0x0e
#define P_OUT_AMP 0x12

#define W_OUTPUT 0u
#define W_PIN 4u
#define FORMAT_48K_S16_2CH 0x0011u
#define STREAM_TAG 1u
#define RATE 48000u
#define FRAME 4u
#define FRAGS 8u
#define FRAG_BYTES 1920u /* 10 ms; a multiple of 128 as BDL entries need */
/* The stream runs from probe on, playing silence while nothing is written: a device may
 * fetch well ahead of what it plays (QEMU's codec keeps 8 KiB in flight), and only a
 * stream that already runs at its steady pace leaves written sound ahead of LPIB. */
#define BUF_BYTES (FRAGS * FRAG_BYTES)
#define PENDING_MAX 4u
#define SPIN 2000000u    /* bounded waits for the hardware during probe */
#define MAX_PATH 6

struct bdl_entry {
    uint64_t addr;
    uint32_t len;
    uint32_t ioc;
};

struct hda {
    struct hda_bus bus;
    unsigned cad, sd;      /* codec address, output stream descriptor index */
    volatile uint32_t *corb;
    volatile uint64_t *rirb;
    uint16_t corb_wp, rirb_rp;
    uint8_t *buf;          /* the cyclic buffer (BUF_BYTES) */
    uint64_t played, written; /* bytes, free-running: DMA position and our writes */
    uint32_t last_lpib;
    struct hal_dev_req *pend[PENDING_MAX], *done[PENDING_MAX + 1];
    unsigned npend, ndone;
    uint64_t pend_off;     /* bytes of pend[0] already copied */
    char name[32];
};

static struct hda g_hda;

static uint32_t r32(struct hda *h, unsigned o) { return *(volatile uint32_t *)(h->bus.regs + o); }
static uint16_t r16(struct hda *h, unsigned o) { return *(volatile uint16_t *)(h->bus.regs + o); }
static uint8_t r8(struct hda *h, unsigned o) { return *(volatile uint8_t *)(h->bus.regs + o); }
static void w32(struct hda *h, unsigned o, uint32_t v) { *(volatile uint32_t *)(h->bus.regs + o) = v; }
static void w16(struct hda *h, unsigned o, uint16_t v) { *(volatile uint16_t *)(h->bus.regs + o) = v; }
static void w8(struct hda *h, unsigned o, uint8_t v) { *(volatile uint8_t *)(h->bus.regs + o) = v; }
static unsigned sd_reg(struct hda *h, unsigned o) { return SD_BASE + 0x20 * h->sd + o; }

/* Wait until (reg & mask) == want, a bounded number of reads; 0 or TIMED_OUT. */
static int wait8(struct hda *h, unsigned reg, uint32_t mask, uint32_t want, bool wide)
{
    for (unsigned i = 0; i < SPIN; i++) {
        uint32_t v = wide ? r32(h, reg) : r8(h, reg);
        if ((v & mask) == want)
            return 0;
        hal_cpu_relax();
    }
    return SOS_ERR_TIMED_OUT;
}

/* ---- the controller and its command rings */

static int reset(struct hda *h)
{
    w32(h, GCTL, r32(h, GCTL) & ~1u);
    if (wait8(h, GCTL, 1, 0, true))
        return SOS_ERR_TIMED_OUT;
    w32(h, GCTL, r32(h, GCTL) | 1u);
    if (wait8(h, GCTL, 1, 1, true))
        return SOS_ERR_TIMED_OUT;
    for (unsigned i = 0; i < SPIN && !r16(h, STATESTS); i++) /* codecs announce themselves */
        hal_cpu_relax();
    uint16_t codecs = r16(h, STATESTS);
    if (!codecs)
        return SOS_ERR_NOT_FOUND;
    h->cad = (unsigned)__builtin_ctz(codecs);
    w16(h, STATESTS, codecs);
    return 0;
}

static int rings(struct hda *h)
{
    paddr_t pa = h->bus.dma_alloc(1); /* CORB 1 KiB, RIRB 2 KiB */
    if (!pa)
        return SOS_ERR_NO_MEMORY;
    h->corb = hal_phys_to_virt(pa);
    h->rirb = (volatile uint64_t *)((uint8_t *)hal_phys_to_virt(pa) + 1024);
    w8(h, CORBCTL, 0);
    w8(h, RIRBCTL, 0);
    w32(h, CORBLBASE, (uint32_t)pa);
    w32(h, CORBUBASE, (uint32_t)(pa >> 32));
    w8(h, CORBSIZE, 2); /* 256 entries */
    w16(h, CORBRP, 0x8000);
    w16(h, CORBRP, 0);
    w16(h, CORBWP, 0);
    w32(h, RIRBLBASE, (uint32_t)(pa + 1024));
    w32(h, RIRBUBASE, (uint32_t)((pa + 1024) >> 32));
    w8(h, RIRBSIZE, 2);
    w16(h, RIRBWP, 0x8000);
    w16(h, RINTCNT, 1);
    w8(h, CORBCTL, 2); /* run */
    /* DMA on and the response-count status on: a controller may stop fetching verbs once
     * RINTCNT responses are unacknowledged (QEMU does), and verb() acknowledges each.
     * INTCTL leaves the controller's interrupt off for it: probe polls. */
    w8(h, RIRBCTL, 3);
    h->corb_wp = 0;
    h->rirb_rp = 0;
    return 0;
}

/* One verb to node nid of the codec; its response, or ~0 when none came. */
static uint32_t verb(struct hda *h, unsigned nid, uint32_t v)
{
    uint32_t cmd = (uint32_t)h->cad << 28 | (uint32_t)(nid & 0x7f) << 20 | (v & 0xfffff);
    h->corb_wp = (uint16_t)((h->corb_wp + 1) & 0xff);
    h->corb[h->corb_wp] = cmd;
    w16(h, CORBWP, h->corb_wp);
    for (unsigned i = 0; i < SPIN; i++) {
        if ((r16(h, RIRBWP) & 0xff) != h->rirb_rp) {
            h->rirb_rp = (uint16_t)((h->rirb_rp + 1) & 0xff);
            uint32_t resp = (uint32_t)h->rirb[h->rirb_rp];
            w8(h, RIRBSTS, 5); /* acknowledge: response count and overrun */
            return resp;
        }
        hal_cpu_relax();
    }
    return ~0u;
}

static uint32_t param(struct hda *h, unsigned nid, unsigned p) { return verb(h, nid, V_GET_PARAM << 8 | p); }
static uint32_t verb12(struct hda *h, unsigned nid, unsigned v, unsigned payload)
{
    return verb(h, nid, v << 8 | (payload & 0xff));
}
static uint32_t verb4(struct hda *h, unsigned nid, unsigned v, unsigned payload)
{
    return verb(h, nid, v << 16 | (payload & 0xffff));
}

/* ---- the codec walk: output pin -> ... -> DAC */

static unsigned wtype(struct hda *h, unsigned nid) { return param(h, nid, P_WIDGET_CAP) >> 20 & 0xf; }

/* The i-th entry of nid's connection list (short form), or 0. */
static unsigned conn(struct hda *h, unsigned nid, unsigned i)
{
    uint32_t len = param(h, nid, P_CONN_LEN);
    if (len & 0x80 || i >= (len & 0x7f)) /* long form: not used by the codecs we meet */
        return 0;
    return verb12(h, nid, V_GET_CONN, i & ~3u) >> (8 * (i & 3)) & 0xff;
}

struct path {
    unsigned nid[MAX_PATH], sel[MAX_PATH]; /* the nodes, pin first; the input taken */
    unsigned n;
};

/* Depth-first from p->nid[p->n - 1] to a DAC; true when p ends at one. */
static bool to_dac(struct hda *h, struct path *p)
{
    unsigned at = p->nid[p->n - 1];
    if (wtype(h, at) == W_OUTPUT)
        return true;
    if (p->n == MAX_PATH)
        return false;
    unsigned len = param(h, at, P_CONN_LEN) & 0x7f;
    for (unsigned i = 0; i < len; i++) {
        unsigned next = conn(h, at, i);
        if (!next)
            continue;
        p->sel[p->n - 1] = i;
        p->nid[p->n++] = next;
        if (to_dac(h, p))
            return true;
        p->n--;
    }
    return false;
}

/* The first connected output pin of the audio function group with a way to a DAC. */
static int find_path(struct hda *h, unsigned *afg, struct path *p)
{
    uint32_t root = param(h, 0, P_NODE_COUNT);
    for (unsigned fg = root >> 16 & 0xff, nfg = root & 0xff; nfg--; fg++) {
        if ((param(h, fg, P_FG_TYPE) & 0xff) != 1)
            continue;
        uint32_t wc = param(h, fg, P_NODE_COUNT);
        for (unsigned w = wc >> 16 & 0xff, nw = wc & 0xff; nw--; w++) {
            bool out = param(h, w, P_PIN_CAP) & (1u << 4);
            bool wired = (verb12(h, w, V_GET_CONFIG, 0) >> 30) != 1;
            if (wtype(h, w) != W_PIN || !out || !wired)
                continue;
            *p = (struct path){.nid = {w}, .n = 1};
            if (to_dac(h, p)) {
                *afg = fg;
                return 0;
            }
        }
    }
    return SOS_ERR_NOT_FOUND;
}

/* Power, select, unmute at 0 dB: every node of the path; the pin drives, the DAC
 * takes stream STREAM_TAG in S16 stereo at 48 kHz. */
static void open_path(struct hda *h, unsigned afg, const struct path *p)
{
    verb12(h, afg, V_SET_POWER, 0);
    for (unsigned i = 0; i < p->n; i++) {
        unsigned nid = p->nid[i], caps = param(h, nid, P_WIDGET_CAP);
        verb12(h, nid, V_SET_POWER, 0);
        if (i + 1 < p->n && (param(h, nid, P_CONN_LEN) & 0x7f) > 1)
            verb12(h, nid, V_SET_CONN, p->sel[i]);
        if (caps & (1u << 2)) /* output amp: unmuted, both sides, its 0 dB step */
            verb4(h, nid, V4_SET_AMP, 0xb000 | (param(h, nid, P_OUT_AMP) & 0x7f));
        if ((caps & (1u << 1)) && i + 1 < p->n) /* input amp on the input taken */
            verb4(h, nid, V4_SET_AMP, 0x7000 | p->sel[i] << 8 | (param(h, nid, P_IN_AMP) & 0x7f));
    }
    unsigned pin = p->nid[0], dac = p->nid[p->n - 1];
    verb12(h, pin, V_SET_PIN, 0x40 | 0x80); /* out enable, headphone drive */
    if (param(h, pin, P_PIN_CAP) & (1u << 16))
        verb12(h, pin, V_SET_EAPD, 2);
    verb4(h, dac, V4_SET_FORMAT, FORMAT_48K_S16_2CH);
    verb12(h, dac, V_SET_STREAM, STREAM_TAG << 4);
}

/* ---- the output stream: a cyclic buffer of FRAGS fragments, one BDL entry each */

static int setup_stream(struct hda *h)
{
    uint16_t gcap = r16(h, GCAP);
    if (!(gcap >> 12 & 0xf))
        return SOS_ERR_NOT_SUPPORTED; /* no output stream */
    h->sd = gcap >> 8 & 0xf;          /* output descriptors follow the input ones */
    paddr_t bdl = h->bus.dma_alloc(1), buf = h->bus.dma_alloc((BUF_BYTES + 4095) / 4096);
    if (!bdl || !buf)
        return SOS_ERR_NO_MEMORY;
    h->buf = hal_phys_to_virt(buf);
    struct bdl_entry *e = hal_phys_to_virt(bdl);
    for (unsigned i = 0; i < FRAGS; i++)
        e[i] = (struct bdl_entry){buf + i * FRAG_BYTES, FRAG_BYTES, 1};
    w8(h, sd_reg(h, SD_CTL), 1); /* stream reset */
    if (wait8(h, sd_reg(h, SD_CTL), 1, 1, false))
        return SOS_ERR_TIMED_OUT;
    w8(h, sd_reg(h, SD_CTL), 0);
    if (wait8(h, sd_reg(h, SD_CTL), 1, 0, false))
        return SOS_ERR_TIMED_OUT;
    w8(h, sd_reg(h, SD_CTL) + 2, STREAM_TAG << 4);
    w32(h, sd_reg(h, SD_CBL), BUF_BYTES);
    w16(h, sd_reg(h, SD_LVI), FRAGS - 1);
    w16(h, sd_reg(h, SD_FMT), FORMAT_48K_S16_2CH);
    w32(h, sd_reg(h, SD_BDPL), (uint32_t)bdl);
    w32(h, sd_reg(h, SD_BDPU), (uint32_t)(bdl >> 32));
    uint8_t ctl = 2u; /* run: from now on the stream plays the (silent) buffer */
    if (h->bus.irq_line) {
        w32(h, INTCTL, 1u << 31 | 1u << h->sd); /* global and this stream's interrupt */
        ctl |= 1u << 2;                         /* interrupt on completion of a fragment */
    }
    w8(h, sd_reg(h, SD_CTL), ctl);
    return 0;
}


/* Follow the DMA position; zero what it has played so it never plays it again. */
static void follow(struct hda *h)
{
    w8(h, sd_reg(h, SD_STS), 0x1c); /* acknowledge: buffer complete, FIFO, descriptor */
    uint32_t lpib = r32(h, sd_reg(h, SD_LPIB)) % BUF_BYTES;
    uint32_t delta = (lpib + BUF_BYTES - h->last_lpib) % BUF_BYTES;
    for (uint32_t i = 0; i < delta; i++)
        h->buf[(h->played + i) % BUF_BYTES] = 0;
    h->played += delta;
    h->last_lpib = lpib;
    /* Nothing of ours ahead of the DMA (idle, or it overtook us): new sound starts a
     * fragment further on, since a controller may have fetched a little past LPIB
     * already (QEMU's did: 48 frames of a sound's start were lost). Between is silence. */
    if (h->written <= h->played)
        h->written = h->played + FRAG_BYTES;
}

/* Copy waiting writes in while they fit; a write completes when all of it is in. */
static void admit(struct hda *h)
{
    while (h->npend) {
        struct hal_dev_req *r = h->pend[0];
        uint64_t room = BUF_BYTES - (h->written - h->played), n = r->len - h->pend_off;
        n = n < room ? n : room;
        const uint8_t *src = (const uint8_t *)hal_phys_to_virt(r->buf) + h->pend_off;
        for (uint64_t i = 0; i < n; i++)
            h->buf[(h->written + i) % BUF_BYTES] = src[i];
        h->written += n;
        h->pend_off += n;
        if (h->pend_off < r->len)
            break;
        h->done[h->ndone++] = r;
        for (unsigned i = 1; i < h->npend; i++)
            h->pend[i - 1] = h->pend[i];
        h->npend--;
        h->pend_off = 0;
    }
}

static int hda_submit(void *dev, struct hal_dev_req *r)
{
    struct hda *h = dev;
    if (r->op != HAL_DEVOP_WRITE)
        return SOS_ERR_NOT_SUPPORTED;
    if (!r->len || r->len % FRAME)
        return SOS_ERR_INVALID_ARGS;
    if (h->npend == PENDING_MAX)
        return SOS_ERR_SHOULD_WAIT;
    r->status = 0;
    r->actual = r->len;
    h->pend[h->npend++] = r;
    follow(h);
    admit(h);
    return 0;
}

static struct hal_dev_req *hda_poll(void *dev)
{
    struct hda *h = dev;
    follow(h);
    admit(h);
    if (!h->ndone)
        return NULL;
    struct hal_dev_req *r = h->done[0];
    for (unsigned i = 1; i < h->ndone; i++)
        h->done[i - 1] = h->done[i];
    h->ndone--;
    return r;
}

static void hda_info(void *dev, struct hal_dev_info *out)
{
    struct hda *h = dev;
    *out = (struct hal_dev_info){.dev_class = HAL_DEV_AUDIO, .irq = h->bus.irq_line,
                                 .block_size = FRAME, .block_count = BUF_BYTES / FRAME,
                                 .audio_rate = RATE, .audio_channels = 2,
                                 .audio_format = SOS_AUDIO_FMT_S16};
    k_strlcpy(out->name, h->name, sizeof(out->name));
}

static const struct hal_dev_ops g_hda_ops = {hda_submit, hda_poll, hda_info};

int hda_probe(const struct hda_bus *bus, const struct hal_dev_ops **ops, void **dev)
{
    struct hda *h = &g_hda;
    *h = (struct hda){.bus = *bus};
    unsigned afg;
    struct path p;
    int err = reset(h);
    if (!err)
        err = rings(h);
    if (!err)
        err = find_path(h, &afg, &p);
    if (err)
        return err;
    open_path(h, afg, &p);
    if ((err = setup_stream(h)))
        return err;
    k_snprintf(h->name, sizeof(h->name), "hda pin %u dac %u", p.nid[0], p.nid[p.n - 1]);
    *ops = &g_hda_ops;
    *dev = h;
    return 0;
}
