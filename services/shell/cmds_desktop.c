/*
 * services/shell/cmds_desktop.c - `desktop`: the desktop shell for the operator.
 *
 *   desktop start          start the desktop shell (any desktop command does)
 *   desktop apps           the applications it can launch, and their phase
 *   desktop windows        the windows: surface, owner, place, size, state
 *   desktop launch <app>   start an application (through the root manager)
 *   desktop notify <text>  a notification (a toast, kept in the list)
 *   desktop workspace <n>  show workspace n (1 or 2)
 *   desktop dump           every window and widget with its text and bounds
 *   desktop copy <text>    put text on the desktop's clipboard (what Ctrl+Shift+V pastes)
 *   desktop paste          print what the clipboard holds
 *
 * Layer: services (shell).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <proto/console.h>
#include <proto/desktop.h>
#include <proto/mgr.h>

#include "shell.h"

static struct sl_conn_to g_desk;
static bool g_desk_init;

/* One request: `arg` a string argument (or none); the reply in *rep (rb's bytes). */
static int call(uint32_t ordinal, const char *arg, struct sl_msg *rep, uint8_t *rb, uint32_t cap)
{
    if (!g_desk_init) {
        sl_conn_to_init(&g_desk, "desktop", 0); /* looked up: starts it when dormant */
        g_desk_init = true;
    }
    uint8_t qb[CONSOLE_LINE_MAX + 64];
    struct sl_msg q;
    sl_msg_begin(&q, qb, sizeof(qb), NULL, 0, ordinal);
    if (arg)
        sl_msg_put_str(&q, arg);
    sl_msg_begin(rep, rb, cap, NULL, 0, ordinal);
    return sh_call(&g_desk, &q, rep);
}

static void failed(const char *what, int err)
{
    sh_eprintf("desktop %s: %s\n", what, sh_errtext(err));
}

static void apps(void)
{
    static uint8_t rb[8192];
    struct sl_msg r;
    int err = call(DESKTOP_APPS, NULL, &r, rb, sizeof(rb));
    struct sl_parse p;
    if (!err)
        err = sl_parse_begin(&p, r.bytes, r.len, NULL, 0, NULL);
    uint32_t n = err ? 0 : sl_parse_u32(&p);
    for (uint32_t i = 0; i < n && !sl_parse_end(&p); i++) {
        const char *name = sl_parse_str(&p, NULL);
        uint32_t phase = sl_parse_u32(&p);
        const char *desc = sl_parse_str(&p, NULL);
        if (name && desc)
            sh_printf("%-16s %s%s%s\n", name, svc_phase_name(phase), desc[0] ? "  " : "", desc);
    }
    if (!err)
        err = sl_parse_end(&p);
    if (err)
        failed("apps", err);
}

static void windows(void)
{
    static uint8_t rb[8192];
    static const char *const state[] = {"", " minimised", " maximised"};
    struct sl_msg r;
    int err = call(DESKTOP_WINDOWS, NULL, &r, rb, sizeof(rb));
    struct sl_parse p;
    if (!err)
        err = sl_parse_begin(&p, r.bytes, r.len, NULL, 0, NULL);
    uint32_t n = err ? 0 : sl_parse_u32(&p);
    if (!err && !n)
        sh_printf("no windows\n");
    for (uint32_t i = 0; i < n && !sl_parse_end(&p); i++) {
        uint32_t id = sl_parse_u32(&p);
        const char *owner = sl_parse_str(&p, NULL);
        int32_t x = (int32_t)sl_parse_u32(&p), y = (int32_t)sl_parse_u32(&p);
        uint32_t w = sl_parse_u32(&p), h = sl_parse_u32(&p), st = sl_parse_u32(&p), ws = sl_parse_u32(&p);
        if (owner)
            sh_printf("window %u  %-12s at %d,%d  %ux%u  workspace %u%s\n", id, owner, x, y, w, h, ws,
                      st < 3 ? state[st] : "");
    }
    if (!err)
        err = sl_parse_end(&p);
    if (err)
        failed("windows", err);
}

/* A request with no argument whose reply is one string of at most max bytes: it is
 * printed by show(text, len); a failure is reported as `desktop <what>: ...`. */
static void call_text(uint32_t ordinal, uint32_t max, const char *what, void (*show)(const char *, uint32_t))
{
    uint8_t *rb = malloc(max + 64);
    if (!rb)
        return failed(what, SOS_ERR_NO_MEMORY);
    struct sl_msg r;
    int err = call(ordinal, NULL, &r, rb, max + 64);
    struct sl_parse p;
    if (!err)
        err = sl_parse_begin(&p, r.bytes, r.len, NULL, 0, NULL);
    uint32_t len = 0;
    const char *text = err ? NULL : sl_parse_str(&p, &len);
    if (!err)
        err = sl_parse_end(&p);
    if (err || !text)
        failed(what, err ? err : SOS_ERR_BAD_FORMAT);
    else
        show(text, len);
    free(rb);
}

