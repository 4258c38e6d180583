/* SPDX-License-Identifier: MIT */
/*
 * The vdispl device (displif/vdispl-device.c on the XenBus layer) with no
 * compositor: a recording display sink stands in for the Wayland half,
 * and a simulated xen-drm-front (sim/sim-front.c) on the simulated
 * hypervisor plays the guest. What is checked is what a guest notices
 * (the backend's XenBus states, the statuses of its requests, its
 * PG_FLIP_COMPLETE events) and what the sink was asked to do.
 *
 * The device runs in the main thread on the production Xen access layer
 * (--xen=sim:SOCKET's client, xen/xen-sim.c), as in a backend process.
 * Its calls are synchronous, so the simulator that answers them runs in a
 * thread of its own, with the guest: once that thread starts, only it
 * touches the simulator, and only the main thread touches the device.
 * They meet in the sink's records, under a lock.
 *
 *   test-vdispl-device CASE
 *
 *   flips              connect, a mode set, flips each answered by its
 *                      event, bad flips refused, disconnect; then the
 *                      same guest connects again
 *   retry              a frontend whose nodes are bad is refused
 *                      (Closing), and asking again (Initialising) gets
 *                      InitWait only after a delay, then connects
 *   foreign-frontend   a backend directory naming another guest's
 *                      frontend is not served
 */

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <drm_fourcc.h>
#include <xen/io/xenbus.h>

#include "buffers/buffers.h"
#include "display-sink.h"
#include "displif/vdispl-device.h"
#include "event-loop.h"
#include "harness/harness.h"
#include "sim/sim-front.h"
#include "sim/sim-hv.h"
#include "sim/sim-xenbus.h"
#include "xen/xen-access.h"

#define DOMID 1
#define W 640
#define H 480
#define FLIPS 5
#define TIMEOUT_MS 10000
#define RUN_MS 30000
#define RETRY_MS 1000		/* xenbus-device.c's delay */
#define DBUF 1
#define FB 2

#define BE_PATH "/local/domain/0/backend/vdispl/1/0"
#define FE_PATH "/local/domain/1/device/vdispl/0"

/* --- The recording sink (main thread; read by the guest under lock) -- */

#define REC_CONNECTORS 8
#define REC_PENDING 8

struct rec_connector {
	const struct xd_display_source *source;
	struct xd_connector_info info;
	char unique_id[72];
	bool removed;
	uint64_t pending[REC_PENDING];
	unsigned int num_pending;
};

