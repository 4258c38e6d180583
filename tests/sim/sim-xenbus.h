/* SPDX-License-Identifier: MIT */
/*
 * What the simulated frontends (sim-front.c, sim-kbdfront.c) share: the
 * clock they bound their waits with, and XenStore nodes written and read
 * as their guest, the way Linux's xenbus helpers do.
 */

#ifndef XD_SIM_XENBUS_H
#define XD_SIM_XENBUS_H

#include <stdint.h>

struct xd_sim_hv;

int64_t
xd_sim_now_ms(void);

/* Writes value, in decimal, to DIR/NODE as domid. */
int
xd_sim_write_u32(struct xd_sim_hv *hv, uint32_t domid, const char *dir,
		 const char *node, uint32_t value);

/* The XenbusState in DIR/state as domid reads it; XenbusStateUnknown
 * when absent. */
int
xd_sim_read_state(struct xd_sim_hv *hv, uint32_t domid, const char *dir);

#endif
