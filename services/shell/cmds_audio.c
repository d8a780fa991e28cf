/*
 * services/shell/cmds_audio.c - `audio endpoints|tone|play|streams|volume|mute`, a
 * client of the audio service through the shell's grant (services/clients/audio.c).
 *
 * `tone` and `play` open a stream, fill its ring, start it, feed it as the mixer frees
 * space, drain it and close it, then say what was played and how many underruns the
 * service counted. A sound that fits the ring is not started but drained at once
 * (DRAIN plays a paused stream to its end): between a START and a DRAIN the mixer
 * could otherwise run the ring dry and count underruns that are none. `tone ... &` plays on a thread of the shell instead, so the prompt
 * comes back; that player reopens its stream when the service goes away (a stream's
 * channel reports PEER_CLOSED when the service dies) and `audio streams` reports how
 * it fared.
 *
 * Layer: services (shell).
 */
#include "shell.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <client/audio.h>
#include <client/tone.h>
#include <client/wav.h>
#include <sl/thread.h>

#include <proto/storage.h>

#define BLOCK 480u
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define TONE_AMP 0.5f
#define WAV_MAX (16u << 20)
#define PLAY_NS 120000000000ll /* a drain that has not ended in 2 min is reported */
/* The rings hold 500 ms: the shell is no real-time thread, and on a busy machine a
 * 100 ms ring runs dry (an underrun) while it waits for its turn. */
#define RING_MS 500u

static struct sl_conn_to *conn(void) { return &g_sh.audio; }

static const char *au_err(int err)
{
    return err == SOS_ERR_NOT_FOUND ? "no audio device" : sh_errtext(err);
}

static int first_endpoint(struct audio_endpoint *ep)
{
    uint32_t n;
    int err = audio_endpoints(conn(), ep, 1, &n);
    return err ? err : n ? 0 : SOS_ERR_NOT_FOUND;
}

static void do_endpoints(void)
{
    struct audio_endpoint eps[4];
    uint32_t n;
    int err = audio_endpoints(conn(), eps, 4, &n);
    if (err) {
        sh_eprintf("audio: %s\n", au_err(err));
        return;
    }
    if (!n)
        sh_printf("no audio endpoints (no audio device)\n");
    for (uint32_t i = 0; i < n && i < 4; i++)
        sh_printf("%u %-12s %u Hz  %u ch  %s  period %u frames  latency %u.%u ms\n", eps[i].id,
                  eps[i].name, eps[i].rate, eps[i].channels, audio_format_name(eps[i].format),
                  eps[i].period_frames, eps[i].latency_us / 1000, eps[i].latency_us % 1000 / 100);
}

/* ---- the tone */

struct tone_job {
    uint32_t freq, seconds;
    uint32_t reopened, done, err; /* for `audio streams` (err: negated) */
    uint64_t played, underruns;
    struct sl_thread th;
};

/* Play the rest of the tone on a fresh stream; 0 or the error that ended it. */
static int tone_stream(struct tone_job *j, struct tone *t, uint32_t rate, uint32_t *left)
{
    struct audio_stream s;
    float buf[BLOCK];
    int err = audio_stream_open(conn(), 1, SOS_AUDIO_FMT_F32, rate, 1, rate * RING_MS / 1000, &s);
    bool started = false;
    while (!err && *left) {
        uint32_t n = *left < BLOCK ? *left : BLOCK;
        tone_fill(t, buf, n);
        err = audio_stream_write_all(&s, buf, n, SOS_TIME_INFINITE);
        *left -= err ? 0 : n;
        if (!err && !started && *left && audio_stream_space(&s) < MIN(BLOCK, *left)) {
            err = audio_stream_start(&s); /* the rest must wait for room: play the ring */
            started = true;
        }
    }
    if (!err)
        err = audio_stream_drain(&s, sos_deadline_after(PLAY_NS));
    uint32_t st;
    uint64_t played, under;
    if (!err && !audio_stream_stats(&s, &st, &played, &under)) {
        j->played += played;
        j->underruns += under;
    }
    audio_stream_close(&s);
    return err;
}

/* The whole tone; a stream lost with the service is opened again (three times). */
static int tone_play(struct tone_job *j)
{
    struct audio_endpoint ep;
    int err = first_endpoint(&ep);
    struct tone t;
    if (!err && tone_init(&t, j->freq, ep.rate, TONE_AMP))
        err = SOS_ERR_INVALID_ARGS;
    uint32_t left = j->seconds * ep.rate;
    while (!err && left) {
        err = tone_stream(j, &t, ep.rate, &left);
        if (err == SOS_ERR_PEER_CLOSED && j->reopened < 3) {
            j->reopened++;
            err = 0;
        }
    }
    return err;
}

