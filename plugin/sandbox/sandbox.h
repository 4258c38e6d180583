/* SPDX-License-Identifier: MIT */
/*
 * xen-display-sandbox: the small trusted program between the module and a
 * backend process. It runs as Weston's user, before anything untrusted:
 * it opens what the backend may hold (its guest's event channels, the
 * kmod bound to its guest, the simulator's connection), confines the
 * process by the kernel (no_new_privs, Landlock, seccomp) and execs the
 * backend, whatever binary weston.ini's backend= names, with those
 * handles as --OPTION=FD arguments.
 *
 * One file per step: main.c (arguments, order, exec), xen-handles.c,
 * landlock.c, seccomp-filter.c.
 */

#ifndef XD_SANDBOX_H
#define XD_SANDBOX_H

#include <stdbool.h>
#include <stdint.h>

#define XD_SANDBOX_MAX_FDS 8

/* An fd the backend inherits, and the option that names it to it. */
struct sb_passed_fd {
	int fd;
	const char *option;		/* "evtchn-fd": --evtchn-fd=N */
};

struct sb_plan {
	uint32_t domid;
	const char *xen;		/* "xen" or "sim:PATH" */
	bool be_alloc;
	bool allow_unconfined;		/* sandbox=false in weston.ini */
	const char *backend;		/* the path execv() takes */

	/* What the backend inherits, numbers and options. */
	struct sb_passed_fd fds[XD_SANDBOX_MAX_FDS];
	int n_fds;
	/* Kept open across exec without an option: the Wayland socket. */
	int wayland_fd;

	/* Device paths the backend still opens itself (Landlock rules):
	 * only where no handle of ours confines it. */
	bool allow_gntdev;
	bool allow_gntalloc;
	bool allow_xenbus;

	/* Set by sb_landlock(): whether the backend is confined by it. */
	bool landlocked;
};

/* "xen-display-sandbox: dom7: ..." on stderr, which Weston logs. */
void
sb_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

extern uint32_t sb_log_domid;

/* Adds fd (already without FD_CLOEXEC) as --option=fd. */
int
sb_pass_fd(struct sb_plan *plan, int fd, const char *option);

/* xen-handles.c: opens and restricts the Xen handles for plan->xen and
 * decides which device paths the backend may still open. 0, or -1
 * (logged: the backend must not start). */
int
sb_open_xen_handles(struct sb_plan *plan);

/* landlock.c: 0 (plan->landlocked says whether it is in force; without
 * it only with plan->allow_unconfined), or -1 (logged). */
int
sb_landlock(struct sb_plan *plan);

/* seccomp-filter.c: 0 or -1 (logged). */
int
sb_seccomp(const struct sb_plan *plan);

#endif
