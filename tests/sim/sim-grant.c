/* SPDX-License-Identifier: MIT */
/*
 * Simulated grant tables: a domain grants one of its pages to one other
 * domain; only that domain can map it, and a mapped grant cannot be
 * ended. A map is all or nothing.
 */

#include <errno.h>
#include <stdlib.h>

#include "sim-hv-internal.h"

int
xd_sim_gnt_grant(struct xd_sim_hv *hv, uint32_t domid, uint32_t to_domid,
		 uint32_t pfn, bool readonly, uint32_t *gref)
{
	struct sim_domain *d = sim_domain(hv, domid);
	uint32_t i, ref;

	if (!d || pfn >= d->mem_pages)
		return -EINVAL;
	for (i = 0; i < SIM_MAX_GRANTS; i++) {
		ref = d->next_ref;
		d->next_ref = d->next_ref + 1 < SIM_MAX_GRANTS ?
			      d->next_ref + 1 : SIM_FIRST_REF;
		if (ref >= SIM_FIRST_REF && !d->grants[ref].used) {
			d->grants[ref] = (struct sim_grant){
				.used = true, .readonly = readonly,
				.to_domid = to_domid, .pfn = pfn,
			};
			d->live_grants++;
			*gref = ref;
			return 0;
		}
	}
	return -ENOSPC;
}

int
xd_sim_gnt_end(struct xd_sim_hv *hv, uint32_t domid, uint32_t gref)
{
	struct sim_domain *d = sim_domain(hv, domid);

	if (!d || gref >= SIM_MAX_GRANTS || !d->grants[gref].used)
		return -EINVAL;
	if (d->grants[gref].map_count)
		return -EBUSY;
	d->grants[gref].used = false;
	d->live_grants--;
	return 0;
}

int
sim_grant_map(struct xd_sim_hv *hv, uint32_t domid, uint32_t to_domid,
	      const uint32_t *refs, uint32_t count, bool writable,
	      uint32_t *pfns)
{
	struct sim_domain *d = sim_domain(hv, domid);
	struct sim_grant *g;
	uint32_t i;

	if (!d || d->dying)
		return -ESRCH;
	for (i = 0; i < count; i++) {
		if (refs[i] >= SIM_MAX_GRANTS)
			return -EINVAL;
		g = &d->grants[refs[i]];
		if (!g->used || g->to_domid != to_domid ||
		    (writable && g->readonly))
			return -EINVAL;
		pfns[i] = g->pfn;
	}
	for (i = 0; i < count; i++)
		d->grants[refs[i]].map_count++;
	d->pages_mapped += count;
	hv->map_calls++;
	return 0;
}

void
sim_grant_unmap(struct xd_sim_hv *hv, uint32_t domid, const uint32_t *refs,
		uint32_t count)
{
	struct sim_domain *d = sim_domain(hv, domid);
	uint32_t i;

	hv->unmap_calls++;
	if (!d)
		return;
	for (i = 0; i < count; i++)
		if (refs[i] < SIM_MAX_GRANTS && d->grants[refs[i]].map_count)
			d->grants[refs[i]].map_count--;
	d->pages_mapped -= count < d->pages_mapped ? count : d->pages_mapped;
}

int
xd_sim_gnt_map(struct xd_sim_hv *hv, uint32_t domid, uint32_t from_domid,
	       const uint32_t *refs, uint32_t count, void **ptrs)
{
	uint32_t *pfns, i;
	int ret;

	if (count == 0 || count > 65536)
		return -EINVAL;
	pfns = calloc(count, sizeof *pfns);
	if (!pfns)
		return -ENOMEM;
	ret = sim_grant_map(hv, from_domid, domid, refs, count, true, pfns);
	for (i = 0; ret == 0 && i < count; i++)
		ptrs[i] = xd_sim_mem_ptr(hv, from_domid, pfns[i]);
	free(pfns);
	return ret;
}

void
xd_sim_gnt_unmap(struct xd_sim_hv *hv, uint32_t domid, uint32_t from_domid,
		 const uint32_t *refs, uint32_t count)
{
	sim_grant_unmap(hv, from_domid, refs, count);
}