static struct tone_job *g_bg;

static void tone_thread(void *arg)
{
    struct tone_job *j = arg;
    int err = tone_play(j);
    j->err = (uint32_t)-err;
    __atomic_store_n(&j->done, 1, __ATOMIC_RELEASE);
}

static bool parse_tone(int argc, char **argv, struct tone_job *j)
{
    uint64_t f = 440, sec = 1;
    if ((argc > 2 && !sh_parse_u64(argv[2], 20000, &f)) || f < 20) {
        sh_eprintf("audio tone: the frequency is 20 to 20000 Hz\n");
        return false;
    }
    if ((argc > 3 && !sh_parse_u64(argv[3], 60, &sec)) || sec < 1) {
        sh_eprintf("audio tone: the length is 1 to 60 seconds\n");
        return false;
    }
    *j = (struct tone_job){.freq = (uint32_t)f, .seconds = (uint32_t)sec};
    return true;
}

static void do_tone(int argc, char **argv)
{
    bool bg = argc > 2 && !strcmp(argv[argc - 1], "&");
    struct tone_job j;
    if (!parse_tone(bg ? argc - 1 : argc, argv, &j))
        return;
    if (bg) {
        if (g_bg && !__atomic_load_n(&g_bg->done, __ATOMIC_ACQUIRE)) {
            sh_eprintf("audio tone: a background tone is still playing\n");
            return;
        }
        if (g_bg)
            sl_thread_join(&g_bg->th, SOS_TIME_INFINITE);
        free(g_bg);
        g_bg = malloc(sizeof(*g_bg));
        int err = g_bg ? 0 : SOS_ERR_NO_MEMORY;
        if (!err && (*g_bg = j, err = sl_thread_start(&g_bg->th, tone_thread, g_bg, 0))) {
            free(g_bg);
            g_bg = NULL;
        }
        if (err)
            sh_eprintf("audio tone: %s\n", sh_errtext(err));
        else
            sh_printf("tone %u Hz for %u s in the background\n", j.freq, j.seconds);
        return;
    }
    int err = tone_play(&j);
    if (err)
        sh_eprintf("audio tone: %s\n", au_err(err));
    else
        sh_printf("tone %u Hz for %u s: %llu frames, %llu underruns\n", j.freq, j.seconds,
                  (unsigned long long)j.played, (unsigned long long)j.underruns);
}

/* ---- a WAV file */

static uint32_t stream_format(uint32_t sample)
{
    return sample == WAV_S16 ? SOS_AUDIO_FMT_S16 : sample == WAV_F32 ? SOS_AUDIO_FMT_F32
                                                                     : SOS_AUDIO_FMT_S32;
}

/* Feed every frame of w (S24 widened to S32 on the way), start, drain. */
static int play_frames(struct audio_stream *s, const struct wav_info *w)
{
    int32_t wide[BLOCK * 2];
    int err = 0;
    bool started = false;
    for (uint32_t at = 0; !err && at < w->frames;) {
        uint32_t n = w->frames - at < BLOCK ? w->frames - at : BLOCK;
        const void *src = w->data + (size_t)at * w->frame_bytes;
        if (w->sample == WAV_S24) {
            wav_s24_to_s32(src, (size_t)n * w->channels, wide);
            src = wide;
        }
        err = audio_stream_write_all(s, src, n, SOS_TIME_INFINITE);
        at += n;
        uint32_t rest = w->frames - at;
        if (!err && !started && rest && audio_stream_space(s) < MIN(BLOCK, rest)) {
            err = audio_stream_start(s); /* the rest must wait for room: play the ring */
            started = true;
        }
    }
    return err ? err : audio_stream_drain(s, sos_deadline_after(PLAY_NS));
}

static void do_play(const char *path)
{
    char *buf;
    size_t len;
    if (sh_store_get("audio play", path, WAV_MAX, &buf, &len))
        return;
    struct wav_info w;
    char why[96];
    if (wav_parse(buf, len, &w, why, sizeof(why))) {
        sh_eprintf("audio play: %s: %s\n", path, why);
        free(buf);
        return;
    }
    struct audio_stream s;
    uint32_t ring = w.rate * RING_MS / 1000;
    int err = audio_stream_open(conn(), 1, stream_format(w.sample), w.rate, w.channels,
                                w.frames < ring ? w.frames : ring, &s);
    if (!err)
        err = play_frames(&s, &w);
    uint32_t st;
    uint64_t played = 0, under = 0;
    if (!err)
        audio_stream_stats(&s, &st, &played, &under);
    audio_stream_close(&s);
    free(buf);
    if (err) {
        sh_eprintf("audio play: %s: %s\n", path, au_err(err));
        return;
    }
    sh_printf("played %s: %u Hz, %u ch, %s, %u frames (%u ms), %llu underruns\n", path, w.rate,
              w.channels, w.sample == WAV_S16 ? "s16" : w.sample == WAV_S24 ? "s24" : "f32",
              w.frames, (uint32_t)((uint64_t)w.frames * 1000 / w.rate), (unsigned long long)under);
}

