/* SPDX-License-Identifier: MIT */
/*
 * Rig test tool, run in dom0 on real Xen: drives the backend's Xen access
 * layer (plugin/backend/xen, "xen" implementation) against the real
 * XenStore, event channels and grant tables, and prints one line per check:
 *
 *   xen-access-probe basics          XenStore read/write/watch/remove and
 *                                    transactions (a conflict is EAGAIN),
 *                                    an event channel looped back through
 *                                    dom0 both ways, pages granted with
 *                                    be-alloc mapped back and imported as a
 *                                    guest buffer
 *   xen-access-probe frontend DOMID  a guest's vdispl frontend: its device
 *                                    directory, its rings mapped from its
 *                                    grants, its event channel bound
 *
 * Output: "PROBE ok|FAIL NAME: detail" lines, then "PROBE result ok=N
 * fail=M"; exit status 0 only when nothing failed.
 */

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xenevtchn.h>

#include <xen/io/displif.h>

#include "buffers/buffers.h"
#include "event-loop.h"
#include "xen/xen-access.h"

#define WAIT_MS 5000

struct probe {
	struct xd_event_loop *loop;
	struct xd_xen *xen;
	struct xd_buffers *buffers;
	int ok, fail;

	char watch_path[256];	/* last watch event */
	char watch_token[64];
	int watches;
	uint32_t event_port;	/* last event channel event */
	int events;
	bool lost;
};

static void __attribute__((format(printf, 3, 4)))
check(struct probe *p, bool good, const char *fmt, ...)
{
	va_list ap;

	printf("PROBE %s ", good ? "ok" : "FAIL");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (good)
		p->ok++;
	else
		p->fail++;
}

static void
on_watch(void *data, const char *path, const char *token)
{
	struct probe *p = data;

	snprintf(p->watch_path, sizeof p->watch_path, "%s", path);
	snprintf(p->watch_token, sizeof p->watch_token, "%s", token);
	p->watches++;
}

static void
on_event(void *data, uint32_t port)
{
	struct probe *p = data;

	p->event_port = port;
	p->events++;
}

static void
on_lost(void *data)
{
	((struct probe *)data)->lost = true;
}

static const struct xd_xen_listener listener = {
	on_watch, on_event, on_lost,
};

/* Dispatches until *counter passes seen or WAIT_MS pass. */
static bool
wait_for(struct probe *p, const int *counter, int seen)
{
	int waited;

	for (waited = 0; *counter <= seen && waited < WAIT_MS; waited += 50)
		xd_event_loop_dispatch(p->loop, 50);
	return *counter > seen;
}

static bool
wait_watch(struct probe *p, const char *path)
{
	int waited;

	for (waited = 0; waited < WAIT_MS; waited += 50) {
		if (p->watches && strcmp(p->watch_path, path) == 0)
			return true;
		xd_event_loop_dispatch(p->loop, 50);
	}
	return false;
}

