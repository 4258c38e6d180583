/* SPDX-License-Identifier: MIT */
/*
 * xd-demo: the headless demo behind tools/demo.sh. A simulated guest
 * (xd-sim) with one 640x480 connector flips FRAMES frames through the
 * real backend into headless Weston with our module, which frames and
 * names it (over its edges: it fills the output); the demo leaves a PNG
 * of Weston's output and a short report in OUT_DIR.
 *
 *   xd-demo OUT_DIR [FRAMES]
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/label-style.h"
#include "harness/harness.h"
#include "label-render.h"
#include "sim-pattern.h"
#include "sim-process.h"

#define W 640
#define H 480

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* What the output shows at (x, y): the module's frame and name over the
 * picture's edges, the guest's pattern elsewhere. */
static uint32_t
expected(const struct xd_label_image *label, int frame, int x, int y)
{
	const int b = XD_LABEL_BORDER;

	if (label && x >= b && y >= b && x - b < (int)label->width &&
	    y - b < (int)label->height)
		return label->pixels[(y - b) * (label->stride / 4) + x - b] &
		       0xffffff;
	if (x < b || y < b || x >= W - b || y >= H - b)
		return XD_LABEL_DEFAULT_COLOR & 0xffffff;
	return xd_sim_pattern(1, 0, frame, x, y);
}

/* The value after key in Weston's log, up to the line's end. */
static void
log_value(const char *log, const char *key, char *out, size_t size)
{
	const char *p = log ? strstr(log, key) : NULL;
	size_t n = 0;

	snprintf(out, size, "unknown");
	if (!p)
		return;
	p += strlen(key);
	while (p[n] && p[n] != '\n' && n < size - 1)
		n++;
	snprintf(out, size, "%.*s", (int)n, p);
}

int
main(int argc, char *argv[])
{
	struct xd_weston_options opt = {
		.width = W, .height = H, .load_module = true,
	};
	char dir[] = "/tmp/xd-demo-XXXXXX", path[512], provider[160];
	struct xd_sim_process *sim;
	struct xd_weston *weston;
	struct wl_display *display;
	struct xd_image *img;
	struct xd_label_image *label;
	const char *line;
	int frames = argc > 2 ? atoi(argv[2]) : 120;
	int shown = 0, f;
	long bad = 0;
	double t0, t;
	char *config, *log;
	FILE *report;
	int x, y;

	if (argc < 2 || frames < 1) {
		fprintf(stderr, "usage: xd-demo OUT_DIR [FRAMES]\n");
		return 2;
	}
	XD_ASSERT(mkdtemp(dir), "mkdtemp");
	sim = xd_sim_process_start(dir);
	XD_ASSERT(asprintf(&config, "[xen-display]\nxen=sim:%s\nbackend=%s\n"
			   "sandbox-path=%s\nlabeler-path=%s\n", sim->socket,
			   XD_BACKEND_PATH, XD_SANDBOX_PATH,
			   XD_LABELER_PATH) > 0, "asprintf");
	opt.config = config;
	weston = xd_weston_start(&opt);
	free(config);
	display = xd_weston_connect(weston);

	printf("xd-demo: guest 'demo-guest' connects, %dx%d\n", W, H);
	fflush(stdout);
	xd_sim_ok(sim, 30000, "guest 1 demo-guest %dx%d", W, H);
	t0 = now_s();
	for (f = 0; f < frames; f++) {
		line = xd_sim_command(sim, 15000, "show 1 0 %d", f);
		if (line && strncmp(line, "ok", 2) == 0)
			shown++;
	}
	t = now_s() - t0;

	label = xd_label_render("demo-guest", XD_LABEL_DEFAULT_COLOR,
				XD_LABEL_HEIGHT, XD_LABEL_MAX_WIDTH);
	XD_ASSERT(label, "cannot render the expected label");
	img = xd_capture_output(display, NULL);
	for (y = 0; y < H; y++)
		for (x = 0; x < W; x++)
			if (xd_image_pixel(img, x, y) !=
			    expected(label, frames - 1, x, y))
				bad++;
	snprintf(path, sizeof path, "%s/screen.png", argv[1]);
	XD_ASSERT(xd_image_write_png(img, path) == 0, "cannot write %s", path);

	log = xd_weston_read_log(weston);
	log_value(log, "guest buffers come from provider ", provider,
		  sizeof provider);
	snprintf(path, sizeof path, "%s/report.txt", argv[1]);
	report = fopen(path, "w");
	XD_ASSERT(report, "cannot write %s", path);
	fprintf(report,
		"guest:            demo-guest (simulated Xen, xen-drm-front "
		"behaviour)\n"
		"connector:        0, %dx%d XRGB8888\n"
		"frames flipped:   %d of %d, each completed by "
		"PG_FLIP_COMPLETE\n"
		"frame rate:       %.1f frames/s (Weston paced)\n"
		"last frame:       %s on Weston's output (%ld pixels differ),\n"
		"                  framed and named demo-guest by the module\n"
		"buffer provider:  %s\n",
		W, H, shown, frames, shown / t,
		bad ? "WRONG" : "pixel-exact", bad, provider);
	fclose(report);
	snprintf(path, sizeof path, "cat %s/report.txt", argv[1]);
	if (system(path) != 0)
		return 1;

	free(log);
	xd_label_image_destroy(label);
	xd_image_destroy(img);
	xd_weston_stop(weston);
	xd_sim_process_stop(sim);
	return shown == frames && bad == 0 ? 0 : 1;
}
