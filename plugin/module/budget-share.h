/* SPDX-License-Identifier: MIT */
/*
 * How a guest's budget (buffers/budget.h) is shared among its backend
 * processes, one per vdispl device, and kept within the cap on all
 * guests' mapped pages: arithmetic alone, for supervisor.c and its unit
 * test.
 */

#ifndef XD_BUDGET_SHARE_H
#define XD_BUDGET_SHARE_H

#include <stddef.h>
#include <stdint.h>

#include "buffers/budget.h"

enum xd_share_result {
	XD_SHARE_OK,
	XD_SHARE_GUEST_FULL,	/* its other devices hold the whole budget */
	XD_SHARE_TOTAL_FULL,	/* all guests would pass the cap */
};

/*
 * The share of a new backend of a guest whose budget is guest, with
 * devices vdispl devices in all (this one included), whose other
 * backends hold held: guest / devices, no more than guest - held. And
 * all guests' backends hold pages_held mapped pages of a cap of
 * pages_cap: the share's must fit. *share is filled in either way.
 */
enum xd_share_result
xd_budget_share(const struct xd_budget_limits *guest, size_t devices,
		const struct xd_budget_limits *held, uint64_t pages_held,
		uint64_t pages_cap, struct xd_budget_limits *share);

#endif
