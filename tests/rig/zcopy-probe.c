/* SPDX-License-Identifier: MIT */
/*
 * Rig test tool for kmod/ (xen-zcopy), run in dom0 on real Xen with the
 * module loaded. Grants come from dom0 itself (loopback through
 * libxengnttab's gntshr) or from a guest; the probe checks what a
 * backend relies on and prints one line per check:
 *
 *   zcopy-probe loopback     export, mmap of the pixels, release-wait,
 *                            counters back to zero, a bad ref unwound,
 *                            limits, revocation when the exporter
 *                            closes and the revoked page read-only
 *                            (zcopy-revoke.c), be-alloc import
 *                            granted and read back, the granter ending
 *                            access while mapped, a file bound to one
 *                            domain, ids and imports owned by their
 *                            file (zcopy-owner.c); needs the module's
 *                            allow_loopback
 *   zcopy-probe defaults     the module loaded without parameters:
 *                            loopback off, the device root's alone
 *   zcopy-probe readback DOMID   be-alloc with a real guest: the guest
 *                            reads back what dom0 wrote (zcopy-readback.c)
 *   zcopy-probe limits       the page limits per domain across files,
 *                            exports and imports, and in total
 *                            (zcopy-limits.c)
 *   zcopy-probe stats        the module's counters, as "ZCOPY stats ..."
 *   zcopy-probe sandboxed DOMID --kmod-fd=N ...   run by
 *                            xen-display-sandbox as a backend: no grant
 *                            device, no device file of its own, the
 *                            given file serves DOMID alone
 *                            (zcopy-sandboxed.c)
 *
 * Every file it exports or imports through is bound first (BIND) to the
 * domain it names: 0 for loopback, DOMID for readback.
 *
 * Output: "PROBE ok|FAIL NAME: detail", then "PROBE result ok=N fail=M";
 * exit status 0 only when nothing failed.
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <xengnttab.h>
#include <linux/udmabuf.h>

#include "xen-zcopy.h"
#include "zcopy-probe.h"

#define PAGES 16

static int ok, fail;

void
check(bool good, const char *fmt, ...)
{
	va_list ap;

	printf("PROBE %s ", good ? "ok" : "FAIL");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (good)
		ok++;
	else
		fail++;
}

struct xen_zcopy_stats
stats(int dev)
{
	struct xen_zcopy_stats s = { 0 };

	if (ioctl(dev, XEN_ZCOPY_IOC_STATS, &s) < 0)
		check(false, "stats: %s", strerror(errno));
	return s;
}

void
print_stats(int dev)
{
	struct xen_zcopy_stats s = stats(dev);

	printf("ZCOPY stats exports=%llu pages=%llu imports=%llu grants=%llu "
	       "map_failures=%llu\n", (unsigned long long)s.exports_live,
	       (unsigned long long)s.pages_mapped,
	       (unsigned long long)s.imports_live,
	       (unsigned long long)s.grants_live,
	       (unsigned long long)s.map_failures);
}

int
bind_domain(int dev, uint32_t domid)
{
	struct xen_zcopy_bind b = { .domid = domid };

	return ioctl(dev, XEN_ZCOPY_IOC_BIND, &b) < 0 ? -errno : 0;
}

int
open_bound(uint32_t domid)
{
	int dev = open(XEN_ZCOPY_DEVICE, O_RDWR | O_CLOEXEC);
	int ret;

	if (dev < 0)
		return -errno;
	ret = bind_domain(dev, domid);
	if (ret < 0) {
		close(dev);
		return ret;
	}
	return dev;
}

int
import_buf(int dev, int buf, uint32_t domid, uint32_t count, uint32_t *refs,
	   uint64_t *id)
{
	struct xen_zcopy_import imp = {
		.fd = buf, .domid = domid, .count = count,
		.refs = (uint64_t)(uintptr_t)refs,
	};

	if (ioctl(dev, XEN_ZCOPY_IOC_IMPORT, &imp) < 0)
		return -errno;
	*id = imp.id;
	return 0;
}

int
import_release(int dev, uint64_t id, uint32_t flags)
{
	struct xen_zcopy_import_release rel = { .id = id, .flags = flags };

	return ioctl(dev, XEN_ZCOPY_IOC_IMPORT_RELEASE, &rel) < 0 ? -errno : 0;
}

int
export(int dev, uint32_t domid, const uint32_t *refs, uint32_t count,
       uint32_t flags, uint64_t *id)
{
	struct xen_zcopy_export e = {
		.flags = flags, .domid = domid, .count = count,
		.refs = (uint64_t)(uintptr_t)refs,
	};

	if (ioctl(dev, XEN_ZCOPY_IOC_EXPORT, &e) < 0)
		return -errno;
	if (id)
		*id = e.id;
	return e.fd;
}

int
wait_released(int dev, uint64_t id, uint32_t ms)
{
	struct xen_zcopy_wait_released w = { .id = id, .timeout_ms = ms };

	return ioctl(dev, XEN_ZCOPY_IOC_WAIT_RELEASED, &w) < 0 ? -errno : 0;
}

static void
export_checks(int dev, xengntshr_handle *gs)
{
	uint32_t refs[PAGES], bad[2];
	struct xen_zcopy_stats s;
	uint8_t *shared, *view;
	uint64_t id;
	int fd, i, ret;

	shared = xengntshr_share_pages(gs, 0, PAGES, refs, 1);
	check(shared != NULL, "share %d dom0 pages with dom0", PAGES);
	if (!shared)
		return;
	for (i = 0; i < PAGES * PAGE; i++)
		shared[i] = (uint8_t)(i * 7 + i / PAGE);

	fd = export(dev, 0, refs, PAGES, XEN_ZCOPY_EXPORT_READONLY, &id);
	check(fd >= 0, "export %d refs: %s", PAGES,
	      fd >= 0 ? "dma-buf" : strerror(-fd));
	if (fd < 0)
		return;
	s = stats(dev);
	check(s.exports_live == 1 && s.pages_mapped == PAGES,
	      "counters while exported: exports=%llu pages=%llu",
	      (unsigned long long)s.exports_live,
	      (unsigned long long)s.pages_mapped);

	view = mmap(NULL, PAGES * PAGE, PROT_READ, MAP_SHARED, fd, 0);
	check(view != MAP_FAILED, "mmap of the dma-buf");
	if (view != MAP_FAILED) {
		int first = -1;

		for (i = 0; i < PAGES * PAGE && first < 0; i++)
			if (view[i] != shared[i])
				first = i;
		check(first < 0, "mmap reads the granter's pixels%s",
		      first < 0 ? "" : " (differs)");
		if (first >= 0)
			printf("  first difference at byte %d: %02x, want "
			       "%02x\n", first, view[first], shared[first]);
		shared[5 * PAGE + 3] ^= 0xff;
		check(view[5 * PAGE + 3] == shared[5 * PAGE + 3],
		      "a change by the granter shows at once (zero copy)");
	}
	check(mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) ==
	      MAP_FAILED, "a read-only export refuses a writable mapping");
	check(mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, fd, 0) == MAP_FAILED,
	      "a private mapping is refused");

	ret = wait_released(dev, id, 200);
	check(ret == -ETIMEDOUT, "release-wait times out while in use (%s)",
	      strerror(-ret));
	close(fd);
	ret = wait_released(dev, id, 200);
	check(ret == -ETIMEDOUT, "still in use through its mapping (%s)",
	      strerror(-ret));

	/* The granter ends access while we map: the mapping still reads. */
	xengntshr_unshare(gs, shared, PAGES);
	if (view != MAP_FAILED) {
		volatile uint8_t b = view[PAGES * PAGE - 1];

		(void)b;
		check(true, "the mapping reads after the granter unshared");
		munmap(view, PAGES * PAGE);
	}
	ret = wait_released(dev, id, 2000);
	check(ret == 0 || ret == -ENOENT, "released once unmapped (%s)",
	      ret ? strerror(-ret) : "woken");
	s = stats(dev);
	check(s.exports_live == 0 && s.pages_mapped == 0,
	      "counters back to zero: exports=%llu pages=%llu",
	      (unsigned long long)s.exports_live,
	      (unsigned long long)s.pages_mapped);

	/* A ref nobody granted: the whole export fails and unwinds. */
	shared = xengntshr_share_pages(gs, 0, 1, bad, 1);
	bad[1] = 0xfffff;
	fd = export(dev, 0, bad, 2, 0, NULL);
	check(fd == -EINVAL, "a bad ref fails the export (%s)",
	      fd < 0 ? strerror(-fd) : "exported!");
	s = stats(dev);
	check(s.pages_mapped == 0 && s.map_failures >= 1,
	      "a failed export unmaps the good refs: pages=%llu",
	      (unsigned long long)s.pages_mapped);
	if (fd >= 0)
		close(fd);
	if (shared)
		xengntshr_unshare(gs, shared, 1);

	fd = export(dev, 0, refs, 0, 0, NULL);
	check(fd == -EINVAL, "a zero count is refused");
	fd = export(dev, 0x7ff1, refs, 1, 0, NULL);
	check(fd == -EPERM, "a reserved domid, not the file's, is refused "
	      "(%s)", fd < 0 ? strerror(-fd) : "exported!");
}

