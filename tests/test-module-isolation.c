/* SPDX-License-Identifier: MIT */
/*
 * A hostile guest does not take the other guests down with it: two
 * guests under the module in headless Weston (xd-sim, as
 * test-module-sim.c), one attacking, the other flipping as fast as
 * Weston shows its frames. Each case measures, in one run, the flipping
 * guest's completed flips per second without the attack and with it
 * (that is Weston's repaint rate for its surface: a flip completes when
 * Weston presented it), prints both, and asserts that
 *   - with the attack the rate stays within 10% of the rate without;
 *   - Weston stays up (the teardown fails the case otherwise);
 *   - once the attacker is destroyed nothing of it is left: no backend
 *     process, no page of it mapped by a backend (the simulator's count,
 *     which outlives the domain), none of its memory open or mapped in
 *     Weston; and the other guest still shows its frames.
 *
 * Adding an attack: write its step, done over and over while the other
 * guest is measured, and if it needs one its start (an attack done once,
 * such as filling dom0's memory with the guest's framebuffers, is all
 * start and no step) in tests/sim/sim-daemon.c's attacks[], which makes
 * it "attack DOMID NAME" there; then here a case of one line,
 *
 *	XD_TEST(my_attack)
 *	{
 *		isolation("my-attack", NULL);
 *	}
 *
 * with, instead of NULL, a function that prepares the attacker when it
 * needs it before the attack starts (request_flood's gives it
 * framebuffers to flip).
 *
 *   test-module-isolation CASE | --list
 */

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/harness.h"
#include "sim/backend-process.h"
#include "sim/sim-process.h"

#define W 320
#define H 240
#define CMD_MS 15000
#define ATTACKER 1
#define VICTIM 2
/* About 10 s of flips back to back at Weston's 60 Hz (a flip completes
 * every other frame, ~36/s), with the attack and without. */
#define FLIPS 360
/* Longer: the other guest's rate fell under 6/s. */
#define FLIP_LOOP_MS 60000
/* Attack steps a millisecond (XD_TEST_ATTACK_PER_MS; 0: one at every
 * turn of the simulator's loop). The simulator is xenstored, Xen and
 * both guests in one process: attacking at every turn it spins a core,
 * and on a two-core machine that measures the machine, not us. 10 a
 * millisecond is 10,000 state writes, ring refills or notifications a
 * second. */
#define ATTACK_PER_MS "10"
/* The other guest's rate under attack, at least this share of it
 * without. */
#define MIN_SHARE 0.9

/* What a case changes before isolation(): the attacker's connector,
 * lines for its weston.ini section (its budget), the environment of
 * Weston and so of the backends (XD_SIM_NO_DMABUF, XD_SIM_KMOD_MAX_PAGES),
 * and whether the attack must see its requests refused. */
static const char *attacker_mode = "320x240";
static const char *attacker_ini = "";
static const char *extra_env = "LP_NUM_THREADS=0";
static bool want_refusals;
/* The attacker on the copy path (XD_SIM_NO_DMABUF): Weston holds copies
 * its backend made, not the guest's memory. */
static bool copy_path;
/* The attacker's connector too large for show's frames: the attack
 * shows its own. */
static bool attack_shows;
/* When not 0, the most dom0 may hold in copies of the attacker's frames
 * once the attack is made (its budget-memory-mib), in MiB. */
static uint64_t copy_budget_mib;

static struct xd_sim_process *sim;
static struct xd_weston *weston;
static struct wl_display *display;

static void
stop_all(void)
{
	if (sim)
		xd_sim_process_stop(sim);
}

