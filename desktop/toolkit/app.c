/*
 * desktop/toolkit/app.c - an application's duties toward the desktop shell and the
 * keyboard (tk/app.h): its window's dump sent as DESKTOP_SCENE, focus by a click,
 * the button a key activated.
 *
 * Layer: desktop/toolkit.
 */
#include <stdio.h>
#include <stdlib.h>

#include <proto/desktop.h>
#include <tk/app.h>

int tk_window_describe(struct tk_window *w, struct sl_conn_to *desktop)
{
    char *dump = malloc(DESKTOP_SCENE_MAX);
    uint8_t *buf = malloc(DESKTOP_SCENE_MAX + 128);
    int err = dump && buf ? 0 : SOS_ERR_NO_MEMORY;
    if (!err) {
        tk_dump(&w->sc, 0, 0, dump, DESKTOP_SCENE_MAX); /* the desktop knows where it is now */
        struct sl_msg q;
        sl_msg_begin(&q, buf, DESKTOP_SCENE_MAX + 128, NULL, 0, DESKTOP_SCENE);
        sl_msg_hdr(&q)->flags |= SOS_MSG_NO_REPLY;
        sl_msg_put_u32(&q, w->s.id);
        sl_msg_put_str(&q, dump);
        err = sl_conn_to_refresh(desktop, sos_deadline_after(SOS_MS(50)));
        if (!err)
            err = sl_msg_send(desktop->ch, &q);
    }
    free(dump);
    free(buf);
    return err;
}

void tk_app_show(struct tk_window *w, struct sl_conn_to *desktop, const char *who)
{
    if (tk_window_show(w) == SOS_ERR_PEER_CLOSED) {
        printf("%s: the graphics service went away\n", who);
        exit(1);
    }
    if (tk_window_describe(w, desktop))
        printf("%s: no desktop to describe the window to\n", who);
}

void tk_focus_set(struct tk_scene *s, int i)
{
    if (i < 0 || i >= s->count || i == s->focus)
        return;
    if (s->focus >= 0 && s->focus < s->count)
        tk_damage(s, &s->n[s->focus].r);
    s->focus = i;
    tk_damage(s, &s->n[i].r);
}

int tk_key_activate(struct tk_scene *s, uint32_t hid, char ch, bool *used)
{
    int f = s->focus;
    uint32_t before = f >= 0 ? s->n[f].activations : 0;
    *used = tk_key(s, hid, ch);
    return f >= 0 && s->focus == f && s->n[f].activations != before ? f : -1;
}
