/* SPDX-License-Identifier: MIT */
/*
 * The buffer provider layer: the chain is chosen here, tried here for
 * every buffer, and the provider that made the buffers logged here (see
 * buffer-provider.h for the providers).
 *
 * A provider that is unavailable in this process says why once, and the
 * provider chosen is logged whenever it changes, with why the ones before
 * it were skipped: for the buffers the guest grants (import) and, apart,
 * for those this backend allocates for it (be-alloc), so that the log
 * says which provider is used, not what the configuration allows.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buffer-provider.h"
#include "buffers.h"
#include "log.h"
#include "xen/xen-access.h"

#define MAX_PROVIDERS 8

static const struct xd_buffer_provider *const real_chain[] = {
	&xd_provider_kmod,
	&xd_provider_gntdev,
	&xd_provider_map,
	&xd_provider_gntshr,
	NULL,
};

static const struct xd_buffer_provider *const sim_chain[] = {
	&xd_provider_sim,
	NULL,
};

/* With the kmod's double (provider-sim.c, XD_SIM_KMOD_MAX_PAGES). */
static const struct xd_buffer_provider *const sim_kmod_chain[] = {
	&xd_provider_sim_kmod,
	&xd_provider_sim,
	NULL,
};

struct xd_buffers {
	struct xd_xen *xen;
	struct xd_budget *budget;	/* referenced, or NULL */
	const struct xd_buffer_provider *const *chain;
	struct {
		bool unavailable;	/* for the rest of the process */
		const char *why;	/* the last reason it was skipped */
	} state[MAX_PROVIDERS];
	char logged[16];		/* the provider last logged: import */
	char logged_alloc[16];		/* and be-alloc */
};

struct xd_buffers *
xd_buffers_create_with(struct xd_xen *xen,
		       const struct xd_buffer_provider *const *chain)
{
	struct xd_buffers *buffers;
	size_t n;

	for (n = 0; chain[n]; n++)
		;
	if (n > MAX_PROVIDERS) {
		errno = E2BIG;
		return NULL;
	}
	buffers = calloc(1, sizeof *buffers);
	if (!buffers)
		return NULL;
	buffers->xen = xen;
	buffers->chain = chain;
	return buffers;
}

struct xd_buffers *
xd_buffers_create(struct xd_xen *xen)
{
	if (xen->simulated && getenv("XD_SIM_KMOD_MAX_PAGES"))
		return xd_buffers_create_with(xen, sim_kmod_chain);
	return xd_buffers_create_with(xen, xen->simulated ? sim_chain :
					   real_chain);
}

void
xd_buffers_set_budget(struct xd_buffers *buffers, struct xd_budget *budget)
{
	xd_budget_unref(buffers->budget);
	buffers->budget = xd_budget_ref(budget);
}

void
xd_buffers_set_kmod_device(struct xd_buffers *buffers, int fd)
{
	/* The provider keeps one file per process, as the device is. */
	xd_provider_kmod_use_device(fd);
}

int
xd_buffers_kmod_device(struct xd_buffers *buffers, uint32_t domid)
{
	size_t i;

	for (i = 0; buffers->chain[i]; i++)
		if (buffers->chain[i] == &xd_provider_kmod)
			return xd_provider_kmod_device(domid);
	return -1;
}

struct xd_budget *
xd_buffers_budget(struct xd_buffers *buffers)
{
	return buffers->budget;
}

void
xd_buffers_destroy(struct xd_buffers *buffers)
{
	if (!buffers)
		return;
	xd_budget_unref(buffers->budget);
	free(buffers);
}

bool
xd_provider_device_error(int err)
{
	return err == -ENOSYS || err == -ENOTTY || err == -EOPNOTSUPP ||
	       err == -ENODEV || err == -ENOENT || err == -EACCES ||
	       err == -EPERM || err == -EPROTO;
}

int
xd_provider_map_cpu(struct xd_provided_buffer *buf, const uint32_t *refs)
{
	buf->map = buf->xen->gnt->map(buf->xen, buf->domid, refs, buf->count,
				      false, NULL, NULL);
	if (!buf->map)
		return errno > 0 ? -errno : -EIO;
	buf->base.cpu = buf->map;
	return 0;
}

void
xd_provider_unmap(struct xd_provided_buffer *buf)
{
	if (buf->map)
		buf->xen->gnt->unmap(buf->xen, buf->map, buf->count);
	buf->map = NULL;
}

/* Takes amount of kind from the guest's budget for buf, until it is
 * freed. */
static int
buffer_charge(struct xd_provided_buffer *buf, enum xd_budget_kind kind,
	      uint64_t amount)
{
	int ret = xd_budget_charge(buf->base.budget, kind, amount);

	if (ret == 0)
		buf->charged[kind] += amount;
	return ret;
}

/* The buffer's pages are unmapped or freed: only now is its charge given
 * back (the compositor's last reference included). */
static void
buffer_free(struct xd_provided_buffer *buf)
{
	struct xd_xen *xen = buf->xen;
	int i;

	buf->provider->release(buf);
	if (buf->base.dmabuf_fd >= 0)
		close(buf->base.dmabuf_fd);
	for (i = 0; i < XD_BUDGET_KINDS; i++)
		xd_budget_uncharge(buf->base.budget, i, buf->charged[i]);
	xd_budget_unref(buf->base.budget);
	free(buf);
	xd_xen_unref(xen);
}

static void
buffer_destroy(struct xd_guest_buffer *base)
{
	struct xd_provided_buffer *buf = (struct xd_provided_buffer *)base;

	xd_xen_count_buffer(buf->xen, false);
	buffer_free(buf);
}

