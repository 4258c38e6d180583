/* SPDX-License-Identifier: MIT */
/*
 * Guest test client of the Xen-in-QEMU rig: drives the guest's DRM device
 * (xen-drm-front) the way a simple KMS program does, with dumb buffers, a
 * mode set and page flips, and prints what it did as "XDG ..." lines that
 * dom0 reads from the guest console:
 *
 *   XDG start frames=N card=PATH
 *   XDG connector index=C id=ID status=connected mode=WxH crtc=ID
 *   XDG shown conn=C frame=F colour=0xRRGGBB ms=T    (frame F on screen)
 *   XDG error conn=C step=STEP errno=E msg=TEXT
 *   XDG result connectors=C frames=F flips=P events=E errors=K status=S
 *   XDG hold-limit frame=F      (--captured-go: no go from dom0 in time)
 *   XDG burst start n=N
 *   XDG burst done n=N us=T events=E errors=K
 *   XDG hog start n=N fbs_per_buffer=K small=M mode=WxH
 *   XDG hog error step=STEP index=I errno=E msg=TEXT   (first few per step)
 *   XDG hog done buffers=A buffer_errors=B fbs=C fb_errors=D pages=P
 *   XDG hog shown setcrtc=E flip=E event=0|1 ms=T
 *
 * With --hog N the client is a hostile guest instead (the rig's
 * hostile-buffers scenario): on the first connector it creates N dumb
 * buffers of the mode's size, each one a DBUF_CREATE whose grants dom0
 * must map, and attaches --hog-fbs framebuffers to each (FB_ATTACH), then
 * --hog-small M buffers of one page with a framebuffer each (many buffers
 * at little cost), going on past every error, and keeps them all. Then it shows the first
 * framebuffer it got (SETCRTC) and flips to the last one, and reports
 * what dom0 granted and refused; errno 0 means it worked.
 *
 * With --captured-go, --hold MS is a limit, not a pause: after showing
 * frame F the client flips to the next one as soon as dom0 writes F (or
 * more) to XD_CAPTURED under this domain's home, which dom0 does once its
 * capture of F is taken, so that no capture depends on how long it took.
 *
 * With --burst N, after the result line (which counts only the frames),
 * the client prints "burst start", waits for dom0's go (the XenStore node
 * XD_BURST_GO under this domain's home, any value: dom0 took the backend's
 * counters and its captures), then flips N times between its two buffers
 * as fast as the display completes them, without drawing: each flip
 * queued once the previous one's event came. The burst line gives the
 * guest's wall-clock time for the N flips and its own events and errors;
 * no "shown" line per flip. With N even the last frame's picture is on
 * screen again afterwards. No go within BURST_GO_WAIT_S is an error
 * (step=burst_go) and no burst.
 *
 * The picture of each frame is pattern.h's. Every request the frontend
 * sends to the backend is bounded by the kernel's own timeout, and every
 * wait for a flip event here is bounded too: a silent backend yields
 * errors in the report, never a hang.
 *
 * Raw ioctls from the kernel's uapi headers: no libdrm, links statically.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <drm/drm.h>
#include <drm/drm_fourcc.h>
#include <drm/drm_mode.h>

#include "pattern.h"
#include "xenbus.h"

#define MAX_CONNECTORS 4
#define MAX_MODES 64
#define MAX_ENCODERS 8
#define BUFFERS 2
#define XD_BURST_GO "data/xd-burst-go"
#define BURST_GO_WAIT_S 300
#define XD_CAPTURED "data/xd-captured"

struct buffer {
	uint32_t handle;
	uint32_t fb_id;
	uint32_t pitch;
	uint64_t size;
	uint32_t *pixels;
};

struct output {
	unsigned index;
	uint32_t connector_id;
	uint32_t crtc_id;
	struct drm_mode_modeinfo mode;
	struct buffer buffers[BUFFERS];
	int usable;
	int flip_pending;
	unsigned pending_frame;
	double flip_start_ms;
};

struct options {
	const char *card;
	unsigned frames;
	unsigned wait_card_s;
	unsigned flip_timeout_ms;
	unsigned hold_ms;
	bool captured_go;
	unsigned linger_s;
	unsigned burst;
	unsigned hog;
	unsigned hog_fbs;
	unsigned hog_small;
};

struct totals {
	unsigned frames;
	unsigned flips;
	unsigned events;
	unsigned errors;
};

static struct totals totals;

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

/* The guest kernel's own lines about its display (xen-drm-front says
 * why it refused or gave up), after an error: the guest's console is
 * quiet otherwise. */