struct records {
	struct rec_connector connectors[REC_CONNECTORS];
	unsigned int added;
	unsigned int removed;
	unsigned int attached;		/* fb_attach minus fb_detach */
	unsigned int attaches;
	unsigned int configs;
	unsigned int flips;
	struct xd_fb last_fb;		/* of the last fb_attach */
	uint64_t last_config;
	uint64_t last_flip;
	const char *error;		/* a contract broken, if any */
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct records sink;
static struct xd_event_source *present_timer;	/* completes flips */

static void
sink_error(const char *what)
{
	if (!sink.error)
		sink.error = what;
}

static void *
rec_connector_add(void *data, const struct xd_display_source *source,
		  const struct xd_connector_info *info)
{
	struct rec_connector *c;

	pthread_mutex_lock(&lock);
	if (sink.added == REC_CONNECTORS) {
		sink_error("too many connectors added");
		pthread_mutex_unlock(&lock);
		return NULL;
	}
	c = &sink.connectors[sink.added++];
	c->source = source;
	c->info = *info;
	snprintf(c->unique_id, sizeof c->unique_id, "%s", info->unique_id);
	c->info.unique_id = c->unique_id;
	pthread_mutex_unlock(&lock);
	return c;
}

static void
rec_connector_remove(void *data)
{
	struct rec_connector *c = data;

	pthread_mutex_lock(&lock);
	if (c->removed)
		sink_error("connector removed twice");
	c->removed = true;
	/* Flips still pending are dropped with the connector. */
	c->num_pending = 0;
	sink.removed++;
	pthread_mutex_unlock(&lock);
}

static int
rec_fb_attach(void *data, const struct xd_fb *fb)
{
	pthread_mutex_lock(&lock);
	if (!fb->buffer)
		sink_error("fb_attach without a buffer");
	sink.attached++;
	sink.attaches++;
	sink.last_fb = *fb;
	sink.last_fb.buffer = NULL;
	pthread_mutex_unlock(&lock);
	return 0;
}

static void
rec_fb_detach(void *data, uint64_t fb_cookie)
{
	pthread_mutex_lock(&lock);
	if (sink.attached == 0)
		sink_error("fb_detach of nothing attached");
	else
		sink.attached--;
	pthread_mutex_unlock(&lock);
}

static int
rec_set_config(void *data, const struct xd_fb *fb)
{
	pthread_mutex_lock(&lock);
	sink.configs++;
	sink.last_config = fb ? fb->cookie : 0;
	pthread_mutex_unlock(&lock);
	return 0;
}

static int
rec_page_flip(void *data, const struct xd_fb *fb)
{
	struct rec_connector *c = data;

	pthread_mutex_lock(&lock);
	if (c->removed)
		sink_error("page_flip on a removed connector");
	else if (c->num_pending == REC_PENDING)
		sink_error("more flips pending than displif allows");
	else
		c->pending[c->num_pending++] = fb->cookie;
	sink.flips++;
	sink.last_flip = fb->cookie;
	pthread_mutex_unlock(&lock);
	/* "Presented" on the next turn of the loop, never from inside the
	 * call, as a compositor's feedback would come. */
	xd_event_source_timer_update(present_timer, 1);
	return 0;
}

static const struct xd_display_sink_interface rec_sink_interface = {
	.connector_add = rec_connector_add,
	.connector_remove = rec_connector_remove,
	.fb_attach = rec_fb_attach,
	.fb_detach = rec_fb_detach,
	.set_config = rec_set_config,
	.page_flip = rec_page_flip,
};

/* Every pending flip was presented. */
static void
present(void *data)
{
	struct rec_connector *c;
	uint64_t cookies[REC_PENDING];
	unsigned int i, j, n;

	for (i = 0; i < sink.added; i++) {
		c = &sink.connectors[i];
		pthread_mutex_lock(&lock);
		n = c->num_pending;
		memcpy(cookies, c->pending, n * sizeof cookies[0]);
		c->num_pending = 0;
		pthread_mutex_unlock(&lock);
		for (j = 0; j < n; j++)
			c->source->flip_done(c->source->data, cookies[j]);
	}
}

/* A copy of the records, for the guest thread. */
static struct records
records(void)
{
	struct records copy;

	pthread_mutex_lock(&lock);
	copy = sink;
	pthread_mutex_unlock(&lock);
	return copy;
}

/* --- The guest: the simulator's thread ------------------------------ */

static struct xd_event_loop *guest_loop;
static struct xd_sim_hv *hv;
static struct xd_sim_front *front;
static struct xd_sim_front_config config = {
	.domid = DOMID,
	.num_connectors = 1,
	.connectors = { { W, H, "first" } },
};
static char sim_spec[300];
static int done_fd = -1;	/* the guest is done: main thread's loop */
static int release_fd = -1;	/* the device is gone: guest's loop */
static atomic_bool released;

static int
backend_state(void)
{
	return xd_sim_read_state(hv, DOMID, BE_PATH);
}

/* Runs the guest's loop until the backend's state is one of a and b. */
static bool
wait_backend_state(int a, int b, int timeout_ms)
{
	int64_t end = xd_sim_now_ms() + timeout_ms;
	int state;

	for (;;) {
		state = backend_state();
		if (state == a || state == b)
			return true;
		if (xd_sim_now_ms() >= end)
			return false;
		xd_event_loop_dispatch(guest_loop, 10);
	}
}

static void
guest_write(const char *node, const char *value)
{
	char path[160];

	snprintf(path, sizeof path, FE_PATH "/%s", node);
	XD_ASSERT(xd_sim_xs_write(hv, DOMID, path, value) == 0,
		  "the guest cannot write %s", path);
}

static void
connect_and_check(unsigned int connection)
{
	struct records r;

	XD_ASSERT(xd_sim_front_connect(front, TIMEOUT_MS) == 0,
		  "connection %u: the frontend does not connect; backend "
		  "state %d", connection, backend_state());
	XD_ASSERT(backend_state() == XenbusStateConnected,
		  "connection %u: backend state %d in XenStore, want "
		  "Connected", connection, backend_state());
	r = records();
	XD_ASSERT(r.added == connection && r.removed == connection - 1,
		  "connection %u: sink has %u connectors added, %u removed",
		  connection, r.added, r.removed);
	XD_ASSERT(r.connectors[connection - 1].info.width == W &&
		  r.connectors[connection - 1].info.height == H &&
		  r.connectors[connection - 1].info.index == 0 &&
		  strcmp(r.connectors[connection - 1].unique_id, "first") == 0,
		  "connector added as %ux%u '%s'",
		  r.connectors[connection - 1].info.width,
		  r.connectors[connection - 1].info.height,
		  r.connectors[connection - 1].unique_id);
}

/* A buffer, an fb on it, a mode set, and flips each answered by its
 * event; a flip of an fb that does not exist is refused. */
static void
show_frames(unsigned int flips)
{
	struct xd_sim_buffer *buf;
	struct records before = records(), r;
	unsigned int i;
	int ret;

	XD_ASSERT(xd_sim_front_dbuf_create(front, 0, DBUF, W, H, 32, 0,
					   &buf) == 0, "DBUF_CREATE");
	ret = xd_sim_front_fb_attach(front, 0, buf, FB, W, H,
				     DRM_FORMAT_XRGB8888);
	XD_ASSERT(ret == 0, "FB_ATTACH status %d", ret);
	r = records();
	XD_ASSERT(r.attached == before.attached + 1 &&
		  r.last_fb.cookie == FB && r.last_fb.width == W &&
		  r.last_fb.height == H &&
		  r.last_fb.drm_format == DRM_FORMAT_XRGB8888 &&
		  r.last_fb.pitch == W * 4,
		  "sink saw fb %llu %ux%u pitch %u, %u attached",
		  (unsigned long long)r.last_fb.cookie, r.last_fb.width,
		  r.last_fb.height, r.last_fb.pitch, r.attached);

	ret = xd_sim_front_page_flip(front, 0, FB);
	XD_ASSERT(ret == -EINVAL, "PG_FLIP before a mode set: status %d",
		  ret);
	ret = xd_sim_front_set_config(front, 0, FB, W, H, 32);
	XD_ASSERT(ret == 0, "SET_CONFIG status %d", ret);
	XD_ASSERT(records().last_config == FB, "sink not configured");

	for (i = 0; i < flips; i++) {
		ret = xd_sim_front_page_flip(front, 0, FB);
		XD_ASSERT(ret == 0, "PG_FLIP %u status %d", i, ret);
		XD_ASSERT(xd_sim_front_wait_flip_done(front, 0, FB,
						      TIMEOUT_MS) == 0,
			  "no PG_FLIP_COMPLETE event for flip %u", i);
	}
	ret = xd_sim_front_page_flip(front, 0, 99);
	XD_ASSERT(ret == -ENOENT, "PG_FLIP of an unknown fb: status %d",
		  ret);
	XD_ASSERT(xd_sim_front_flips_done(front, 0) == flips,
		  "%u flip events, want %u", xd_sim_front_flips_done(front, 0),
		  flips);
	r = records();
	XD_ASSERT(r.flips == before.flips + flips && r.last_flip == FB,
		  "sink saw %u flips, want %u", r.flips - before.flips, flips);
}

static void
disconnect_and_check(unsigned int connection)
{
	struct xd_sim_stats stats;
	struct records r;
	int ret;

	ret = xd_sim_front_disconnect(front, TIMEOUT_MS);
	XD_ASSERT(ret == 0, "disconnect: %d, backend state %d", ret,
		  backend_state());
	XD_ASSERT(backend_state() == XenbusStateClosed ||
		  backend_state() == XenbusStateInitWait,
		  "backend state %d after the frontend closed",
		  backend_state());
	r = records();
	XD_ASSERT(r.removed == connection && r.attached == 0,
		  "after disconnect: %u connectors removed, %u fbs attached",
		  r.removed, r.attached);
	xd_sim_hv_stats(hv, DOMID, &stats);
	XD_ASSERT(stats.pages_mapped == 0,
		  "the backend still maps %u pages of the guest",
		  stats.pages_mapped);
}

static void
guest_flips(void)
{
	XD_ASSERT(wait_backend_state(XenbusStateInitWait, -1, TIMEOUT_MS),
		  "backend never InitWait: state %d", backend_state());
	connect_and_check(1);
	show_frames(FLIPS);
	disconnect_and_check(1);

	/* The guest's driver is loaded again. */
	connect_and_check(2);
	show_frames(2);
	disconnect_and_check(2);
}

static void
guest_retry(void)
{
	int64_t start;

	guest_write("0/resolution", "640x480x");
	XD_ASSERT(xd_sim_front_connect(front, 2000) < 0,
		  "connected with a bad resolution");
	XD_ASSERT(wait_backend_state(XenbusStateClosing, -1, TIMEOUT_MS),
		  "bad frontend not refused: backend state %d",
		  backend_state());
	XD_ASSERT(records().added == 0, "a connector reached the sink");

	/* The frontend closes; asked again, the backend waits before it
	 * offers InitWait. */
	guest_write("0/resolution", "640x480");
	XD_ASSERT(xd_sim_front_disconnect(front, TIMEOUT_MS) == 0,
		  "disconnect");
	start = xd_sim_now_ms();
	connect_and_check(1);
	XD_ASSERT(xd_sim_now_ms() - start >= RETRY_MS * 9 / 10,
		  "reconnected after %lld ms: no retry delay",
		  (long long)(xd_sim_now_ms() - start));
	show_frames(1);
	disconnect_and_check(1);
}

static void
foreign_frontend_setup(void)
{
	/* Written by dom0, as a confused or compromised toolstack would. */
	XD_ASSERT(xd_sim_xs_write(hv, 0, BE_PATH "/frontend",
				  "/local/domain/2/device/vdispl/0") == 0,
		  "frontend node");
}

static void
guest_foreign_frontend(void)
{
	int64_t end = xd_sim_now_ms() + 500;

	while (xd_sim_now_ms() < end)
		xd_event_loop_dispatch(guest_loop, 50);
	XD_ASSERT(backend_state() == XenbusStateInitialising ||
		  backend_state() == XenbusStateUnknown,
		  "backend wrote state %d for a foreign frontend",
		  backend_state());
}

static void
release(int fd, uint32_t mask, void *data)
{
	eventfd_t value;

	eventfd_read(fd, &value);
	atomic_store(&released, true);
}

static void *
guest_main(void *data)
{
	void (*guest)(void) = data;
	struct xd_event_source *source;

	source = xd_event_loop_add_fd(guest_loop, release_fd, EPOLLIN,
				      release, NULL);
	XD_ASSERT(source, "release source");
	guest();
	eventfd_write(done_fd, 1);
	/* Serve the device's last calls (its teardown) until it is gone. */
	while (!atomic_load(&released))
		xd_event_loop_dispatch(guest_loop, 100);
	xd_event_source_remove(source);
	return NULL;
}

/* --- The device: the main thread ------------------------------------ */

static struct xd_vdispl_device *device;
static bool guest_done;

static void
on_watch(void *data, const char *path, const char *token)
{
	if (device)
		xd_vdispl_device_watch(device, path, token);
}

static void
on_event(void *data, uint32_t port)
{
	if (device)
		xd_vdispl_device_event(device, port);
}

static void
on_lost(void *data)
{
	XD_ASSERT(false, "the device lost the simulator");
}

static const struct xd_xen_listener listener = {
	.watch = on_watch,
	.event = on_event,
	.lost = on_lost,
};

static void
on_done(int fd, uint32_t mask, void *data)
{
	eventfd_t value;

	eventfd_read(fd, &value);
	guest_done = true;
}

/* setup runs before the guest's thread starts; served says whether the
 * device must exist. */
static void
run(void (*setup)(void), void (*guest)(void), bool served)
{
	char dir[] = "/tmp/xd-vdispl-device-XXXXXX";
	struct xd_event_loop *loop;
	struct xd_event_source *done_source;
	struct xd_xen *xen;
	struct xd_buffers *buffers;
	pthread_t thread;
	int64_t end;
	struct records r;

	XD_ASSERT(mkdtemp(dir), "mkdtemp");
	snprintf(sim_spec, sizeof sim_spec, "sim:%s/sim.sock", dir);
	guest_loop = xd_event_loop_create();
	hv = xd_sim_hv_create(guest_loop, sim_spec + 4);
	XD_ASSERT(guest_loop && hv, "simulator");
	XD_ASSERT(xd_sim_hv_domain_create(hv, DOMID, "guest", 16384) == 0,
		  "domain");
	XD_ASSERT(xd_sim_toolstack_add_vdispl(hv, &config) == 0, "toolstack");
	front = xd_sim_front_create(hv, guest_loop, &config);
	XD_ASSERT(front, "front");
	if (setup)
		setup();

	loop = xd_event_loop_create();
	done_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	release_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	XD_ASSERT(loop && done_fd >= 0 && release_fd >= 0, "loop");
	done_source = xd_event_loop_add_fd(loop, done_fd, EPOLLIN, on_done,
					   NULL);
	present_timer = xd_event_loop_add_timer(loop, present, NULL);
	XD_ASSERT(done_source && present_timer, "sources");
	XD_ASSERT(pthread_create(&thread, NULL, guest_main, guest) == 0,
		  "thread");

	xen = xd_xen_open(sim_spec, -1, loop, &listener, NULL);
	XD_ASSERT(xen, "the device cannot reach the simulator");
	buffers = xd_buffers_create(xen);
	XD_ASSERT(buffers, "buffers");
	device = xd_vdispl_device_create(xen, buffers, loop, DOMID, 0, false);
	XD_ASSERT(!device == !served, "device %s",
		  served ? "not served" : "served");
	if (device)
		XD_ASSERT(xd_vdispl_device_start(device, &rec_sink_interface,
						 NULL) == 0, "start");

	end = xd_sim_now_ms() + RUN_MS;
	while (!guest_done) {
		XD_ASSERT(xd_sim_now_ms() < end, "the guest did not finish");
		xd_event_loop_dispatch(loop, 100);
	}
	XD_ASSERT(!device || xd_vdispl_device_present(device),
		  "the device thinks it was removed");

	xd_vdispl_device_destroy(device);
	device = NULL;
	xd_buffers_destroy(buffers);
	xd_xen_close(xen);
	eventfd_write(release_fd, 1);
	XD_ASSERT(pthread_join(thread, NULL) == 0, "join");

	r = records();
	XD_ASSERT(!r.error, "the sink's contract was broken: %s", r.error);
	XD_ASSERT(r.added == r.removed && r.attached == 0,
		  "at the end: %u connectors added, %u removed, %u fbs "
		  "attached", r.added, r.removed, r.attached);

	xd_event_source_remove(present_timer);
	xd_event_source_remove(done_source);
	xd_event_loop_destroy(loop);
	xd_sim_front_destroy(front);
	xd_sim_hv_destroy(hv);
	xd_event_loop_destroy(guest_loop);
	close(done_fd);
	close(release_fd);
}

XD_TEST(flips)
{
	run(NULL, guest_flips, true);
}

XD_TEST(retry)
{
	run(NULL, guest_retry, true);
}

XD_TEST(foreign_frontend)
{
	run(foreign_frontend_setup, guest_foreign_frontend, false);
}