static void
start(void)
{
	struct xd_weston_options opt = {
		.shell = "kiosk",
		.width = W,
		.height = H,
		.outputs = 2,
		.load_module = true,
		.extra_env = extra_env,
	};
	char dir[] = "/tmp/xd-module-isolation-XXXXXX";
	char *config, *more, *p;

	XD_ASSERT(mkdtemp(dir), "mkdtemp");
	sim = xd_sim_process_start(dir);
	atexit(stop_all);
	/* Each guest on an output of its own, as two monitors. The
	 * attacker's section takes the case's lines, then those of
	 * XD_TEST_ATTACKER_INI (keys separated by spaces), which come last
	 * and so win: e.g. "budget-mapped-pages=100000" to see a case fail
	 * without the budget it checks. */
	more = strdup(getenv("XD_TEST_ATTACKER_INI") ?
		      getenv("XD_TEST_ATTACKER_INI") : "");
	XD_ASSERT(more, "strdup");
	for (p = more; *p; p++)
		if (*p == ' ')
			*p = '\n';
	XD_ASSERT(asprintf(&config, "[xen-display]\nxen=sim:%s\nbackend=%s\n"
			   "sandbox-path=" XD_SANDBOX_PATH "\n"
			   /* Without the frames over the pictures' edges
			    * (test-guest-labels.c): compared pixel for
			    * pixel. */
			   "[xen-display]\nguest=attacker\noutput=headless\n"
			   "placement=fullscreen\nlabel=false\n%s%s\n"
			   "[xen-display]\nguest=victim\noutput=headless-2\n"
			   "placement=fullscreen\nlabel=false\n", sim->socket,
			   XD_BACKEND_PATH, attacker_ini, more) > 0,
		  "asprintf");
	free(more);
	opt.config = config;
	weston = xd_weston_start(&opt);
	free(config);
	display = xd_weston_connect(weston);
	XD_ASSERT(xd_weston_wait_log(weston, "watching", 10000),
		  "module does not watch the simulator's XenStore");
}

/* The value of NAME=NUMBER in a simulator's answer. */
static unsigned long long
field(const char *line, const char *name)
{
	char key[64];
	const char *p;

	snprintf(key, sizeof key, " %s=", name);
	p = line ? strstr(line, key) : NULL;
	XD_ASSERT(p, "no %s in '%s'", name, line ? line : "(none)");
	return strtoull(p + strlen(key), NULL, 10);
}

/* CPU time process pid has used, in ms (0 when it is gone). */
static double
cpu_ms(int pid)
{
	unsigned long long utime = 0, stime = 0;
	char path[64], buf[1024], *p;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/stat", pid);
	f = pid > 0 ? fopen(path, "r") : NULL;
	if (!f)
		return 0;
	p = fgets(buf, sizeof buf, f) ? strrchr(buf, ')') : NULL;
	fclose(f);
	/* After the name: state, then fields 4 to 13, then utime, stime. */
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u "
			 "%llu %llu", &utime, &stime) != 2)
		return 0;
	return (utime + stime) * 1000.0 / sysconf(_SC_CLK_TCK);
}

struct measure {
	double seconds;
	double rate;		/* the victim's completed flips a second */
	double weston_cpu;	/* Weston's CPU, ms a second */
	double attacker_cpu;	/* the attacker's backend's */
};

/* The victim flips back to back, each flip as soon as the last one
 * completed, about 10 s. */
static struct measure
victim_rate(void)
{
	int attacker = xd_backend_find(weston, ATTACKER);
	double weston0 = cpu_ms(weston->pid), attacker0 = cpu_ms(attacker);
	unsigned long long done, wall_us;
	const char *line;

	line = xd_sim_command(sim, FLIP_LOOP_MS, "flip-loop 0 %u /dev/null %u",
			      FLIPS, VICTIM);
	XD_ASSERT(line, "the other guest's %u flips did not complete in %d s "
		  "(under %.1f/s)", FLIPS, FLIP_LOOP_MS / 1000,
		  FLIPS * 1000.0 / FLIP_LOOP_MS);
	XD_ASSERT(strncmp(line, "ok", 2) == 0, "flip-loop: %s", line);
	done = field(line, "completed");
	wall_us = field(line, "wall_us");
	XD_ASSERT(wall_us > 0, "flip-loop took no time");
	return (struct measure){
		.seconds = wall_us / 1e6,
		.rate = done * 1e6 / wall_us,
		.weston_cpu = (cpu_ms(weston->pid) - weston0) * 1e6 / wall_us,
		.attacker_cpu = (cpu_ms(attacker) - attacker0) * 1e6 /
				wall_us,
	};
}

static unsigned long long
stats(uint32_t domid, const char *name)
{
	return field(xd_sim_command(sim, CMD_MS, "stats %u", domid), name);
}

