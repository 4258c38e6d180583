/* SPDX-License-Identifier: MIT */

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "log.h"

static xd_log_handler_t log_handler;
static void *log_data;
static char log_prefix[64] = "xen-display-backend";

void
xd_log_set_prefix(const char *prefix)
{
	snprintf(log_prefix, sizeof log_prefix, "xen-display-backend[%s]",
		 prefix);
}

void
xd_log_set_handler(xd_log_handler_t handler, void *data)
{
	log_handler = handler;
	log_data = data;
}

void
xd_log(const char *fmt, ...)
{
	char line[512];
	size_t len;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	len = strlen(line);
	if (len && line[len - 1] == '\n')
		line[len - 1] = '\0';

	if (log_handler)
		log_handler(log_data, line);
	else
		fprintf(stderr, "%s: %s\n", log_prefix, line);
}