static void
report_kernel_lines(void)
{
	char line[1024];
	ssize_t n;
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return;
	while ((n = read(fd, line, sizeof line - 1)) > 0) {
		line[n] = '\0';
		if (strstr(line, "xen") || strstr(line, "drm") ||
		    strstr(line, "DRM"))
			printf("XDG kmsg %s", line);
	}
	close(fd);
	fflush(stdout);
}

static void
report_error(int conn, const char *step, int err)
{
	totals.errors++;
	printf("XDG error conn=%d step=%s errno=%d msg=\"%s\"\n",
	       conn, step, err, strerror(err));
	fflush(stdout);
	report_kernel_lines();
}

/* ioctl, retried on signals; returns 0 or an errno value. */
static int
drm_ioctl(int fd, unsigned long request, void *arg)
{
	int ret;

	do {
		ret = ioctl(fd, request, arg);
	} while (ret == -1 && (errno == EINTR || errno == EAGAIN));
	return ret == -1 ? errno : 0;
}

static int
open_card(const struct options *opt)
{
	double deadline = now_ms() + opt->wait_card_s * 1000.0;
	int fd;

	for (;;) {
		fd = open(opt->card, O_RDWR | O_CLOEXEC);
		if (fd >= 0)
			return fd;
		if (now_ms() > deadline) {
			report_error(-1, "open_card", errno);
			return -1;
		}
		usleep(100 * 1000);
	}
}

static int
find_crtc(int fd, uint32_t *encoders, unsigned count, unsigned crtc_count,
	  uint32_t taken)
{
	struct drm_mode_get_encoder enc;
	unsigned e, c;

	for (e = 0; e < count; e++) {
		memset(&enc, 0, sizeof enc);
		enc.encoder_id = encoders[e];
		if (drm_ioctl(fd, DRM_IOCTL_MODE_GETENCODER, &enc))
			continue;
		for (c = 0; c < crtc_count && c < 32; c++) {
			if ((enc.possible_crtcs & (1u << c)) &&
			    !(taken & (1u << c)))
				return (int)c;
		}
	}
	return -1;
}

