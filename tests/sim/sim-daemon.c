/* SPDX-License-Identifier: MIT */
/*
 * xd-sim: the simulated hypervisor as a process of its own, with scripted
 * guests, for tests that run Weston with our module in sim mode and for
 * tools/demo.sh. Weston's module talks to the simulator synchronously, so
 * the simulator must never wait for Weston: here it only waits for its
 * own guests and the backend processes.
 *
 *   xd-sim --socket PATH
 *
 * Commands on stdin, one per line; each answers one line on stdout,
 * "ok ..." or "error ...":
 *   guest DOMID NAME WxH[,WxH...] [be-alloc|no-connect]  create a guest
 *                                  with a vdispl device and connect its
 *                                  frontend (no-connect: leave it
 *                                  unconnected, for a backend that never
 *                                  serves it: test-module-trust.c's)
 *   show DOMID CONN FRAME [FOURCC]  draw sim-pattern.h's FRAME (in FOURCC,
 *                                  e.g. RG16; default XR24), flip it, wait
 *                                  for the backend's flip event
 *   image DOMID CONN PATH          like show, the picture read from PATH:
 *                                  raw XRGB8888 rows of the connector's
 *                                  width, top first (a guest's arbitrary
 *                                  pixels: test-guest-labels.c's fakes)
 *   edid DOMID CONN                GET_EDID; answers the EDID in hex
 *   reboot DOMID                   the frontend disconnects and connects
 *                                  again, as across a guest reboot
 *   stats DOMID                    mappings and grants of the guest, map
 *                                  and unmap calls of all backends, and
 *                                  the guest's pages backends still hold
 *                                  (also once it is destroyed)
 *   setup DOMID CONN               (re)create CONN's two XR24 buffers and
 *                                  fbs, draw frames 0 and 1, SET_CONFIG;
 *                                  answers the time DBUF_CREATE and
 *                                  FB_ATTACH took, per buffer
 *   flip-loop HZ COUNT OUT DOMID[,DOMID...]  connector 0 of each guest
 *                                  (set up) flips COUNT times at HZ (0: back
 *                                  to back); see sim-flip-loop.h. The
 *                                  moments flips were seen go to file OUT
 *   vkbd DOMID DEVID UNIQUE-ID|- [abs|rel|raw]  add a vkbd device (bound
 *                                  to the connector with UNIQUE-ID, "-":
 *                                  none) and connect its frontend, which
 *                                  asks for absolute (default), relative or
 *                                  raw coordinates, or publishes a bad
 *                                  event page ref (bad-gref); answers what
 *                                  it found
 *   input DOMID DEVID N MS         waits up to MS ms for N events on the
 *                                  vkbd; answers all it took, oldest first,
 *                                  as "ok COUNT|EVENT;EVENT;..."
 *   vkbd-scribble DOMID DEVID CONS  the guest writes CONS into its event
 *                                  page's in_cons and stops reading: a
 *                                  corrupt ring; answers the backend state
 *   vkbd-state DOMID DEVID         the vkbd backend's XenbusState
 *   remove DOMID                   the guest is destroyed (xl destroy)
 *   attack DOMID KIND [PER_MS]     the guest misbehaves in the
 *                                  background, one step per turn of the
 *                                  simulator's loop (or PER_MS steps each
 *                                  millisecond), while other commands
 *                                  (flip-loop) run: KIND is one of
 *                                  attacks[] below
 *   attack-stop DOMID              ends it; answers how many steps it made,
 *                                  how often its frontend connected and
 *                                  how many of its requests got an error
 *                                  status (refused=)
 *   quit
 * "ready" is printed once the socket listens.
 */

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <drm_fourcc.h>
#include <xen/io/xenbus.h>

#include "event-loop.h"
#include "sim-front.h"
#include "sim-hv.h"
#include "sim-kbdfront.h"
#include "sim-draw.h"
#include "sim-flip-loop.h"
#include "sim-pattern.h"
#include "sim-xenbus.h"

#define MAX_GUESTS 16
#define CONNECT_TIMEOUT_MS 30000
#define FLIP_TIMEOUT_MS 10000
/* 256 MiB per guest (memfd pages, taken only when touched): room for
 * the memory attacks' buffers, so that the backend's budget, not the
 * guest's memory, is what stops them. */
#define GUEST_PAGES (256u << 8)
#define MAX_VKBD 4
#define MAX_REPLY_EVENTS 128

struct sim_connector {
	struct xd_sim_buffer *buffers[2];
	uint32_t format;
	uint32_t shown;			/* frames flipped so far */
	bool configured;		/* SET_CONFIG done for these buffers */
};

struct sim_guest {
	uint32_t domid;
	uint32_t generation;		/* of the frontend's connection */
	struct xd_sim_front *front;
	struct xd_sim_front_config config;
	struct sim_connector conns[XD_SIM_MAX_CONNECTORS];
	struct xd_sim_kbdfront *kbds[MAX_VKBD];
	const struct attack *attack;	/* running, or NULL */
	uint32_t attack_per_ms;		/* 0: a step per turn */
	uint64_t attack_steps;
	uint32_t attack_turn;
	uint32_t attack_generation;	/* the frontend's, at the start */
	uint32_t attack_refused;	/* its requests answered an error */
};

