/* SPDX-License-Identifier: MIT */
/*
 * XenStore from a rig guest's static programs (xd-readback,
 * xd-guest-client): the plain wire protocol on /dev/xen/xenbus, paths
 * relative to this domain's home, no library. One connection per
 * program: open /dev/xen/xenbus into xs_fd, then xs_call().
 */
#ifndef XD_RIG_XENBUS_H
#define XD_RIG_XENBUS_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

/* Xen's copy of the XenStore wire format (libxen-dev). */
#include <xen/io/xs_wire.h>

static int xs_fd = -1;
static uint32_t xs_req_id;
/* Watch events come on the same fd, between replies. */
static bool xs_event;

static inline int
read_all(int fd, void *buf, size_t len)
{
	char *p = buf;

	while (len > 0) {
		ssize_t n = read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static inline int
xs_read_msg(struct xsd_sockmsg *hdr, char *body)
{
	if (read_all(xs_fd, hdr, sizeof *hdr) < 0 ||
	    hdr->len > XENSTORE_PAYLOAD_MAX ||
	    read_all(xs_fd, body, hdr->len) < 0)
		return -1;
	if (hdr->type == XS_WATCH_EVENT)
		xs_event = true;
	return 0;
}

/* One request (VLEN bytes of VALUE after PATH's NUL); the reply's
 * payload, NUL-terminated, in out.
 */
static inline int
xs_call(uint32_t type, const char *path, const char *value, size_t vlen,
	char *out, size_t out_size)
{
	char msg[sizeof(struct xsd_sockmsg) + XENSTORE_PAYLOAD_MAX];
	struct xsd_sockmsg hdr = { .type = type, .req_id = ++xs_req_id };
	size_t plen = strlen(path) + 1;

	if (plen + vlen > XENSTORE_PAYLOAD_MAX)
		return -1;
	hdr.len = (uint32_t)(plen + vlen);
	memcpy(msg, &hdr, sizeof hdr);
	memcpy(msg + sizeof hdr, path, plen);
	if (vlen)
		memcpy(msg + sizeof hdr + plen, value, vlen);
	/* The kernel takes a message only whole, in one write. */
	if (write(xs_fd, msg, sizeof hdr + hdr.len) !=
	    (ssize_t)(sizeof hdr + hdr.len))
		return -1;
	do {
		if (xs_read_msg(&hdr, msg) < 0)
			return -1;
	} while (hdr.type == XS_WATCH_EVENT);
	if (hdr.type == XS_ERROR || (size_t)hdr.len >= out_size)
		return -1;
	memcpy(out, msg, hdr.len);
	out[hdr.len] = '\0';
	return 0;
}

#endif
