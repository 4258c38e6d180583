/* SPDX-License-Identifier: MIT */

#include <string.h>

#include "harness.h"

const struct xd_test_case *
xd_test_case_find(const struct xd_test_case *cases, size_t count,
		  const char *name)
{
	size_t i;

	for (i = 0; name && i < count; i++)
		if (strcmp(cases[i].name, name) == 0)
			return &cases[i];
	return NULL;
}
