/* SPDX-License-Identifier: MIT */

#include <errno.h>
#include <string.h>

#include "common/decimal.h"
#include "xs-values.h"

int
xd_parse_resolution(const char *s, uint32_t max_w, uint32_t max_h,
		    uint32_t *w, uint32_t *h)
{
	uint32_t pw, ph;
	int ret;

	ret = xd_parse_u32_prefix(&s, max_w, &pw);
	if (ret < 0)
		return ret;
	if (*s++ != 'x')
		return -EINVAL;
	ret = xd_parse_u32_prefix(&s, max_h, &ph);
	if (ret < 0)
		return ret;
	if (*s || pw == 0 || ph == 0)
		return -EINVAL;
	*w = pw;
	*h = ph;
	return 0;
}

bool
xd_valid_unique_id(const char *s, unsigned int max_len)
{
	size_t len = strlen(s);
	size_t i;

	if (len == 0 || len > max_len)
		return false;
	for (i = 0; i < len; i++)
		if (s[i] <= ' ' || s[i] > '~')
			return false;
	return true;
}

bool
xd_version_list_has(const char *list, uint32_t v)
{
	uint32_t item;

	for (;;) {
		if (xd_parse_u32_prefix(&list, UINT32_MAX, &item) < 0)
			return false;
		if (item == v)
			return true;
		if (*list != ',')
			return false;
		list++;
	}
}
