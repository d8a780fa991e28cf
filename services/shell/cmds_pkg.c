/*
 * services/shell/cmds_pkg.c - `pkg`: the package service's requests from the shell
 * (proto/pkg.h through client/pkg.h). The service writes the report; the shell prints
 * it, or the reason on the error stream.
 *
 *   pkg list [--available] | search <word> | show <name> | install <name>[@version]
 *       | update [name] | remove <name> | rollback | history | verify | repair | gc
 *       | repo add <name> [<url> [<root file>]] | repo remove <name> | repo list|sync [name]
 *       | trust [name] | keys [name]
 *       | policy [allow <repo> <pkg|*> | pin <pkg> <version> | unpin <pkg>
 *                 | channel <repo>[/<pkg>] <stable|testing> | reset]
 *   run pkg <name> [args...]    the installed package's program, through the root
 *                               manager's loader (`run image` on its installed file)
 *
 * Layer: services (shell).
 */
#include <stdio.h>
#include <string.h>

#include <client/pkg.h>

#include "shell.h"

static struct sl_conn_to g_pkgc;
static bool g_pkgc_init;

struct sub {
    const char *name;
    uint32_t ordinal;
    int min, max; /* arguments after the subcommand */
};

static const struct sub g_subs[] = {
    {"search", PKG_SEARCH, 1, 1}, {"show", PKG_SHOW, 1, 1},         {"install", PKG_INSTALL, 1, 1},
    {"update", PKG_UPDATE, 0, 1}, {"remove", PKG_REMOVE, 1, 1},     {"rollback", PKG_ROLLBACK, 0, 0},
    {"history", PKG_HISTORY, 0, 0}, {"verify", PKG_VERIFY, 0, 0},   {"repair", PKG_REPAIR, 0, 0},
    {"gc", PKG_GC, 0, 0},         {"repo", PKG_REPO, 1, 4},         {"list", PKG_LIST, 0, 1},
    {"trust", PKG_REPO, 0, 1},    {"keys", PKG_REPO, 0, 1},       {"policy", PKG_POLICY, 0, 3},
};

static void usage(void)
{
    sh_eprintf("usage: pkg list [--available] | search <word> | show <name> | install "
               "<name>[@version] | update [name] | remove <name> | rollback | history | "
               "verify | repair | gc | repo add <name> [<url> [<root file>]] | repo remove <name> "
               "| repo list|sync [name] | trust [name] | keys [name] | policy [allow <repo> "
               "<pkg|*> | pin <pkg> <version> | unpin <pkg> | channel <repo>[/<pkg>] "
               "<stable|testing> | reset]\n");
}

/* `pkg repo OP [name [url [root]]]`, `pkg trust|keys [name]`. */
static int repo_request(const struct sub *s, int argc, char **argv, char *text, size_t size)
{
    const char *op = s->name, *name = argc > 0 ? argv[0] : "";
    if (!strcmp(op, "repo")) {
        op = argv[0];
        name = argc > 1 ? argv[1] : "";
        bool change = !strcmp(op, "add") || !strcmp(op, "remove");
        if ((change && argc < 2) || (!change && argc > 2) ||
            (strcmp(op, "add") && argc > 2))
            return SOS_ERR_INVALID_ARGS;
        argc--, argv++;
    } else if (argc > 1) {
        return SOS_ERR_INVALID_ARGS;
    }
    const char *arg[4] = {op, name, argc > 1 ? argv[1] : "", argc > 2 ? argv[2] : ""};
    return pkgc_call4(&g_pkgc, PKG_REPO, arg, text, size);
}

/* The two request strings of a subcommand's arguments. */
static int request(const struct sub *s, int argc, char **argv, char *text, size_t size)
{
    const char *a = argc > 0 ? argv[0] : "", *b = NULL;
    char name[PKG_ARG_MAX];
    switch (s->ordinal) {
    case PKG_LIST:
        if (argc && strcmp(argv[0], "--available"))
            return SOS_ERR_INVALID_ARGS;
        return pkgc_list(&g_pkgc, argc ? PKG_LIST_AVAILABLE : 0, text, size);
    case PKG_INSTALL: {
        snprintf(name, sizeof name, "%s", argv[0]);
        char *at = strchr(name, '@');
        b = at ? at + 1 : "";
        if (at)
            *at = 0;
        a = name;
        break;
    }
    case PKG_REPO:
        return repo_request(s, argc, argv, text, size);
    case PKG_POLICY: {
        const char *arg[4] = {argc > 0 ? argv[0] : "show", argc > 1 ? argv[1] : "",
                              argc > 2 ? argv[2] : "", ""};
        return pkgc_call4(&g_pkgc, PKG_POLICY, arg, text, size);
    }
    case PKG_ROLLBACK: case PKG_HISTORY: case PKG_VERIFY: case PKG_REPAIR: case PKG_GC:
        a = NULL;
        break;
    }
    return pkgc_call(&g_pkgc, s->ordinal, a, b, text, size);
}

static void connect(void)
{
    if (!g_pkgc_init) {
        sl_conn_to_init(&g_pkgc, "package", 0);
        g_pkgc_init = true;
    }
}

void cmd_run_pkg(int argc, char **argv)
{
    static char path[PKG_REPLY_MAX];
    char *args[SH_MAX_ARGS + 2];
    if (argc < 3) {
        sh_eprintf("usage: run pkg <name> [args...]\n");
        return;
    }
    connect();
    int err = pkgc_call(&g_pkgc, PKG_WHICH, argv[2], NULL, path, sizeof path);
    if (err) {
        sh_eprintf("run pkg %s: %s%s", argv[2], path[0] ? path : sh_errtext(err),
                   path[0] && path[strlen(path) - 1] == '\n' ? "" : "\n");
        return;
    }
    /* `run image <path> [args]`: the root manager loads the installed file. */
    args[0] = argv[0];
    args[1] = "image";
    args[2] = path;
    for (int i = 3; i < argc && i < SH_MAX_ARGS + 1; i++)
        args[i] = argv[i];
    cmd_run(argc, args);
}

void cmd_pkg(int argc, char **argv)
{
    static char text[PKG_REPLY_MAX];
    connect();
    const struct sub *s = NULL;
    for (size_t i = 0; argc > 1 && i < sizeof g_subs / sizeof g_subs[0]; i++)
        if (!strcmp(argv[1], g_subs[i].name))
            s = &g_subs[i];
    if (!s || argc - 2 < s->min || argc - 2 > s->max) {
        usage();
        return;
    }
    int err = request(s, argc - 2, argv + 2, text, sizeof text);
    if (err == SOS_ERR_INVALID_ARGS && !text[0]) {
        usage();
        return;
    }
    if (err) {
        sh_eprintf("pkg %s: %s", argv[1], text[0] ? text : sh_errtext(err));
        if (!text[0] || text[strlen(text) - 1] != '\n')
            sh_eprintf("\n");
        return;
    }
    sh_printf("%s", text);
}