static void
probe_xenstore(struct probe *p)
{
	const char *dir = "/local/domain/0/xd-probe";
	const char *node = "/local/domain/0/xd-probe/node";
	unsigned int len, num;
	const char *reason;
	bool good;
	uint32_t t1;
	char **names;
	char *v;
	int ret;

	v = xd_xs_read(p->xen, 0, "/local/domain/0/name", &len);
	check(p, v && strcmp(v, "Domain-0") == 0 && len == strlen(v),
	      "xs-read: /local/domain/0/name = '%s' (len %u)",
	      v ? v : strerror(errno), v ? len : 0);
	free(v);

	xd_xs_remove(p->xen, 0, dir);
	ret = xd_xs_watch(p->xen, dir, "probe");
	good = ret == 0 && wait_watch(p, dir);
	check(p, good && strcmp(p->watch_token, "probe") == 0,
	      "xs-watch: initial event for %s, token '%s' (ret %d)", dir,
	      p->watch_token, ret);

	p->watches = 0;
	p->watch_path[0] = '\0';
	ret = xd_xs_write(p->xen, 0, node, "hello");
	good = ret == 0 && wait_watch(p, node);
	check(p, good,
	      "xs-write+watch: wrote %s, watch fired for '%s'", node,
	      p->watch_path);

	v = xd_xs_read(p->xen, 0, node, &len);
	check(p, v && strcmp(v, "hello") == 0, "xs-read back: '%s'",
	      v ? v : strerror(errno));
	free(v);

	names = xd_xs_directory(p->xen, 0, dir, &num);
	check(p, names && num == 1 && strcmp(names[0], "node") == 0,
	      "xs-directory: %u entr%s, first '%s'", names ? num : 0,
	      num == 1 ? "y" : "ies", names && num ? names[0] : "-");
	free(names);

	ret = xd_xs_transaction_start(p->xen, &t1);
	if (ret == 0) {
		ret = xd_xs_write(p->xen, t1, node, "in-txn");
		if (ret == 0)
			ret = xd_xs_transaction_end(p->xen, t1, false);
	}
	v = xd_xs_read(p->xen, 0, node, NULL);
	check(p, ret == 0 && v && strcmp(v, "in-txn") == 0,
	      "xs-transaction: committed (ret %d), node '%s'", ret,
	      v ? v : "-");
	free(v);

	/* A transaction that read a node someone else changed before it
	 * ended must be refused with -EAGAIN, for the caller to retry. */
	ret = xd_xs_transaction_start(p->xen, &t1);
	if (ret == 0) {
		free(xd_xs_read(p->xen, t1, node, NULL));
		xd_xs_write(p->xen, 0, node, "outside");
		xd_xs_write(p->xen, t1, node, "conflict");
		ret = xd_xs_transaction_end(p->xen, t1, false);
	}
	v = xd_xs_read(p->xen, 0, node, NULL);
	check(p, ret == -EAGAIN && v && strcmp(v, "outside") == 0,
	      "xs-transaction conflict: end returned %d (-EAGAIN is %d), "
	      "node '%s'", ret, -EAGAIN, v ? v : "-");
	free(v);

	/* Removing a directory fires the watch for the directory. */
	p->watches = 0;
	ret = xd_xs_remove(p->xen, 0, dir);
	v = xd_xs_read(p->xen, 0, node, NULL);
	good = ret == 0 && !v && errno == ENOENT;
	reason = v ? v : strerror(errno);
	good = good && wait_watch(p, dir);
	check(p, good, "xs-remove: gone (%s), watch fired for '%s'",
	      reason, p->watch_path);
	free(v);
	check(p, xd_xs_unwatch(p->xen, dir, "probe") == 0, "xs-unwatch");
}

/* A second, independent event channel handle plays the remote end. */
static void
probe_evtchn(struct probe *p)
{
	uint32_t self = xd_xen_self_domid(p->xen), local = 0;
	xenevtchn_port_or_error_t remote, got = -1;
	xenevtchn_handle *peer;
	struct pollfd pfd;
	int ret, seen;
	bool good;

	peer = xenevtchn_open(NULL, 0);
	if (!peer) {
		check(p, false, "evtchn: second handle: %s", strerror(errno));
		return;
	}
	remote = xenevtchn_bind_unbound_port(peer, self);
	ret = remote < 0 ? -errno :
	      xd_evtchn_bind(p->xen, self, (uint32_t)remote, &local);
	check(p, ret == 0, "evtchn-bind: dom%u port %d -> local port %u "
	      "(ret %d)", self, remote, local, ret);
	if (ret < 0)
		goto out;

	ret = xd_evtchn_notify(p->xen, local);
	pfd.fd = xenevtchn_fd(peer);
	pfd.events = POLLIN;
	if (ret == 0 && poll(&pfd, 1, WAIT_MS) == 1) {
		got = xenevtchn_pending(peer);
		xenevtchn_unmask(peer, (evtchn_port_t)got);
	}
	check(p, ret == 0 && got == remote,
	      "evtchn-notify: peer saw port %d (ret %d)", got, ret);

	seen = p->events;
	xenevtchn_notify(peer, (evtchn_port_t)remote);
	good = wait_for(p, &p->events, seen);
	check(p, good && p->event_port == local,
	      "evtchn-event: listener got port %u", p->event_port);
	/* Unmasked by the layer: a second notification comes too. */
	seen = p->events;
	xenevtchn_notify(peer, (evtchn_port_t)remote);
	good = wait_for(p, &p->events, seen);
	check(p, good, "evtchn-event again after unmask (%d events)",
	      p->events);
	xd_evtchn_unbind(p->xen, local);
out:
	if (remote >= 0)
		xenevtchn_unbind(peer, (evtchn_port_t)remote);
	xenevtchn_close(peer);
}

