/* SPDX-License-Identifier: MIT */
/*
 * Fuzzes the XenStore broker's policy (plugin/module/store-policy.c),
 * what stands between a compromised backend and every other node of
 * dom0's XenStore. Each path the policy allows is checked against an
 * oracle written apart from it: split into components, it must name the
 * channel's own guest (or, under dom0's backend directory, the guest's
 * own device), never another domain; a write must be below the backend
 * directory of that device; whatever may be written may be read.
 *
 * Input: a byte of scope (bit 0: write; bits 1-2: the guest's domid
 * among 1, 2, 11, 12; bit 3: device 0 or 1; bit 4: dom0 or a driver
 * domain 7 as self), then the path's bytes (any, NULs too).
 */

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/store-wire.h"
#include "store-policy.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_COMPONENTS (XD_STORE_WIRE_MAX_PATH / 2 + 1)

struct split {
	char text[XD_STORE_WIRE_MAX_PATH + 1];
	const char *c[MAX_COMPONENTS];
	int n;
};

/* The path's components; false if it is not '/'-separated non-empty
 * words of [A-Za-z0-9_-], or has too many to check. */
static bool
split(const char *path, size_t len, struct split *s)
{
	size_t i;
	char *p;

	if (len < 2 || len > XD_STORE_WIRE_MAX_PATH || path[0] != '/' ||
	    memchr(path, '\0', len))
		return false;
	memcpy(s->text, path, len);
	s->text[len] = '\0';
	s->n = 0;
	for (p = s->text + 1; p; ) {
		char *slash = strchr(p, '/');

		if (slash)
			*slash = '\0';
		if (!*p || s->n == MAX_COMPONENTS)
			return false;
		for (i = 0; p[i]; i++)
			if (!strchr("abcdefghijklmnopqrstuvwxyz"
				    "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				    "0123456789_-", p[i]))
				return false;
		s->c[s->n++] = p;
		p = slash ? slash + 1 : NULL;
	}
	return true;
}

static bool
is(const char *component, uint32_t value)
{
	char text[16];

	snprintf(text, sizeof text, "%u", value);
	return strcmp(component, text) == 0;
}

static void
fail(const char *why, const char *path, size_t len, int access)
{
	fprintf(stderr, "store-policy %s %s: %.*s\n",
		access ? "write" : "read", why, (int)len, path);
	abort();
}

/* What the oracle allows: the guest's own nodes, as in store-policy.h. */
static bool
oracle(const struct xd_store_scope *sc, bool write, const struct split *s)
{
	bool kbd = sc->devid == 0;

	if (s->n < 3 || strcmp(s->c[0], "local") != 0 ||
	    strcmp(s->c[1], "domain") != 0)
		return false;
	if (is(s->c[2], sc->domid) && !write) {
		if (s->n == 4 && strcmp(s->c[3], "name") == 0)
			return true;
		if (s->n >= 5 && strcmp(s->c[3], "device") == 0 &&
		    strcmp(s->c[4], "vdispl") == 0)
			return s->n >= 6 && is(s->c[5], sc->devid);
		if (kbd && s->n >= 5 && strcmp(s->c[3], "device") == 0 &&
		    strcmp(s->c[4], "vkbd") == 0)
			return true;
	}
	if (!is(s->c[2], sc->self) || s->n < 6 ||
	    strcmp(s->c[3], "backend") != 0 || !is(s->c[5], sc->domid))
		return false;
	if (strcmp(s->c[4], "vdispl") == 0)
		return s->n >= 7 && is(s->c[6], sc->devid) &&
		       (!write || s->n >= 8);
	if (kbd && strcmp(s->c[4], "vinput") == 0)
		return !write || s->n >= 8;
	return false;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint32_t guests[] = { 1, 2, 11, 12 };
	struct xd_store_scope sc;
	const char *path;
	struct split s;
	bool write;
	size_t len;
	int ret;

	if (size < 1)
		return 0;
	write = data[0] & 1;
	sc.domid = guests[(data[0] >> 1) & 3];
	sc.devid = (data[0] >> 3) & 1;
	sc.self = data[0] & 0x10 ? 7 : 0;
	path = (const char *)data + 1;
	len = size - 1;

	ret = xd_store_policy_check(&sc, write ? XD_STORE_ACCESS_WRITE :
				    XD_STORE_ACCESS_READ, path, len);
	if (ret != 0 && ret != -EACCES && ret != -EINVAL)
		fail("answered neither 0, EACCES nor EINVAL", path, len, write);
	if (!split(path, len, &s)) {
		if (ret != -EINVAL)
			fail("took a malformed path", path, len, write);
		return 0;
	}
	if (ret == -EINVAL)
		fail("refused a well-formed path as malformed", path, len,
		     write);
	if ((ret == 0) != oracle(&sc, write, &s))
		fail(ret == 0 ? "allowed what the oracle does not" :
		     "refused what the guest's backend needs", path, len,
		     write);
	if (ret == 0 && write &&
	    xd_store_policy_check(&sc, XD_STORE_ACCESS_READ, path, len) != 0)
		fail("allowed a write but not a read", path, len, write);
	return 0;
}