static struct xd_sim_hv *hv;
static struct xd_event_loop *loop;
static struct sim_guest guests[MAX_GUESTS];

static void attack_update(void);

static struct sim_guest *
find_guest(uint32_t domid)
{
	int i;

	for (i = 0; i < MAX_GUESTS; i++)
		if (guests[i].front && guests[i].domid == domid)
			return &guests[i];
	return NULL;
}

static void
reply(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
reply(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static int
parse_connectors(char *list, struct xd_sim_front_config *config)
{
	char *save = NULL, *item;
	uint32_t n = 0;

	for (item = strtok_r(list, ",", &save); item;
	     item = strtok_r(NULL, ",", &save)) {
		if (n == XD_SIM_MAX_CONNECTORS ||
		    sscanf(item, "%ux%u", &config->connectors[n].width,
			   &config->connectors[n].height) != 2)
			return -1;
		n++;
	}
	config->num_connectors = n;
	return n ? 0 : -1;
}

static void
cmd_guest(uint32_t domid, const char *name, char *conns, bool be_alloc,
	  bool no_connect)
{
	static char ids[MAX_GUESTS][XD_SIM_MAX_CONNECTORS][80];
	struct sim_guest *g = NULL;
	uint32_t i;
	int ret;

	for (i = 0; i < MAX_GUESTS && !g; i++)
		if (!guests[i].front)
			g = &guests[i];
	if (!g || find_guest(domid)) {
		reply("error no room for guest %u", domid);
		return;
	}
	memset(g, 0, sizeof *g);
	g->domid = domid;
	g->config.domid = domid;
	g->config.be_alloc = be_alloc;
	if (parse_connectors(conns, &g->config) < 0) {
		reply("error bad connector list");
		return;
	}
	for (i = 0; i < g->config.num_connectors; i++) {
		snprintf(ids[g - guests][i], sizeof ids[0][0], "%s-%u",
			 name, i);
		g->config.connectors[i].unique_id = ids[g - guests][i];
	}
	if (xd_sim_hv_domain_create(hv, domid, name, GUEST_PAGES) < 0 ||
	    xd_sim_toolstack_add_vdispl(hv, &g->config) < 0) {
		reply("error cannot create guest %u", domid);
		return;
	}
	g->front = xd_sim_front_create(hv, loop, &g->config);
	if (!g->front) {
		reply("error cannot create frontend");
		return;
	}
	if (no_connect) {
		reply("ok created %u", domid);
		return;
	}
	ret = xd_sim_front_connect(g->front, CONNECT_TIMEOUT_MS);
	if (ret < 0) {
		reply("error connect: %s", strerror(-ret));
		return;
	}
	g->generation = xd_sim_front_generation(g->front);
	reply("ok connected %u", domid);
}

static uint32_t
format_bpp(uint32_t fourcc)
{
	switch (fourcc) {
	case DRM_FORMAT_XRGB8888:
	case DRM_FORMAT_ARGB8888:
		return 32;
	case DRM_FORMAT_RGB888:
		return 24;
	default:
		return 16;
	}
}

/* Two buffers and their fbs in the connector's mode; a new format
 * replaces the old ones (FB_DETACH, DBUF_DESTROY first). */
static int64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* times, when not NULL, gets the microseconds DBUF_CREATE and FB_ATTACH
 * took, summed over both buffers. */
static int
setup_connector(struct sim_guest *g, uint32_t conn, uint32_t format,
		int64_t *times)
{
	struct sim_connector *c = &g->conns[conn];
	uint32_t w = g->config.connectors[conn].width;
	uint32_t h = g->config.connectors[conn].height;
	uint64_t serial = (uint64_t)(c->shown + 1) << 16;
	int i, ret;

	for (i = 0; i < 2 && c->buffers[i]; i++) {
		xd_sim_front_fb_detach(g->front, conn,
				       c->buffers[i]->cookie | 1);
		xd_sim_front_dbuf_destroy(g->front, conn, c->buffers[i]);
		c->buffers[i] = NULL;
	}
	for (i = 0; i < 2; i++) {
		uint64_t cookie = serial | (uint64_t)(conn + 1) << 8 | i << 1;
		int64_t t0 = now_us(), t1;

		ret = xd_sim_front_dbuf_create(g->front, conn, cookie, w, h,
					       format_bpp(format), 0,
					       &c->buffers[i]);
		t1 = now_us();
		if (ret == 0)
			ret = xd_sim_front_fb_attach(g->front, conn,
						     c->buffers[i], cookie | 1,
						     w, h, format);
		if (times) {
			times[0] += t1 - t0;
			times[1] += now_us() - t1;
		}
		if (ret < 0)
			return ret;
	}
	c->format = format;
	c->configured = false;
	return 0;
}

/* The picture in the raw XRGB8888 file path (rows of the connector's
 * width, top first, no header) into b; false if the file is not exactly
 * that big. */
static bool
draw_image(const char *path, struct xd_sim_buffer *b)
{
	FILE *f = fopen(path, "rb");
	bool ok = f != NULL;
	uint32_t y;

	for (y = 0; ok && y < b->height; y++)
		ok = fread((uint8_t *)b->pixels + (size_t)y * b->pitch, 4,
			   b->width, f) == b->width;
	if (ok)
		ok = fgetc(f) == EOF;
	if (f)
		fclose(f);
	return ok;
}

/* show, or image when path is not NULL. */
static void
show(uint32_t domid, uint32_t conn, uint32_t frame, uint32_t format,
     const char *path)
{
	struct sim_guest *g = find_guest(domid);
	struct sim_connector *c;
	struct xd_sim_buffer *b;
	struct timespec t0, t1;
	uint64_t fb;
	int ret;

	if (!g || conn >= g->config.num_connectors) {
		reply("error no guest %u connector %u", domid, conn);
		return;
	}
	/* After a backend restart the frontend reconnects by itself; the
	 * buffers of the old connection are gone: start over, as a DRM
	 * client of a re-probed xen-drm-front would. */
	ret = xd_sim_front_connect(g->front, CONNECT_TIMEOUT_MS);
	if (ret < 0) {
		reply("error reconnect: %s", strerror(-ret));
		return;
	}
	if (g->generation != xd_sim_front_generation(g->front)) {
		g->generation = xd_sim_front_generation(g->front);
		memset(g->conns, 0, sizeof g->conns);
	}
	c = &g->conns[conn];
	if ((!c->buffers[0] || c->format != format) &&
	    (ret = setup_connector(g, conn, format, NULL)) < 0) {
		reply("error buffers: %s", strerror(-ret));
		return;
	}
	b = c->buffers[c->shown % 2];
	fb = b->cookie | 1;
	if (path && !draw_image(path, b)) {
		reply("error image %s: not %ux%u XRGB8888", path, b->width,
		      b->height);
		return;
	}
	if (!path)
		xd_sim_draw(format, domid, conn, frame, b->width, b->height,
			    b->pitch, b->pixels);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (!c->configured) {
		ret = xd_sim_front_set_config(g->front, conn, fb, b->width,
					      b->height, format_bpp(format));
		c->configured = true;
		if (ret < 0) {
			reply("error set_config: %s", strerror(-ret));
			return;
		}
	}
	ret = xd_sim_front_page_flip(g->front, conn, fb);
	if (ret == 0)
		ret = xd_sim_front_wait_flip_done(g->front, conn, fb,
						  FLIP_TIMEOUT_MS);
	if (ret < 0) {
		reply("error flip: %s", strerror(-ret));
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	c->shown++;
	reply("ok shown %u %u %u ms=%ld", domid, conn, frame,
	      (t1.tv_sec - t0.tv_sec) * 1000 +
	      (t1.tv_nsec - t0.tv_nsec) / 1000000);
}

static void
cmd_show(uint32_t domid, uint32_t conn, uint32_t frame, uint32_t format)
{
	show(domid, conn, frame, format, NULL);
}

static void
cmd_image(uint32_t domid, uint32_t conn, const char *path)
{
	show(domid, conn, 0, DRM_FORMAT_XRGB8888, path);
}

static void
cmd_edid(uint32_t domid, uint32_t conn)
{
	struct sim_guest *g = find_guest(domid);
	uint8_t edid[256];
	char hex[513];
	uint32_t size, i;
	int ret;

	if (!g) {
		reply("error no guest %u", domid);
		return;
	}
	ret = xd_sim_front_get_edid(g->front, conn, edid, sizeof edid, &size);
	if (ret < 0) {
		reply("error edid: %s", strerror(-ret));
		return;
	}
	for (i = 0; i < size; i++)
		sprintf(hex + 2 * i, "%02x", edid[i]);
	hex[2 * size] = '\0';
	reply("ok edid %s", hex);
}

static void
cmd_reboot(uint32_t domid)
{
	struct sim_guest *g = find_guest(domid);
	int ret;

	if (!g) {
		reply("error no guest %u", domid);
		return;
	}
	ret = xd_sim_front_disconnect(g->front, CONNECT_TIMEOUT_MS);
	if (ret == 0)
		ret = xd_sim_front_connect(g->front, CONNECT_TIMEOUT_MS);
	if (ret < 0) {
		reply("error reboot: %s", strerror(-ret));
		return;
	}
	reply("ok rebooted %u", domid);
}

static void
cmd_stats(uint32_t domid)
{
	struct xd_sim_stats st;

	xd_sim_hv_stats(hv, domid, &st);
	reply("ok backends=%u pages_mapped=%u grants=%u ports=%u "
	      "map_calls=%llu unmap_calls=%llu pages_held=%u", st.backends,
	      st.pages_mapped, st.grants, st.ports,
	      (unsigned long long)st.map_calls,
	      (unsigned long long)st.unmap_calls, st.pages_held);
}

static void
cmd_setup(uint32_t domid, uint32_t conn)
{
	struct sim_guest *g = find_guest(domid);
	struct sim_connector *c;
	int64_t times[2] = { 0, 0 };
	struct xd_sim_buffer *b;
	int i, ret;

	if (!g || conn >= g->config.num_connectors) {
		reply("error no guest %u connector %u", domid, conn);
		return;
	}
	c = &g->conns[conn];
	ret = setup_connector(g, conn, DRM_FORMAT_XRGB8888, times);
	for (i = 0; i < 2 && ret == 0; i++) {
		b = c->buffers[i];
		xd_sim_draw(DRM_FORMAT_XRGB8888, domid, conn, i, b->width,
			    b->height, b->pitch, b->pixels);
	}
	if (ret == 0) {
		b = c->buffers[0];
		ret = xd_sim_front_set_config(g->front, conn, b->cookie | 1,
					      b->width, b->height, 32);
		c->configured = true;
	}
	if (ret < 0) {
		reply("error setup: %s", strerror(-ret));
		return;
	}
	reply("ok setup %u %u pages=%u dbuf_create_us=%lld fb_attach_us=%lld",
	      domid, conn, c->buffers[0]->num_pages, (long long)times[0] / 2,
	      (long long)times[1] / 2);
}

static void
cmd_flip_loop(uint32_t hz, uint32_t count, const char *out_path,
	      char *domids)
{
	struct xd_sim_flip_target targets[MAX_GUESTS];
	struct xd_sim_flip_result r;
	char *save = NULL, *item;
	struct sim_guest *g;
	uint32_t n = 0;
	FILE *out;
	int ret;

	for (item = strtok_r(domids, ",", &save); item;
	     item = strtok_r(NULL, ",", &save)) {
		g = find_guest(strtoul(item, NULL, 10));
		if (!g || n == MAX_GUESTS || !g->conns[0].configured) {
			reply("error guest %s not set up", item);
			return;
		}
		targets[n++] = (struct xd_sim_flip_target){
			.front = g->front, .domid = g->domid, .conn = 0,
			.fb = { g->conns[0].buffers[0]->cookie | 1,
				g->conns[0].buffers[1]->cookie | 1 },
		};
	}
	out = fopen(out_path, "we");
	if (!n || !out) {
		reply("error no guests or cannot write %s", out_path);
		if (out)
			fclose(out);
		return;
	}
	ret = xd_sim_flip_loop(loop, targets, n, hz, count, out,
			       FLIP_TIMEOUT_MS, &r);
	fclose(out);
	if (ret < 0) {
		/* How far it got: a stall and a failed flip read alike. */
		reply("error flip-loop: %s after flips=%u completed=%u",
		      strerror(-ret), r.flips, r.completed);
		return;
	}
	reply("ok flip-loop flips=%u completed=%u dropped=%u late=%u "
	      "ticks_late=%u rtt_p50_us=%u rtt_p99_us=%u wall_us=%llu",
	      r.flips, r.completed, r.dropped, r.late, r.ticks_late,
	      r.rtt_p50_us, r.rtt_p99_us, (unsigned long long)r.wall_us);
}

static void
cmd_vkbd(uint32_t domid, uint32_t devid, const char *unique_id,
	 const char *mode)
{
	static char ids[MAX_GUESTS][MAX_VKBD][80];
	struct xd_sim_kbdfront_config config = { 0 };
	struct xd_sim_kbdfront_features f;
	struct sim_guest *g = find_guest(domid);
	int ret;

	if (!g || devid >= MAX_VKBD || g->kbds[devid]) {
		reply("error no guest %u or vkbd %u taken", domid, devid);
		return;
	}
	config.domid = domid;
	config.devid = devid;
	if (strcmp(unique_id, "-") != 0) {
		snprintf(ids[g - guests][devid], sizeof ids[0][0], "%s",
			 unique_id);
		config.unique_id = ids[g - guests][devid];
	}
	config.bad_gref = strcmp(mode, "bad-gref") == 0;
	config.want_abs = strcmp(mode, "rel") != 0;
	config.want_raw = strcmp(mode, "raw") == 0;
	if (xd_sim_toolstack_add_vkbd(hv, &config) < 0) {
		reply("error cannot add vkbd");
		return;
	}
	g->kbds[devid] = xd_sim_kbdfront_create(hv, loop, &config);
	if (!g->kbds[devid]) {
		reply("error cannot create the vkbd frontend");
		return;
	}
	ret = xd_sim_kbdfront_connect(g->kbds[devid], CONNECT_TIMEOUT_MS);
	if (ret < 0) {
		reply("error vkbd connect: %s (backend state %d)",
		      strerror(-ret),
		      xd_sim_kbdfront_backend_state(g->kbds[devid]));
		return;
	}
	xd_sim_kbdfront_features(g->kbds[devid], &f);
	reply("ok vkbd %u/%u abs %d raw %d width %u height %u mt %d "
	      "contacts %u mt-width %u mt-height %u", domid, devid, f.abs,
	      f.raw, f.width, f.height, f.mtouch, f.mt_contacts, f.mt_width,
	      f.mt_height);
}

/* Guest domid's vkbd devid, or NULL after answering an error. */
static struct xd_sim_kbdfront *
find_vkbd(uint32_t domid, uint32_t devid)
{
	struct sim_guest *g = find_guest(domid);

	if (!g || devid >= MAX_VKBD || !g->kbds[devid]) {
		reply("error no vkbd %u/%u", domid, devid);
		return NULL;
	}
	return g->kbds[devid];
}

static void
cmd_input(uint32_t domid, uint32_t devid, uint32_t want, uint32_t ms)
{
	union xenkbd_in_event ev[MAX_REPLY_EVENTS];
	struct xd_sim_kbdfront *kf = find_vkbd(domid, devid);
	char text[MAX_REPLY_EVENTS * 32], one[64];
	unsigned int n = 0, i;
	size_t len = 0;
	int64_t end = now_us() + (int64_t)ms * 1000;

	if (!kf)
		return;
	if (want > MAX_REPLY_EVENTS)
		want = MAX_REPLY_EVENTS;
	for (;;) {
		n += xd_sim_kbdfront_take(kf, ev + n, MAX_REPLY_EVENTS - n);
		if (n >= want || now_us() >= end)
			break;
		xd_event_loop_dispatch(loop, 10);
	}
	text[0] = '\0';
	for (i = 0; i < n; i++) {
		xd_sim_kbd_event_format(&ev[i], one, sizeof one);
		len += snprintf(text + len, sizeof text - len, "%s%s",
				i ? ";" : "", one);
		if (len >= sizeof text)
			break;
	}
	reply("ok %u|%s", n, text);
}

static void
cmd_vkbd_scribble(uint32_t domid, uint32_t devid, uint32_t cons)
{
	struct xd_sim_kbdfront *kf = find_vkbd(domid, devid);
	struct xenkbd_page *page = kf ? xd_sim_kbdfront_page(kf) : NULL;

	if (!kf)
		return;
	if (!page) {
		reply("error vkbd %u/%u is not connected", domid, devid);
		return;
	}
	xd_sim_kbdfront_set_reading(kf, false);
	page->in_cons = cons;
	reply("ok backend state %d", xd_sim_kbdfront_backend_state(kf));
}

static void
cmd_vkbd_state(uint32_t domid, uint32_t devid)
{
	struct xd_sim_kbdfront *kf = find_vkbd(domid, devid);

	if (kf)
		reply("ok backend state %d",
		      xd_sim_kbdfront_backend_state(kf));
}

static void
remove_vkbds(struct sim_guest *g)
{
	uint32_t i;

	for (i = 0; i < MAX_VKBD; i++) {
		if (!g->kbds[i])
			continue;
		xd_sim_kbdfront_destroy(g->kbds[i]);
		g->kbds[i] = NULL;
		xd_sim_toolstack_remove_vkbd(hv, g->domid, i, 0);
	}
}

static void
cmd_remove(uint32_t domid)
{
	struct sim_guest *g = find_guest(domid);

	if (!g) {
		reply("error no guest %u", domid);
		return;
	}
	remove_vkbds(g);
	g->attack = NULL;
	xd_sim_front_destroy(g->front);
	g->front = NULL;
	attack_update();
	xd_sim_toolstack_remove_vdispl(hv, domid, 0, 0);
	xd_sim_hv_domain_destroy(hv, domid);
	reply("ok removed %u", domid);
}

/* --- attacks ---------------------------------------------------------
 *
 * A hostile guest in the background. The simulator is xenstored, Xen and
 * every guest at once, so an attacker must not take it over: it makes one
 * step per turn of the loop, served in turn with the backends and the
 * other guests, as a guest's spinning vCPU is served by xenstored and Xen
 * in turn with the others. While an attack runs, an eventfd that stays
 * readable makes every turn come at once; a paced one runs on a 1 ms
 * timer instead. An attack is a start (may be NULL; a negative errno
 * refuses it) and a step (may be NULL: an attack done once, in its
 * start, such as making a guest's memory held in dom0, then measured
 * while it holds); add one to attacks[].
 */

struct attack {
	const char *name;
	int (*start)(struct sim_guest *g);
	void (*step)(struct sim_guest *g);
};

static struct xd_event_source *attack_source;
static struct xd_event_source *attack_timer;
static int attack_fd = -1;

/* Writes Initialising, over and over: a guest asking again and again
 * for what it already asked. Its frontend is closed first, so that the
 * backend's first answer (InitWait) does not make it connect. */
static int
state_loop_start(struct sim_guest *g)
{
	return xd_sim_front_disconnect(g->front, CONNECT_TIMEOUT_MS);
}

static void
state_loop_step(struct sim_guest *g)
{
	char dir[64];

	snprintf(dir, sizeof dir, "/local/domain/%u/device/vdispl/0",
		 g->domid);
	xd_sim_write_u32(hv, g->domid, dir, "state",
			 XenbusStateInitialising);
}

/* Real requests, the ring kept full: PG_FLIP of its own framebuffers
 * (set up first), each accepted one a commit in Weston; or, without
 * framebuffers, PG_FLIP of one that does not exist. */
static void
request_flood_step(struct sim_guest *g)
{
	struct sim_connector *c = &g->conns[0];
	struct xendispl_req req = { .operation = XENDISPL_OP_PG_FLIP };

	req.op.pg_flip.fb_cookie = c->configured ?
		c->buffers[g->attack_turn & 1]->cookie | 1 : 0xdead;
	xd_sim_front_request_fill(g->front, 0, &req);
}

static void
evtchn_flood_step(struct sim_guest *g)
{
	xd_sim_front_kick(g->front, 0);
}

/* What a guest makes its backend write, as the backend would write it
 * (dom0, under backend/vdispl/DOMID/0/), at a rate no guest gets out of
 * xenbus-device.c (at most a state write each time it reads the
 * frontend's, once a millisecond): the module's own bound, whatever the
 * backend does. */
static void
backend_node_storm_step(struct sim_guest *g)
{
	char path[96], value[16];

	snprintf(path, sizeof path,
		 "/local/domain/0/backend/vdispl/%u/0/storm", g->domid);
	snprintf(value, sizeof value, "%u", g->attack_turn);
	xd_sim_xs_write(hv, 0, path, value);
}

/* Connects and asks again at once, over and over: Initialising written
 * whenever the backend says Connected (its frontend then reconnects by
 * itself, as xen-drm-front does when the backend goes InitWait). */
static void
reconnect_loop_step(struct sim_guest *g)
{
	char dir[64];

	if (xd_sim_front_backend_state(g->front) != XenbusStateConnected)
		return;
	snprintf(dir, sizeof dir, "/local/domain/%u/device/vdispl/0",
		 g->domid);
	xd_sim_write_u32(hv, g->domid, dir, "state",
			 XenbusStateInitialising);
}

/* --- memory attacks: all start, no step. Each is a fixed number of
 * requests, so that against a backend without its budget it makes dom0
 * hold a few GiB at most; the refusals are counted. Cookies of their own,
 * apart from setup's and show's. */

#define ATTACK_COOKIE 0xa77ac0000000ull
/* The framebuffer attack's buffers and framebuffers: as many
 * framebuffers as the buffers may carry (displif-limits.h's
 * XD_MAX_FBS_PER_BUFFER, 4: more would be refused with or without the
 * budget), each shown, at most 12 XRGB copies of 64 MiB on a 4095x4095
 * connector: 768 MiB without a budget. */
#define FB_ATTACK_BUFFERS 3
#define FB_ATTACK_FBS_PER_BUFFER 4

/* Buffers of the page flood, 1000 pages each: 24000 in all, past the
 * default budget of 16384, 94 MiB without one. */
#define PAGE_FLOOD_BUFFERS 24

static void
refused(struct sim_guest *g, int status)
{
	if (status < 0)
		g->attack_refused++;
}

/* Lets the backend and Weston take what was asked (a frame shown, one
 * let go of) while the attacker's request calls do not run. */
static void
settle(int ms)
{
	for (; ms > 0; ms -= 10)
		xd_event_loop_dispatch(loop, 10);
}

/* doc/hostile-guests.md's framebuffer attack with frames the connector
 * can show (the largest it may offer is 4095x4095, vdispl-device.c; a
 * larger frame is refused before any budget): 16 bpp buffers of its
 * size, RGB565 framebuffers on them, each shown by a SET_CONFIG: on the
 * copy path each costs an XRGB copy in dom0, twice the buffer. */
static int
framebuffer_attack_start(struct sim_guest *g)
{
	uint32_t w = g->config.connectors[0].width;
	uint32_t h = g->config.connectors[0].height;
	struct xd_sim_buffer *buf[FB_ATTACK_BUFFERS];
	uint64_t fb;
	int i, j, ret;

	for (i = 0; i < FB_ATTACK_BUFFERS; i++) {
		ret = xd_sim_front_dbuf_create(g->front, 0, ATTACK_COOKIE + i,
					       w, h, 16, 0, &buf[i]);
		refused(g, ret);
		if (ret < 0)
			buf[i] = NULL;
	}
	for (j = 0; j < FB_ATTACK_FBS_PER_BUFFER; j++) {
		for (i = 0; i < FB_ATTACK_BUFFERS; i++) {
			if (!buf[i])
				continue;
			fb = ATTACK_COOKIE + 0x100 + j * FB_ATTACK_BUFFERS + i;
			ret = xd_sim_front_fb_attach(g->front, 0, buf[i], fb,
						     w, h, DRM_FORMAT_RGB565);
			refused(g, ret);
			if (ret < 0)
				continue;
			refused(g, xd_sim_front_set_config(g->front, 0, fb, w,
							   h, 16));
			settle(50);
		}
	}
	return 0;
}

/* A buffer (6750 pages) shown, then destroyed while Weston still shows
 * it, and two more in its place: its pages count until Weston lets go,
 * so the last is past the default budget of 16384. */
static int
destroy_on_screen_start(struct sim_guest *g)
{
	struct xd_sim_buffer *a, *more;
	uint64_t fb = ATTACK_COOKIE + 0x200;
	int i, ret;

	ret = xd_sim_front_dbuf_create(g->front, 0, ATTACK_COOKIE + 1, 1920,
				       3600, 32, 0, &a);
	refused(g, ret);
	if (ret < 0)
		return 0;
	refused(g, xd_sim_front_fb_attach(g->front, 0, a, fb, 1920, 1080,
					  DRM_FORMAT_XRGB8888));
	refused(g, xd_sim_front_set_config(g->front, 0, fb, 1920, 1080, 32));
	settle(200);
	refused(g, xd_sim_front_dbuf_destroy(g->front, 0, a));
	for (i = 0; i < 2; i++)
		refused(g, xd_sim_front_dbuf_create(g->front, 0,
						    ATTACK_COOKIE + 2 + i,
						    1920, 3600, 32, 0,
						    &more));
	return 0;
}

/* Buffers of 1000 pages, one after another, past the guest's budget of
 * mapped pages (or, with XD_SIM_KMOD_MAX_PAGES, past the kmod double's
 * cap). */
static int
page_flood_start(struct sim_guest *g)
{
	struct xd_sim_buffer *buf;
	int i;

	for (i = 0; i < PAGE_FLOOD_BUFFERS; i++)
		refused(g, xd_sim_front_dbuf_create(g->front, 0,
						    ATTACK_COOKIE + 0x300 + i,
						    1024, 1000, 32, 0, &buf));
	return 0;
}

static const struct attack attacks[] = {
	{ "framebuffer-attack", framebuffer_attack_start, NULL },
	{ "destroy-on-screen", destroy_on_screen_start, NULL },
	{ "page-flood", page_flood_start, NULL },
	{ "reconnect-loop", NULL, reconnect_loop_step },
	{ "state-loop", state_loop_start, state_loop_step },
	{ "backend-node-storm", NULL, backend_node_storm_step },
	{ "request-flood", NULL, request_flood_step },
	{ "evtchn-flood", NULL, evtchn_flood_step },
};

static void
attack_steps(bool paced)
{
	uint32_t n;
	int i;

	for (i = 0; i < MAX_GUESTS; i++) {
		struct sim_guest *g = &guests[i];

		if (!g->front || !g->attack || paced != !!g->attack_per_ms)
			continue;
		for (n = 0; n < (paced ? g->attack_per_ms : 1); n++) {
			if (g->attack->step)
				g->attack->step(g);
			g->attack_steps++;
			g->attack_turn++;
		}
	}
}

static void
attack_turn(int fd, uint32_t mask, void *data)
{
	attack_steps(false);
}

static void
attack_tick(void *data)
{
	xd_event_source_timer_update(attack_timer, 1);
	attack_steps(true);
}

/* The readable eventfd while some guest attacks at every turn, the
 * timer while one attacks paced; none otherwise. */
static void
attack_update(void)
{
	bool any = false, paced = false;
	int i;

	for (i = 0; i < MAX_GUESTS; i++) {
		if (!guests[i].front || !guests[i].attack)
			continue;
		if (guests[i].attack_per_ms)
			paced = true;
		else
			any = true;
	}
	if (paced && !attack_timer) {
		attack_timer = xd_event_loop_add_timer(loop, attack_tick,
						       NULL);
		if (attack_timer)
			xd_event_source_timer_update(attack_timer, 1);
	} else if (!paced && attack_timer) {
		xd_event_source_remove(attack_timer);
		attack_timer = NULL;
	}
	if (any && !attack_source) {
		attack_fd = eventfd(1, EFD_CLOEXEC | EFD_NONBLOCK);
		if (attack_fd >= 0)
			attack_source = xd_event_loop_add_fd(loop, attack_fd,
							     EPOLLIN,
							     attack_turn,
							     NULL);
	} else if (!any && attack_source) {
		xd_event_source_remove(attack_source);
		attack_source = NULL;
		close(attack_fd);
		attack_fd = -1;
	}
}

static void
cmd_attack(uint32_t domid, const char *name, uint32_t per_ms)
{
	struct sim_guest *g = find_guest(domid);
	const struct attack *a = NULL;
	size_t i;
	int ret;

	for (i = 0; i < sizeof attacks / sizeof attacks[0]; i++)
		if (strcmp(attacks[i].name, name) == 0)
			a = &attacks[i];
	if (!g || !a || g->attack) {
		reply("error no guest %u, no attack %s, or one runs", domid,
		      name);
		return;
	}
	g->attack_refused = 0;
	if (a->start && (ret = a->start(g)) < 0) {
		reply("error attack %s: %s", name, strerror(-ret));
		return;
	}
	g->attack = a;
	g->attack_per_ms = per_ms;
	g->attack_steps = 0;
	g->attack_generation = xd_sim_front_generation(g->front);
	attack_update();
	reply("ok attack %s %u", name, domid);
}

static void
cmd_attack_stop(uint32_t domid)
{
	struct sim_guest *g = find_guest(domid);

	if (!g || !g->attack) {
		reply("error guest %u does not attack", domid);
		return;
	}
	g->attack = NULL;
	attack_update();
	reply("ok attack-stop %u steps=%llu connects=%u refused=%u", domid,
	      (unsigned long long)g->attack_steps,
	      xd_sim_front_generation(g->front) - g->attack_generation,
	      g->attack_refused);
}

static bool
run_command(char *line)
{
	char name[64], conns[128], extra[16], fourcc[8], path[256];
	uint32_t a, b, c, d;
	int n;

	if (sscanf(line, "guest %u %63s %127s %15s", &a, name, conns,
		   extra) >= 3) {
		n = sscanf(line, "guest %u %63s %127s %15s", &a, name, conns,
			   extra);
		cmd_guest(a, name, conns,
			  n == 4 && strcmp(extra, "be-alloc") == 0,
			  n == 4 && strcmp(extra, "no-connect") == 0);
	} else if ((n = sscanf(line, "show %u %u %u %7s", &a, &b, &c,
			      fourcc)) >= 3) {
		cmd_show(a, b, c, n == 4 && strlen(fourcc) == 4 ?
			 fourcc_code(fourcc[0], fourcc[1], fourcc[2],
				     fourcc[3]) : DRM_FORMAT_XRGB8888);
	} else if (sscanf(line, "image %u %u %255s", &a, &b, path) == 3) {
		cmd_image(a, b, path);
	} else if (sscanf(line, "edid %u %u", &a, &b) == 2) {
		cmd_edid(a, b);
	} else if (sscanf(line, "reboot %u", &a) == 1) {
		cmd_reboot(a);
	} else if (sscanf(line, "setup %u %u", &a, &b) == 2) {
		cmd_setup(a, b);
	} else if (sscanf(line, "flip-loop %u %u %255s %127s", &a, &b, path,
			  conns) == 4) {
		cmd_flip_loop(a, b, path, conns);
	} else if (sscanf(line, "stats %u", &a) == 1) {
		cmd_stats(a);
	} else if ((n = sscanf(line, "vkbd %u %u %63s %15s", &a, &b, name,
			      extra)) >= 3) {
		cmd_vkbd(a, b, name, n == 4 ? extra : "abs");
	} else if (sscanf(line, "vkbd-scribble %u %u %u", &a, &b, &c) == 3) {
		cmd_vkbd_scribble(a, b, c);
	} else if (sscanf(line, "vkbd-state %u %u", &a, &b) == 2) {
		cmd_vkbd_state(a, b);
	} else if (sscanf(line, "input %u %u %u %u", &a, &b, &c, &d) == 4) {
		cmd_input(a, b, c, d);
	} else if (sscanf(line, "remove %u", &a) == 1) {
		cmd_remove(a);
	} else if (sscanf(line, "attack-stop %u", &a) == 1) {
		cmd_attack_stop(a);
	} else if ((n = sscanf(line, "attack %u %63s %u", &a, name,
			      &b)) >= 2) {
		cmd_attack(a, name, n == 3 ? b : 0);
	} else if (strncmp(line, "quit", 4) == 0) {
		return false;
	} else {
		reply("error unknown command");
	}
	return true;
}

/* Commands may arrive several per read: split them ourselves (stdio
 * buffering would hide lines from epoll). */
static void
stdin_readable(int fd, uint32_t mask, void *data)
{
	static char buf[4096];
	static size_t len;
	bool *running = data;
	char *nl;
	ssize_t n;

	n = read(fd, buf + len, sizeof buf - 1 - len);
	if (n <= 0) {
		*running = false;
		return;
	}
	len += n;
	buf[len] = '\0';
	while ((nl = strchr(buf, '\n'))) {
		*nl = '\0';
		if (!run_command(buf))
			*running = false;
		len -= nl + 1 - buf;
		memmove(buf, nl + 1, len + 1);
	}
	if (len == sizeof buf - 1)
		len = 0;	/* a line longer than any command: drop it */
}

int
main(int argc, char *argv[])
{
	static const struct option options[] = {
		{ "socket", required_argument, NULL, 's' },
		{ 0 },
	};
	const char *socket_path = NULL;
	struct xd_event_source *commands;
	bool running = true;
	int c, i;

	while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
		if (c != 's') {
			fprintf(stderr, "usage: xd-sim --socket PATH\n");
			return EXIT_FAILURE;
		}
		socket_path = optarg;
	}
	if (!socket_path) {
		fprintf(stderr, "usage: xd-sim --socket PATH\n");
		return EXIT_FAILURE;
	}
	loop = xd_event_loop_create();
	hv = loop ? xd_sim_hv_create(loop, socket_path) : NULL;
	if (!hv) {
		fprintf(stderr, "xd-sim: cannot listen on %s\n", socket_path);
		return EXIT_FAILURE;
	}
	commands = xd_event_loop_add_fd(loop, 0, EPOLLIN, stdin_readable,
					&running);
	reply("ready");
	while (running)
		xd_event_loop_dispatch(loop, -1);

	for (i = 0; i < MAX_GUESTS; i++)
		guests[i].attack = NULL;
	attack_update();
	for (i = 0; i < MAX_GUESTS; i++)
		if (guests[i].front)
			xd_sim_front_destroy(guests[i].front);
	xd_event_source_remove(commands);
	xd_sim_hv_destroy(hv);
	xd_event_loop_destroy(loop);
	return EXIT_SUCCESS;
}
