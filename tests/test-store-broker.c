/* SPDX-License-Identifier: MIT */
/*
 * The module's XenStore broker end to end (plugin/module/store-broker.h),
 * in headless Weston with the module and xd-sim: a backend reaches
 * XenStore only through its channel, for its own guest's nodes.
 *
 *   display_through_broker  the real backend, launched with --store-fd,
 *       shows its guest pixel for pixel, takes its vkbd and survives a
 *       guest reboot, and the broker refuses it nothing;
 *   hostile_refused  a compromised backend (broker-hostile-backend.c) on
 *       guest 1's channel asks for guest 2's nodes, the toolstack's and
 *       dom0's: refused (EACCES) each time, while guest 2 flips; a path
 *       that is not one closes its channel;
 *   flood  the same backend sends requests back to back while guest 2
 *       flips: guest 2's rate stays within a fifth of its rate without;
 *   flood_unread  the same reading no reply: its channel is closed.
 *
 *   test-store-broker CASE | --list
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness/harness.h"
#include "sim/backend-process.h"
#include "sim/sim-pattern.h"
#include "sim/sim-process.h"

#define W 320
#define H 240
#define CMD_MS 15000
#define ATTACKER 1
#define VICTIM 2
#define FLIPS 150
#define FLIP_LOOP_MS 60000
/* The victim's rate under the flood, at least this share of it
 * without (a flood costs Weston one XenStore round trip a request, at
 * most 2000 a second: store-broker.c). */
#define MIN_SHARE 0.8

static struct xd_sim_process *sim;
static struct xd_weston *weston;
static struct wl_display *display;
static char dir[] = "/tmp/xd-store-broker-XXXXXX";

static void
stop_all(void)
{
	if (sim)
		xd_sim_process_stop(sim);
}

/* mode: the attacker's (tests/broker-hostile-backend.c, its guest's own
 * backend=), or NULL: no attacker. */
static void
start(const char *mode)
{
	struct xd_weston_options opt = {
		.shell = "kiosk",
		.width = W,
		.height = H,
		.load_module = true,
		.stderr_to_log = true,
	};
	char *config, *env;

	XD_ASSERT(mkdtemp(dir), "mkdtemp");
	sim = xd_sim_process_start(dir);
	atexit(stop_all);
	XD_ASSERT(asprintf(&env, "LP_NUM_THREADS=0 XD_TEST_BROKER_ATTACKER=%d "
			   "XD_TEST_BROKER_VICTIM=%d XD_TEST_BROKER_DIR=%s "
			   "XD_TEST_BROKER_MODE=%s", mode ? ATTACKER : 0,
			   VICTIM, dir, mode ? mode : "none") > 0, "asprintf");
	XD_ASSERT(asprintf(&config, "[xen-display]\nxen=sim:%s\n"
			   "backend=" XD_BACKEND_PATH "\n"
			   "sandbox-path=" XD_SANDBOX_PATH "\n"
			   /* Without the frame over the picture's
			    * edges (test-guest-labels.c), compared
			    * here pixel for pixel. */
			   "[xen-display]\nguest=victim\noutput=headless\n"
			   "placement=fullscreen\nlabel=false\n"
			   "[xen-display]\nguest=attacker\nlabel=false\n"
			   "backend=" BROKER_HOSTILE_PATH "\n",
			   sim->socket) > 0, "asprintf");
	opt.config = config;
	opt.extra_env = env;
	weston = xd_weston_start(&opt);
	free(config);
	free(env);
	display = xd_weston_connect(weston);
	XD_ASSERT(xd_weston_wait_log(weston, "watching", 10000),
		  "module does not watch the simulator's XenStore");
}

static void
expect_frame(uint32_t domid, uint32_t frame)
{
	struct xd_image *img = xd_capture_output(display, "headless");
	long bad = 0;
	char path[512];
	int x, y;

	for (y = 0; y < H; y++)
		for (x = 0; x < W; x++)
			if (xd_image_pixel(img, x, y) !=
			    xd_sim_pattern(domid, 0, frame, x, y))
				bad++;
	if (bad) {
		snprintf(path, sizeof path, "%s/store-broker-dom%u-f%u.png",
			 xd_test_output_dir(), domid, frame);
		xd_image_write_png(img, path);
	}
	xd_image_destroy(img);
	XD_ASSERT(bad == 0, "dom%u frame %u: %ld pixels wrong", domid, frame,
		  bad);
}

