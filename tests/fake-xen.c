/* SPDX-License-Identifier: MIT */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "displif/displif-internal.h"
#include "fake-xen.h"

static struct fake_xen *
to_fake(struct xd_xen *xen)
{
	return (struct fake_xen *)xen;
}

static void *
fake_gnt_map(struct xd_xen *xen, uint32_t domid, const uint32_t *refs,
	     uint32_t count, bool writable)
{
	struct fake_xen *fx = to_fake(xen);
	uint32_t i;

	/* Only single pages or runs of consecutive refs map here. */
	for (i = 0; i < count; i++) {
		if (refs[i] >= FAKE_PAGES || refs[i] != refs[0] + i) {
			errno = EINVAL;
			return NULL;
		}
	}
	fx->live_mappings++;
	return fx->pages[refs[0]];
}

static void
fake_gnt_unmap(struct xd_xen *xen, void *addr, uint32_t count)
{
	to_fake(xen)->live_mappings--;
}

struct fake_buffer {
	struct xd_guest_buffer base;
	struct fake_xen *fx;
};

static void
fake_buffer_destroy(struct xd_guest_buffer *buffer)
{
	struct fake_buffer *fb = (struct fake_buffer *)buffer;

	fb->fx->live_buffers--;
	free(fb->base.cpu);
	free(fb);
}

static struct xd_guest_buffer *
fake_buffer_new(struct fake_xen *fx, uint32_t count, uint32_t size)
{
	struct fake_buffer *fb = calloc(1, sizeof *fb);

	if (!fb)
		return NULL;
	fb->base.cpu = calloc(count, XD_XEN_PAGE_SIZE);
	if (!fb->base.cpu) {
		free(fb);
		return NULL;
	}
	fb->base.refcount = 1;
	fb->base.size = size;
	fb->base.dmabuf_fd = -1;
	fb->base.provider = "fake";
	fb->base.destroy = fake_buffer_destroy;
	fb->fx = fx;
	fx->live_buffers++;
	return &fb->base;
}

static struct xd_guest_buffer *
fake_buffer_import(struct xd_xen *xen, uint32_t domid, const uint32_t *refs,
		   uint32_t count, uint32_t size)
{
	uint32_t i;

	for (i = 0; i < count; i++) {
		if (refs[i] >= FAKE_PAGES) {
			errno = EINVAL;
			return NULL;
		}
	}
	return fake_buffer_new(to_fake(xen), count, size);
}

static struct xd_guest_buffer *
fake_buffer_alloc_granted(struct xd_xen *xen, uint32_t domid, uint32_t count,
			  uint32_t size, uint32_t *refs)
{
	uint32_t i;

	for (i = 0; i < count; i++)
		refs[i] = 0x1000 + i;
	return fake_buffer_new(to_fake(xen), count, size);
}

static int
fake_evtchn_notify(struct xd_xen *xen, uint32_t port)
{
	to_fake(xen)->notifications++;
	return 0;
}

static const struct xd_xen_impl fake_impl = {
	.evtchn_notify = fake_evtchn_notify,
	.gnt_map = fake_gnt_map,
	.gnt_unmap = fake_gnt_unmap,
	.buffer_import = fake_buffer_import,
	.buffer_alloc_granted = fake_buffer_alloc_granted,
};

void
fake_xen_init(struct fake_xen *fx)
{
	memset(fx, 0, sizeof *fx);
	fx->base.impl = &fake_impl;
}

static void *
sink_connector_add(void *sink, const struct xd_display_source *source,
		   const struct xd_connector_info *info)
{
	return sink;
}

static void
sink_connector_remove(void *data)
{
}

static int
sink_fb_attach(void *sink, const struct xd_fb *fb)
{
	((struct fake_sink *)sink)->attached++;
	return 0;
}

static void
sink_fb_detach(void *sink, uint64_t fb_cookie)
{
	((struct fake_sink *)sink)->attached--;
}

static int
sink_set_config(void *data, const struct xd_fb *fb)
{
	((struct fake_sink *)data)->configs++;
	return 0;
}

static int
sink_page_flip(void *data, const struct xd_fb *fb)
{
	struct fake_sink *s = data;

	s->flips++;
	s->last_flip = fb->cookie;
	return 0;
}

static int
sink_preferred_mode(void *data, uint32_t *width, uint32_t *height,
		    uint32_t *refresh_mhz)
{
	struct fake_sink *s = data;

	if (!s->mode[0])
		return -ENOENT;
	*width = s->mode[0];
	*height = s->mode[1];
	*refresh_mhz = s->mode[2];
	return 0;
}

const struct xd_display_sink_interface fake_sink_interface = {
	.connector_add = sink_connector_add,
	.connector_remove = sink_connector_remove,
	.fb_attach = sink_fb_attach,
	.fb_detach = sink_fb_detach,
	.set_config = sink_set_config,
	.page_flip = sink_page_flip,
	.preferred_mode = sink_preferred_mode,
};

struct xd_displif *
fake_displif_create(struct fake_xen *fx, struct fake_sink *sink,
		    uint32_t domid, bool be_alloc, uint32_t width,
		    uint32_t height, uint32_t evt_page)
{
	struct xd_displif *d = calloc(1, sizeof *d);
	struct xd_connector *c;

	if (!d)
		abort();
	d->xen = &fx->base;
	d->sink_interface = &fake_sink_interface;
	d->sink = sink;
	d->domid = domid;
	d->be_alloc = be_alloc;
	d->num_connectors = 1;
	c = &d->connectors[0];
	c->displif = d;
	c->sink_data = sink;
	c->config.width = width;
	c->config.height = height;
	c->evt_page = (struct xendispl_event_page *)fx->pages[evt_page];
	c->evt_port = 3;
	return d;
}

bool
fake_displif_destroy(struct xd_displif *d, struct fake_xen *fx,
		     struct fake_sink *sink)
{
	xd_displif_release_all(d);
	free(d);
	return fx->live_buffers == 0 && fx->live_mappings == 0 &&
	       sink->attached == 0;
}