static bool
wait_stat_zero(uint32_t domid, const char *name, int timeout_ms)
{
	for (; timeout_ms > 0; timeout_ms -= 50) {
		if (stats(domid, name) == 0)
			return true;
		usleep(50 * 1000);
	}
	return false;
}

static bool
wait_backend_gone(uint32_t domid, int timeout_ms)
{
	for (; timeout_ms > 0; timeout_ms -= 50) {
		if (xd_backend_find(weston, domid) == 0)
			return true;
		usleep(50 * 1000);
	}
	return false;
}

static int weston_holds_attacker(void);

/* Polls until Weston holds some of the attacker's memory. */
static bool
wait_weston_holds(int timeout_ms)
{
	for (; timeout_ms > 0; timeout_ms -= 50) {
		if (weston_holds_attacker() > 0)
			return true;
		usleep(50 * 1000);
	}
	return false;
}

/* Polls until Weston holds none of the attacker's memory. */
static int
wait_weston_lets_go(int timeout_ms)
{
	int held, waited;

	for (waited = 0;; waited += 50) {
		held = weston_holds_attacker();
		if (held == 0 || waited >= timeout_ms)
			return held;
		usleep(50 * 1000);
	}
}

/* Mappings and fds of the copy path's buffers (memfd
 * "xen-display-copy") in Weston: only the attacker is on that path, so
 * they are all its. */
static int
weston_copies(void)
{
	char path[320], link[256], line[512];
	const char *name = "memfd:xen-display-copy";
	struct dirent *e;
	DIR *dir;
	FILE *maps;
	int held = 0;
	ssize_t n;

	snprintf(path, sizeof path, "/proc/%d/fd", (int)weston->pid);
	dir = opendir(path);
	XD_ASSERT(dir, "opendir %s", path);
	while ((e = readdir(dir))) {
		snprintf(path, sizeof path, "/proc/%d/fd/%s", (int)weston->pid,
			 e->d_name);
		n = readlink(path, link, sizeof link - 1);
		if (n <= 0)
			continue;
		link[n] = '\0';
		if (strstr(link, name))
			held++;
	}
	closedir(dir);
	snprintf(path, sizeof path, "/proc/%d/maps", (int)weston->pid);
	maps = fopen(path, "r");
	XD_ASSERT(maps, "open %s", path);
	while (fgets(line, sizeof line, maps))
		if (strstr(line, name))
			held++;
	fclose(maps);
	return held;
}

/* Bytes of the copy path's shm buffers that process pid holds, as its
 * proportional share (Pss): summed over the attacker's backend and
 * Weston, each page counts once (test-hostile-budget.c's). */
static uint64_t
copy_memory_of(int pid)
{
	char path[64], line[512], perms[8];
	unsigned long start, end, kb;
	uint64_t total = 0;
	bool copy = false;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/smaps", pid);
	f = pid > 0 ? fopen(path, "r") : NULL;
	if (!f)
		return 0;
	while (fgets(line, sizeof line, f)) {
		if (sscanf(line, "%lx-%lx %7s", &start, &end, perms) == 3)
			copy = strstr(line, "/memfd:xen-display-copy") != NULL;
		else if (copy && sscanf(line, "Pss: %lu kB", &kb) == 1)
			total += (uint64_t)kb << 10;
	}
	fclose(f);
	return total;
}

/* What Weston holds of the attacker: its memory, or on the copy path
 * its backend's copies. */
static int
weston_holds_attacker(void)
{
	return copy_path ? weston_copies() :
			   xd_weston_holds_guest_memory(weston, ATTACKER);
}

/* The attack named kind (the simulator's attacks[]) by one guest while
 * the other flips; prepare, when not NULL, readies the attacker first.
 * Returns how often the attacker connected a second of the attack. */
