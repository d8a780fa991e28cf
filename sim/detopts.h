/*
 * sim/detopts.h - serviceos-sim's deterministic-run options (detopts.c).
 *
 * Layer: sim.
 */
#ifndef SIM_DETOPTS_H
#define SIM_DETOPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* argv[*i] if it is one of ours (it may take the next argument): 0 taken, 1 not ours,
 * -1 bad (said on stderr). */
int sim_det_option(char **argv, int *i);
/* After parsing: refuse what cannot be deterministic, imply headless, no audio and no
 * network. 0, or -1 (said on stderr). */
int sim_det_check(unsigned cpus, int *headless, int *audio, const char **net, bool net_given);
bool sim_det_on(void);
int sim_det_replaying(void);
/* FNV-1a over what is booted (h 0 starts afresh). */
uint64_t sim_det_digest(uint64_t h, const void *buf, size_t len);
/* After parsing: a deterministic run re-executes itself without address randomisation
 * (returns only when that is done or impossible). */
void sim_det_fixed_layout(char **argv);
/* After the disk is open, before the loop and the vCPUs: 0, or the exit status. */
int sim_det_start(uint64_t boot_digest);

#endif