/* Fill OUTS with the connected connectors; returns how many. */
static unsigned
find_outputs(int fd, struct output *outs)
{
	struct drm_mode_card_res res;
	struct drm_mode_get_connector conn;
	uint32_t conn_ids[MAX_CONNECTORS], crtc_ids[32];
	uint32_t enc_ids[MAX_ENCODERS];
	struct drm_mode_modeinfo modes[MAX_MODES];
	uint32_t taken = 0;
	unsigned i, n = 0;
	int crtc, err;

	memset(&res, 0, sizeof res);
	err = drm_ioctl(fd, DRM_IOCTL_MODE_GETRESOURCES, &res);
	if (err) {
		report_error(-1, "getresources", err);
		return 0;
	}
	if (res.count_connectors > MAX_CONNECTORS)
		res.count_connectors = MAX_CONNECTORS;
	if (res.count_crtcs > 32)
		res.count_crtcs = 32;
	res.count_fbs = 0;
	res.count_encoders = 0;
	res.connector_id_ptr = (uintptr_t)conn_ids;
	res.crtc_id_ptr = (uintptr_t)crtc_ids;
	err = drm_ioctl(fd, DRM_IOCTL_MODE_GETRESOURCES, &res);
	if (err) {
		report_error(-1, "getresources", err);
		return 0;
	}

	for (i = 0; i < res.count_connectors; i++) {
		memset(&conn, 0, sizeof conn);
		conn.connector_id = conn_ids[i];
		err = drm_ioctl(fd, DRM_IOCTL_MODE_GETCONNECTOR, &conn);
		if (err) {
			report_error(i, "getconnector", err);
			continue;
		}
		if (conn.count_modes > MAX_MODES)
			conn.count_modes = MAX_MODES;
		if (conn.count_encoders > MAX_ENCODERS)
			conn.count_encoders = MAX_ENCODERS;
		conn.count_props = 0;
		conn.modes_ptr = (uintptr_t)modes;
		conn.encoders_ptr = (uintptr_t)enc_ids;
		err = drm_ioctl(fd, DRM_IOCTL_MODE_GETCONNECTOR, &conn);
		if (err) {
			report_error(i, "getconnector", err);
			continue;
		}
		if (conn.connection != 1 || conn.count_modes == 0) {
			printf("XDG connector index=%u id=%u status=%s modes=%u\n",
			       i, conn.connector_id,
			       conn.connection == 1 ? "connected" :
			       "disconnected", conn.count_modes);
			continue;
		}
		crtc = find_crtc(fd, enc_ids, conn.count_encoders,
				 res.count_crtcs, taken);
		if (crtc < 0) {
			report_error(i, "find_crtc", ENODEV);
			continue;
		}
		taken |= 1u << crtc;
		memset(&outs[n], 0, sizeof outs[n]);
		outs[n].index = i;
		outs[n].connector_id = conn.connector_id;
		outs[n].crtc_id = crtc_ids[crtc];
		outs[n].mode = modes[0];
		printf("XDG connector index=%u id=%u status=connected "
		       "mode=%ux%u crtc=%u\n", i, conn.connector_id,
		       modes[0].hdisplay, modes[0].vdisplay, crtc_ids[crtc]);
		n++;
	}
	fflush(stdout);
	return n;
}

static int
create_buffer(int fd, struct output *out, struct buffer *buf)
{
	struct drm_mode_create_dumb create = {
		.width = out->mode.hdisplay,
		.height = out->mode.vdisplay,
		.bpp = 32,
	};
	struct drm_mode_fb_cmd2 fb;
	struct drm_mode_map_dumb map;
	void *pixels;
	int err;

	err = drm_ioctl(fd, DRM_IOCTL_MODE_CREATE_DUMB, &create);
	if (err) {
		report_error(out->index, "create_dumb", err);
		return -1;
	}
	buf->handle = create.handle;
	buf->pitch = create.pitch;
	buf->size = create.size;

	memset(&fb, 0, sizeof fb);
	fb.width = create.width;
	fb.height = create.height;
	fb.pixel_format = DRM_FORMAT_XRGB8888;
	fb.handles[0] = create.handle;
	fb.pitches[0] = create.pitch;
	err = drm_ioctl(fd, DRM_IOCTL_MODE_ADDFB2, &fb);
	if (err) {
		report_error(out->index, "addfb2", err);
		return -1;
	}
	buf->fb_id = fb.fb_id;

	memset(&map, 0, sizeof map);
	map.handle = create.handle;
	err = drm_ioctl(fd, DRM_IOCTL_MODE_MAP_DUMB, &map);
	if (err) {
		report_error(out->index, "map_dumb", err);
		return -1;
	}
	pixels = mmap(NULL, create.size, PROT_READ | PROT_WRITE, MAP_SHARED,
		      fd, map.offset);
	if (pixels == MAP_FAILED) {
		report_error(out->index, "mmap", errno);
		return -1;
	}
	buf->pixels = pixels;
	return 0;
}

