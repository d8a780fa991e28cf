/*
 * services/include/proto/console.h - the console service: it owns the console device
 * and runs line sessions (echo, line editing, history) for the shell.
 *
 *   CONSOLE_ATTACH  (str prompt) + handle  -> ()      [read+write]
 *       make the given channel the foreground session: the console sends on it
 *       CONSOLE_LINE (str line) for each line typed (without its newline),
 *       CONSOLE_INTERRUPT () when Ctrl-C is pressed, and CONSOLE_EOF () at end of
 *       input (Ctrl-D on an empty line, or the end of a piped standard input).
 *       Each of those is a message without a reply. The prompt is shown before
 *       every line.
 *   CONSOLE_PROMPT  (str prompt)           -> ()      [write]  set the prompt, show it
 *       and read the next line ("" keeps the current prompt)
 *   CONSOLE_WRITE   (str text)             -> ()      [write]  output text
 *   CONSOLE_TERMINAL () + handle           -> ()      [read+write]
 *       make the given channel a terminal of the console (a graphical terminal): the
 *       console sends on it CONSOLE_OUTPUT (str bytes) with everything it shows (echo,
 *       prompts, writes), and takes CONSOLE_INPUT (str bytes) from it as if typed on
 *       the console's keyboard; both without a reply. A terminal shows the session in
 *       the foreground, the same as the text console (up to CONSOLE_TERMINALS at
 *       once); closing the channel ends it.
 *       The shell serves CONSOLE_TERMINAL too (services/shell/terms.c), with the same
 *       messages on the channel: there the terminal gets a shell session of its own
 *       (its own line editing, history and output), apart from the console's.
 *
 * Flow control: after CONSOLE_LINE or CONSOLE_EOF the session is paused, so a command's
 * output is never overtaken by the next prompt. Bytes typed meanwhile are kept (type-
 * ahead) and edited once the client sends CONSOLE_PROMPT. Ctrl-C keeps its place among
 * whole lines: CONSOLE_INTERRUPT is sent once the lines typed before it have been sent,
 * so it interrupts the command of the line just before it (a piped "cmd\n^Cnext\n"
 * interrupts cmd, then runs next); a half-typed line before it is dropped. Ctrl-D (or
 * the end of a piped input) on a non-empty line sends that line, then CONSOLE_EOF.
 * A later CONSOLE_ATTACH takes the foreground; when its channel closes, the session
 * before it gets the foreground back.
 *
 * Line editing: Backspace, Left/Right, Home/End (Ctrl-A/Ctrl-E), Ctrl-U (kill line),
 * Up/Down (history of the session's last 64 lines). Input arrives as bytes from the
 * kernel console (root resource READABLE); CR and LF both end a line.
 *
 * Layer: services protocols.
 */
#ifndef PROTO_CONSOLE_H
#define PROTO_CONSOLE_H

#include <proto/proto.h>

#define CONSOLE_VERSION 1
#define CONSOLE_ATTACH SOS_ORD(PROTO_CONSOLE, CONSOLE_VERSION, 1)
#define CONSOLE_PROMPT SOS_ORD(PROTO_CONSOLE, CONSOLE_VERSION, 2)
#define CONSOLE_WRITE SOS_ORD(PROTO_CONSOLE, CONSOLE_VERSION, 3)
#define CONSOLE_TERMINAL SOS_ORD(PROTO_CONSOLE, CONSOLE_VERSION, 4)
#define CONSOLE_OUTPUT SOS_ORD(PROTO_CONSOLE, CONSOLE_VERSION, 13)
#define CONSOLE_INPUT SOS_ORD(PROTO_CONSOLE, CONSOLE_VERSION, 14)
#define CONSOLE_LINE SOS_ORD(PROTO_CONSOLE, CONSOLE_VERSION, 10)
#define CONSOLE_INTERRUPT SOS_ORD(PROTO_CONSOLE, CONSOLE_VERSION, 11)
#define CONSOLE_EOF SOS_ORD(PROTO_CONSOLE, CONSOLE_VERSION, 12)

#define CONSOLE_LINE_MAX 1024
#define CONSOLE_TERMINALS 4

#endif
