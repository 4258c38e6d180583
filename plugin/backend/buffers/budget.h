/* SPDX-License-Identifier: MIT */
/*
 * One guest's budget: what a guest may make dom0 hold, counted from the
 * moment it is taken until it is really given back.
 *
 *   mapped-pages  grant maps of the guest's pages, every view (a gntdev
 *                 dma-buf plus its CPU map is 2 per page; rings, event
 *                 pages and page directories too), until unmapped
 *   memory        bytes of dom0 memory made for the guest: be-alloc
 *                 buffers, the Wayland half's copy-path shm buffers
 *   buffers       guest buffers, until the last reference goes (the
 *                 compositor's release included)
 *   framebuffers  the Wayland half's framebuffers, until the compositor
 *                 released them
 *
 * A budget is per guest domain; the module gives each of the guest's
 * backend processes (one per vdispl device) its share on the command
 * line (doc/architecture.md, doc/hostile-guests.md "Budgets"). A charge
 * past a limit is refused: the request that wanted it gets an error
 * status, and one line is logged (at most one per limit every few
 * seconds).
 */

#ifndef XD_BUDGET_H
#define XD_BUDGET_H

#include <stdbool.h>
#include <stdint.h>

enum xd_budget_kind {
	XD_BUDGET_MAPPED_PAGES,
	XD_BUDGET_MEMORY,		/* bytes */
	XD_BUDGET_BUFFERS,
	XD_BUDGET_FRAMEBUFFERS,
	XD_BUDGET_KINDS
};

/* The defaults per guest, from dom0's default maptrack (1024 frames of
 * 256 entries = 262144 grant maps, shared with blkback, netback and
 * qemu): displays together take at most half, 131072 mapped pages, and
 * a guest 16384 (64 MiB: one 3840x2160 XRGB connector double-buffered
 * is 16200 pages), so 8 guests fit at their full budget. See
 * doc/hostile-guests.md, "Budgets". */
#define XD_BUDGET_DEFAULT_MAPPED_PAGES		16384u
#define XD_BUDGET_DEFAULT_MEMORY_MIB		256u
#define XD_BUDGET_DEFAULT_BUFFERS		64u
#define XD_BUDGET_DEFAULT_FRAMEBUFFERS		64u
#define XD_BUDGET_DEFAULT_MAPPED_PAGES_TOTAL	131072u

struct xd_budget_limits {
	uint64_t limit[XD_BUDGET_KINDS];
};

struct xd_budget;

/* The defaults above. */
void
xd_budget_limits_default(struct xd_budget_limits *limits);

/* "mapped-pages", "memory", "buffers", "framebuffers": log lines. */
const char *
xd_budget_kind_name(enum xd_budget_kind kind);

/* Refcount 1; NULL on ENOMEM. label names the guest in log lines
 * (xd_budget_set_label() once its name is known). */
struct xd_budget *
xd_budget_create(uint32_t domid, const struct xd_budget_limits *limits);

void
xd_budget_set_label(struct xd_budget *budget, const char *label);

struct xd_budget *
xd_budget_ref(struct xd_budget *budget);

void
xd_budget_unref(struct xd_budget *budget);

/* Takes amount of kind: 0, or -ENOMEM (nothing taken, logged) when it
 * would pass the limit. A NULL budget takes anything (tests' doubles). */
int
xd_budget_charge(struct xd_budget *budget, enum xd_budget_kind kind,
		 uint64_t amount);

/* Gives back what a charge took. */
void
xd_budget_uncharge(struct xd_budget *budget, enum xd_budget_kind kind,
		   uint64_t amount);

/* What is held now, and the limit. */
uint64_t
xd_budget_used(const struct xd_budget *budget, enum xd_budget_kind kind);

uint64_t
xd_budget_limit(const struct xd_budget *budget, enum xd_budget_kind kind);

#endif
