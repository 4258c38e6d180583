/* SPDX-License-Identifier: MIT */
/*
 * Fuzzes what a guest sends on its request ring: a sequence of
 * struct xendispl_req, with page directories and EDID buffers in guest
 * pages the input also fills. After every input, everything the backend
 * mapped or created must be released.
 *
 * Input: HEADER_BYTES copied to the start of directory pages 0 and 5,
 * then requests of sizeof(struct xendispl_req) bytes each. A request
 * whose operation byte is 0xff completes the oldest flip instead.
 *
 * Built with libFuzzer (-Dfuzz=true, clang), and always as a replay
 * program that runs the seed corpus in the default test run.
 */

#include <stdlib.h>
#include <string.h>

#include "displif/displif-internal.h"
#include "fake-xen.h"

#define HEADER_BYTES 256

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fake_xen fx;
	struct fake_sink sink = { 0 };
	struct xd_displif *d;
	struct xd_connector *c;
	struct xendispl_req req;
	struct xendispl_resp resp;

	if (size < HEADER_BYTES)
		return 0;
	fake_xen_init(&fx);
	memcpy(fx.pages[0], data, HEADER_BYTES);
	memcpy(fx.pages[5], data, HEADER_BYTES);
	data += HEADER_BYTES;
	size -= HEADER_BYTES;

	d = calloc(1, sizeof *d);
	d->xen = &fx.base;
	d->sink_interface = &fake_sink_interface;
	d->sink = &sink;
	d->domid = 1;
	d->be_alloc = true;
	d->num_connectors = 1;
	c = &d->connectors[0];
	c->displif = d;
	c->sink_data = &sink;
	c->config.width = 1024;
	c->config.height = 768;
	c->evt_page = (struct xendispl_event_page *)fx.pages[FAKE_PAGES - 1];

	while (size >= sizeof req) {
		memcpy(&req, data, sizeof req);
		data += sizeof req;
		size -= sizeof req;
		if (req.operation == 0xff) {
			if (c->pending_flips)
				xd_connector_flip_done(c, sink.last_flip);
			continue;
		}
		xd_displif_handle_request(c, &req, &resp);
		if (resp.id != req.id || resp.operation != req.operation)
			abort();
	}

	xd_displif_release_all(d);
	if (fx.live_buffers || fx.live_mappings || sink.attached)
		abort();
	free(d);
	return 0;
}
