/*
 * tk/clip.h - the desktop's clipboard for an application (DESKTOP_CLIP_SET and
 * DESKTOP_CLIP_GET, proto/desktop.h): text copied in one window is pasted in any
 * other, of any program. Neither waits for the desktop shell: it may itself be waiting
 * on the root manager (launching an app), and an application's loop must not hang on
 * that. Setting is one way; getting is a request whose answer the application reads
 * when its desktop channel becomes readable.
 *
 * Layer: desktop/toolkit.
 */
#ifndef TK_CLIP_H
#define TK_CLIP_H

#include <stddef.h>
#include <stdint.h>

#include <sl/service.h>
#include <sl/sl.h>

/* Put len bytes of text (UTF-8, at most DESKTOP_CLIP_MAX) on the clipboard, one way:
 * 0 once sent (the desktop drops what it refuses), or why it could not be sent. */
int tk_clip_set(struct sl_conn_to *desktop, const char *text, size_t len);

/* Ask for the clipboard's text; the answer will come on desktop->ch with *txid. */
int tk_clip_ask(struct sl_conn_to *desktop, uint32_t *txid);

/* Read the answer to tk_clip_ask(txid) from desktop->ch (other messages there are
 * read and dropped): the text in out (at most cap - 1 bytes, NUL-terminated), its
 * length in *len. SOS_ERR_SHOULD_WAIT: not there yet (wait for the channel again);
 * else 0 or the error (the desktop's refusal, a closed channel, a bad reply). */
int tk_clip_answer(struct sl_conn_to *desktop, uint32_t txid, char *out, size_t cap, size_t *len);

/* A paste as an application does it, in its service loop: tk_clip_paste asks, and
 * watches the desktop channel on srv until the answer; then done runs once with the
 * text (NUL-terminated, at most DESKTOP_CLIP_MAX bytes) or the error. A second paste
 * before the answer: the newest ask wins. A desktop channel replaced meanwhile (the
 * desktop restarted): done gets SOS_ERR_PEER_CLOSED. */
struct tk_paste {
    struct sl_conn_to *desktop;
    struct sl_server *srv;
    void (*done)(int err, const char *text, size_t len);
    uint32_t txid;   /* the toolkit's from here on */
    sos_handle_t ch; /* the channel watched for the answer, 0: no paste under way */
};
/* 0 once asked, or why not (done is then not called). */
int tk_clip_paste(struct tk_paste *p);

#endif