static void
draw_frame(struct output *out, struct buffer *buf, unsigned frame)
{
	unsigned w = out->mode.hdisplay, h = out->mode.vdisplay;
	unsigned x, y;
	uint32_t *row;

	for (y = 0; y < h; y++) {
		row = (uint32_t *)((char *)buf->pixels + (size_t)y * buf->pitch);
		for (x = 0; x < w; x++)
			row[x] = xd_pattern_pixel(frame, out->index, x, y, w, h);
	}
}

static void
report_shown(struct output *out, unsigned frame, double ms)
{
	printf("XDG shown conn=%u frame=%u colour=0x%06x ms=%.1f\n",
	       out->index, frame,
	       xd_pattern_pixel(frame, out->index, 0, 0, 2, 2), ms);
	fflush(stdout);
	totals.frames++;
}

static int
set_mode(int fd, struct output *out)
{
	struct drm_mode_crtc crtc;
	double t0 = now_ms();
	int err;

	draw_frame(out, &out->buffers[0], 0);
	memset(&crtc, 0, sizeof crtc);
	crtc.crtc_id = out->crtc_id;
	crtc.fb_id = out->buffers[0].fb_id;
	crtc.set_connectors_ptr = (uintptr_t)&out->connector_id;
	crtc.count_connectors = 1;
	crtc.mode = out->mode;
	crtc.mode_valid = 1;
	err = drm_ioctl(fd, DRM_IOCTL_MODE_SETCRTC, &crtc);
	if (err) {
		report_error(out->index, "setcrtc", err);
		return -1;
	}
	report_shown(out, 0, now_ms() - t0);
	return 0;
}

/* Flip to buffer FRAME % BUFFERS, drawn with frame FRAME first if DRAW. */
static int
queue_flip(int fd, struct output *out, unsigned frame, int draw)
{
	struct buffer *buf = &out->buffers[frame % BUFFERS];
	struct drm_mode_crtc_page_flip flip;
	int err;

	if (draw)
		draw_frame(out, buf, frame);
	memset(&flip, 0, sizeof flip);
	flip.crtc_id = out->crtc_id;
	flip.fb_id = buf->fb_id;
	flip.flags = DRM_MODE_PAGE_FLIP_EVENT;
	flip.user_data = (uintptr_t)out;
	out->flip_start_ms = now_ms();
	err = drm_ioctl(fd, DRM_IOCTL_MODE_PAGE_FLIP, &flip);
	if (err) {
		report_error(out->index, "page_flip", err);
		return -1;
	}
	totals.flips++;
	out->flip_pending = 1;
	out->pending_frame = frame;
	return 0;
}

/* Read flip-complete events until none is pending or TIMEOUT_MS passed;
 * a "shown" line for each unless QUIET.
 */
static void
wait_flips(int fd, struct output *outs, unsigned count, unsigned timeout_ms,
	   int quiet)
{
	double deadline = now_ms() + timeout_ms;
	char data[1024];
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	struct drm_event *ev;
	struct drm_event_vblank *vb;
	struct output *out;
	unsigned i, pending;
	ssize_t len, off;
	int left;

	for (;;) {
		pending = 0;
		for (i = 0; i < count; i++)
			pending += outs[i].flip_pending;
		if (pending == 0)
			return;
		left = (int)(deadline - now_ms());
		if (left <= 0 || poll(&pfd, 1, left) <= 0)
			break;
		len = read(fd, data, sizeof data);
		for (off = 0; len > 0 && off + (ssize_t)sizeof *ev <= len;
		     off += ev->length) {
			ev = (struct drm_event *)(data + off);
			if (ev->length < sizeof *ev || off + ev->length > len)
				break;
			if (ev->type != DRM_EVENT_FLIP_COMPLETE)
				continue;
			vb = (struct drm_event_vblank *)ev;
			for (i = 0; i < count; i++) {
				out = &outs[i];
				if ((uintptr_t)out != vb->user_data ||
				    !out->flip_pending)
					continue;
				out->flip_pending = 0;
				totals.events++;
				if (!quiet)
					report_shown(out, out->pending_frame,
						     now_ms() -
						     out->flip_start_ms);
			}
		}
	}
	for (i = 0; i < count; i++) {
		if (!outs[i].flip_pending)
			continue;
		outs[i].flip_pending = 0;
		report_error(outs[i].index, "flip_event", ETIMEDOUT);
	}
}

