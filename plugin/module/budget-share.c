/* SPDX-License-Identifier: MIT */

#include "budget-share.h"

enum xd_share_result
xd_budget_share(const struct xd_budget_limits *guest, size_t devices,
		const struct xd_budget_limits *held, uint64_t pages_held,
		uint64_t pages_cap, struct xd_budget_limits *share)
{
	enum xd_share_result result = XD_SHARE_OK;
	uint64_t equal, left, pages;
	int i;

	for (i = 0; i < XD_BUDGET_KINDS; i++) {
		equal = guest->limit[i] / (devices ? devices : 1);
		left = guest->limit[i] > held->limit[i] ?
		       guest->limit[i] - held->limit[i] : 0;
		share->limit[i] = equal < left ? equal : left;
		/* A limit of 0 configured is the guest's choice. */
		if (share->limit[i] == 0 && guest->limit[i] != 0)
			result = XD_SHARE_GUEST_FULL;
	}
	if (result != XD_SHARE_OK)
		return result;
	pages = share->limit[XD_BUDGET_MAPPED_PAGES];
	if (pages_held > pages_cap || pages > pages_cap - pages_held)
		return XD_SHARE_TOTAL_FULL;
	return XD_SHARE_OK;
}
