/* SPDX-License-Identifier: MIT */
/*
 * zcopy-probe readback DOMID: displif's be-alloc with a real guest. dom0
 * fills a dma-buf with guest/readback.h's pattern and grants its pages to
 * DOMID through the kmod; the guest's xd-readback maps the refs and
 * compares every byte (the XenStore nodes are readback.h's). Then the
 * module must keep the grants while the guest maps them, end them once it
 * unmapped, count nothing left, and the refs must no longer map.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <xenstore.h>

#include "guest/readback.h"
#include "xen-zcopy.h"
#include "zcopy-probe.h"

#define PAGES 469		/* an 800x600 XRGB8888 frame */
#define ANSWER_MS 60000		/* the guest polls; TCG is slow */
#define RELEASE_MS 5000

struct guest {
	struct xs_handle *xs;
	char dir[96];
	unsigned int seq;
};

static bool
put(struct guest *g, const char *node, const char *value)
{
	char path[128];

	snprintf(path, sizeof path, "%s/%s", g->dir, node);
	return xs_write(g->xs, XBT_NULL, path, value, strlen(value));
}

/* Sends "VERB SEQ", waits for the guest's "SEQ ANSWER"; ANSWER into out. */
static bool
ask(struct guest *g, const char *verb, char *out, size_t size)
{
	char request[32], path[128], prefix[16];
	unsigned int len;
	int ms;

	g->seq++;
	snprintf(request, sizeof request, "%s %u", verb, g->seq);
	snprintf(prefix, sizeof prefix, "%u ", g->seq);
	snprintf(path, sizeof path, "%s/result", g->dir);
	if (!put(g, "request", request)) {
		snprintf(out, size, "XenStore write: %s", strerror(errno));
		return false;
	}
	for (ms = 0; ms < ANSWER_MS; ms += 100) {
		char *v = xs_read(g->xs, XBT_NULL, path, &len);
		bool done = v && strncmp(v, prefix, strlen(prefix)) == 0;

		if (done)
			snprintf(out, size, "%s", v + strlen(prefix));
		free(v);
		if (done)
			return true;
		usleep(100 * 1000);
	}
	snprintf(out, size, "no answer to \"%s\" in %d s", request,
		 ANSWER_MS / 1000);
	return false;
}

/* The nodes the guest reads; the request comes later, so they are
 * complete when it looks.
 */
static bool
publish(struct guest *g, uint32_t domid, const uint32_t *refs,
	uint32_t seed)
{
	struct xs_permissions owner = { .id = domid, .perms = XS_PERM_NONE };
	char list[XD_READBACK_MAX_PAGES * 11], num[16];
	size_t len = 0;
	int i;

	for (i = 0; i < PAGES; i++)
		len += (size_t)snprintf(list + len, sizeof list - len, "%s%u",
					i ? " " : "", refs[i]);
	xs_rm(g->xs, XBT_NULL, g->dir);
	if (!xs_mkdir(g->xs, XBT_NULL, g->dir) ||
	    !xs_set_permissions(g->xs, XBT_NULL, g->dir, &owner, 1))
		return false;
	snprintf(num, sizeof num, "%d", PAGES);
	if (!put(g, "pages", num))
		return false;
	snprintf(num, sizeof num, "%u", seed);
	return put(g, "seed", num) && put(g, "refs", list);
}

static bool
import_gone(int dev)
{
	struct xen_zcopy_stats s = stats(dev);

	return s.imports_live == 0 && s.grants_live == 0;
}

void
readback_checks(int dev, uint32_t domid)
{
	struct xen_zcopy_import imp = { .domid = domid, .count = PAGES };
	struct xen_zcopy_import_release rel = { 0 };
	struct guest g = { 0 };
	bool linked = false;
	char answer[128], want[32];
	uint32_t refs[PAGES], seed;
	struct xen_zcopy_stats s;
	uint8_t *mem;
	int buf, ret, ms;
	size_t i;

	/* A fresh pattern each run: a stale answer cannot pass. */
	seed = (uint32_t)time(NULL) ^ ((uint32_t)getpid() << 16);
	buf = make_udmabuf(PAGES * PAGE, &mem);
	check(buf >= 0, "dom0 dma-buf of %d pages, pattern seed %u%s%s",
	      PAGES, seed, buf < 0 ? ": " : "", buf < 0 ? strerror(-buf) : "");
	if (buf < 0)
		return;
	for (i = 0; i < PAGES * PAGE; i++)
		mem[i] = xd_readback_byte(seed, i);

	imp.fd = buf;
	imp.refs = (uint64_t)(uintptr_t)refs;
	ret = ioctl(dev, XEN_ZCOPY_IOC_IMPORT, &imp);
	check(ret == 0, "import grants the %d pages to domain %u%s%s", PAGES,
	      domid, ret ? ": " : "", ret ? strerror(errno) : "");
	if (ret)
		goto out;
	s = stats(dev);
	check(s.imports_live == 1 && s.grants_live == PAGES,
	      "counters while granted: imports=%llu grants=%llu",
	      (unsigned long long)s.imports_live,
	      (unsigned long long)s.grants_live);

	g.xs = xs_open(0);
	snprintf(g.dir, sizeof g.dir, "/local/domain/%u/%s", domid,
		 XD_READBACK_DIR);
	linked = g.xs && publish(&g, domid, refs, seed);
	check(linked, "refs published in %s", g.dir);
	if (!linked)
		goto out;

	snprintf(want, sizeof want, "ok %d", PAGES * PAGE);
	ask(&g, "map", answer, sizeof answer);
	check(strcmp(answer, want) == 0,
	      "the guest maps the refs and reads every byte dom0 wrote: %s",
	      answer);

	rel.id = imp.id;
	rel.flags = XEN_ZCOPY_RELEASE_NOWAIT;
	ret = ioctl(dev, XEN_ZCOPY_IOC_IMPORT_RELEASE, &rel);
	check(ret < 0 && errno == EBUSY,
	      "release with NOWAIT is EBUSY while the guest maps (%s)",
	      ret < 0 ? strerror(errno) : "released!");
	if (ret == 0)
		imp.id = 0;

	ask(&g, "unmap", answer, sizeof answer);
	check(strcmp(answer, "unmapped") == 0, "the guest unmaps: %s",
	      answer);
out:
	if (imp.id) {
		rel.id = imp.id;
		rel.flags = 0;
		ret = ioctl(dev, XEN_ZCOPY_IOC_IMPORT_RELEASE, &rel);
		check(ret == 0, "release%s%s", ret ? ": " : "",
		      ret ? strerror(errno) : "");
	}
	close(buf);
	munmap(mem, PAGES * PAGE);
	/* Grants still mapped end on the module's retry, each second. */
	for (ms = 0; !import_gone(dev) && ms < RELEASE_MS; ms += 100)
		usleep(100 * 1000);
	s = stats(dev);
	check(s.imports_live == 0 && s.grants_live == 0,
	      "import counters back to zero: imports=%llu grants=%llu "
	      "(after %d ms)", (unsigned long long)s.imports_live,
	      (unsigned long long)s.grants_live, ms);
	if (!linked)
		goto done;
	ask(&g, "map", answer, sizeof answer);
	check(strncmp(answer, "map-failed ", 11) == 0,
	      "the released refs no longer map in the guest: %s", answer);
	put(&g, "request", "end");
done:
	if (g.xs)
		xs_close(g.xs);
}
