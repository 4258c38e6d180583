/* SPDX-License-Identifier: MIT */

#include <errno.h>

#include "decimal.h"

int
xd_parse_u32_prefix(const char **sp, uint32_t max, uint32_t *out)
{
	const char *s = *sp;
	uint64_t v = 0;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	if (s[0] == '0' && s[1] >= '0' && s[1] <= '9')
		return -EINVAL;
	while (*s >= '0' && *s <= '9') {
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > max)
			return -ERANGE;
		s++;
	}
	*out = v;
	*sp = s;
	return 0;
}

int
xd_parse_u32(const char *s, uint32_t max, uint32_t *out)
{
	uint32_t v;
	int ret;

	ret = xd_parse_u32_prefix(&s, max, &v);
	if (ret < 0)
		return ret;
	if (*s)
		return -EINVAL;
	*out = v;
	return 0;
}
