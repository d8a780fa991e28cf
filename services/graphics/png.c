/*
 * services/graphics/png.c - screenshots as PNG, with stb_image_write (Debian's
 * libstb-dev, header-only) compiled freestanding: services/lib provides the libc it
 * calls (malloc, realloc, free, memmove, the math.h functions) and zlib does the
 * deflate. The PNG grows in a heap buffer (the service puts it in a VMO for the client).
 * No system call here: the host test graphics-png encodes and decodes it back.
 *
 * Layer: services/graphics.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <sos/errors.h>

#define Z_SOLO /* zlib.h without its stdio/unistd parts: freestanding-safe */
#include <zlib.h>

#include "png.h"

static voidpf z_alloc(voidpf op, uInt n, uInt size)
{
    (void)op;
    return malloc((size_t)n * size);
}

static void z_free(voidpf op, voidpf p)
{
    (void)op;
    free(p);
}

/* stb_image_write's deflate, by zlib (a zlib stream, as PNG wants). */
static unsigned char *zlib_compress(unsigned char *data, int len, int *out_len, int quality)
{
    z_stream z = {.zalloc = z_alloc, .zfree = z_free};
    if (deflateInit(&z, quality > 9 ? 9 : quality) != Z_OK)
        return NULL;
    uLong cap = deflateBound(&z, (uLong)len);
    unsigned char *out = malloc(cap);
    z.next_in = data;
    z.avail_in = (uInt)len;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    int r = out ? deflate(&z, Z_FINISH) : Z_MEM_ERROR;
    *out_len = (int)z.total_out;
    deflateEnd(&z);
    if (r != Z_STREAM_END) {
        free(out);
        return NULL;
    }
    return out;
}

#define STBIW_ZLIB_COMPRESS zlib_compress
#define STBIW_ASSERT(x) ((void)0)
#define STBI_WRITE_NO_STDIO
#define STB_IMAGE_WRITE_IMPLEMENTATION
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wmissing-prototypes"
#include "stb_image_write.h"
#pragma GCC diagnostic pop

struct sink {
    unsigned char *buf;
    size_t len, cap;
    bool failed;
};

static void put(void *ctx, void *data, int size)
{
    struct sink *s = ctx;
    if (s->failed || size <= 0)
        return;
    if (s->len + (size_t)size > s->cap) {
        size_t cap = (s->cap ? s->cap * 2 : 65536) + (size_t)size;
        unsigned char *n = realloc(s->buf, cap);
        if (!n) {
            s->failed = true;
            return;
        }
        s->buf = n;
        s->cap = cap;
    }
    memcpy(s->buf + s->len, data, (size_t)size);
    s->len += (size_t)size;
}

int png_encode(const uint32_t *px, uint32_t w, uint32_t h, uint32_t stride, unsigned char **out,
               size_t *len)
{
    unsigned char *rgb = malloc((size_t)w * h * 3);
    if (!rgb)
        return SOS_ERR_NO_MEMORY;
    for (uint32_t y = 0; y < h; y++) {
        const uint32_t *row = (const uint32_t *)((const uint8_t *)px + (size_t)y * stride);
        unsigned char *o = rgb + (size_t)y * w * 3;
        for (uint32_t x = 0; x < w; x++) {
            o[3 * x] = (unsigned char)(row[x] >> 16);
            o[3 * x + 1] = (unsigned char)(row[x] >> 8);
            o[3 * x + 2] = (unsigned char)row[x];
        }
    }
    struct sink s = {0};
    /* zlib's fastest level: a screen compresses well anyway, and one emulated CPU
       needed several seconds for the whole screen at stb's default (8) */
    stbi_write_png_compression_level = 1;
    int ok = stbi_write_png_to_func(put, &s, (int)w, (int)h, 3, rgb, (int)w * 3);
    free(rgb);
    if (!ok || s.failed) {
        free(s.buf);
        return SOS_ERR_NO_MEMORY;
    }
    *out = s.buf;
    *len = s.len;
    return 0;
}
