/* SPDX-License-Identifier: MIT */
/*
 * The headless-Weston test harness. See doc/testing.md.
 *
 * A test is a program: it starts a private Weston, talks to it as clients
 * do, captures outputs and checks pixels. Whatever way it ends (assertion,
 * crash, meson's timeout), Weston and everything it launched go with it.
 */

#ifndef XD_TEST_HARNESS_H
#define XD_TEST_HARNESS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

struct wl_display;
struct wl_surface;

/* Dumps the running Weston's log; XD_ASSERT calls it on failure. */
void
xd_harness_failed(void);

/* Fails the test with a message; teardown runs from atexit. */
#define XD_ASSERT(cond, ...) do {					\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: assertion '%s' failed: ",	\
			__FILE__, __LINE__, #cond);			\
		fprintf(stderr, __VA_ARGS__);				\
		fprintf(stderr, "\n");					\
		xd_harness_failed();					\
		exit(EXIT_FAILURE);					\
	}								\
} while (0)

#define XD_TEST_SKIP 77		/* meson's exit code for a skipped test */

/*
 * A test program made of cases: each is declared once, where it is
 * defined, and nowhere else:
 *
 *	XD_TEST(two_guests)
 *	{
 *		...
 *	}
 *
 * The program is linked with harness/test-runner.c (its main()), which
 * runs the case named on the command line ("two-guests": the identifier
 * with '-' for '_') and fails on any other name; "--list" prints the
 * names. tests/meson.build reads the XD_TEST( lines of the source (at
 * the start of a line, as above) and makes one meson test of each case,
 * so a case cannot be defined and never run. The entries go into a
 * section of their own, as Weston's TEST() does.
 */
struct xd_test {
	const char *name;	/* the identifier, '_' read as '-' */
	void (*run)(void);
} __attribute__((aligned(16)));

#define XD_TEST(name)							\
	static void xd_test_##name(void);				\
	static const struct xd_test xd_test_entry_##name		\
		__attribute__((used, section("xd_test_section"))) = {	\
		#name, xd_test_##name					\
	};								\
	static void xd_test_##name(void)

/* Optional, once per program: fn runs after the case returns (a failed
 * assertion exits before), e.g. to stop Weston and report whether it
 * died during the case. */
#define XD_TEST_TEARDOWN(fn)						\
	void (*const xd_test_teardown)(void) = fn

extern void (*const xd_test_teardown)(void) __attribute__((weak));

/* ---- Weston ---------------------------------------------------------- */

struct xd_weston_options {
	const char *backend;		/* "headless" (default) or "vnc" */
	const char *renderer;		/* "gl" (default) or "pixman" */
	const char *shell;		/* "kiosk" (default), "desktop", ... */
	int width, height;		/* output size, default 320x240 */
	int outputs;			/* headless outputs, default 1 */
	const char *config;		/* weston.ini text, or NULL for none */
	bool load_module;		/* load our xen-display.so */
	const char *extra_env;		/* "K=V K2=V2" added to Weston's env */
	int refresh_mhz;		/* headless refresh, 0: Weston's 60 Hz */
	bool seat;			/* an input seat without devices */
	/* Weston's stderr, which its children (backends) inherit, into
	 * its log too (appended), so xd_weston_wait_log() sees theirs. */
	bool stderr_to_log;
	/* Weston's timeline scope into its log too (benchmarks: the times
	 * of its repaints). */
	bool timeline;
};

struct xd_weston {
	int pid;
	char *runtime_dir;		/* private XDG_RUNTIME_DIR */
	char *socket;			/* WAYLAND_DISPLAY name */
	char *log_path;			/* Weston's log with our scope in it */
	char *config_path;
	/* VNC backend: where it listens on 127.0.0.1, and credentials
	 * that pass its PAM check (rfb-client.h). Port -1 otherwise. */
	int vnc_port;
	char *vnc_user;
	char *vnc_password;
};

/* Starts Weston and returns once it answers a client roundtrip (and, with
 * the VNC backend, listens for VNC clients). The VNC backend creates its
 * seat and powers its output on only while a VNC client is connected:
 * connect one (xd_rfb_connect) before a window or a seat is needed.
 * Skips the test (exit 77) for the VNC backend when not root. */
struct xd_weston *
xd_weston_start(const struct xd_weston_options *options);

/* Connects a new client to it. */
struct wl_display *
xd_weston_connect(struct xd_weston *weston);