int
make_udmabuf(size_t size, uint8_t **mem)
{
	struct udmabuf_create uc = { .size = size };
	int memfd, udev, buf = -1;

	*mem = MAP_FAILED;
	memfd = memfd_create("zcopy-probe", MFD_ALLOW_SEALING);
	udev = open("/dev/udmabuf", O_RDWR);
	if (memfd >= 0 && udev >= 0 && ftruncate(memfd, size) == 0 &&
	    fcntl(memfd, F_ADD_SEALS, F_SEAL_SHRINK) == 0)
		*mem = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED,
			    memfd, 0);
	if (*mem != MAP_FAILED) {
		uc.memfd = memfd;
		buf = ioctl(udev, UDMABUF_CREATE, &uc);
	}
	if (buf < 0) {
		buf = -errno;
		if (*mem != MAP_FAILED)
			munmap(*mem, size);
		*mem = NULL;
	}
	/* The udmabuf keeps the memfd's pages. */
	if (memfd >= 0)
		close(memfd);
	if (udev >= 0)
		close(udev);
	return buf;
}

/* be-alloc: a dom0 dma-buf (udmabuf over a memfd) granted to dom0. */
static void
import_checks(int dev, xengnttab_handle *gt)
{
	struct xen_zcopy_import imp = { .count = PAGES };
	struct xen_zcopy_import_release rel = { 0 };
	uint32_t refs[PAGES];
	struct xen_zcopy_stats s;
	uint8_t *mem, *guest;
	int buf, i;

	buf = make_udmabuf(PAGES * PAGE, &mem);
	check(buf >= 0, "udmabuf of %d pages%s%s", PAGES, buf < 0 ? ": " : "",
	      buf < 0 ? strerror(-buf) : "");
	if (buf < 0)
		return;
	for (i = 0; i < PAGES * PAGE; i++)
		mem[i] = (uint8_t)(i * 13);
	imp.fd = buf;
	imp.domid = 0;
	imp.refs = (uint64_t)(uintptr_t)refs;
	check(ioctl(dev, XEN_ZCOPY_IOC_IMPORT, &imp) == 0,
	      "import grants the dma-buf's pages");
	guest = xengnttab_map_domain_grant_refs(gt, PAGES, 0, refs,
						PROT_READ);
	check(guest != NULL, "the grants map (as a guest would)");
	if (guest)
		check(memcmp(guest, mem, PAGES * PAGE) == 0,
		      "the grantee reads the buffer's pixels");
	rel.id = imp.id;
	rel.flags = XEN_ZCOPY_RELEASE_NOWAIT;
	check(ioctl(dev, XEN_ZCOPY_IOC_IMPORT_RELEASE, &rel) < 0 &&
	      errno == EBUSY, "release with NOWAIT is EBUSY while mapped");
	if (guest)
		xengnttab_unmap(gt, guest, PAGES);
	check(ioctl(dev, XEN_ZCOPY_IOC_IMPORT_RELEASE, &rel) == 0,
	      "release once the grantee unmapped");
	s = stats(dev);
	check(s.imports_live == 0 && s.grants_live == 0,
	      "import counters back to zero: imports=%llu grants=%llu",
	      (unsigned long long)s.imports_live,
	      (unsigned long long)s.grants_live);
	close(buf);
	munmap(mem, PAGES * PAGE);
}

