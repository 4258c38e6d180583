/* SPDX-License-Identifier: MIT */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "buffers/buffer-provider.h"
#include "buffers/budget.h"
#include "buffers/buffers.h"
#include "displif/displif-internal.h"
#include "fake-xen.h"

static struct fake_xen *
to_fake(struct xd_xen *xen)
{
	return (struct fake_xen *)xen;
}

static void *
fake_gnt_map(struct xd_xen *xen, uint32_t domid, const uint32_t *refs,
	     uint32_t count, bool writable, int *dmabuf, uint64_t *offset)
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
	if (dmabuf)
		*dmabuf = -1;
	return fx->pages[refs[0]];
}

static void
fake_gnt_unmap(struct xd_xen *xen, void *addr, uint32_t count)
{
	to_fake(xen)->live_mappings--;
}

/* Provider 'fake': buffers of plain memory, whatever the refs name. */
static int
fake_memory(struct xd_provided_buffer *buf)
{
	buf->priv = calloc(buf->count, XD_XEN_PAGE_SIZE);
	if (!buf->priv)
		return -ENOMEM;
	buf->base.cpu = buf->priv;
	to_fake(buf->xen)->live_buffers++;
	return 0;
}

static int
fake_import(struct xd_provided_buffer *buf, const uint32_t *refs,
	    const char **why)
{
	uint32_t i;

	for (i = 0; i < buf->count; i++) {
		if (refs[i] >= FAKE_PAGES) {
			*why = "no such fake page";
			return -EINVAL;
		}
	}
	return fake_memory(buf);
}

static int
fake_alloc(struct xd_provided_buffer *buf, uint32_t *refs)
{
	uint32_t i;

	for (i = 0; i < buf->count; i++)
		refs[i] = 0x1000 + i;
	return fake_memory(buf);
}

static void
fake_release(struct xd_provided_buffer *buf)
{
	if (!buf->priv)
		return;
	free(buf->priv);
	to_fake(buf->xen)->live_buffers--;
}

static const struct xd_buffer_provider fake_provider = {
	.name = "fake",
	.import = fake_import,
	.alloc = fake_alloc,
	.release = fake_release,
};

static const struct xd_buffer_provider *const fake_chain[] = {
	&fake_provider,
	NULL,
};

static int
fake_evtchn_notify(struct xd_xen *xen, uint32_t port)
{
	to_fake(xen)->notifications++;
	return 0;
}

static int
fake_evtchn_bind(struct xd_xen *xen, uint32_t domid, uint32_t remote_port,
		 uint32_t *local_port)
{
	to_fake(xen)->bound_ports++;
	*local_port = remote_port + 100;
	return 0;
}

static void
fake_evtchn_unbind(struct xd_xen *xen, uint32_t local_port)
{
	to_fake(xen)->bound_ports--;
}

static const struct xd_xen_evtchn_ops fake_evtchn_ops = {
	.bind = fake_evtchn_bind,
	.unbind = fake_evtchn_unbind,
	.notify = fake_evtchn_notify,
};

static const struct xd_xen_grant_ops fake_grant_ops = {
	.map = fake_gnt_map,
	.unmap = fake_gnt_unmap,
};

void
fake_xen_init(struct fake_xen *fx)
{
	memset(fx, 0, sizeof *fx);
	fx->base.evtchn = &fake_evtchn_ops;
	fx->base.gnt = &fake_grant_ops;
	/* Never closed: buffers' references never free it. */
	fx->base.refs = 1;
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
	struct xd_budget_limits limits;
	struct xd_budget *budget;
	struct xd_connector *c;

	if (!d)
		abort();
	d->xen = &fx->base;
	d->buffers = xd_buffers_create_with(&fx->base, fake_chain);
	xd_budget_limits_default(&limits);
	budget = xd_budget_create(domid, &limits);
	if (!d->buffers || !budget)
		abort();
	/* A guest's default budget, as a backend process has it. */
	xd_buffers_set_budget(d->buffers, budget);
	xd_budget_unref(budget);
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
	c->offered_w = width;
	c->offered_h = height;
	c->evt_page = (struct xendispl_event_page *)fx->pages[evt_page];
	c->evt_port = 3;
	return d;
}

bool
fake_displif_destroy(struct xd_displif *d, struct fake_xen *fx,
		     struct fake_sink *sink)
{
	struct xd_budget *budget;
	bool given_back = true;
	int i;

	xd_displif_release_all(d);
	/* Everything the guest held is given back to its budget. */
	budget = xd_budget_ref(xd_buffers_budget(d->buffers));
	for (i = 0; i < XD_BUDGET_KINDS; i++)
		if (xd_budget_used(budget, i))
			given_back = false;
	xd_budget_unref(budget);
	xd_buffers_destroy(d->buffers);
	free(d);
	return fx->live_buffers == 0 && fx->live_mappings == 0 &&
	       sink->attached == 0 && given_back;
}

struct xd_buffers *
fake_buffers_create(struct fake_xen *fx)
{
	return xd_buffers_create_with(&fx->base, fake_chain);
}