static void show_dump(const char *text, uint32_t len)
{
    (void)len;
    sh_printf("%s", text);
}

static void show_clip(const char *text, uint32_t len)
{
    if (!len)
        sh_printf("the clipboard is empty\n");
    else
        sh_printf("%s%s", text, text[len - 1] == '\n' ? "" : "\n");
}

static void workspace(const char *arg)
{
    char *end = NULL;
    unsigned long n = strtoul(arg, &end, 10);
    uint8_t qb[64], rb[128];
    struct sl_msg q, r;
    if (!end || *end || end == arg || n > 99)
        return (void)sh_eprintf("desktop workspace: '%s' is not a number\n", arg);
    int err = call(DESKTOP_WINDOWS, NULL, &r, rb, sizeof(rb)); /* looked up (started) */
    if (!err || err == SOS_ERR_BUFFER_TOO_SMALL) {
        sl_msg_begin(&q, qb, sizeof(qb), NULL, 0, DESKTOP_WORKSPACE);
        sl_msg_put_u32(&q, (uint32_t)n);
        sl_msg_begin(&r, rb, sizeof(rb), NULL, 0, DESKTOP_WORKSPACE);
        err = sh_call(&g_desk, &q, &r);
    }
    if (err)
        sh_eprintf("desktop workspace %s: %s\n", arg,
                   err == SOS_ERR_OUT_OF_RANGE ? "there are workspaces 1 and 2" : sh_errtext(err));
    else
        sh_printf("workspace %lu\n", n);
}

/* The words after `desktop <sub>`, joined by single spaces. */
static void join_args(int argc, char **argv, char *text, size_t cap)
{
    size_t len = 0;
    text[0] = 0;
    for (int i = 2; i < argc && len + 1 < cap; i++)
        len += (size_t)snprintf(text + len, cap - len, "%s%s", i > 2 ? " " : "", argv[i]);
}

static void copy(int argc, char **argv)
{
    char text[CONSOLE_LINE_MAX];
    uint8_t rb[128];
    struct sl_msg r;
    join_args(argc, argv, text, sizeof(text));
    int err = call(DESKTOP_CLIP_SET, text, &r, rb, sizeof(rb));
    if (err == SOS_ERR_OUT_OF_RANGE)
        sh_eprintf("desktop copy: %zu bytes: too large for the clipboard (at most %u)\n", strlen(text),
                   DESKTOP_CLIP_MAX);
    else if (err == SOS_ERR_INVALID_ARGS)
        sh_eprintf("desktop copy: not text: the clipboard takes UTF-8 only\n");
    else if (err)
        failed("copy", err);
    else
        sh_printf("copied %zu bytes\n", strlen(text));
}

void cmd_desktop(int argc, char **argv)
{
    const char *sub = argv[1];
    uint8_t rb[128];
    struct sl_msg r;
    int err;
    if (!strcmp(sub, "apps") && argc == 2) {
        apps();
    } else if (!strcmp(sub, "windows") && argc == 2) {
        windows();
    } else if (!strcmp(sub, "dump") && argc == 2) {
        call_text(DESKTOP_DUMP, DESKTOP_DUMP_MAX, "dump", show_dump);
    } else if (!strcmp(sub, "start") && argc == 2) {
        if ((err = call(DESKTOP_WINDOWS, NULL, &r, rb, sizeof(rb))) && err != SOS_ERR_BUFFER_TOO_SMALL)
            failed("start", err);
        else
            sh_printf("desktop running\n");
    } else if (!strcmp(sub, "launch") && argc == 3) {
        if ((err = call(DESKTOP_LAUNCH, argv[2], &r, rb, sizeof(rb))))
            sh_eprintf("desktop launch %s: %s\n", argv[2],
                       err == SOS_ERR_NOT_FOUND ? "no such app (desktop apps lists them)" : sh_errtext(err));
        else
            sh_printf("launched %s\n", argv[2]);
    } else if (!strcmp(sub, "workspace") && argc == 3) {
        workspace(argv[2]);
    } else if (!strcmp(sub, "notify") && argc >= 3) {
        char text[CONSOLE_LINE_MAX];
        join_args(argc, argv, text, sizeof(text));
        if ((err = call(DESKTOP_NOTIFY, text, &r, rb, sizeof(rb))))
            failed("notify", err);
    } else if (!strcmp(sub, "copy") && argc >= 3) {
        copy(argc, argv);
    } else if (!strcmp(sub, "paste") && argc == 2) {
        call_text(DESKTOP_CLIP_GET, DESKTOP_CLIP_MAX, "paste", show_clip);
    } else {
        sh_eprintf("usage: desktop start | apps | windows | launch <app> | notify <text> | workspace <n> | dump"
                   " | copy <text> | paste\n");
    }
}