/* Everything a backend relies on, with grants dom0 makes to itself. */
static void
loopback_checks(int dev)
{
	xengntshr_handle *gs = xengntshr_open(NULL, 0);
	xengnttab_handle *gt = xengnttab_open(NULL, 0);

	if (!gs || !gt) {
		check(false, "open gntshr/gnttab: %s", strerror(errno));
	} else {
		export_checks(dev, gs);
		revoke_checks(dev, gs);
		import_checks(dev, gt);
		owner_checks(dev, gs, gt);
	}
}

int
main(int argc, char *argv[])
{
	struct xen_zcopy_version v;
	int dev;

	/* Confined: the device is not ours to open. */
	if (argc > 2 && strcmp(argv[1], "sandboxed") == 0) {
		sandboxed_checks(argc, argv);
		printf("PROBE result ok=%d fail=%d\n", ok, fail);
		return fail ? 1 : 0;
	}
	dev = open(XEN_ZCOPY_DEVICE, O_RDWR | O_CLOEXEC);
	if (dev < 0) {
		printf("PROBE FAIL open %s: %s\n", XEN_ZCOPY_DEVICE,
		       strerror(errno));
		return 1;
	}
	if (argc > 1 && strcmp(argv[1], "stats") == 0) {
		print_stats(dev);
		return 0;
	}
	memset(&v, 0, sizeof v);
	if (ioctl(dev, XEN_ZCOPY_IOC_VERSION, &v) < 0)
		v.api = 0;
	check(v.api == XEN_ZCOPY_API_VERSION, "version %u, features %#x",
	      v.api, v.features);
	if (argc > 1 && strcmp(argv[1], "defaults") == 0) {
		defaults_checks(dev);
	} else {
		uint32_t domid = argc > 2 && strcmp(argv[1], "readback") == 0 ?
				 (uint32_t)strtoul(argv[2], NULL, 10) : 0;
		int ret = bind_domain(dev, domid);

		check(ret == 0, "the probe's file bound to domain %u%s%s",
		      domid, ret ? ": " : "", ret ? strerror(-ret) : "");
		if (argc > 2 && strcmp(argv[1], "readback") == 0)
			readback_checks(dev, domid);
		else if (argc > 1 && strcmp(argv[1], "limits") == 0)
			limits_checks(dev);
		else
			loopback_checks(dev);
	}
	print_stats(dev);
	printf("PROBE result ok=%d fail=%d\n", ok, fail);
	return fail ? 1 : 0;
}
