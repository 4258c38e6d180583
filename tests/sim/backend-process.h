/* SPDX-License-Identifier: MIT */
/*
 * The real xen-display-backend, started by a test that plays the guest
 * and the toolstack itself (no Weston module in between): a client of the
 * test's Weston, on the simulator the test serves at sim_socket. And the
 * ones the module launched, found among the test Weston's children.
 */

#ifndef XD_BACKEND_PROCESS_H
#define XD_BACKEND_PROCESS_H

#include <stdbool.h>
#include <stdint.h>

struct xd_weston;

/* Returns its pid. It is killed when the test process dies, whatever
 * way. */
int
xd_backend_spawn(struct xd_weston *weston, const char *sim_socket,
		 uint32_t domid, bool be_alloc);

/* The same with more arguments (NULL-ended list, or NULL): budget
 * options, say. */
int
xd_backend_spawn_args(struct xd_weston *weston, const char *sim_socket,
		      uint32_t domid, bool be_alloc,
		      const char *const *extra);

/* SIGKILL, then reaped. */
void
xd_backend_kill(int pid);

/* Whether pid still runs (not exited, not reaped). */
bool
xd_backend_alive(int pid);

/* The backend process weston's module launched for guest domid (a child
 * of this test's Weston, not of one running beside it), or 0. */
int
xd_backend_find(const struct xd_weston *weston, uint32_t domid);

/* How many of weston's open fds and mappings are guest domid's memory
 * (the simulated hypervisor's memfd for it): a removed guest's must all
 * go. */
int
xd_weston_holds_guest_memory(const struct xd_weston *weston,
			     uint32_t domid);

#endif
