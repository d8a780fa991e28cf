/*
 * services/storage/fs/test/memdev.c - the in-memory block device of the host tests.
 *
 * Layer: services host tests.
 */
#include "memdev.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sos/errors.h>

static int fail(struct memdev *m)
{
    m->failed = true;
    return m->fail_err ? m->fail_err : SOS_ERR_IO;
}

static int md_read(void *ctx, uint64_t block, uint32_t n, void *buf)
{
    struct memdev *m = ctx;
    m->reads++;
    if ((m->fail_read_at && m->reads == m->fail_read_at) || (m->sticky && m->failed))
        return fail(m);
    if (block >= m->nblocks || n > m->nblocks - block)
        return SOS_ERR_OUT_OF_RANGE;
    memcpy(buf, m->blocks + block * SFS_BLOCK, (size_t)n * SFS_BLOCK);
    return 0;
}

static void push(struct memdev *m, uint64_t block, const uint8_t *data)
{
    if (m->nev == m->cap_ev) {
        m->cap_ev = m->cap_ev ? m->cap_ev * 2 : 256;
        m->ev = realloc(m->ev, m->cap_ev * sizeof(*m->ev));
        if (!m->ev)
            abort();
    }
    uint8_t *d = NULL;
    if (data) {
        d = malloc(SFS_BLOCK);
        if (!d)
            abort();
        memcpy(d, data, SFS_BLOCK);
    }
    m->ev[m->nev++] = (struct memdev_event){data ? block : UINT64_MAX, d};
}

static int md_write(void *ctx, uint64_t block, uint32_t n, const void *buf)
{
    struct memdev *m = ctx;
    m->writes++;
    if ((m->fail_write_at && m->writes == m->fail_write_at) || (m->sticky && m->failed))
        return fail(m);
    if (block >= m->nblocks || n > m->nblocks - block)
        return SOS_ERR_OUT_OF_RANGE;
    memcpy(m->blocks + block * SFS_BLOCK, buf, (size_t)n * SFS_BLOCK);
    if (m->record)
        for (uint32_t i = 0; i < n; i++)
            push(m, block + i, (const uint8_t *)buf + (size_t)i * SFS_BLOCK);
    return 0;
}

static int md_flush(void *ctx)
{
    struct memdev *m = ctx;
    m->flushes++;
    if ((m->fail_flush_at && m->flushes == m->fail_flush_at) || (m->sticky && m->failed))
        return fail(m);
    if (m->record)
        push(m, 0, NULL);
    return 0;
}

void memdev_init(struct memdev *m, uint64_t nblocks)
{
    memset(m, 0, sizeof(*m));
    m->nblocks = nblocks;
    m->blocks = calloc(nblocks, SFS_BLOCK);
    if (!m->blocks)
        abort();
    m->dev = (struct sfs_dev){m, nblocks, md_read, md_write, md_flush};
}

void memdev_clear_events(struct memdev *m)
{
    for (size_t i = 0; i < m->nev; i++)
        free(m->ev[i].data);
    m->nev = 0;
}

void memdev_free(struct memdev *m)
{
    memdev_clear_events(m);
    free(m->ev);
    free(m->blocks);
    memset(m, 0, sizeof(*m));
}
