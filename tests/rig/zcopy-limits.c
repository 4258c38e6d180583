/* SPDX-License-Identifier: MIT */
/*
 * zcopy-probe limits: xen-zcopy's page limits hold per domain, whoever
 * asks (doc/kmod.md, "Limits"). With loopback grants (domain 0 stands for
 * the guest) and the module's parameters lowered for the test: what one
 * open file exported counts against another file's export for the same
 * domain, an import for that domain (be-alloc) draws on the same count,
 * pages given back make room again, and max_pages_total caps every
 * domain together. Refusals are ENOSPC. The parameters are put back as
 * they were; the rig scenario then looks for the module's log line.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <xengnttab.h>

#include "zcopy-probe.h"

#define PARAMS "/sys/module/xen_zcopy/parameters/"
#define DOMAIN_LIMIT 4

static unsigned
read_param(const char *name)
{
	char path[128];
	unsigned v = 0;
	FILE *f;

	snprintf(path, sizeof path, PARAMS "%s", name);
	f = fopen(path, "r");
	if (!f || fscanf(f, "%u", &v) != 1)
		v = 0;
	if (f)
		fclose(f);
	return v;
}

static bool
write_param(const char *name, unsigned v)
{
	char path[128];
	FILE *f;
	bool good;

	snprintf(path, sizeof path, PARAMS "%s", name);
	f = fopen(path, "w");
	if (!f)
		return false;
	good = fprintf(f, "%u\n", v) > 0;
	return fclose(f) == 0 && good;
}

static int
import_pages(int dev, int buf, uint32_t count, uint32_t *refs, uint64_t *id)
{
	return import_buf(dev, buf, 0, count, refs, id);
}

static void
domain_checks(int dev1, xengntshr_handle *gs)
{
	uint32_t refs[DOMAIN_LIMIT], irefs[1];
	uint8_t *shared, *mem;
	int dev2, a, b, c, buf, ret;
	uint64_t iid = 0;

	shared = xengntshr_share_pages(gs, 0, DOMAIN_LIMIT, refs, 1);
	dev2 = open_bound(0);
	check(shared && dev2 >= 0, "share %d pages, open a second file "
	      "bound to domain 0", DOMAIN_LIMIT);
	if (!shared || dev2 < 0)
		goto out;

	a = export(dev1, 0, refs, DOMAIN_LIMIT - 1, 0, NULL);
	check(a >= 0, "file 1 exports %d of the domain's %d pages",
	      DOMAIN_LIMIT - 1, DOMAIN_LIMIT);
	b = export(dev2, 0, refs, 2, 0, NULL);
	check(b == -ENOSPC, "file 2 exporting 2 more pages of that domain "
	      "is ENOSPC (%s)", b < 0 ? strerror(-b) : "exported!");
	if (b >= 0)
		close(b);
	c = export(dev2, 0, refs, 1, 0, NULL);
	check(c >= 0, "file 2 exports the last page the domain may have");

	buf = make_udmabuf(PAGE, &mem);
	check(buf >= 0, "a 1-page udmabuf to import");
	if (buf >= 0) {
		ret = import_pages(dev2, buf, 1, irefs, &iid);
		check(ret == -ENOSPC, "an import for that domain, which is "
		      "full, is ENOSPC (%s)", ret ? strerror(-ret) : "granted!");
		if (ret == 0)
			import_release(dev2, iid, 0);
		if (c >= 0)
			close(c);
		c = -1;
		ret = import_pages(dev2, buf, 1, irefs, &iid);
		check(ret == 0, "once an export is gone the import fits (%s)",
		      ret ? strerror(-ret) : "granted");
		b = export(dev1, 0, refs, 1, 0, NULL);
		check(b == -ENOSPC, "and the import counts: one more export "
		      "is ENOSPC (%s)", b < 0 ? strerror(-b) : "exported!");
		if (b >= 0)
			close(b);
		if (ret == 0)
			check(import_release(dev2, iid, 0) == 0,
			      "the import released");
		close(buf);
		munmap(mem, PAGE);
	}
	if (c >= 0)
		close(c);
	if (a >= 0)
		close(a);

	/* Every domain together: max_pages_total. */
	check(write_param("max_pages_per_domain", 1000) &&
	      write_param("max_pages_total", 2), "max_pages_total set to 2");
	a = export(dev2, 0, refs, 3, 0, NULL);
	check(a == -ENOSPC, "3 pages past max_pages_total are ENOSPC (%s)",
	      a < 0 ? strerror(-a) : "exported!");
	if (a >= 0)
		close(a);
out:
	if (dev2 >= 0)
		close(dev2);
	if (shared)
		xengntshr_unshare(gs, shared, DOMAIN_LIMIT);
}

void
limits_checks(int dev)
{
	unsigned domain = read_param("max_pages_per_domain");
	unsigned total = read_param("max_pages_total");
	xengntshr_handle *gs = xengntshr_open(NULL, 0);
	struct xen_zcopy_stats s;

	printf("ZCOPY limits max_pages_per_buffer=%u max_pages_per_domain=%u "
	       "max_pages_total=%u\n", read_param("max_pages_per_buffer"),
	       domain, total);
	check(domain > 0 && total > 0, "the module's parameters are readable");
	if (!gs) {
		check(false, "open gntshr: %s", strerror(errno));
		return;
	}
	if (write_param("max_pages_per_domain", DOMAIN_LIMIT))
		domain_checks(dev, gs);
	else
		check(false, "cannot set max_pages_per_domain: %s",
		      strerror(errno));
	check(write_param("max_pages_per_domain", domain) &&
	      write_param("max_pages_total", total),
	      "parameters put back (%u, %u)", domain, total);
	s = stats(dev);
	check(s.exports_live == 0 && s.pages_mapped == 0 &&
	      s.imports_live == 0 && s.grants_live == 0,
	      "counters back to zero: exports=%llu pages=%llu imports=%llu "
	      "grants=%llu", (unsigned long long)s.exports_live,
	      (unsigned long long)s.pages_mapped,
	      (unsigned long long)s.imports_live,
	      (unsigned long long)s.grants_live);
	xengntshr_close(gs);
}
