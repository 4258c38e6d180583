/* SPDX-License-Identifier: MIT */
/*
 * Guest display buffers (DBUF_CREATE) on real Xen. Providers are tried in
 * order for every buffer, the first that works wins:
 *
 *   kmod    the project's module (kmod/): a CPU-readable dma-buf
 *   gntdev  the kernel's gntdev dma-buf export: zero copy where it works
 *           (not on an x86 PV dom0, nor without CONFIG_XEN_GNTDEV_DMABUF)
 *   map     the grants mapped for the CPU: the Wayland half copies each
 *           frame once into shared memory
 *
 * A provider that is unavailable in this process says why once, and the
 * provider chosen is logged whenever it changes.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "log.h"
#include "xen-real.h"

struct provider {
	const char *name;
	bool dmabuf;		/* gives a dma-buf (else a CPU view only) */
	int (*import)(struct xd_real_buffer *buf, uint32_t domid,
		      const uint32_t *refs, const char **why);
	bool unavailable;	/* for the rest of the process */
	const char *why;	/* the last reason it was skipped */
};

static const char *provider_logged;

static void
buffer_destroy(struct xd_guest_buffer *base)
{
	struct xd_real_buffer *buf = (struct xd_real_buffer *)base;

	buf->real->base.counters.unmaps++;
	xd_real_buffer_free(buf);
}

struct xd_real_buffer *
xd_real_buffer_new(struct xd_xen_real *real, uint32_t count, uint32_t size,
		   const char *provider)
{
	struct xd_real_buffer *buf = calloc(1, sizeof *buf);

	if (!buf)
		return NULL;
	buf->base.refcount = 1;
	buf->base.size = size;
	buf->base.dmabuf_fd = -1;
	buf->base.provider = provider;
	buf->base.destroy = buffer_destroy;
	buf->real = real;
	buf->count = count;
	xd_real_ref(real);
	return buf;
}

/* Undoes whatever a provider mapped, in any state of its setup. */
void
xd_real_buffer_free(struct xd_real_buffer *buf)
{
	struct xd_xen_real *real = buf->real;

	if (buf->kmod)
		xd_real_kmod_release(buf);
	if (buf->base.dmabuf_fd >= 0)
		close(buf->base.dmabuf_fd);
	if (buf->map && xengnttab_unmap(real->xgt, buf->map, buf->count) < 0)
		xd_log("cannot unmap a guest buffer of %u page(s): %s\n",
		       buf->count, strerror(errno));
	if (buf->shared &&
	    xengntshr_unshare(real->xgs, buf->shared, buf->count) < 0)
		xd_log("cannot end the grants of a buffer of %u page(s): "
		       "%s\n", buf->count, strerror(errno));
	free(buf);
	xd_real_unref(real);
}

static int
map_for_cpu(struct xd_real_buffer *buf, uint32_t domid, const uint32_t *refs)
{
	/* Read-only: the backend never writes a guest's pixels. */
	buf->map = xengnttab_map_domain_grant_refs(buf->real->xgt, buf->count,
						   domid, (uint32_t *)refs,
						   PROT_READ);
	if (!buf->map)
		return xd_real_err();
	buf->base.cpu = buf->map;
	return 0;
}

static int
import_kmod(struct xd_real_buffer *buf, uint32_t domid, const uint32_t *refs,
	    const char **why)
{
	return xd_real_kmod_import(buf, domid, refs, why);
}

static bool gntdev_worked;

static int
import_gntdev(struct xd_real_buffer *buf, uint32_t domid,
	      const uint32_t *refs, const char **why)
{
	static char reason[160];
	uint32_t fd;
	int ret;

	if (xengnttab_dmabuf_exp_from_refs(buf->real->xgt, domid, 0,
					   buf->count, refs, &fd) < 0) {
		ret = xd_real_err();
		snprintf(reason, sizeof reason, "%s%s", strerror(-ret),
			 ret == -ENOTTY ? " (this kernel is built without "
			 "CONFIG_XEN_GNTDEV_DMABUF)" :
			 ret == -EINVAL && !gntdev_worked ? " (gntdev "
			 "cannot export dma-bufs in an x86 PV dom0: it maps "
			 "grants through page tables)" : "");
		*why = reason;
		return ret;
	}
	gntdev_worked = true;
	buf->base.dmabuf_fd = (int)fd;
	/* A gntdev dma-buf cannot be mmap()ed: the copy path, taken when
	 * the compositor refuses the import, needs its own CPU view. */
	ret = map_for_cpu(buf, domid, refs);
	if (ret < 0) {
		*why = "the CPU view of its dma-buf failed to map";
		return ret;
	}
	return 0;
}

static int
import_map(struct xd_real_buffer *buf, uint32_t domid, const uint32_t *refs,
	   const char **why)
{
	int ret = map_for_cpu(buf, domid, refs);

	if (ret < 0)
		*why = "the grants failed to map (bad grant references?)";
	return ret;
}

static struct provider providers[] = {
	{ "kmod", true, import_kmod, false, NULL },
	{ "gntdev", true, import_gntdev, false, NULL },
	{ "map", false, import_map, false, NULL },
};

/* A failure that is not about this buffer's refs: do not try again. */
static bool
provider_unavailable(const struct provider *p, int err)
{
	/* No device, no permission, another interface version: true for
	 * every buffer of this process. */
	if (err == -ENOSYS || err == -ENOTTY || err == -EOPNOTSUPP ||
	    err == -ENODEV || err == -ENOENT || err == -EACCES ||
	    err == -EPERM || err == -EPROTO)
		return p->import != import_map;
	/* gntdev's EINVAL before any success is its PV refusal. */
	return p->import == import_gntdev && err == -EINVAL && !gntdev_worked;
}

static void
log_choice(const struct provider *chosen)
{
	char skipped[512] = "";
	size_t n = 0;
	const struct provider *p;

	if (provider_logged == chosen->name)
		return;
	provider_logged = chosen->name;
	for (p = providers; p < chosen && n < sizeof skipped; p++)
		n += snprintf(skipped + n, sizeof skipped - n, "; %s: %s",
			      p->name, p->why ? p->why : "skipped");
	xd_log("guest buffers: provider '%s'%s%s\n", chosen->name,
	       chosen->dmabuf ? " (dma-buf)" :
	       " (CPU mapping, frames copied once)", skipped);
}

struct xd_guest_buffer *
xd_real_buffer_import(struct xd_xen *xen, uint32_t domid,
		      const uint32_t *refs, uint32_t count, uint32_t size)
{
	struct xd_xen_real *real = to_real(xen);
	struct xd_real_buffer *buf;
	struct provider *p;
	const char *why;
	int ret = -ENODEV;
	size_t i;

	for (i = 0; i < sizeof providers / sizeof providers[0]; i++) {
		p = &providers[i];
		if (p->unavailable)
			continue;
		buf = xd_real_buffer_new(real, count, size, p->name);
		if (!buf)
			return NULL;
		why = "failed";
		ret = p->import(buf, domid, refs, &why);
		if (ret == 0) {
			log_choice(p);
			return &buf->base;
		}
		xd_real_buffer_free(buf);
		p->why = why;
		if (provider_unavailable(p, ret)) {
			p->unavailable = true;
			xd_log("buffer provider '%s' unavailable: %s\n",
			       p->name, why);
		}
	}
	xd_log("dom%u: cannot map a buffer of %u page(s): %s\n", domid,
	       count, strerror(-ret));
	errno = -ret;
	return NULL;
}
