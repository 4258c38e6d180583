/* SPDX-License-Identifier: MIT */
/*
 * Guest side of the rig's be-alloc read-back (readback.h, doc/rig.md):
 * answers dom0's requests in XenStore by mapping the refs dom0 granted
 * with /dev/xen/gntdev and comparing every byte with the pattern dom0
 * says it wrote. Console lines:
 *
 *   XDG readback start
 *   XDG readback request=REQUEST result=RESULT
 *   XDG readback end|timeout|error WHAT
 *
 * XenStore through /dev/xen/xenbus with the plain wire protocol (paths
 * relative to this domain's home) and a watch on the request, so that it
 * costs nothing while it waits: no library, links statically.
 *
 *   xd-readback [--wait S]     (gives up after S seconds, default 600)
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

/* Xen's copy of Linux's gntdev ABI (libxen-dev); it needs stdint.h and
 * ioctl.h first.
 */
#include <xen/sys/gntdev.h>

#include "readback.h"
#include "xenbus.h"

#define PAGE 4096
static int
xs_read(const char *node, char *out, size_t out_size)
{
	char path[128];

	snprintf(path, sizeof path, "%s/%s", XD_READBACK_DIR, node);
	return xs_call(XS_READ, path, NULL, 0, out, out_size);
}

static void
xs_write_result(const char *value)
{
	char ack[16];

	if (xs_call(XS_WRITE, XD_READBACK_DIR "/result", value, strlen(value),
		    ack, sizeof ack) < 0)
		printf("XDG readback error writing result\n");
}

struct mapping {
	int gntdev;
	struct ioctl_gntdev_map_grant_ref *refs;
	uint8_t *bytes;
	size_t size;
};

static void
unmap(struct mapping *m)
{
	struct ioctl_gntdev_unmap_grant_ref u = { 0 };

	if (m->bytes)
		munmap(m->bytes, m->size);
	if (m->refs) {
		u.index = m->refs->index;
		u.count = m->refs->count;
		ioctl(m->gntdev, IOCTL_GNTDEV_UNMAP_GRANT_REF, &u);
	}
	free(m->refs);
	m->refs = NULL;
	m->bytes = NULL;
}

/* Maps dom0's refs read-only and compares; answers into result. */
static void
map_and_check(struct mapping *m, unsigned long seq, char *result,
	      size_t result_size)
{
	static char refs[XENSTORE_PAYLOAD_MAX + 1];
	struct ioctl_gntdev_map_grant_ref *req;
	char pages_s[16], seed_s[16], *p, *end;
	unsigned long pages, seed, i;

	unmap(m);
	if (xs_read("pages", pages_s, sizeof pages_s) < 0 ||
	    xs_read("seed", seed_s, sizeof seed_s) < 0 ||
	    xs_read("refs", refs, sizeof refs) < 0) {
		snprintf(result, result_size, "%lu error reading the nodes",
			 seq);
		return;
	}
	pages = strtoul(pages_s, NULL, 10);
	seed = strtoul(seed_s, NULL, 10);
	if (pages == 0 || pages > XD_READBACK_MAX_PAGES) {
		snprintf(result, result_size, "%lu error pages=%s", seq,
			 pages_s);
		return;
	}
	req = calloc(1, sizeof(*req) + (pages - 1) * sizeof(req->refs[0]));
	if (!req) {
		snprintf(result, result_size, "%lu error no memory", seq);
		return;
	}
	req->count = (uint32_t)pages;
	for (p = refs, i = 0; i < pages; i++, p = end) {
		req->refs[i].domid = 0;
		req->refs[i].ref = (uint32_t)strtoul(p, &end, 10);
		if (end == p)
			break;
	}
	if (i < pages) {
		snprintf(result, result_size, "%lu error %lu refs of %lu", seq,
			 i, pages);
		free(req);
		return;
	}
	if (ioctl(m->gntdev, IOCTL_GNTDEV_MAP_GRANT_REF, req) < 0) {
		snprintf(result, result_size, "%lu map-failed %s", seq,
			 strerrorname_np(errno));
		free(req);
		return;
	}
	m->refs = req;
	/* gntdev asks Xen for the pages here: revoked refs fail now. */
	m->size = pages * PAGE;
	m->bytes = mmap(NULL, m->size, PROT_READ, MAP_SHARED, m->gntdev,
			(off_t)m->refs->index);
	if (m->bytes == MAP_FAILED) {
		snprintf(result, result_size, "%lu map-failed %s", seq,
			 strerrorname_np(errno));
		m->bytes = NULL;
		unmap(m);
		return;
	}
	for (i = 0; i < m->size; i++) {
		uint8_t want = xd_readback_byte((uint32_t)seed, i);

		if (m->bytes[i] != want) {
			snprintf(result, result_size, "%lu mismatch at %lu got "
				 "%#04x want %#04x", seq, i, m->bytes[i],
				 want);
			return;
		}
	}
	snprintf(result, result_size, "%lu ok %zu", seq, m->size);
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(int argc, char *argv[])
{
	struct mapping m = { 0 };
	char request[64], last[64] = "", result[128];
	double deadline = 600;
	unsigned long seq;

	if (argc == 3 && strcmp(argv[1], "--wait") == 0)
		deadline = strtod(argv[2], NULL);
	deadline += now_s();
	setvbuf(stdout, NULL, _IOLBF, 0);
	xs_fd = open("/dev/xen/xenbus", O_RDWR | O_CLOEXEC);
	m.gntdev = open("/dev/xen/gntdev", O_RDWR | O_CLOEXEC);
	if (xs_fd < 0 || m.gntdev < 0) {
		printf("XDG readback error open %s: %s\n", xs_fd < 0 ?
		       "/dev/xen/xenbus" : "/dev/xen/gntdev", strerror(errno));
		return 1;
	}
	/* The watch fires once at once, then on each write of request. */
	if (xs_call(XS_WATCH, XD_READBACK_DIR "/request", "rb", 3, result,
		    sizeof result) < 0) {
		printf("XDG readback error watch\n");
		return 1;
	}
	printf("XDG readback start\n");
	while (now_s() < deadline) {
		if (!xs_event) {
			static char body[XENSTORE_PAYLOAD_MAX];
			struct pollfd p = { .fd = xs_fd, .events = POLLIN };
			struct xsd_sockmsg hdr;

			if (poll(&p, 1, 1000) > 0 &&
			    xs_read_msg(&hdr, body) < 0) {
				printf("XDG readback error xenbus read\n");
				return 1;
			}
			continue;
		}
		xs_event = false;
		if (xs_read("request", request, sizeof request) < 0 ||
		    strcmp(request, last) == 0)
			continue;
		snprintf(last, sizeof last, "%s", request);
		if (strcmp(request, "end") == 0) {
			unmap(&m);
			printf("XDG readback end\n");
			return 0;
		}
		if (sscanf(request, "map %lu", &seq) == 1) {
			map_and_check(&m, seq, result, sizeof result);
		} else if (sscanf(request, "unmap %lu", &seq) == 1) {
			unmap(&m);
			snprintf(result, sizeof result, "%lu unmapped", seq);
		} else {
			snprintf(result, sizeof result, "0 error request");
		}
		printf("XDG readback request=\"%s\" result=\"%s\"\n", request,
		       result);
		xs_write_result(result);
	}
	unmap(&m);
	printf("XDG readback timeout\n");
	return 1;
}
