/* SPDX-License-Identifier: MIT */
/*
 * Runs xd-sim (sim-daemon.c) as a child of a test and talks to it: one
 * command line out, one answer line back.
 */

#ifndef XD_SIM_PROCESS_H
#define XD_SIM_PROCESS_H

struct xd_sim_process {
	int pid;
	int to_sim;
	int from_sim;
	char socket[256];
	char line[512];		/* the last answer */
};

/* Starts xd-sim with its socket in dir; returns once it is ready. */
struct xd_sim_process *
xd_sim_process_start(const char *dir);

/* Sends a command and returns its answer (in p->line), or NULL on
 * timeout or a dead simulator. */
const char *
xd_sim_command(struct xd_sim_process *p, int timeout_ms, const char *fmt,
	       ...) __attribute__((format(printf, 3, 4)));

/* Asserts that the answer to the command starts with "ok". */
void
xd_sim_ok(struct xd_sim_process *p, int timeout_ms, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

void
xd_sim_process_stop(struct xd_sim_process *p);

#endif