/* Whether the module launched domid's backend with --store-fd=N: its
 * XenStore is then the broker alone (xen-access.h). */
static bool
launched_with_store_fd(uint32_t domid)
{
	int pid = xd_backend_find(weston, domid);
	char path[64], args[4096];
	bool found = false;
	size_t n, i;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/cmdline", pid);
	f = pid > 0 ? fopen(path, "r") : NULL;
	if (!f)
		return false;
	n = fread(args, 1, sizeof args - 1, f);
	fclose(f);
	args[n] = '\0';
	for (i = 0; i < n; i += strlen(args + i) + 1)
		if (strncmp(args + i, "--store-fd=", 11) == 0)
			found = true;
	return found;
}

XD_TEST(display_through_broker)
{
	const char *line;

	start(NULL);
	xd_sim_ok(sim, CMD_MS, "guest %u victim %dx%d", VICTIM, W, H);
	XD_ASSERT(launched_with_store_fd(VICTIM),
		  "the backend was not given the broker's channel");
	xd_sim_ok(sim, CMD_MS, "show %u 0 1", VICTIM);
	expect_frame(VICTIM, 1);
	/* kbdif's nodes, watches and directory go through it too. */
	line = xd_sim_command(sim, CMD_MS, "vkbd %u 0 victim-0", VICTIM);
	XD_ASSERT(line && strncmp(line, "ok", 2) == 0, "vkbd: %s",
		  line ? line : "(no answer)");
	/* A reboot: its state written in transactions, its watches
	 * firing. */
	xd_sim_ok(sim, CMD_MS, "reboot %u", VICTIM);
	xd_sim_ok(sim, CMD_MS, "show %u 0 2", VICTIM);
	expect_frame(VICTIM, 2);
	XD_ASSERT(!xd_weston_log_has(weston, "XenStore broker:"),
		  "the broker refused the real backend something or closed "
		  "its channel");
}

/* The report's lines, out of Weston's log (the hostile backend writes
 * them to its stderr, which the harness puts there), without their
 * "broker-report: " prefix. */
static char *
report_lines(const char *log)
{
	static const char prefix[] = "broker-report: ";
	size_t size = 0, len;
	const char *p, *end;
	char *text = NULL;
	FILE *f = open_memstream(&text, &size);

	XD_ASSERT(f, "open_memstream");
	for (p = log; p && (p = strstr(p, prefix)); p = end) {
		p += strlen(prefix);
		end = strchr(p, '\n');
		len = end ? (size_t)(end - p + 1) : strlen(p);
		fwrite(p, 1, len, f);
	}
	fclose(f);
	return text;
}

static char *
read_report(int timeout_ms, const char *until)
{
	char *log, *text = NULL;

	for (; timeout_ms > 0; timeout_ms -= 50) {
		free(text);
		log = xd_weston_read_log(weston);
		text = report_lines(log);
		free(log);
		if (strstr(text, until))
			return text;
		usleep(50 * 1000);
	}
	XD_ASSERT(false, "no '%s' in the hostile backend's report: %s", until,
		  text ? text : "(none)");
	return NULL;
}

static void
touch(const char *name)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "w");
	XD_ASSERT(f, "create %s", path);
	fclose(f);
}

/* The victim flips back to back; its completed flips a second. */
static double
victim_rate(void)
{
	const char *line, *p;
	unsigned long long done, wall_us;

	line = xd_sim_command(sim, FLIP_LOOP_MS, "flip-loop 0 %u /dev/null %u",
			      FLIPS, VICTIM);
	XD_ASSERT(line && strncmp(line, "ok", 2) == 0, "flip-loop: %s",
		  line ? line : "(no answer)");
	p = strstr(line, " completed=");
	XD_ASSERT(p, "no completed= in %s", line);
	done = strtoull(p + 11, NULL, 10);
	p = strstr(line, " wall_us=");
	XD_ASSERT(p, "no wall_us= in %s", line);
	wall_us = strtoull(p + 9, NULL, 10);
	XD_ASSERT(wall_us > 0 && done == FLIPS, "%s", line);
	return done * 1e6 / wall_us;
}

