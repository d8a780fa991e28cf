/*
 * services/storage/fs/test/memdev.h - an in-memory block device for the host tests of
 * sosfs: it can record every write and flush (for the power-cut harness), fail its Nth
 * read or write (I/O error injection), and count requests.
 *
 * Layer: services host tests (never in an image).
 */
#ifndef SFS_TEST_MEMDEV_H
#define SFS_TEST_MEMDEV_H

#include "../sfs.h"

struct memdev_event {
    uint64_t block;   /* UINT64_MAX: a flush */
    uint8_t *data;    /* one block (writes only) */
};

struct memdev {
    struct sfs_dev dev;
    uint8_t *blocks;
    uint64_t nblocks;
    uint64_t reads, writes, flushes; /* requests (a write of n blocks counts once) */
    uint64_t fail_read_at, fail_write_at, fail_flush_at; /* 1-based; 0: never */
    int fail_err;
    int sticky; /* after the first injected failure, every request fails */
    bool failed;
    /* recording */
    bool record;
    struct memdev_event *ev;
    size_t nev, cap_ev;
};

void memdev_init(struct memdev *m, uint64_t nblocks);
void memdev_free(struct memdev *m);
/* Forget recorded events (their data too). */
void memdev_clear_events(struct memdev *m);
/* Events recorded so far. */
static inline size_t memdev_events(const struct memdev *m) { return m->nev; }

#endif
