/*
 * services/shell/parse.h - the shell's command line: words, numbers, options.
 *
 * Words are separated by spaces or tabs. '...' keeps everything inside as it is;
 * "..." keeps spaces and takes \" and \\ as escapes; outside quotes a backslash keeps
 * the next byte. An unterminated quote, a trailing backslash or too many words is an
 * error with a message for the operator.
 *
 * Pure logic (no system calls): unit-tested on the host (parse_test.c).
 *
 * Layer: services (shell).
 */
#ifndef SHELL_PARSE_H
#define SHELL_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SH_MAX_ARGS 32
#define SH_LOGS_DEFAULT 20u
#define SH_LOGS_MAX 1000u

/* Split line (in place) into argv[0..max); returns argc, or -1 with *err set. */
int sh_tokenize(char *line, char **argv, int max, const char **err);

/* A decimal number with no sign and no junk, at most max. */
/*
 * Output redirection: an unquoted, unescaped '>' ends the command, and what follows must
 * be exactly one word, the path ("echo hi > /home/x"). Cuts line at the '>' and returns
 * 1 with *path set (inside line), 0 when there is none, -1 with *err when it is malformed
 * ('>' with no path or more than one, '>>').
 */
int sh_split_redirect(char *line, char **path, const char **err);

/*
 * A store path with '.' and '..' taken by name, the same way everywhere (/boot/.. and
 * /home/.. are both the top), and repeated slashes folded: "/home/d/../x/" is
 * "/home/x". A '..' above the top is kept ("/home/../../x" is "/../x") for the storage
 * service to refuse. Paths are from the top, so the result starts with '/'. false when
 * it does not fit out[size].
 */
bool sh_path_clean(const char *in, char *out, size_t size);

bool sh_parse_u64(const char *s, uint64_t max, uint64_t *out);

/* Join argv[0..argc) with single spaces into buf[size]; false when it does not fit. */
bool sh_join(int argc, char *const *argv, char *buf, size_t size);

struct logs_args {
    uint32_t count;        /* records to show */
    bool follow;           /* then follow until Ctrl-C */
    bool severity_given;
    uint32_t min_severity; /* enum log_severity */
    const char *source;    /* "" for all */
};

/*
 * `logs [N] [--follow|-f|follow] [--service S] [--severity L]` (also --service=S and
 * --severity=L). argv[0] is "logs". 0, or -1 with a message in err[size].
 */
int sh_parse_logs(int argc, char **argv, struct logs_args *a, char *err, size_t size);

#endif
