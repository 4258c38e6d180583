/* SPDX-License-Identifier: MIT */

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <xen/io/xenbus.h>

#include "sim-hv.h"
#include "sim-xenbus.h"

int64_t
xd_sim_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
xd_sim_write_u32(struct xd_sim_hv *hv, uint32_t domid, const char *dir,
		 const char *node, uint32_t value)
{
	char path[192], text[16];

	snprintf(path, sizeof path, "%s/%s", dir, node);
	snprintf(text, sizeof text, "%u", value);
	return xd_sim_xs_write(hv, domid, path, text);
}

int
xd_sim_read_state(struct xd_sim_hv *hv, uint32_t domid, const char *dir)
{
	char path[192], *value;
	int state;

	snprintf(path, sizeof path, "%s/state", dir);
	value = xd_sim_xs_read(hv, domid, path);
	state = value ? atoi(value) : XenbusStateUnknown;
	free(value);
	return state;
}
