/* SPDX-License-Identifier: MIT */
/*
 * Per-flip cost of the backend's Wayland half, zero copy against copy, at
 * three resolutions, in one run (ratios hold on a noisy machine), and the
 * time from the compositor's presentation timestamp to the flip being
 * completed towards the guest.
 *
 *   bench-flip [FLIPS]
 *
 * Prints a table, then machine-readable lines "name value".
 */

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <drm_fourcc.h>
#include <wayland-client.h>

#include "bench-sizes.h"
#include "event-loop.h"
#include "harness/harness.h"
#include "harness/shm-file.h"
#include "wayland-sink.h"


static uint64_t last_done;
static int n_done;

static void
flip_done(void *data, uint64_t fb_cookie)
{
	last_done = fb_cookie;
	n_done++;
}

static const struct xd_display_source source = { flip_done, NULL };

struct bench_buffer {
	struct xd_guest_buffer base;
};

static void
bench_buffer_destroy(struct xd_guest_buffer *b)
{
	munmap(b->cpu, b->size);
	if (b->dmabuf_fd >= 0)
		close(b->dmabuf_fd);
	free(b);
}

static struct xd_guest_buffer *
make_buffer(uint32_t size, bool dmabuf, uint32_t fill)
{
	struct bench_buffer *b = calloc(1, sizeof *b);
	uint32_t *p;
	size_t i;
	int fd;

	fd = xd_shm_file_create(size, (void **)&p);
	for (i = 0; i < size / 4; i++)
		p[i] = fill;
	b->base.refcount = 1;
	b->base.size = size;
	b->base.cpu = p;
	b->base.provider = "bench";
	b->base.destroy = bench_buffer_destroy;
	/* Without a dma-buf the sink must take the copy path. */
	b->base.dmabuf_fd = dmabuf ? fd : -1;
	if (!dmabuf)
		close(fd);
	return &b->base;
}

static double
cpu_seconds(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* Flips two framebuffers alternately; returns CPU microseconds per flip. */
static double
run(struct xd_event_loop *loop, struct xd_wayland *w, const struct size *s,
    bool dmabuf, int flips, uint64_t cookie_base)
{
	struct xd_connector_info info = { 0, s->width, s->height, "bench" };
	struct xd_fb fb[2];
	void *conn = xd_wayland_sink_interface.connector_add(w, &source, &info);
	double t0, t1;
	int i, spins;

	for (i = 0; i < 2; i++) {
		fb[i] = (struct xd_fb){
			.cookie = cookie_base + i, .width = s->width,
			.height = s->height, .drm_format = DRM_FORMAT_XRGB8888,
			.pitch = s->width * 4,
			.buffer = make_buffer(s->width * s->height * 4, dmabuf,
					      i ? 0x00ff0000 : 0x000000ff),
		};
		XD_ASSERT(xd_wayland_sink_interface.fb_attach(w, &fb[i]) == 0,
			  "fb_attach");
		xd_guest_buffer_unref(fb[i].buffer);
		XD_ASSERT(strcmp(xd_wayland_fb_path(w, fb[i].cookie),
				 dmabuf ? "zero copy" : "copy") == 0,
			  "%s went %s", s->name,
			  xd_wayland_fb_path(w, fb[i].cookie));
	}

	t0 = cpu_seconds();
	for (i = 0; i < flips; i++) {
		XD_ASSERT(xd_wayland_sink_interface.page_flip(conn,
			  &fb[i & 1]) == 0, "page_flip");
		for (spins = 0; last_done != fb[i & 1].cookie; spins++) {
			XD_ASSERT(spins < 1000, "flip never completed");
			xd_wayland_flush(w);
			xd_event_loop_dispatch(loop, 10);
		}
	}
	t1 = cpu_seconds();

	xd_wayland_sink_interface.fb_detach(w, fb[0].cookie);
	xd_wayland_sink_interface.fb_detach(w, fb[1].cookie);
	xd_wayland_sink_interface.connector_remove(conn);
	xd_wayland_flush(w);
	return (t1 - t0) * 1e6 / flips;
}

int
main(int argc, char *argv[])
{
	struct xd_weston_options opt = { .width = 640, .height = 480 };
	int flips = argc > 1 ? atoi(argv[1]) : 120;
	double zc[BENCH_SIZES], cp[BENCH_SIZES];
	struct xd_weston *weston;
	struct xd_event_loop *loop;
	struct xd_wayland *w;
	char sock[512];
	size_t i;

	weston = xd_weston_start(&opt);
	snprintf(sock, sizeof sock, "%s/%s", weston->runtime_dir,
		 weston->socket);
	setenv("WAYLAND_DISPLAY", sock, 1);
	loop = xd_event_loop_create();
	w = xd_wayland_create(loop, "bench", 1);
	XD_ASSERT(w, "no compositor");

	for (i = 0; i < BENCH_SIZES; i++) {
		zc[i] = run(loop, w, &sizes[i], true, flips, 0x1000 + i * 16);
		cp[i] = run(loop, w, &sizes[i], false, flips, 0x2000 + i * 16);
	}

	printf("backend (Wayland half) CPU per flip, %d flips each, "
	       "XRGB8888\n", flips);
	printf("%-6s %12s %12s %8s\n", "size", "zero copy", "copy", "ratio");
	for (i = 0; i < BENCH_SIZES; i++)
		printf("%-6s %9.1f us %9.1f us %7.1fx\n", sizes[i].name,
		       zc[i], cp[i], cp[i] / zc[i]);
	printf("ratio_copy_vs_zero_copy_4k %.1f\n", cp[2] / zc[2]);
	printf("zero_copy_cost_growth_480p_to_4k %.2f\n", zc[2] / zc[0]);

	xd_wayland_destroy(w);
	xd_event_loop_destroy(loop);
	xd_weston_stop(weston);
	return 0;
}