static void
fill(uint8_t *b, size_t n, uint8_t seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		b[i] = (uint8_t)(seed + i * 7 + i / 4096);
}

static void
probe_grants(struct probe *p)
{
	enum { PAGES = 3 };
	const size_t size = PAGES * XD_XEN_PAGE_SIZE;
	uint32_t self = xd_xen_self_domid(p->xen), refs[PAGES] = { 0 };
	struct xd_guest_buffer *shared, *imported;
	struct xd_xen_counters c;
	uint8_t *view;

	shared = xd_buffer_alloc_granted(p->buffers, self, PAGES, size, refs);
	check(p, shared && shared->cpu && shared->dmabuf_fd < 0,
	      "be-alloc: %u pages granted to dom%u, refs %u %u %u, "
	      "provider '%s'", PAGES, self, refs[0], refs[1], refs[2],
	      shared ? shared->provider : strerror(errno));
	if (!shared)
		return;
	fill(shared->cpu, size, 0x5a);

	/* Map our own grants back, as a backend maps a guest's. */
	view = xd_gnt_map(p->xen, self, refs, PAGES, false);
	check(p, view && memcmp(view, shared->cpu, size) == 0,
	      "gnt-map: %u granted pages mapped back, contents %s", PAGES,
	      view ? "match" : strerror(errno));
	xd_gnt_unmap(p->xen, view, PAGES);

	imported = xd_buffer_import(p->buffers, self, refs, PAGES, size - 100);
	check(p, imported && imported->cpu &&
	      memcmp(imported->cpu, shared->cpu, size - 100) == 0,
	      "buffer-import: provider '%s', dma-buf fd %d, CPU view %s",
	      imported ? imported->provider : "-",
	      imported ? imported->dmabuf_fd : -1,
	      imported ? "matches" : strerror(errno));
	if (imported) {
		/* Writes through the be-alloc view show in the import. */
		fill(shared->cpu, size, 0xa5);
		check(p, memcmp(imported->cpu, shared->cpu, size - 100) == 0,
		      "buffer-import: same pages, not a copy");
		xd_guest_buffer_unref(imported);
	}

	/* A bad ref is an error, never a crash. */
	refs[1] = 0xfffffu;
	imported = xd_buffer_import(p->buffers, self, refs, PAGES, size);
	check(p, !imported, "buffer-import of a bad ref refused: %s",
	      imported ? "mapped!" : strerror(errno));
	if (imported)
		xd_guest_buffer_unref(imported);
	xd_guest_buffer_unref(shared);

	xd_xen_get_counters(p->xen, &c);
	check(p, c.maps == 3 && c.unmaps == 3 && c.pages_mapped == 0,
	      "counters: maps %" PRIu64 " unmaps %" PRIu64 " pages mapped %"
	      PRIu64, c.maps, c.unmaps, c.pages_mapped);
}

static char *
read_at(struct probe *p, const char *dir, const char *node)
{
	char path[256];

	snprintf(path, sizeof path, "%s/%s", dir, node);
	return xd_xs_read(p->xen, 0, path, NULL);
}

static uint32_t
read_u32_at(struct probe *p, const char *dir, const char *node, bool *good)
{
	char *v = read_at(p, dir, node), *end = NULL;
	unsigned long n = v ? strtoul(v, &end, 10) : 0;

	if (!v || end == v || *end || n > UINT32_MAX)
		*good = false;
	free(v);
	return (uint32_t)n;
}