/* Polls XenStore every 100 ms until NODE (under this domain's home) holds
 * a number of AT_LEAST or more (any value for 0), for at most LIMIT_MS: 0,
 * or the errno that stopped it (ETIMEDOUT). dom0's goes: XD_BURST_GO,
 * XD_CAPTURED.
 */
static int
wait_node(const char *node, double limit_ms, unsigned long at_least)
{
	double deadline = now_ms() + limit_ms;
	char value[64];
	int err = 0;

	xs_fd = open("/dev/xen/xenbus", O_RDWR | O_CLOEXEC);
	if (xs_fd < 0)
		return errno;
	while (xs_call(XS_READ, node, NULL, 0, value, sizeof value) < 0 ||
	       strtoul(value, NULL, 10) < at_least) {
		if (now_ms() > deadline) {
			err = ETIMEDOUT;
			break;
		}
		usleep(100 * 1000);
	}
	close(xs_fd);
	xs_fd = -1;
	return err;
}

/* --captured-go: holds frame FRAME until dom0 captured it, at most
 * opt->hold_ms.
 */
static void
wait_captured(const struct options *opt, unsigned frame)
{
	if (wait_node(XD_CAPTURED, opt->hold_ms, frame) != 0) {
		printf("XDG hold-limit frame=%u\n", frame);
		fflush(stdout);
	}
}

static void
run(int fd, const struct options *opt, struct output *outs, unsigned count)
{
	unsigned i, b, frame;

	for (i = 0; i < count; i++) {
		outs[i].usable = 1;
		for (b = 0; b < BUFFERS && outs[i].usable; b++)
			if (create_buffer(fd, &outs[i], &outs[i].buffers[b]))
				outs[i].usable = 0;
		if (outs[i].usable && set_mode(fd, &outs[i]))
			outs[i].usable = 0;
	}
	for (frame = 1; frame < opt->frames; frame++) {
		if (opt->captured_go)
			wait_captured(opt, frame - 1);
		else if (opt->hold_ms)
			usleep(opt->hold_ms * 1000);
		for (i = 0; i < count; i++)
			if (outs[i].usable && queue_flip(fd, &outs[i], frame, 1))
				outs[i].usable = 0;
		wait_flips(fd, outs, count, opt->flip_timeout_ms, 0);
	}
}

/* Waits for XD_BURST_GO, any value; 0 once it is there. */
static int
wait_burst_go(void)
{
	int err = wait_node(XD_BURST_GO, BURST_GO_WAIT_S * 1000.0, 0);

	if (err)
		report_error(-1, "burst_go", err);
	return err ? -1 : 0;
}

/* After run() and the result line, once dom0 said go: opt->burst flips
 * of every usable output, alternating between the buffers as drawn (frame
 * numbers go on from opt->frames, so the first flip shows the buffer that
 * is not on screen).
 */
static void
burst(int fd, const struct options *opt, struct output *outs, unsigned count)
{
	unsigned events = totals.events, errors = totals.errors;
	unsigned n, i;
	double t0;
	int go;

	printf("XDG burst start n=%u\n", opt->burst);
	fflush(stdout);
	go = wait_burst_go() == 0;
	t0 = now_ms();
	for (n = 0; go && n < opt->burst; n++) {
		for (i = 0; i < count; i++)
			if (outs[i].usable &&
			    queue_flip(fd, &outs[i], opt->frames + n, 0))
				outs[i].usable = 0;
		wait_flips(fd, outs, count, opt->flip_timeout_ms, 1);
	}
	printf("XDG burst done n=%u us=%.0f events=%u errors=%u\n",
	       opt->burst, (now_ms() - t0) * 1000.0, totals.events - events,
	       totals.errors - errors);
	fflush(stdout);
}

