/*
 * hal-hosted/host/determ.h - what the three files of deterministic runs share:
 * determ.c (the virtual clock, the trace, the idle rule), detinput.c (console input
 * queued for idle points) and recplay.c (the record file written and replayed).
 *
 * Layer: hal-hosted, host world (libc only).
 */
#ifndef HAL_HOSTED_HOST_DETERM_H
#define HAL_HOSTED_HOST_DETERM_H

#include "host.h"
#include "record.h"

/* detinput.c. --deterministic: wait for the next unit of input (up to and including a
 * newline, carriage return or EOT, or HOST_REC_INPUT_MAX bytes); 0 when input is over. */
size_t det_input_unit(char *buf);
/* The watchdog's way: the next unit if it is complete now, else 0; never waits. */
size_t det_input_try(char *buf);
/* --record: what has arrived (console bytes first, up to HOST_REC_INPUT_MAX; else one
 * frame for the network card), waiting for some until the monotonic time until_ns
 * (INT64_MAX: no limit); *type says which. 0 when nothing came. */
size_t det_input_any(unsigned *type, void *buf, int64_t until_ns);
bool det_input_over(void);    /* the end was pushed and every byte taken */
bool det_input_waiting(void); /* the vCPU waits for input now (the watchdog asks) */
int64_t det_mono_ns(void);    /* the host's monotonic clock */

/* recplay.c */
int rec_open(const char *path, const struct host_rec_header *h, char *err, size_t errlen);
void rec_event(const struct host_rec_event *e);
void rec_input(unsigned type, uint64_t event, int64_t vtime, const void *data, size_t len);
void rec_end(const struct host_rec_end *end);
int replay_open(const char *path, struct host_rec_header *h, char *err, size_t errlen);
/* Check the run's event number `index` against the file; a difference ends the run. */
void replay_event(const struct host_rec_event *e, uint64_t index, int64_t vtime);
/* The input recorded at this idle point (the run is at event `index`): its bytes into
 * buf (room for HOST_REC_INPUT_MAX) and *type (HOST_REC_CONSOLE or NET); 0 if none. */
size_t replay_input(uint64_t index, int64_t vtime, unsigned *type, void *buf);
bool replay_has_more(void); /* more events or input recorded after this point */
/* At power-off: 0 when the run ended as recorded, else HOST_DIVERGED_STATUS. */
int replay_end(const struct host_rec_end *end);
__attribute__((noreturn)) void det_diverged(uint64_t index, int64_t vtime, const char *recorded,
                                            const char *replayed);

#endif
