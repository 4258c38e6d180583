/* SPDX-License-Identifier: MIT */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xen/xen-access.h"
#include "xenbus-limits.h"
#include "xs-nodes.h"
#include "xs-values.h"

#define PATH_LEN 320

char *
xd_xs_read_node(struct xd_xen *xen, const char *dir, const char *node)
{
	char path[PATH_LEN];
	unsigned int len;
	char *value;

	if (snprintf(path, sizeof path, "%s/%s", dir, node) >= PATH_LEN) {
		errno = EINVAL;
		return NULL;
	}
	value = xd_xs_read(xen, 0, path, &len);
	if (value && (len > XD_MAX_XS_VALUE || strlen(value) != len)) {
		free(value);
		errno = EINVAL;
		return NULL;
	}
	return value;
}

int
xd_xs_read_u32(struct xd_xen *xen, const char *dir, const char *node,
	       uint32_t max, uint32_t *out)
{
	char *value = xd_xs_read_node(xen, dir, node);
	int ret;

	if (!value)
		return -errno;
	ret = xd_parse_u32(value, max, out);
	free(value);
	return ret;
}

int
xd_xs_write_u32(struct xd_xen *xen, const char *dir, const char *node,
		uint32_t value)
{
	char path[PATH_LEN], text[16];

	if (snprintf(path, sizeof path, "%s/%s", dir, node) >= PATH_LEN)
		return -EINVAL;
	snprintf(text, sizeof text, "%u", value);
	return xd_xs_write(xen, 0, path, text);
}