/* Prints the first few errors of a step (the console stays short). */
static void
hog_error(const char *step, unsigned index, int err, unsigned *count)
{
	if ((*count)++ < 3)
		printf("XDG hog error step=%s index=%u errno=%d msg=\"%s\"\n",
		       step, index, err, strerror(err));
}

/* --hog: many dumb buffers and framebuffers on OUT, all kept; then one
 * shown and a flip to another.
 */
static void
hog(int fd, const struct options *opt, struct output *out)
{
	struct drm_mode_create_dumb create;
	struct drm_mode_fb_cmd2 fb;
	struct drm_mode_crtc crtc;
	uint32_t first_fb = 0, last_fb = 0;
	unsigned buffers = 0, buffer_errors = 0, fbs = 0, fb_errors = 0;
	unsigned long long pages = 0;
	int set_err, flip_err = -1, event = 0;
	unsigned i, k;
	double t0;

	printf("XDG hog start n=%u fbs_per_buffer=%u small=%u mode=%ux%u\n",
	       opt->hog, opt->hog_fbs, opt->hog_small, out->mode.hdisplay,
	       out->mode.vdisplay);
	fflush(stdout);
	for (i = 0; i < opt->hog + opt->hog_small; i++) {
		bool small = i >= opt->hog;

		memset(&create, 0, sizeof create);
		create.width = small ? 32 : out->mode.hdisplay;
		create.height = small ? 32 : out->mode.vdisplay;
		create.bpp = 32;
		set_err = drm_ioctl(fd, DRM_IOCTL_MODE_CREATE_DUMB, &create);
		if (set_err) {
			hog_error("create_dumb", i, set_err, &buffer_errors);
			continue;
		}
		buffers++;
		pages += (create.size + 4095) / 4096;
		for (k = 0; k < (small ? 1 : opt->hog_fbs); k++) {
			memset(&fb, 0, sizeof fb);
			fb.width = create.width;
			fb.height = create.height;
			fb.pixel_format = DRM_FORMAT_XRGB8888;
			fb.handles[0] = create.handle;
			fb.pitches[0] = create.pitch;
			set_err = drm_ioctl(fd, DRM_IOCTL_MODE_ADDFB2, &fb);
			if (set_err) {
				hog_error("addfb2", i, set_err, &fb_errors);
				continue;
			}
			fbs++;
			/* Shown: full-size ones only, as the mode wants. */
			if (small)
				continue;
			if (!first_fb)
				first_fb = fb.fb_id;
			last_fb = fb.fb_id;
		}
	}
	printf("XDG hog done buffers=%u buffer_errors=%u fbs=%u fb_errors=%u "
	       "pages=%llu\n", buffers, buffer_errors, fbs, fb_errors, pages);
	fflush(stdout);

	set_err = ENOENT;
	t0 = now_ms();
	if (first_fb) {
		memset(&crtc, 0, sizeof crtc);
		crtc.crtc_id = out->crtc_id;
		crtc.fb_id = first_fb;
		crtc.set_connectors_ptr = (uintptr_t)&out->connector_id;
		crtc.count_connectors = 1;
		crtc.mode = out->mode;
		crtc.mode_valid = 1;
		set_err = drm_ioctl(fd, DRM_IOCTL_MODE_SETCRTC, &crtc);
	}
	if (!set_err && last_fb != first_fb) {
		struct drm_mode_crtc_page_flip flip = {
			.crtc_id = out->crtc_id,
			.fb_id = last_fb,
			.flags = DRM_MODE_PAGE_FLIP_EVENT,
			.user_data = (uintptr_t)out,
		};

		t0 = now_ms();
		flip_err = drm_ioctl(fd, DRM_IOCTL_MODE_PAGE_FLIP, &flip);
		if (!flip_err) {
			out->flip_pending = 1;
			wait_flips(fd, out, 1, opt->flip_timeout_ms, 1);
			event = totals.events > 0;
		}
	}
	printf("XDG hog shown setcrtc=%d flip=%d event=%d ms=%.1f\n", set_err,
	       flip_err, event, now_ms() - t0);
	fflush(stdout);
}

