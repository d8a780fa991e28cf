/*
 * client/audio.h - the audio service's client library (proto/audio.h): endpoints,
 * playback streams, volumes.
 *
 * A stream is the channel the service handed out plus the ring it maps here. Writes
 * copy whole frames into the ring and never block; audio_stream_wait blocks until the
 * mixer frees space, and reports SOS_ERR_PEER_CLOSED when the service went away (it
 * restarted: open a new stream). Every call takes the connection to the service as a
 * struct sl_conn_to, so a client survives the service's restarts.
 *
 * Layer: services/clients (audio).
 */
#ifndef CLIENT_AUDIO_H
#define CLIENT_AUDIO_H

#include <sl/service.h>

#include <proto/audio.h>

struct audio_endpoint {
    uint32_t id;
    char name[32];
    uint32_t rate, channels, format, period_frames, latency_us;
    uint32_t formats, min_rate, max_rate, max_channels;
};

struct audio_stream_info {
    uint32_t id;
    char owner[32];
    uint32_t state, format, rate, channels, volume;
    uint64_t played, underruns;
};

struct audio_stream {
    sos_handle_t ch, ring_vmo, space, port;
    struct audio_ring *ring;
    uint8_t *data;
    size_t map_len;
    uint32_t id, frames, frame_bytes;
    bool closed; /* the service went away */
};

/* The endpoints (at most max into out); *n gets how many there are. */
int audio_endpoints(struct sl_conn_to *c, struct audio_endpoint *out, uint32_t max, uint32_t *n);

/* Open a stream on endpoint ep (1 is the first) and map its ring. */
int audio_stream_open(struct sl_conn_to *c, uint32_t ep, uint32_t format, uint32_t rate,
                      uint32_t channels, uint32_t ring_frames, struct audio_stream *s);
/* Frames the ring can take now. */
uint32_t audio_stream_space(const struct audio_stream *s);
/* Copy up to n whole frames into the ring; how many went in. */
uint32_t audio_stream_write(struct audio_stream *s, const void *frames, uint32_t n);
/* Wait until the ring has space (0), the deadline passes, or the service is gone. */
int audio_stream_wait(struct audio_stream *s, sos_time_t deadline);
/* Write all n frames, waiting for space as needed. */
int audio_stream_write_all(struct audio_stream *s, const void *frames, uint32_t n,
                           sos_time_t deadline);
int audio_stream_start(struct audio_stream *s);
int audio_stream_pause(struct audio_stream *s);
/* Wait until everything written has been played (the stream is then paused). */
int audio_stream_drain(struct audio_stream *s, sos_time_t deadline);
int audio_stream_volume(struct audio_stream *s, uint32_t volume);
int audio_stream_stats(struct audio_stream *s, uint32_t *state, uint64_t *played,
                       uint64_t *underruns);
/* Close the stream and free everything here (also after PEER_CLOSED). */
void audio_stream_close(struct audio_stream *s);

/* Every stream (at most max into out); *n how many, plus master volume and mute. */
int audio_streams(struct sl_conn_to *c, struct audio_stream_info *out, uint32_t max,
                  uint32_t *n, uint32_t *master, uint32_t *muted);
/* Stream id's volume, or with id 0 the master volume (0..100). */
int audio_set_volume(struct sl_conn_to *c, uint32_t id, uint32_t volume);
int audio_mute(struct sl_conn_to *c, bool on);

#endif
