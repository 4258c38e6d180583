/* SPDX-License-Identifier: MIT */
/*
 * Letting go of a guest's pixels before its surface goes away.
 *
 * A GL driver keeps the textures of its last draw bound until it draws
 * others: Mesa does (seen with llvmpipe), so the dma-buf of the last frame
 * a vanished surface showed stays imported, mapped, and with it the
 * guest's pages, for as long as the compositor draws no other texture (on
 * an idle screen, for ever). A domain whose pages dom0 still maps cannot
 * be freed by Xen. So before a connector's surface is destroyed it shows
 * one blank shm pixel and waits, boundedly, for two repaints that sample
 * it instead: in the rig, under load, llvmpipe sometimes still held the
 * guest's last texture after the first.
 */

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "common/clock.h"
#include "log.h"
#include "xdw-internal.h"

static void
frame_done(void *data, struct wl_callback *callback, uint32_t time)
{
	*(bool *)data = true;
}

static const struct wl_callback_listener frame_listener = { frame_done };

/* Dispatches the import queue until *done or the deadline; other queues'
 * events are read and left for the main loop. */
static bool
wait_queue(struct xd_wayland *w, bool *done, int64_t deadline)
{
	struct pollfd pfd = { .fd = wl_display_get_fd(w->display),
			      .events = POLLIN };
	int64_t left;

	while (!*done) {
		while (wl_display_prepare_read_queue(w->display,
						     w->import_queue) != 0)
			if (wl_display_dispatch_queue_pending(w->display,
							      w->import_queue) < 0)
				return false;
		if (*done) {
			wl_display_cancel_read(w->display);
			return true;
		}
		wl_display_flush(w->display);
		left = deadline - (int64_t)xd_now_ms();
		if (left <= 0 || poll(&pfd, 1, (int)left) <= 0) {
			wl_display_cancel_read(w->display);
			return false;
		}
		if (wl_display_read_events(w->display) < 0)
			return false;
	}
	return true;
}

static struct wl_buffer *
blank_buffer(struct xd_wayland *w)
{
	static const uint32_t black = 0xff000000;
	struct wl_shm_pool *pool;
	struct wl_buffer *buffer;
	int fd;

	fd = memfd_create("xen-display-blank", MFD_CLOEXEC);
	if (fd < 0)
		return NULL;
	if (write(fd, &black, sizeof black) != sizeof black) {
		close(fd);
		return NULL;
	}
	pool = wl_shm_create_pool(w->shm, fd, sizeof black);
	buffer = wl_shm_pool_create_buffer(pool, 0, 1, 1, sizeof black,
					   WL_SHM_FORMAT_XRGB8888);
	wl_shm_pool_destroy(pool);
	close(fd);
	return buffer;
}

/* Commits the blank (again) and waits for the repaint that drew it. */
static bool
repaint_blank(struct xd_wayland *w, struct wl_surface *surface,
	      struct wl_buffer *buffer, int64_t deadline)
{
	struct wl_callback *frame;
	bool done = false;

	frame = wl_surface_frame(surface);
	wl_proxy_set_queue((struct wl_proxy *)frame, w->import_queue);
	wl_callback_add_listener(frame, &frame_listener, &done);
	wl_surface_attach(surface, buffer, 0, 0);
	wl_surface_damage_buffer(surface, 0, 0, 1, 1);
	wl_surface_commit(surface);
	wait_queue(w, &done, deadline);
	wl_callback_destroy(frame);
	return done;
}

void
xdw_blank_and_wait(struct xd_wayland *w, struct wl_surface *surface,
		   int timeout_ms)
{
	struct wl_buffer *buffer = w->shm ? blank_buffer(w) : NULL;
	int64_t deadline = (int64_t)xd_now_ms() + timeout_ms;

	if (!buffer)
		return;
	/* A viewport destination in effect scales the pixel up; without
	 * one the surface shrinks to 1x1, which every shell accepts
	 * (a larger size than configured it might not). */
	if (!repaint_blank(w, surface, buffer, deadline) ||
	    !repaint_blank(w, surface, buffer, deadline))
		xd_log("the compositor did not repaint twice within %d ms: it "
		       "may keep the guest's last frame mapped until it draws "
		       "another\n", timeout_ms);
	wl_buffer_destroy(buffer);
}
