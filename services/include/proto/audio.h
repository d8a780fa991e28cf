/*
 * services/include/proto/audio.h - the audio service: endpoints and playback streams.
 *
 * On the service's connection (rights from the manifest's grant=audio:...):
 *   AUDIO_ENDPOINTS ()  -> (u32 n, n x endpoint)                                [read]
 *       endpoint = (u32 id, str name, u32 rate, u32 channels, u32 format,
 *                   u32 period_frames, u32 latency_us, u32 formats (bit 1 << fmt),
 *                   u32 min_rate, u32 max_rate, u32 max_channels)
 *   AUDIO_OPEN (u32 endpoint, u32 format, u32 rate, u32 channels, u32 ring_frames)
 *       -> (u32 stream_id, u32 ring_frames) + handles [stream, ring, space]      [write]
 *       stream: a channel that IS the stream (below); ring: the memory object the
 *       client writes frames into (struct audio_ring); space: an event the mixer
 *       signals (SOS_SIG_SIGNALED) whenever it has taken frames out of the ring.
 *       ring_frames 0 asks for the default (AUDIO_RING_DEFAULT_MS of frames).
 *   AUDIO_STREAMS ()   -> (u32 master, u32 muted, u32 n, n x stream)            [read]
 *       stream = (u32 id, str owner, u32 state, u32 format, u32 rate, u32 channels,
 *                 u32 volume, u64 frames_played, u64 underruns)
 *   AUDIO_SET_VOLUME (u32 stream_id, u32 volume)  -> ()                       [manage]
 *       volume 0..100; stream_id 0 is the master volume
 *   AUDIO_MUTE (u32 on) -> ()                                                 [manage]
 *
 * On a stream channel (whoever holds it owns the stream; closing it closes the stream):
 *   AUDIO_STREAM_START () -> ()        play what the ring holds, as it comes
 *   AUDIO_STREAM_PAUSE () -> ()        stop taking frames (the ring keeps them)
 *   AUDIO_STREAM_DRAIN () -> ()        answered when every frame written so far has
 *                                      been mixed; the stream is then paused
 *   AUDIO_STREAM_VOLUME (u32 volume) -> ()   0..100, ramped over one period
 *   AUDIO_STREAM_INFO () -> (u32 state, u64 frames_played, u64 underruns)
 *   AUDIO_STREAM_CLOSE () -> ()        the same as closing the channel
 *
 * The ring: the client writes whole frames at data[(write_pos % frames) * frame_bytes]
 * and then advances write_pos (frames ever written); the mixer reads from read_pos and
 * advances it. Both counters only grow; write_pos - read_pos <= frames. Each side
 * publishes its counter with a release store and reads the other's with an acquire
 * load. A running stream whose ring is short when the mixer needs frames plays silence
 * for the missing part and counts one underrun.
 *
 * Layer: services protocols.
 */
#ifndef PROTO_AUDIO_H
#define PROTO_AUDIO_H

#include <proto/proto.h>

#define AUDIO_VERSION 1
#define AUDIO_ENDPOINTS SOS_ORD(PROTO_AUDIO, AUDIO_VERSION, 1)
#define AUDIO_OPEN SOS_ORD(PROTO_AUDIO, AUDIO_VERSION, 2)
#define AUDIO_STREAMS SOS_ORD(PROTO_AUDIO, AUDIO_VERSION, 3)
#define AUDIO_SET_VOLUME SOS_ORD(PROTO_AUDIO, AUDIO_VERSION, 4)
#define AUDIO_MUTE SOS_ORD(PROTO_AUDIO, AUDIO_VERSION, 5)
#define AUDIO_STREAM_START SOS_ORD(PROTO_AUDIO, AUDIO_VERSION, 16)
#define AUDIO_STREAM_PAUSE SOS_ORD(PROTO_AUDIO, AUDIO_VERSION, 17)
#define AUDIO_STREAM_DRAIN SOS_ORD(PROTO_AUDIO, AUDIO_VERSION, 18)
#define AUDIO_STREAM_VOLUME SOS_ORD(PROTO_AUDIO, AUDIO_VERSION, 19)
#define AUDIO_STREAM_INFO SOS_ORD(PROTO_AUDIO, AUDIO_VERSION, 20)
#define AUDIO_STREAM_CLOSE SOS_ORD(PROTO_AUDIO, AUDIO_VERSION, 21)

/* Sample formats: SOS_AUDIO_FMT_S16, _S32, _F32 (sos/object.h). */
#define AUDIO_MIN_RATE 8000u
#define AUDIO_MAX_RATE 48000u
#define AUDIO_MAX_CHANNELS 2u
#define AUDIO_RING_DEFAULT_MS 100u
#define AUDIO_RING_MAX_FRAMES 65536u
#define AUDIO_MAX_STREAMS 16u

enum audio_stream_state {
    AUDIO_STATE_PAUSED = 1,
    AUDIO_STATE_RUNNING = 2,
    AUDIO_STATE_DRAINING = 3,
};

static inline const char *audio_state_name(uint32_t s)
{
    return s == AUDIO_STATE_PAUSED     ? "paused"
           : s == AUDIO_STATE_RUNNING  ? "running"
           : s == AUDIO_STATE_DRAINING ? "draining"
                                       : "?";
}

static inline const char *audio_format_name(uint32_t f)
{
    return f == SOS_AUDIO_FMT_S16 ? "s16" : f == SOS_AUDIO_FMT_S32 ? "s32"
                                          : f == SOS_AUDIO_FMT_F32 ? "f32" : "?";
}

static inline uint32_t audio_format_bytes(uint32_t f)
{
    return f == SOS_AUDIO_FMT_S16 ? 2 : f == SOS_AUDIO_FMT_S32 || f == SOS_AUDIO_FMT_F32 ? 4 : 0;
}

#define AUDIO_RING_MAGIC 0x52445541u /* "AUDR" */
#define AUDIO_RING_DATA 4096u        /* the frames start one page into the ring */

struct audio_ring {
    uint32_t magic, version;
    uint32_t frame_bytes, frames;
    uint64_t write_pos; /* the client's */
    uint8_t pad[40];    /* the two counters live on separate cache lines */
    uint64_t read_pos;  /* the mixer's */
};

#endif