/* Reads Weston's whole log so far (caller frees). */
char *
xd_weston_read_log(struct xd_weston *weston);

/* Whether Weston's log so far contains text. */
bool
xd_weston_log_has(struct xd_weston *weston, const char *text);

/* Polls Weston's log until it contains text or timeout_ms passes. */
bool
xd_weston_wait_log(struct xd_weston *weston, const char *text,
		   int timeout_ms);

/* Stops Weston and its process group and frees w. Fails the test if
 * Weston died before: a crash under a test is a failure even when every
 * assertion held. */
void
xd_weston_stop(struct xd_weston *weston);

/* ---- Capture --------------------------------------------------------- */

/* An output's composited pixels, as 0xAARRGGBB words, top row first. */
struct xd_image {
	int width, height;
	uint32_t *pixels;
};

/* Captures the output whose wl_output name is output_name (NULL: the
 * first output) through weston_capture_v1. */
struct xd_image *
xd_capture_output(struct wl_display *display, const char *output_name);

void
xd_image_destroy(struct xd_image *image);

static inline uint32_t
xd_image_pixel(const struct xd_image *image, int x, int y)
{
	return image->pixels[(size_t)y * image->width + x] & 0x00ffffff;
}

/* Counts pixels equal to rgb (0xRRGGBB) inside the rectangle. */
long
xd_image_count(const struct xd_image *image, int x, int y, int w, int h,
	       uint32_t rgb);

/* Writes the image as PNG; returns 0 on success. */
int
xd_image_write_png(const struct xd_image *image, const char *path);

/* Where a test leaves its artefacts (captures, logs) for a human. */
const char *
xd_test_output_dir(void);

/* ---- A known client -------------------------------------------------- */

enum xd_buffer_kind {
	XD_BUFFER_SHM,			/* wl_shm */
	XD_BUFFER_DMABUF_MEMFD,		/* zwp_linux_dmabuf_v1 over a memfd */
};

struct xd_test_window;

/* Shows a width x height XRGB8888 toplevel of one colour and returns once
 * the compositor has drawn it (its frame callback fired). */
struct xd_test_window *
xd_test_window_create(struct wl_display *display, int width, int height,
		      uint32_t rgb, enum xd_buffer_kind kind);

void
xd_test_window_destroy(struct xd_test_window *window);

/* Its wl_surface, to tell input events meant for it. */
struct wl_surface *
xd_test_window_surface(struct xd_test_window *window);

/* ---- Input a client receives ----------------------------------------- */

enum xd_seat_event_kind {
	XD_SEAT_KEYBOARD_ENTER,
	XD_SEAT_KEYBOARD_LEAVE,
	XD_SEAT_KEY,			/* code: evdev key, state */
	XD_SEAT_MODIFIERS,		/* mods_depressed, mods_locked */
	XD_SEAT_POINTER_ENTER,		/* x, y */
	XD_SEAT_POINTER_LEAVE,
	XD_SEAT_MOTION,		/* x, y */
	XD_SEAT_BUTTON,		/* code: evdev button, state */
	XD_SEAT_AXIS,			/* axis, value */
	XD_SEAT_AXIS_VALUE120,		/* axis, value (in 1/120 steps) */
	XD_SEAT_FRAME,
};

/* One wl_keyboard or wl_pointer event, as the client got it. */
struct xd_seat_event {
	enum xd_seat_event_kind kind;
	struct wl_surface *surface;	/* enter/leave: which surface */
	uint32_t code;
	uint32_t state;			/* WL_KEYBOARD_KEY_STATE_* or
					 * WL_POINTER_BUTTON_STATE_* */
	uint32_t mods_depressed, mods_locked;
	uint32_t axis;
	double x, y;			/* surface-local */
	double value;
};

struct xd_seat_recorder;

/* Binds the compositor's first wl_seat and its keyboard and pointer, and
 * records their events from then on. Waits up to timeout_ms for a seat
 * with both to appear (the VNC backend makes its seat only when a VNC
 * client connects). */
struct xd_seat_recorder *
xd_seat_recorder_create(struct wl_display *display, int timeout_ms);

/* The events recorded so far, oldest first (valid until the next
 * dispatch or clear). */
const struct xd_seat_event *
xd_seat_recorder_events(struct xd_seat_recorder *recorder, int *count);

/* Forgets the events recorded so far. */
void
xd_seat_recorder_clear(struct xd_seat_recorder *recorder);

void
xd_seat_recorder_destroy(struct xd_seat_recorder *recorder);

#endif