/* ---- streams, volume, mute */

static void print_bg(void)
{
    if (!g_bg)
        return;
    bool done = __atomic_load_n(&g_bg->done, __ATOMIC_ACQUIRE);
    sh_printf("background tone %u Hz %u s: %s, reopened %u times", g_bg->freq, g_bg->seconds,
              done ? "done" : "playing", g_bg->reopened);
    if (done && g_bg->err)
        sh_printf(", ended by: %s", au_err(-(int)g_bg->err));
    sh_printf("\n");
}

static void do_streams(void)
{
    struct audio_stream_info st[AUDIO_MAX_STREAMS];
    uint32_t n, master, muted;
    int err = audio_streams(conn(), st, AUDIO_MAX_STREAMS, &n, &master, &muted);
    if (err) {
        sh_eprintf("audio: %s\n", au_err(err));
        return;
    }
    sh_printf("master volume %u%s, %u streams\n", master, muted ? " (muted)" : "", n);
    for (uint32_t i = 0; i < n && i < AUDIO_MAX_STREAMS; i++)
        sh_printf("%u %-10s %-8s %s %u Hz %u ch  volume %u  played %llu  underruns %llu\n",
                  st[i].id, st[i].owner, audio_state_name(st[i].state),
                  audio_format_name(st[i].format), st[i].rate, st[i].channels, st[i].volume,
                  (unsigned long long)st[i].played, (unsigned long long)st[i].underruns);
    print_bg();
}

static void do_volume(int argc, char **argv)
{
    uint64_t id = 0, vol;
    if ((argc == 4 && !sh_parse_u64(argv[2], UINT32_MAX, &id)) ||
        !sh_parse_u64(argv[argc - 1], 100, &vol)) {
        sh_eprintf("usage: audio volume [stream] <0-100>\n");
        return;
    }
    int err = audio_set_volume(conn(), (uint32_t)id, (uint32_t)vol);
    if (err == SOS_ERR_NOT_FOUND)
        sh_eprintf("audio volume: no stream %llu (see 'audio streams')\n", (unsigned long long)id);
    else if (err)
        sh_eprintf("audio volume: %s\n", au_err(err));
    else if (id)
        sh_printf("stream %llu volume %llu\n", (unsigned long long)id, (unsigned long long)vol);
    else
        sh_printf("master volume %llu\n", (unsigned long long)vol);
}

static void do_mute(int argc, char **argv)
{
    struct audio_stream_info st[1];
    uint32_t n, master, muted;
    int err = audio_streams(conn(), st, 0, &n, &master, &muted);
    bool on = !muted; /* bare `mute` toggles */
    if (argc == 3 && (strcmp(argv[2], "on") && strcmp(argv[2], "off"))) {
        sh_eprintf("usage: audio mute [on|off]\n");
        return;
    }
    if (argc == 3)
        on = !strcmp(argv[2], "on");
    if (!err)
        err = audio_mute(conn(), on);
    if (err)
        sh_eprintf("audio mute: %s\n", au_err(err));
    else
        sh_printf("%s\n", on ? "muted" : "unmuted");
}

void cmd_audio(int argc, char **argv)
{
    const char *sub = argv[1];
    if (!strcmp(sub, "endpoints") && argc == 2)
        do_endpoints();
    else if (!strcmp(sub, "tone") && argc <= 5)
        do_tone(argc, argv);
    else if (!strcmp(sub, "play") && argc == 3)
        do_play(argv[2]);
    else if (!strcmp(sub, "streams") && argc == 2)
        do_streams();
    else if (!strcmp(sub, "volume") && (argc == 3 || argc == 4))
        do_volume(argc, argv);
    else if (!strcmp(sub, "mute") && argc <= 3)
        do_mute(argc, argv);
    else
        sh_eprintf("usage: audio endpoints | tone [freq] [seconds] [&] | play <path> | streams | "
                   "volume [stream] <0-100> | mute [on|off]\n");
}