static unsigned
parse_uint(const char *s, const char *what)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v > 1000000) {
		fprintf(stderr, "bad %s: %s\n", what, s);
		exit(2);
	}
	return (unsigned)v;
}

static void
usage(void)
{
	fprintf(stderr,
		"usage: xd-guest-client [--card PATH] [--frames N] "
		"[--wait-card S]\n"
		"       [--flip-timeout MS] [--hold MS] [--captured-go] "
		"[--burst N] "
		"[--linger S]\n"
		"       [--hog N] [--hog-fbs K] [--hog-small M]\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	struct options opt = {
		.card = "/dev/dri/card0",
		.frames = 8,
		.wait_card_s = 30,
		.flip_timeout_ms = 10000,
		.hold_ms = 0,
		.linger_s = 0,
		.burst = 0,
		.hog = 0,
		.hog_fbs = 2,
		.hog_small = 0,
	};
	struct output outs[MAX_CONNECTORS];
	unsigned count, i;
	int fd;

	for (i = 1; i < (unsigned)argc; i++) {
		if (!strcmp(argv[i], "--captured-go")) {
			opt.captured_go = true;
			continue;
		}
		if (i + 1 >= (unsigned)argc)
			usage();
		if (!strcmp(argv[i], "--card"))
			opt.card = argv[++i];
		else if (!strcmp(argv[i], "--frames"))
			opt.frames = parse_uint(argv[++i], "frames");
		else if (!strcmp(argv[i], "--wait-card"))
			opt.wait_card_s = parse_uint(argv[++i], "wait-card");
		else if (!strcmp(argv[i], "--flip-timeout"))
			opt.flip_timeout_ms = parse_uint(argv[++i],
							 "flip-timeout");
		else if (!strcmp(argv[i], "--hold"))
			opt.hold_ms = parse_uint(argv[++i], "hold");
		else if (!strcmp(argv[i], "--burst"))
			opt.burst = parse_uint(argv[++i], "burst");
		else if (!strcmp(argv[i], "--hog"))
			opt.hog = parse_uint(argv[++i], "hog");
		else if (!strcmp(argv[i], "--hog-fbs"))
			opt.hog_fbs = parse_uint(argv[++i], "hog-fbs");
		else if (!strcmp(argv[i], "--hog-small"))
			opt.hog_small = parse_uint(argv[++i], "hog-small");
		else if (!strcmp(argv[i], "--linger"))
			opt.linger_s = parse_uint(argv[++i], "linger");
		else
			usage();
	}

	printf("XDG start frames=%u card=%s\n", opt.frames, opt.card);
	fflush(stdout);
	count = 0;
	fd = open_card(&opt);
	if (fd >= 0) {
		count = find_outputs(fd, outs);
		if (count == 0)
			report_error(-1, "find_outputs", ENODEV);
		else if (opt.hog)
			hog(fd, &opt, &outs[0]);
		else
			run(fd, &opt, outs, count);
	}
	printf("XDG result connectors=%u frames=%u flips=%u events=%u "
	       "errors=%u status=%s\n", count, totals.frames, totals.flips,
	       totals.events, totals.errors, totals.errors ? "error" : "ok");
	fflush(stdout);
	if (count > 0 && opt.burst)
		burst(fd, &opt, outs, count);
	/* Keep the last frame on screen for captures; closing the card
	 * would take the framebuffers down. */
	if (opt.linger_s)
		sleep(opt.linger_s);
	return totals.errors ? 1 : 0;
}
