/* SPDX-License-Identifier: MIT */
/*
 * A Weston module for tests only: headless Weston 14 has one output and
 * no way to ask for more, and nothing unplugs it. This module adds heads
 * "headless-2" .. "headless-N" (XD_TEST_OUTPUTS=N) through the headless
 * backend's public windowed-output API, and each SIGUSR1 unplugs
 * "headless-2" or plugs it back: its output is disabled (destroyed, for
 * everyone else) and enabled again, as when a monitor goes away and
 * comes back. (Weston itself treats SIGUSR2 as a request to quit.)
 *
 * XD_TEST_SEAT=1 adds an input seat without devices, as a compositor with
 * a keyboard plugged in has, for tests of a bare backend (no xen-display.so)
 * under kiosk-shell: without a seat kiosk-shell crashes when a window closes
 * and another opens (plugin/module/kiosk-placement.h), which the module
 * avoids but a bare backend cannot.
 */

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libweston/libweston.h>
#include <libweston/windowed-output-api.h>
#include <weston.h>

static struct weston_head *
find_head(struct weston_compositor *compositor, const char *name)
{
	struct weston_head *head = NULL;

	while ((head = weston_compositor_iterate_heads(compositor, head)))
		if (strcmp(weston_head_get_name(head), name) == 0)
			return head;
	return NULL;
}

/* Exported by libweston 14 but declared only in its internal header;
 * Weston's own test module makes its test seat the same way. */
void
weston_seat_init(struct weston_seat *seat, struct weston_compositor *ec,
		 const char *seat_name);

static struct weston_seat test_seat;

static struct weston_output *unplugged;

static int
on_signal(int signal_number, void *data)
{
	struct weston_compositor *compositor = data;
	struct weston_head *head = find_head(compositor, "headless-2");

	if (!head)
		return 0;
	if (!unplugged) {
		unplugged = weston_head_get_output(head);
		weston_head_detach(head);
		weston_output_disable(unplugged);
	} else {
		weston_output_attach_head(unplugged, head);
		weston_output_enable(unplugged);
		unplugged = NULL;
	}
	return 0;
}

WL_EXPORT int
wet_module_init(struct weston_compositor *compositor, int *argc, char *argv[])
{
	const struct weston_windowed_output_api *api;
	struct wl_event_loop *loop =
		wl_display_get_event_loop(compositor->wl_display);
	const char *env = getenv("XD_TEST_OUTPUTS");
	int n = env ? atoi(env) : 1;
	char name[32];
	int i;

	api = weston_windowed_output_get_api(compositor,
					     WESTON_WINDOWED_OUTPUT_HEADLESS);
	if (!api) {
		weston_log("test-outputs: not the headless backend\n");
		return -1;
	}
	for (i = 2; i <= n && i <= 8; i++) {
		snprintf(name, sizeof name, "headless-%d", i);
		if (api->create_head(compositor->primary_backend, name) < 0)
			return -1;
	}
	wl_event_loop_add_signal(loop, SIGUSR1, on_signal, compositor);
	if (getenv("XD_TEST_SEAT"))
		weston_seat_init(&test_seat, compositor, "xd-test-seat");
	return 0;
}
