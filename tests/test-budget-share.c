/* SPDX-License-Identifier: MIT */
/*
 * How the module shares a guest's budget among its vdispl devices (one
 * backend each) and keeps all guests within the cap on mapped pages
 * (plugin/module/budget-share.c, xen-display.ini(5) BUDGETS).
 */

#include "budget-share.h"
#include "harness/harness.h"

#define MIB ((uint64_t)1 << 20)

static const struct xd_budget_limits guest = { {
	[XD_BUDGET_MAPPED_PAGES] = 16384,
	[XD_BUDGET_MEMORY] = 256 * MIB,
	[XD_BUDGET_BUFFERS] = 64,
	[XD_BUDGET_FRAMEBUFFERS] = 64,
} };

static const struct xd_budget_limits none;

int
main(void)
{
	struct xd_budget_limits share, held;

	/* One device: the whole budget. */
	XD_ASSERT(xd_budget_share(&guest, 1, &none, 0, 131072, &share) ==
		  XD_SHARE_OK, "one device refused");
	XD_ASSERT(share.limit[XD_BUDGET_MAPPED_PAGES] == 16384 &&
		  share.limit[XD_BUDGET_MEMORY] == 256 * MIB &&
		  share.limit[XD_BUDGET_BUFFERS] == 64 &&
		  share.limit[XD_BUDGET_FRAMEBUFFERS] == 64,
		  "one device does not get the whole budget");

	/* Two devices found together: half each, the guest's sum whole. */
	XD_ASSERT(xd_budget_share(&guest, 2, &none, 0, 131072, &share) ==
		  XD_SHARE_OK, "first of two refused");
	held = share;
	XD_ASSERT(share.limit[XD_BUDGET_MAPPED_PAGES] == 8192 &&
		  share.limit[XD_BUDGET_MEMORY] == 128 * MIB &&
		  share.limit[XD_BUDGET_BUFFERS] == 32, "not half");
	XD_ASSERT(xd_budget_share(&guest, 2, &held, 8192, 131072, &share) ==
		  XD_SHARE_OK && share.limit[XD_BUDGET_MAPPED_PAGES] == 8192,
		  "second of two");

	/* A device added while one holds the whole budget waits; next to
	 * one holding half, it gets the half left, not a third. */
	XD_ASSERT(xd_budget_share(&guest, 2, &guest, 16384, 131072,
				  &share) == XD_SHARE_GUEST_FULL,
		  "a late device took budget the guest did not have");
	XD_ASSERT(xd_budget_share(&guest, 3, &held, 8192, 131072, &share) ==
		  XD_SHARE_OK &&
		  share.limit[XD_BUDGET_MAPPED_PAGES] == 5461, "a third");
	held.limit[XD_BUDGET_MAPPED_PAGES] = 12000;
	XD_ASSERT(xd_budget_share(&guest, 2, &held, 12000, 131072, &share) ==
		  XD_SHARE_OK &&
		  share.limit[XD_BUDGET_MAPPED_PAGES] == 4384,
		  "a late device got more than the guest has left");

	/* The cap: 8 guests at 16384 fill 131072; a ninth waits. */
	XD_ASSERT(xd_budget_share(&guest, 1, &none, 7 * 16384, 131072,
				  &share) == XD_SHARE_OK, "the eighth refused");
	XD_ASSERT(xd_budget_share(&guest, 1, &none, 8 * 16384, 131072,
				  &share) == XD_SHARE_TOTAL_FULL,
		  "a ninth guest passed the cap");
	XD_ASSERT(xd_budget_share(&guest, 1, &none, 200000, 131072,
				  &share) == XD_SHARE_TOTAL_FULL,
		  "a cap lowered below what runs");
	return 0;
}