static double
isolation(const char *kind, void (*prepare)(uint32_t domid))
{
	const char *line, *pace = getenv("XD_TEST_ATTACK_PER_MS");
	struct measure without, with;
	unsigned long long steps, connects, refusals, backends;
	int held;

	start();
	xd_sim_ok(sim, CMD_MS, "guest %u victim %dx%d", VICTIM, W, H);
	xd_sim_ok(sim, CMD_MS, "setup %u 0", VICTIM);
	backends = stats(VICTIM, "backends");
	xd_sim_ok(sim, CMD_MS, "guest %u attacker %s", ATTACKER,
		  attacker_mode);
	/* Shown, so that Weston holds its memory until it is gone. */
	if (!attack_shows) {
		xd_sim_ok(sim, CMD_MS, "show %u 0 1", ATTACKER);
		XD_ASSERT(weston_holds_attacker() > 0,
			  "the attacker is shown but Weston holds none of it");
	}

	without = victim_rate();
	if (prepare)
		prepare(ATTACKER);
	if (!pace)
		pace = ATTACK_PER_MS;
	xd_sim_ok(sim, CMD_MS, "attack %u %s %s", ATTACKER, kind, pace);
	XD_ASSERT(!attack_shows || wait_weston_holds(2000),
		  "the attack shows frames but Weston holds none of them");
	if (copy_budget_mib) {
		uint64_t copies = copy_memory_of(weston->pid) +
				copy_memory_of(xd_backend_find(weston,
							       ATTACKER));

		printf("isolation %s: dom0 holds %llu MiB of copies of the "
		       "attacker's frames, its budget %llu MiB\n", kind,
		       (unsigned long long)(copies >> 20),
		       (unsigned long long)copy_budget_mib);
		XD_ASSERT(copies <= copy_budget_mib << 20, "%s: dom0 holds "
			  "%llu MiB of copies for the attacker, past its "
			  "budget of %llu MiB", kind,
			  (unsigned long long)(copies >> 20),
			  (unsigned long long)copy_budget_mib);
	}
	with = victim_rate();
	line = xd_sim_command(sim, CMD_MS, "attack-stop %u", ATTACKER);
	steps = field(line, "steps");
	connects = field(line, "connects");
	refusals = field(line, "refused");
	printf("isolation %s, %s steps/ms: the other guest's flips %.1f/s "
	       "without the attack, %.1f/s with it (%.1f%%); Weston's CPU "
	       "%.0f ms/s without, %.0f ms/s with; the attacker's backend's "
	       "%.0f ms/s without, %.0f ms/s with; attack steps %llu, attacker "
	       "connects %llu, its requests refused %llu\n", kind, pace,
	       without.rate, with.rate,
	       100 * with.rate / without.rate, without.weston_cpu,
	       with.weston_cpu, without.attacker_cpu, with.attacker_cpu,
	       steps, connects, refusals);
	fflush(stdout);
	XD_ASSERT(steps > 0, "the attack made no step");
	XD_ASSERT(!want_refusals || refusals > 0, "%s: none of the "
		  "attacker's requests was refused", kind);
	XD_ASSERT(with.rate >= MIN_SHARE * without.rate, "%s: the other "
		  "guest's rate fell from %.1f/s to %.1f/s", kind,
		  without.rate, with.rate);

	xd_sim_ok(sim, CMD_MS, "remove %u", ATTACKER);
	XD_ASSERT(wait_backend_gone(ATTACKER, 10000),
		  "the attacker's backend still runs");
	XD_ASSERT(wait_stat_zero(ATTACKER, "pages_held", 5000),
		  "%llu pages of the attacker still mapped by a backend",
		  stats(ATTACKER, "pages_held"));
	XD_ASSERT(stats(VICTIM, "backends") == backends,
		  "%llu connections to the simulator, %llu before the "
		  "attacker came", stats(VICTIM, "backends"), backends);
	/* The victim draws next: Weston's GL lets go of the last frames it
	 * drew of the attacker only when it draws others. */
	xd_sim_ok(sim, CMD_MS, "show %u 0 2", VICTIM);
	xd_sim_ok(sim, CMD_MS, "show %u 0 3", VICTIM);
	held = wait_weston_lets_go(2000);
	XD_ASSERT(held == 0, "Weston still holds %d fds/mappings of the "
		  "destroyed attacker", held);
	return connects / with.seconds;
}

/* Its frontend's state, Initialising, written over and over for the
 * 10 s of the measure (xenbus-device.c answers a write that changes
 * nothing with nothing; the module does no XenStore round trip for its
 * backends' own nodes: guest-watch.c). */
XD_TEST(state_loop)
{
	isolation("state-loop", NULL);
}

/* Its ring kept full of real requests (PG_FLIP of its own
 * framebuffers), past the backend's 64 a wakeup. */