static void
list_dir(struct probe *p, const char *dir, int depth)
{
	char path[256];
	unsigned int i, num = 0;
	char **names = xd_xs_directory(p->xen, 0, dir, &num);
	char *v;

	for (i = 0; names && i < num; i++) {
		/* A path XenStore could not hold: skip, not truncate. */
		if (snprintf(path, sizeof path, "%s/%s", dir, names[i]) >=
		    (int)sizeof path)
			continue;
		v = xd_xs_read(p->xen, 0, path, NULL);
		printf("PROBE   %s = '%s'\n", path, v ? v : "");
		free(v);
		if (depth > 0)
			list_dir(p, path, depth - 1);
	}
	free(names);
}

static void
probe_frontend(struct probe *p, uint32_t domid)
{
	char fe[128], conn[160];
	uint32_t req_ref, evt_ref, req_port, local = 0;
	unsigned int num = 0;
	bool good = true;
	struct xd_guest_buffer *buf;
	uint32_t *ring;
	char **names;
	int ret;

	snprintf(fe, sizeof fe, "/local/domain/%u/device/vdispl/0", domid);
	names = xd_xs_directory(p->xen, 0, fe, &num);
	check(p, names && num > 0, "frontend-dir: %s has %u entries", fe,
	      num);
	free(names);
	list_dir(p, fe, 1);

	snprintf(conn, sizeof conn, "%s/0", fe);
	req_ref = read_u32_at(p, conn, XENDISPL_FIELD_REQ_RING_REF, &good);
	evt_ref = read_u32_at(p, conn, XENDISPL_FIELD_EVT_RING_REF, &good);
	req_port = read_u32_at(p, conn, XENDISPL_FIELD_REQ_CHANNEL, &good);
	check(p, good, "frontend connector 0: req-ring-ref %u evt-ring-ref "
	      "%u req-event-channel %u", req_ref, evt_ref, req_port);
	if (!good)
		return;

	ring = xd_gnt_map(p->xen, domid, &req_ref, 1, true);
	check(p, ring != NULL, "gnt-map of dom%u's request ring: %s "
	      "(req_prod %u, req_event %u)", domid,
	      ring ? "mapped" : strerror(errno), ring ? ring[0] : 0,
	      ring ? ring[1] : 0);
	xd_gnt_unmap(p->xen, ring, 1);

	/* The event page as a guest buffer: the provider chain on a real
	 * guest's grant. */
	buf = xd_buffer_import(p->buffers, domid, &evt_ref, 1,
			       XD_XEN_PAGE_SIZE);
	check(p, buf && buf->cpu, "buffer-import of dom%u's event page: "
	      "provider '%s'", domid, buf ? buf->provider : strerror(errno));
	if (buf)
		xd_guest_buffer_unref(buf);

	ret = xd_evtchn_bind(p->xen, domid, req_port, &local);
	check(p, ret == 0, "evtchn-bind to dom%u's request channel %u: "
	      "local port %u (ret %d)", domid, req_port, local, ret);
	if (ret == 0)
		xd_evtchn_unbind(p->xen, local);
}

int
main(int argc, char *argv[])
{
	struct probe p = { 0 };

	if (argc < 2 || (strcmp(argv[1], "frontend") == 0 && argc != 3)) {
		fprintf(stderr, "usage: %s basics | frontend DOMID\n",
			argv[0]);
		return 2;
	}
	p.loop = xd_event_loop_create();
	p.xen = p.loop ? xd_xen_open("xen", -1, p.loop, &listener, &p) : NULL;
	p.buffers = p.xen ? xd_buffers_create(p.xen) : NULL;
	check(&p, p.buffers != NULL, "open: real Xen access layer, self domid "
	      "%u", p.xen ? xd_xen_self_domid(p.xen) : 0);
	if (p.buffers && strcmp(argv[1], "basics") == 0) {
		probe_xenstore(&p);
		probe_evtchn(&p);
		probe_grants(&p);
	} else if (p.buffers && strcmp(argv[1], "frontend") == 0) {
		probe_frontend(&p, (uint32_t)strtoul(argv[2], NULL, 10));
	}
	check(&p, !p.lost, "connection kept");
	xd_buffers_destroy(p.buffers);
	xd_xen_close(p.xen);
	if (p.loop)
		xd_event_loop_destroy(p.loop);
	printf("PROBE result ok=%d fail=%d\n", p.ok, p.fail);
	return p.fail ? 1 : 0;
}
