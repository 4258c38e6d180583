/* SPDX-License-Identifier: MIT */
/*
 * The simulated hypervisor's domains: each has its memory in one memfd
 * (so a backend can map guest pages, and export a contiguous run as a
 * dma-buf-like fd without copying), its ports and its grant table.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "sim-hv-internal.h"

struct sim_domain *
sim_domain(struct xd_sim_hv *hv, uint32_t domid)
{
	uint32_t i;

	for (i = 0; i < SIM_MAX_DOMAINS; i++)
		if (hv->domains[i].exists && hv->domains[i].domid == domid)
			return &hv->domains[i];
	return NULL;
}

static int
domain_init(struct xd_sim_hv *hv, uint32_t domid, uint32_t mem_pages)
{
	struct sim_domain *d = NULL;
	char name[32];
	uint32_t i;

	if (sim_domain(hv, domid))
		return -EEXIST;
	for (i = 0; i < SIM_MAX_DOMAINS && !d; i++)
		if (!hv->domains[i].exists && hv->domains[i].memfd <= 0)
			d = &hv->domains[i];
	if (!d)
		return -ENOSPC;
	memset(d, 0, sizeof *d);
	snprintf(name, sizeof name, "xd-sim-dom%u", domid);
	d->memfd = memfd_create(name, MFD_CLOEXEC);
	if (d->memfd < 0 ||
	    ftruncate(d->memfd, (off_t)mem_pages * XD_SIM_PAGE_SIZE) < 0)
		return -errno;
	d->mem = mmap(NULL, (size_t)mem_pages * XD_SIM_PAGE_SIZE,
		      PROT_READ | PROT_WRITE, MAP_SHARED, d->memfd, 0);
	d->page_used = calloc(mem_pages, 1);
	d->grants = calloc(SIM_MAX_GRANTS, sizeof *d->grants);
	if (d->mem == MAP_FAILED || !d->page_used || !d->grants)
		return -ENOMEM;
	d->mem_pages = mem_pages;
	d->domid = domid;
	d->next_ref = SIM_FIRST_REF;
	d->exists = true;
	return 0;
}

static void
domain_free(struct sim_domain *d)
{
	if (d->mem && d->mem != MAP_FAILED)
		munmap(d->mem, (size_t)d->mem_pages * XD_SIM_PAGE_SIZE);
	if (d->memfd > 0)
		close(d->memfd);
	free(d->page_used);
	free(d->grants);
	memset(d, 0, sizeof *d);
}

struct xd_sim_hv *
xd_sim_hv_create(struct xd_event_loop *loop, const char *socket_path)
{
	struct xd_sim_hv *hv = calloc(1, sizeof *hv);

	if (!hv)
		return NULL;
	hv->loop = loop;
	hv->listen_fd = -1;
	hv->next_txn = 1;
	hv->next_handle = 1;
	if (domain_init(hv, 0, SIM_DOM0_PAGES) < 0 ||
	    sim_server_listen(hv, socket_path) < 0) {
		xd_sim_hv_destroy(hv);
		return NULL;
	}
	sim_xs_write(hv, 0, "/local/domain/0/name", "Domain-0");
	sim_xs_write(hv, 0, "/local/domain/0/domid", "0");
	return hv;
}

void
xd_sim_hv_destroy(struct xd_sim_hv *hv)
{
	uint32_t i;

	if (!hv)
		return;
	sim_server_close(hv);
	sim_xs_free_all(hv);
	for (i = 0; i < SIM_MAX_DOMAINS; i++)
		domain_free(&hv->domains[i]);
	free(hv);
}

int
xd_sim_hv_domain_create(struct xd_sim_hv *hv, uint32_t domid,
			const char *name, uint32_t mem_pages)
{
	char path[64], value[16];
	int ret;

	if (domid == 0 || domid >= 0x7ff0)
		return -EINVAL;
	ret = domain_init(hv, domid, mem_pages);
	if (ret < 0)
		return ret;
	snprintf(path, sizeof path, "/local/domain/%u/name", domid);
	sim_xs_write(hv, 0, path, name);
	snprintf(path, sizeof path, "/local/domain/%u/domid", domid);
	snprintf(value, sizeof value, "%u", domid);
	sim_xs_write(hv, 0, path, value);
	return 0;
}

void
xd_sim_hv_domain_destroy(struct xd_sim_hv *hv, uint32_t domid)
{
	struct sim_domain *d = sim_domain(hv, domid);
	char path[64];
	uint32_t p;

	if (!d || domid == 0)
		return;
	for (p = 1; p < SIM_MAX_PORTS; p++)
		if (d->ports[p].used)
			sim_evtchn_close(hv, domid, p);
	snprintf(path, sizeof path, "/local/domain/%u", domid);
	sim_xs_remove(hv, 0, path);
	/* Backends' mappings stay valid: they hold the memfd. */
	d->exists = false;
	d->dying = true;
	domain_free(d);
}

int64_t
xd_sim_mem_alloc(struct xd_sim_hv *hv, uint32_t domid, uint32_t count)
{
	struct sim_domain *d = sim_domain(hv, domid);
	uint32_t start, run = 0, i;

	if (!d || count == 0)
		return -EINVAL;
	for (i = 0; i < d->mem_pages; i++) {
		run = d->page_used[i] ? 0 : run + 1;
		if (run == count) {
			start = i + 1 - count;
			memset(d->page_used + start, 1, count);
			memset(d->mem + (size_t)start * XD_SIM_PAGE_SIZE, 0,
			       (size_t)count * XD_SIM_PAGE_SIZE);
			return start;
		}
	}
	return -ENOMEM;
}

void
xd_sim_mem_free(struct xd_sim_hv *hv, uint32_t domid, uint32_t pfn,
		uint32_t count)
{
	struct sim_domain *d = sim_domain(hv, domid);

	if (d && pfn < d->mem_pages && count <= d->mem_pages - pfn)
		memset(d->page_used + pfn, 0, count);
}

void *
xd_sim_mem_ptr(struct xd_sim_hv *hv, uint32_t domid, uint32_t pfn)
{
	struct sim_domain *d = sim_domain(hv, domid);

	if (!d || pfn >= d->mem_pages)
		return NULL;
	return d->mem + (size_t)pfn * XD_SIM_PAGE_SIZE;
}

int
sim_domain_memfd(struct xd_sim_hv *hv, uint32_t domid)
{
	struct sim_domain *d = sim_domain(hv, domid);

	return d ? d->memfd : -1;
}

void
xd_sim_hv_stats(struct xd_sim_hv *hv, uint32_t domid,
		struct xd_sim_stats *out)
{
	struct sim_domain *d = sim_domain(hv, domid);
	uint32_t p;

	memset(out, 0, sizeof *out);
	out->backends = sim_server_count(hv);
	out->map_calls = hv->map_calls;
	out->unmap_calls = hv->unmap_calls;
	out->pages_held = sim_server_pages_held(hv, domid);
	if (!d)
		return;
	out->pages_mapped = d->pages_mapped;
	out->grants = d->live_grants;
	for (p = 1; p < SIM_MAX_PORTS; p++)
		if (d->ports[p].used)
			out->ports++;
}
