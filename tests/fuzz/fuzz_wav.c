/*
 * tests/fuzz/fuzz_wav.c - the WAV parser (services/clients/wav.c) on arbitrary bytes.
 *
 * Whatever the input: the parser returns 0 or -1 and never reads outside it; on
 * success the format is one the audio service takes (1-2 channels, 8-48 kHz, a known
 * sample type with a consistent frame size) and the frames lie inside the input; on
 * failure the reason is a non-empty sentence. An S24 file's frames convert to S32
 * without leaving the input.
 *
 * Layer: tests (host). Seeds: tests/fuzz/corpus/wav/.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <client/wav.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
    if (!ok)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* a copy of exactly `size` bytes, so a read past the end is caught by ASan */
    uint8_t *buf = malloc(size ? size : 1);
    check(buf != NULL);
    memcpy(buf, data, size);
    struct wav_info w;
    char err[96];
    err[0] = 0;
    int rc = wav_parse(buf, size, &w, err, sizeof(err));
    check(rc == 0 || rc == -1);
    if (rc == 0) {
        uint32_t bytes = w.sample == WAV_S16 ? 2 : w.sample == WAV_S24 ? 3 : 4;
        check(w.sample >= WAV_S16 && w.sample <= WAV_F32);
        check(w.channels >= 1 && w.channels <= 2 && w.rate >= 8000 && w.rate <= 48000);
        check(w.frame_bytes == w.channels * bytes && w.frames > 0);
        check(w.data >= buf && (size_t)(w.data - buf) + (size_t)w.frames * w.frame_bytes <= size);
        if (w.sample == WAV_S24) {
            int32_t out[2 * 64];
            uint32_t n = w.frames < 64 ? w.frames : 64;
            wav_s24_to_s32(w.data, (size_t)n * w.channels, out);
        }
    } else {
        check(err[0] != 0 && memchr(err, 0, sizeof(err)) != NULL);
    }
    free(buf);
    return 0;
}