static struct xd_provided_buffer *
buffer_new(struct xd_buffers *buffers, const struct xd_buffer_provider *p,
	   uint32_t domid, uint32_t count, uint32_t size)
{
	struct xd_provided_buffer *buf = calloc(1, sizeof *buf);

	if (!buf)
		return NULL;
	buf->base.refcount = 1;
	buf->base.size = size;
	buf->base.dmabuf_fd = -1;
	buf->base.provider = p->name;
	buf->base.destroy = buffer_destroy;
	buf->base.budget = xd_budget_ref(buffers->budget);
	buf->provider = p;
	buf->xen = xd_xen_ref(buffers->xen);
	buf->domid = domid;
	buf->count = count;
	return buf;
}

/* The one place that says where a guest's buffers come from: the
 * guest's own (import) or allocated here (be-alloc), each kind logged
 * when its provider changes. The tools read "provider 'NAME', zero copy"
 * or "provider 'NAME', CPU mapping" in both lines. */
static void
log_choice(struct xd_buffers *buffers, const struct xd_provided_buffer *buf,
	   size_t chosen, bool allocated)
{
	char *logged = allocated ? buffers->logged_alloc : buffers->logged;
	char skipped[512] = "";
	size_t i, n = 0;

	if (strcmp(logged, buf->base.provider) == 0)
		return;
	snprintf(logged, sizeof buffers->logged, "%s", buf->base.provider);
	for (i = 0; i < chosen && n < sizeof skipped; i++)
		if (buffers->chain[i]->import)
			n += snprintf(skipped + n, sizeof skipped - n,
				      "; %s: %s", buffers->chain[i]->name,
				      buffers->state[i].why ?
				      buffers->state[i].why : "skipped");
	xd_log(allocated ?
	       "dom%u: backend-allocated buffers come from provider "
	       "'%s'%s%s\n" :
	       "dom%u: guest buffers come from provider '%s'%s%s\n",
	       buf->domid, buf->base.provider,
	       buf->base.dmabuf_fd >= 0 ? ", zero copy" :
	       ", CPU mapping: frames are copied once each", skipped);
}

static bool
size_fits(uint32_t count, uint32_t size)
{
	if (count == 0 || size > (uint64_t)count * XD_XEN_PAGE_SIZE) {
		errno = EINVAL;
		return false;
	}
	return true;
}

struct xd_guest_buffer *
xd_buffer_import(struct xd_buffers *buffers, uint32_t domid,
		 const uint32_t *refs, uint32_t count, uint32_t size)
{
	const struct xd_buffer_provider *p;
	struct xd_provided_buffer *buf;
	const char *why;
	int ret = -ENODEV;
	size_t i;

	if (!size_fits(count, size))
		return NULL;
	for (i = 0; (p = buffers->chain[i]); i++) {
		if (!p->import || buffers->state[i].unavailable)
			continue;
		buf = buffer_new(buffers, p, domid, count, size);
		if (!buf)
			return NULL;
		/* Charged before anything is mapped, so the guest never
		 * holds more than its budget, not even for a moment. A
		 * refusal ends the request: a later provider would only map
		 * the same pages past the same budget. */
		if (buffer_charge(buf, XD_BUDGET_BUFFERS, 1) < 0 ||
		    buffer_charge(buf, XD_BUDGET_MAPPED_PAGES,
				  (uint64_t)count * (p->views ? p->views :
						     1)) < 0) {
			buffer_free(buf);
			errno = ENOMEM;
			return NULL;
		}
		why = "failed";
		ret = p->import(buf, refs, &why);
		if (ret == 0) {
			xd_xen_count_buffer(buffers->xen, true);
			log_choice(buffers, buf, i, false);
			return &buf->base;
		}
		buffer_free(buf);
		buffers->state[i].why = why;
		if (p->unavailable && p->unavailable(ret)) {
			buffers->state[i].unavailable = true;
			xd_log("buffer provider '%s' unavailable: %s\n",
			       p->name, why);
		} else if (ret == -ENOSPC) {
			/* The provider's own limit (the kmod's caps on
			 * grant maps, which protect dom0's maptrack): the
			 * next provider would map around it. */
			xd_log("dom%u: provider '%s' refused a buffer of %u "
			       "page(s): %s; request refused\n", domid,
			       p->name, count, why);
			errno = ENOSPC;
			return NULL;
		}
	}
	xd_log("dom%u: cannot map a buffer of %u page(s): %s\n", domid,
	       count, strerror(-ret));
	errno = -ret;
	return NULL;
}

struct xd_guest_buffer *
xd_buffer_alloc_granted(struct xd_buffers *buffers, uint32_t domid,
			uint32_t count, uint32_t size, uint32_t *refs)
{
	const struct xd_buffer_provider *p;
	struct xd_provided_buffer *buf;
	int ret = -EOPNOTSUPP;
	size_t i;

	if (!size_fits(count, size))
		return NULL;
	for (i = 0; (p = buffers->chain[i]); i++) {
		if (!p->alloc)
			continue;
		buf = buffer_new(buffers, p, domid, count, size);
		if (!buf)
			return NULL;
		if (buffer_charge(buf, XD_BUDGET_BUFFERS, 1) < 0 ||
		    buffer_charge(buf, XD_BUDGET_MEMORY,
				  (uint64_t)count * XD_XEN_PAGE_SIZE) < 0) {
			buffer_free(buf);
			errno = ENOMEM;
			return NULL;
		}
		ret = p->alloc(buf, refs);
		if (ret == 0) {
			xd_xen_count_buffer(buffers->xen, true);
			log_choice(buffers, buf, 0, true);
			return &buf->base;
		}
		buffer_free(buf);
	}
	errno = -ret;
	return NULL;
}
