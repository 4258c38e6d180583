/* SPDX-License-Identifier: MIT */
/*
 * The broker's policy (store-policy.h). What it allows is exactly what
 * the backend's layers use, found by their xd_xs_*() calls:
 *
 *   read, directory, watch        write, remove
 *   /local/domain/D/name          -
 *   /local/domain/D/device/vdispl/N/...
 *   /local/domain/S/backend/vdispl/D/N/...   below it
 *   device 0 alone, which serves the guest's vkbd devices
 *   (backend-process.c, kbdif/):
 *   /local/domain/D/device/vkbd/...
 *   /local/domain/S/backend/vinput/D/...     below a device: D/M/...
 *
 * where D and N are the guest and device the supervisor launched the
 * backend for and S the module's own domain. Everything else (another
 * guest's nodes, the toolstack's: /local/domain/D/memory, /vm, /tool,
 * /local/domain/S/backend/vbd, ...) is refused.
 */

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "common/store-wire.h"
#include "store-policy.h"

static bool
legal_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '-';
}

/* Absolute, bounded, non-empty components of XenStore's characters:
 * no "." or ".." (not legal characters), no "//", no trailing '/'. */
static bool
well_formed(const char *path, size_t len)
{
	size_t i;

	if (len < 2 || len > XD_STORE_WIRE_MAX_PATH || path[0] != '/' ||
	    path[len - 1] == '/')
		return false;
	for (i = 1; i < len; i++) {
		if (path[i] == '/') {
			if (path[i - 1] == '/')
				return false;
		} else if (!legal_char(path[i])) {
			return false;	/* NUL, '.', '@', ... */
		}
	}
	return true;
}

/* path is prefix, or below it. */
static bool
within(const char *path, size_t len, const char *prefix)
{
	size_t plen = strlen(prefix);

	return len >= plen && memcmp(path, prefix, plen) == 0 &&
	       (len == plen || path[plen] == '/');
}

/* path is strictly below prefix, at least depth components down. */
static bool
below(const char *path, size_t len, const char *prefix, int depth)
{
	size_t plen = strlen(prefix), i;
	int components = 0;

	if (!within(path, len, prefix) || len == plen)
		return false;
	for (i = plen; i < len; i++)
		if (path[i] == '/')
			components++;
	return components >= depth;
}

int
xd_store_policy_check(const struct xd_store_scope *scope,
		      enum xd_store_access access, const char *path,
		      size_t len)
{
	char fe[64], be[80], name[48], kbd_fe[48], kbd_be[80];
	bool vkbd = scope->devid == 0;

	if (!well_formed(path, len))
		return -EINVAL;
	snprintf(fe, sizeof fe, "/local/domain/%u/device/vdispl/%u",
		 scope->domid, scope->devid);
	snprintf(be, sizeof be, "/local/domain/%u/backend/vdispl/%u/%u",
		 scope->self, scope->domid, scope->devid);
	snprintf(name, sizeof name, "/local/domain/%u/name", scope->domid);
	snprintf(kbd_fe, sizeof kbd_fe, "/local/domain/%u/device/vkbd",
		 scope->domid);
	snprintf(kbd_be, sizeof kbd_be, "/local/domain/%u/backend/vinput/%u",
		 scope->self, scope->domid);

	if (access == XD_STORE_ACCESS_WRITE)
		return below(path, len, be, 1) ||
		       (vkbd && below(path, len, kbd_be, 2)) ? 0 : -EACCES;
	if ((len == strlen(name) && memcmp(path, name, len) == 0) ||
	    within(path, len, fe) || within(path, len, be) ||
	    (vkbd && (within(path, len, kbd_fe) ||
		      within(path, len, kbd_be))))
		return 0;
	return -EACCES;
}
