/* SPDX-License-Identifier: MIT */
/*
 * Every backend process is confined by the kernel, whatever binary
 * weston.ini's backend= names: the module starts it through
 * xen-display-sandbox (plugin/sandbox/). Headless Weston with the module
 * and a simulated guest (xd-sim):
 *
 * - probe_refused: backend= is sandbox-probe, a compromised backend, which
 *   tries to read and write files outside what a backend needs, open
 *   Xen devices, ptrace, read the memory of and signal Weston, open an
 *   Internet socket, connect to Weston's Wayland socket by name and make
 *   a user namespace. Every attempt must be refused.
 * - backend_confined: the real backend under the sandbox still shows its
 *   guest pixel for pixel, and runs with no_new_privs and a seccomp
 *   filter, over the simulator connection the sandbox made.
 *
 *   test-sandbox CASE | --list
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/harness.h"
#include "sim/backend-process.h"
#include "sim/sim-pattern.h"
#include "sim/sim-process.h"

#define W 320
#define H 240
#define SHOW_MS 15000

static struct xd_sim_process *sim;
static struct xd_weston *weston;
static struct wl_display *display;
static char dir[] = "/tmp/xd-sandbox-XXXXXX";

static void
stop_all(void)
{
	char path[600];

	if (sim)
		xd_sim_process_stop(sim);
	snprintf(path, sizeof path, "%s/secret", dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/planted", dir);
	unlink(path);
}

static void
start(const char *backend)
{
	struct xd_weston_options opt = {
		.width = W,
		.height = H,
		.load_module = true,
		.stderr_to_log = true,
	};
	static char env[64];
	char *config, path[600];
	FILE *f;

	XD_ASSERT(mkdtemp(dir), "mkdtemp");
	snprintf(path, sizeof path, "%s/secret", dir);
	f = fopen(path, "w");
	XD_ASSERT(f && fputs("secret\n", f) >= 0 && fclose(f) == 0, "%s",
		  path);
	sim = xd_sim_process_start(dir);
	atexit(stop_all);
	XD_ASSERT(asprintf(&config, "[xen-display]\nxen=sim:%s\nbackend=%s\n"
			   "sandbox-path=%s\n[xen-display]\nguest=guest-a\n"
			   /* Without the frame over the picture's edges
			    * (test-guest-labels.c): compared pixel for
			    * pixel. */
			   "output=headless\nplacement=fullscreen\n"
			   "label=false\n",
			   sim->socket, backend, XD_SANDBOX_PATH) > 0,
		  "asprintf");
	snprintf(env, sizeof env, "XD_PROBE_DIR=%s", dir);
	opt.config = config;
	opt.extra_env = env;
	weston = xd_weston_start(&opt);
	free(config);
	display = xd_weston_connect(weston);
	XD_ASSERT(xd_weston_wait_log(weston, "watching", 10000),
		  "module does not watch the simulator's XenStore");
}

XD_TEST(probe_refused)
{
	char *log, *line, *end;

	start(XD_PROBE_PATH);
	/* The guest's device appears; no backend ever serves it here. */
	xd_sim_command(sim, 1000, "guest 1 guest-a %dx%d", W, H);
	XD_ASSERT(xd_weston_wait_log(weston, "sandbox-probe: result:", 10000),
		  "the probe reported nothing");
	log = xd_weston_read_log(weston);
	/* Every attempt, as the probe reported it. */
	for (line = strstr(log, "sandbox-probe: "); line;
	     line = strstr(end, "sandbox-probe: ")) {
		end = strchrnul(line, '\n');
		fprintf(stderr, "%.*s\n", (int)(end - line), line);
		if (strncmp(line, "sandbox-probe: result:", 22) == 0)
			break;
	}
	XD_ASSERT(strstr(log, "sandbox-probe: result: 0 of "),
		  "the sandboxed probe reached what it must not (ALLOWED "
		  "above)");
	/* Landlock, not a missing file, refused the device paths. */
	XD_ASSERT(strstr(log, "sandbox-probe: open /dev/null: refused "
			 "(EACCES)"), "/dev/null not refused by Landlock");
	free(log);
}

XD_TEST(backend_confined)
{
	char path[64], *status, *cmdline;
	size_t n;
	FILE *f;
	int pid;

	start(XD_BACKEND_PATH);
	xd_sim_ok(sim, SHOW_MS, "guest 1 guest-a %dx%d", W, H);
	xd_sim_ok(sim, SHOW_MS, "show 1 0 %u", 3u);
	{
		struct xd_image *img = xd_capture_output(display, NULL);
		long bad = 0;

		for (int y = 0; y < H; y++)
			for (int x = 0; x < W; x++)
				if (xd_image_pixel(img, x, y) !=
				    xd_sim_pattern(1, 0, 3, x, y))
					bad++;
		XD_ASSERT(bad == 0, "%ld pixels of the guest's frame wrong "
			  "under the sandbox", bad);
		xd_image_destroy(img);
	}
	pid = xd_backend_find(weston, 1);
	XD_ASSERT(pid > 0, "no backend process of dom1, Weston's child");
	snprintf(path, sizeof path, "/proc/%d/status", pid);
	f = fopen(path, "r");
	XD_ASSERT(f, "%s", path);
	status = calloc(1, 8192);
	n = fread(status, 1, 8191, f);
	fclose(f);
	XD_ASSERT(n > 0 && strstr(status, "NoNewPrivs:\t1"),
		  "the backend runs without no_new_privs");
	XD_ASSERT(strstr(status, "Seccomp:\t2"),
		  "the backend runs without a seccomp filter");
	free(status);
	snprintf(path, sizeof path, "/proc/%d/cmdline", pid);
	f = fopen(path, "r");
	XD_ASSERT(f, "%s", path);
	cmdline = calloc(1, 4096);
	n = fread(cmdline, 1, 4095, f);
	fclose(f);
	for (size_t i = 0; i + 1 < n; i++)
		if (!cmdline[i])
			cmdline[i] = ' ';
	XD_ASSERT(strstr(cmdline, " --sim-fd="),
		  "the backend connected to the simulator itself: %s",
		  cmdline);
	free(cmdline);
}

static void
teardown(void)
{
	xd_weston_stop(weston);
}

XD_TEST_TEARDOWN(teardown);
