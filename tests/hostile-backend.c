/* SPDX-License-Identifier: MIT */
/*
 * A backend taken over by its guest, for test-module-trust.c: the module
 * launches it as backend= for every guest. For the guest whose domid
 * XD_TEST_HOSTILE_DOMID names, it speaks the private protocol as code
 * that took a backend over could; for any other guest it is the real
 * backend (XD_BACKEND_PATH, exec'd with the same arguments and the same
 * Wayland connection).
 *
 * XD_TEST_HOSTILE says what it does:
 *   claim:NAME:DOMID  asks for connector 0 as guest NAME, domid DOMID,
 *                     and shows one colour (HOSTILE_RGB) wherever the
 *                     module places it
 *   flood             asks for connector 0 over and over, never
 *                     destroying one
 *   log-flood         logs LOG_FLOOD lines at once, then one more a
 *                     second and a half later
 * and then it stays until the compositor disconnects it.
 */

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <wayland-client.h>

#include "xen-display-private-v1-client-protocol.h"

#define W 320
#define H 240
#define HOSTILE_RGB 0xff00ffu
#define FLOOD 1000
#define LOG_FLOOD 5000

struct hostile {
	struct wl_compositor *compositor;
	struct wl_shm *shm;
	struct xen_display_manager_v1 *manager;
	bool placed;
	uint32_t placement;
};

static void
registry_global(void *data, struct wl_registry *registry, uint32_t name,
		const char *interface, uint32_t version)
{
	struct hostile *h = data;

	if (strcmp(interface, wl_compositor_interface.name) == 0)
		h->compositor = wl_registry_bind(registry, name,
						 &wl_compositor_interface, 4);
	else if (strcmp(interface, wl_shm_interface.name) == 0)
		h->shm = wl_registry_bind(registry, name, &wl_shm_interface,
					  1);
	else if (strcmp(interface, xen_display_manager_v1_interface.name) == 0)
		h->manager = wl_registry_bind(registry, name,
			&xen_display_manager_v1_interface, 1);
}

static void
registry_global_remove(void *data, struct wl_registry *registry,
		       uint32_t name)
{
}

static const struct wl_registry_listener registry_listener = {
	registry_global, registry_global_remove,
};

static void
connector_placement(void *data, struct xen_display_connector_v1 *c,
		    uint32_t placement)
{
	struct hostile *h = data;

	h->placed = true;
	h->placement = placement;
}

static void
connector_output_mode(void *data, struct xen_display_connector_v1 *c,
		      int32_t width, int32_t height, int32_t refresh)
{
}

static const struct xen_display_connector_v1_listener connector_listener = {
	connector_placement, connector_output_mode,
};

/* A W x H buffer of HOSTILE_RGB. */
static struct wl_buffer *
colour_buffer(struct hostile *h)
{
	size_t size = (size_t)W * H * 4;
	struct wl_shm_pool *pool;
	struct wl_buffer *buffer;
	uint32_t *pixels;
	size_t i;
	int fd;

	fd = memfd_create("hostile-backend", MFD_CLOEXEC);
	if (fd < 0 || ftruncate(fd, size) < 0)
		return NULL;
	pixels = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (pixels == MAP_FAILED)
		return NULL;
	for (i = 0; i < (size_t)W * H; i++)
		pixels[i] = 0xff000000u | HOSTILE_RGB;
	pool = wl_shm_create_pool(h->shm, fd, size);
	buffer = wl_shm_pool_create_buffer(pool, 0, W, H, W * 4,
					   WL_SHM_FORMAT_XRGB8888);
	wl_shm_pool_destroy(pool);
	close(fd);
	return buffer;
}

static int
claim(struct wl_display *display, struct hostile *h, const char *what)
{
	char name[64];
	unsigned int domid;
	struct xen_display_connector_v1 *c;
	struct wl_surface *surface;

	if (sscanf(what, "claim:%63[^:]:%u", name, &domid) != 2) {
		fprintf(stderr, "hostile-backend: bad XD_TEST_HOSTILE %s\n",
			what);
		return 1;
	}
	c = xen_display_manager_v1_get_connector(h->manager, domid, name, 0,
						 W, H);
	xen_display_connector_v1_add_listener(c, &connector_listener, h);
	while (!h->placed)
		if (wl_display_roundtrip(display) < 0)
			return 1;
	if (h->placement != XEN_DISPLAY_CONNECTOR_V1_PLACEMENT_PINNED)
		return 0;
	surface = wl_compositor_create_surface(h->compositor);
	xen_display_connector_v1_set_surface(c, surface);
	wl_surface_attach(surface, colour_buffer(h), 0, 0);
	wl_surface_damage(surface, 0, 0, W, H);
	wl_surface_commit(surface);
	return 0;
}

static void
flood(struct hostile *h)
{
	int i;

	for (i = 0; i < FLOOD; i++)
		xen_display_manager_v1_get_connector(h->manager, 0, "flood", 0,
						     W, H);
}

static void
log_flood(struct wl_display *display, struct hostile *h)
{
	char line[64];
	int i;

	for (i = 0; i < LOG_FLOOD; i++) {
		snprintf(line, sizeof line, "flood line %d", i);
		xen_display_manager_v1_log(h->manager, line);
		if (i % 100 == 99)
			wl_display_flush(display);
	}
	wl_display_roundtrip(display);
	usleep(1500 * 1000);
	xen_display_manager_v1_log(h->manager, "after the flood");
	wl_display_roundtrip(display);
}

int
main(int argc, char *argv[])
{
	const char *hostile = getenv("XD_TEST_HOSTILE_DOMID");
	const char *what = getenv("XD_TEST_HOSTILE");
	struct hostile h = { 0 };
	struct wl_display *display;
	struct wl_registry *registry;
	char want[32];
	bool mine = false;
	int i;

	snprintf(want, sizeof want, "--domid=%s", hostile ? hostile : "");
	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], want) == 0)
			mine = true;
	if (!hostile || !what || !mine) {
		argv[0] = (char *)XD_BACKEND_PATH;
		execv(XD_BACKEND_PATH, argv);
		perror("hostile-backend: exec " XD_BACKEND_PATH);
		return 1;
	}

	display = wl_display_connect(NULL);
	if (!display)
		return 1;
	registry = wl_display_get_registry(display);
	wl_registry_add_listener(registry, &registry_listener, &h);
	wl_display_roundtrip(display);
	if (!h.compositor || !h.shm || !h.manager)
		return 1;
	if (strncmp(what, "claim:", 6) == 0) {
		if (claim(display, &h, what))
			return 1;
	} else if (strcmp(what, "flood") == 0) {
		flood(&h);
	} else if (strcmp(what, "log-flood") == 0) {
		log_flood(display, &h);
	}
	/* Until the compositor lets go of it. */
	while (wl_display_dispatch(display) >= 0)
		;
	fprintf(stderr, "hostile-backend: disconnected\n");
	return 0;
}