static void
give_framebuffers(uint32_t domid)
{
	xd_sim_ok(sim, CMD_MS, "setup %u 0", domid);
}

XD_TEST(request_flood)
{
	isolation("request-flood", give_framebuffers);
}

/* Its request port notified over and over, the ring empty. */
XD_TEST(evtchn_flood)
{
	isolation("evtchn-flood", NULL);
}

/* Its frontend connects, and asks again as soon as it is connected,
 * over and over: each time its backend maps its rings and shows a
 * connector in Weston, and logs. */
XD_TEST(reconnect_loop)
{
	double per_s = isolation("reconnect-loop", NULL);

	/* xenbus-device.c's RECONNECT_MIN_MS, 100: at most 10 a second
	 * (it was about 200 without). */
	XD_ASSERT(per_s <= 12, "the attacker connected %.1f times a second",
		  per_s);
}

/* A node of its backend's directory written over and over, as its
 * backend answering it would (the module watches that directory): the
 * module reads nothing for a device it already serves
 * (guest-watch.c). */
XD_TEST(backend_node_storm)
{
	isolation("backend-node-storm", NULL);
}

/*
 * The memory attacks of doc/hostile-guests.md "Budgets", done once
 * before the measure (all start, no step: the attacker's memory is held
 * while the other guest flips), each a fixed number of requests so that
 * without its budget it stops at a few GiB at most; the attacker must
 * see some refused (but for the framebuffer attack, below). Its connector
 * is 1920x1080, as in test-hostile-budget.c, or as large as the attack's
 * frames. Run one with XD_TEST_ATTACKER_INI raising the budget it meets
 * (see start()) and it fails, but for framebuffer_attack and
 * provider_fallthrough (see there).
 */

/* On a 4095x4095 connector (the largest a guest may ask for), three
 * 4095x4095 16 bpp buffers (its mapped-pages budget raised for them, as
 * test-hostile-budget.c's framebuffer_attack does), then 12 framebuffers
 * of 4095x4095 RGB565 on them, each shown: on the copy path (no dma-buf
 * for the attacker) each a 64 MiB XRGB copy. Its budget-memory-mib is
 * lowered to 128, two copies: the backend keeps a spare copy for each of
 * the three framebuffers shown last, and frees spares when a new copy
 * would pass the budget (wayland/xdw-fb.c), so the budget shows as the
 * copies dom0 holds, not as refused requests (none are: the attack ends
 * as one of 64 MiB). Measured once the attack is made, that does not
 * fail without the budget: with XD_TEST_ATTACKER_INI="budget-memory-mib=4096"
 * dom0 held 127 MiB then too, Weston having released all but the frames
 * it shows; test-hostile-budget.c checks after every request. */
XD_TEST(framebuffer_attack)
{
	attacker_mode = "4095x4095";
	attack_shows = true;
	attacker_ini = "budget-mapped-pages=40000\nbudget-memory-mib=128\n";
	extra_env = "LP_NUM_THREADS=0 XD_SIM_NO_DMABUF=1";
	copy_path = true;
	copy_budget_mib = 128;
	isolation("framebuffer-attack", NULL);
}

XD_TEST(destroy_on_screen)
{
	attacker_mode = "1920x1080";
	want_refusals = true;
	isolation("destroy-on-screen", NULL);
}

/* 24 buffers of 1000 pages, past the mapped-pages budget of 16384.
 * Fails with XD_TEST_ATTACKER_INI="budget-mapped-pages=100000". */
XD_TEST(page_flood)
{
	attacker_mode = "1920x1080";
	want_refusals = true;
	isolation("page-flood", NULL);
}

/* The same past the kmod double's cap of 4096 pages (its ENOSPC ends
 * the request, no other provider maps the buffer): refused whatever the
 * budget, so raising the budget does not make it fail. */
XD_TEST(provider_fallthrough)
{
	attacker_mode = "1920x1080";
	extra_env = "LP_NUM_THREADS=0 XD_SIM_KMOD_MAX_PAGES=4096";
	want_refusals = true;
	isolation("page-flood", NULL);
}

static void
teardown(void)
{
	xd_weston_stop(weston);
}

XD_TEST_TEARDOWN(teardown);
