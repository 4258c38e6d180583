/* SPDX-License-Identifier: MIT */
/*
 * Guest input end to end: simulated xen-kbdfront devices (xd-sim) served
 * by the module-launched backends, in a Weston whose input comes from
 * where a user's would.
 *
 *   test-input-sim CASE
 *
 *   vkbd-connect   the features a frontend finds and the coordinate
 *                  range it gets, for bound and unbound devices
 *   vkbd-hostile   a frontend publishing a bad event page is refused;
 *                  its guest's display goes on
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/harness.h"
#include "sim/sim-process.h"

#define W 320
#define H 240
#define SIM_MS 15000

static struct xd_sim_process *sim;
static struct xd_weston *weston;

static void
stop_all(void)
{
	if (sim)
		xd_sim_process_stop(sim);
}

static void
start(const struct xd_weston_options *base, const char *placements)
{
	struct xd_weston_options opt = *base;
	char dir[] = "/tmp/xd-input-sim-XXXXXX";
	char *config;

	XD_ASSERT(mkdtemp(dir), "mkdtemp");
	sim = xd_sim_process_start(dir);
	atexit(stop_all);
	XD_ASSERT(asprintf(&config, "[xen-display]\nxen=sim:%s\nbackend=%s\n"
			   "%s", sim->socket, XD_BACKEND_PATH,
			   placements) > 0, "asprintf");
	opt.config = config;
	opt.load_module = true;
	weston = xd_weston_start(&opt);
	free(config);
	XD_ASSERT(xd_weston_wait_log(weston, "watching", 10000),
		  "module does not watch the simulator's XenStore");
}

static void
start_headless(const char *placements)
{
	struct xd_weston_options opt = { .width = W, .height = H };

	start(&opt, placements);
}

/* The value after key in the simulator's last answer. */
static long
answer_field(const char *key)
{
	char pattern[64];
	const char *p;

	snprintf(pattern, sizeof pattern, " %s ", key);
	p = strstr(sim->line, pattern);
	XD_ASSERT(p, "no '%s' in the answer '%s'", key, sim->line);
	return strtol(p + strlen(pattern), NULL, 10);
}

static void
vkbd_connect(void)
{
	start_headless("");
	xd_sim_ok(sim, SIM_MS, "guest 1 alpha %dx%d,640x480", W, H);

	/* Bound to the second connector: its mode is the pointer's range;
	 * absolute coordinates and multi-touch are offered. */
	xd_sim_ok(sim, SIM_MS, "vkbd 1 0 alpha-1");
	XD_ASSERT(answer_field("abs") == 1, "%s", sim->line);
	XD_ASSERT(answer_field("width") == 640 &&
		  answer_field("height") == 480, "%s", sim->line);
	XD_ASSERT(answer_field("mt") == 1 && answer_field("contacts") == 10,
		  "%s", sim->line);
	XD_ASSERT(answer_field("mt-width") == 640 &&
		  answer_field("mt-height") == 480, "%s", sim->line);

	/* Unbound: the first connector's range. A frontend that wants
	 * relative motion gets it. */
	xd_sim_ok(sim, SIM_MS, "vkbd 1 1 - rel");
	XD_ASSERT(answer_field("abs") == 0, "%s", sim->line);
	XD_ASSERT(answer_field("width") == W && answer_field("height") == H,
		  "%s", sim->line);

	xd_sim_ok(sim, SIM_MS, "vkbd 1 2 - raw");
	XD_ASSERT(answer_field("raw") == 1, "%s", sim->line);
	XD_ASSERT(xd_weston_wait_log(weston, "vkbd 2 connected: raw absolute",
				     5000), "raw pointer not logged");
}

static void
vkbd_hostile(void)
{
	const char *answer;

	start_headless("");
	xd_sim_ok(sim, SIM_MS, "guest 1 alpha %dx%d", W, H);
	answer = xd_sim_command(sim, SIM_MS, "vkbd 1 0 - bad-gref");
	/* XenbusStateClosing: refused, not crashed. */
	XD_ASSERT(strstr(answer, "error") && strstr(answer, "state 5"),
		  "bad page-gref not refused: %s", answer);
	XD_ASSERT(xd_weston_wait_log(weston, "cannot map the event page",
				     5000), "refusal not logged");
	/* The same backend still shows the guest. */
	xd_sim_ok(sim, SIM_MS, "show 1 0 3");
	/* A well-behaved device of the same guest connects. */
	xd_sim_ok(sim, SIM_MS, "vkbd 1 1 alpha-0");
}

int
main(int argc, char *argv[])
{
	static const struct {
		const char *name;
		void (*run)(void);
	} cases[] = {
		{ "vkbd-connect", vkbd_connect },
		{ "vkbd-hostile", vkbd_hostile },
	};
	size_t i;

	for (i = 0; argc == 2 && i < sizeof cases / sizeof cases[0]; i++) {
		if (strcmp(argv[1], cases[i].name) == 0) {
			cases[i].run();
			xd_weston_stop(weston);
			return 0;
		}
	}
	fprintf(stderr, "usage: test-input-sim CASE\n");
	return 2;
}