static void
two_guests(const char *mode)
{
	start(mode);
	xd_sim_ok(sim, CMD_MS, "guest %u victim %dx%d", VICTIM, W, H);
	xd_sim_ok(sim, CMD_MS, "setup %u 0", VICTIM);
	/* Its backend is the hostile program: the guest waits for none. */
	xd_sim_ok(sim, CMD_MS, "guest %u attacker %dx%d no-connect", ATTACKER,
		  W, H);
}

XD_TEST(hostile_refused)
{
	char *report, *line, *save = NULL;
	int refused = 0;

	two_guests("probe");
	/* While the victim flips. */
	victim_rate();
	report = read_report(10000, "done\n");
	printf("the hostile backend's report:\n%s", report);
	for (line = strtok_r(report, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "hello", 5) == 0) {
			XD_ASSERT(strstr(line, "self=0"), "%s", line);
		} else if (strncmp(line, "control-read", 12) == 0) {
			XD_ASSERT(strstr(line, " ok"), "its own guest's name "
				  "is refused: %s", line);
		} else if (strncmp(line, "malformed", 9) == 0) {
			XD_ASSERT(strstr(line, " closed"), "a path with '..' "
				  "did not close the channel: %s", line);
		} else if (strcmp(line, "done") != 0) {
			XD_ASSERT(strstr(line, " EACCES"), "not refused: %s",
				  line);
			refused++;
		}
	}
	free(report);
	XD_ASSERT(refused >= 18, "only %d attempts refused", refused);
	XD_ASSERT(xd_weston_wait_log(weston, "a path that is not one; "
				     "closing the backend's channel", 2000),
		  "the broker did not log the bad path");
	/* The victim still flips, and shows what it draws. */
	xd_sim_ok(sim, CMD_MS, "show %u 0 7", VICTIM);
	expect_frame(VICTIM, 7);
}

XD_TEST(flood)
{
	unsigned long long sent, replies, refused;
	double without, with;
	char *report;
	const char *p;

	two_guests("flood");
	free(read_report(10000, "hello"));
	without = victim_rate();
	touch("go");
	with = victim_rate();
	touch("stop");
	report = read_report(10000, "flood sent=");
	p = strstr(report, "flood sent=");
	XD_ASSERT(sscanf(p, "flood sent=%llu replies=%llu refused=%llu",
			 &sent, &replies, &refused) == 3, "%s", p);
	printf("flood: the other guest's flips %.1f/s without, %.1f/s with "
	       "(%.0f%%); the flood sent %llu requests, got %llu replies, "
	       "%llu refused\n%s", without, with, 100 * with / without, sent,
	       replies, refused, report);
	free(report);
	XD_ASSERT(sent > 1000, "the flood sent only %llu requests", sent);
	XD_ASSERT(refused > 0, "none of the flood's requests was refused");
	XD_ASSERT(with >= MIN_SHARE * without, "the other guest's rate fell "
		  "from %.1f/s to %.1f/s under the flood", without, with);
	xd_sim_ok(sim, CMD_MS, "show %u 0 7", VICTIM);
	expect_frame(VICTIM, 7);
}

/* Requests back to back and never a reply read: the module does not
 * wait for it (nor buffer for it without end) but closes its channel,
 * and the supervisor starts it again, while the other guest flips. */
XD_TEST(flood_unread)
{
	double without, with;
	char *report;

	two_guests("flood-unread");
	free(read_report(10000, "hello"));
	without = victim_rate();
	touch("go");
	with = victim_rate();
	touch("stop");
	report = read_report(10000, "closed=1");
	printf("flood, replies unread: the other guest's flips %.1f/s "
	       "without, %.1f/s with (%.0f%%)\n%s", without, with,
	       100 * with / without, report);
	free(report);
	XD_ASSERT(xd_weston_wait_log(weston, "the backend does not take its "
				     "replies; closing the backend's channel",
				     2000), "the broker did not close the "
		  "channel of a backend that reads nothing");
	XD_ASSERT(with >= MIN_SHARE * without, "the other guest's rate fell "
		  "from %.1f/s to %.1f/s under the flood", without, with);
	xd_sim_ok(sim, CMD_MS, "show %u 0 7", VICTIM);
	expect_frame(VICTIM, 7);
}

static void
teardown(void)
{
	xd_weston_stop(weston);
}

XD_TEST_TEARDOWN(teardown);
