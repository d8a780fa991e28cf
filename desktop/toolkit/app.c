/*
 * desktop/toolkit/app.c - an application's set-up, loop and duties toward the desktop
 * shell and the keyboard (tk/app.h): the font, the window and the theme it follows,
 * the window's events handed to the application's callbacks, its window's dump sent
 * as DESKTOP_SCENE, focus by a click, the button a key activated.
 *
 * The loop is the service loop (sl_server): the window's channel, the theme's watch
 * and whatever the application adds to a->srv (a timer, a request's progress) are
 * all served by it, one at a time, so a callback never races another.
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

static void describe(struct tk_app *a)
{
    if (tk_window_describe(a->win, &a->desktop))
        printf("%s: no desktop to describe the window to\n", a->name);
}

void tk_app_show(struct tk_app *a)
{
    if (tk_window_show(a->win) == SOS_ERR_PEER_CLOSED) {
        printf("%s: the graphics service went away\n", a->name);
        exit(1);
    }
    describe(a);
}

static void on_surface(struct sl_server *s, const struct sos_port_packet *pkt, void *arg)
{
    (void)s, (void)pkt;
    struct tk_app *a = arg;
    struct sos_input_event e;
    while (tk_window_event(a->win, &e)) {
        if (e.type == SOS_INPUT_BUTTON && e.code == 1 && e.value == 1) {
            if (a->on_click)
                a->on_click(e.x, e.y);
        } else if (e.type == SOS_INPUT_KEY) {
            if (a->on_key)
                a->on_key(&e);
        } else if (e.type == SOS_INPUT_WHEEL && e.code == 0) {
            if (a->on_wheel)
                a->on_wheel(e.value);
        } else if (e.type == GFX_EVENT_CONFIGURE && a->resizable) {
            if (!tk_window_resize(a->win, e.x, e.y))
                describe(a);
        }
    }
}

static void theme_changed(void *arg)
{
    struct tk_app *a = arg;
    tk_set_theme(&a->win->sc, a->theme.theme);
    printf("%s: theme %s\n", a->name, a->theme.name);
    if (a->on_theme)
        a->on_theme();
    else
        tk_app_show(a);
}

int tk_app_start(struct tk_app *a)
{
    uint64_t len = 0;
    const void *ttf = tk_map_resource(a->font_file, &len);
    int err = ttf ? tk_font_load(&a->font, ttf, len, a->font_px) : SOS_ERR_NOT_FOUND;
    if (err) {
        printf("%s: cannot load the font %s: %s\n", a->name, a->font_file, sos_strerror(err));
        return err;
    }
    sl_conn_to_init(&a->gfx, "graphics", 0);
    sl_conn_to_init(&a->desktop, "desktop", 0);
    if ((err = sl_service_init(&a->srv, NULL, 0, a))) {
        printf("%s: cannot start: %s\n", a->name, sos_strerror(err));
        return err;
    }
    if (a->follow_theme) {
        tk_theme_follow_start(&a->theme, &a->srv, theme_changed, a); /* light until config answers */
    } else {
        a->theme.theme = &tk_theme_light;
        snprintf(a->theme.name, sizeof(a->theme.name), "light");
    }
    if ((err = tk_window_open(a->win, &a->gfx, a->x, a->y, a->w, a->h, 1, a->theme.theme, &a->font)) ||
        (err = sl_server_watch(&a->srv, a->win->s.ch, SOS_SIG_READABLE, SOS_WAIT_ASYNC_REPEAT, on_surface, a)))
        printf("%s: cannot start: %s (%s)\n", a->name, sos_strerror(err), gfx_why());
    return err;
}

int tk_app_run(struct tk_app *a, void (*when_ready)(void))
{
    sl_service_ready();
    if (when_ready)
        when_ready();
    return sl_server_run(&a->srv);
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
