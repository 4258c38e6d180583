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

	d = fake_displif_create(&fx, &sink, 1, true, 1024, 768, FAKE_PAGES - 1);
	c = &d->connectors[0];

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

	if (!fake_displif_destroy(d, &fx, &sink))
		abort();
	return 0;
}
