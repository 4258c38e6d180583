/* SPDX-License-Identifier: MIT */
/*
 * Buffer provider 'map', the last resort on real Xen: the guest's grants
 * mapped for the CPU. No dma-buf: the Wayland half copies each frame once into
 * shared memory. Never unavailable: a failure is about the grants.
 */

#include "buffer-provider.h"

static int
map_import(struct xd_provided_buffer *buf, const uint32_t *refs,
	   const char **why)
{
	int ret = xd_provider_map_cpu(buf, refs);

	if (ret < 0)
		*why = "the grants failed to map (bad grant references?)";
	return ret;
}

const struct xd_buffer_provider xd_provider_map = {
	.name = "map",
	.import = map_import,
	.release = xd_provider_unmap,
};
