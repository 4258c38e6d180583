/* SPDX-License-Identifier: MIT */
/*
 * A hostile guest against its budget (plugin/backend/buffers/budget.h,
 * doc/hostile-guests.md "Budgets"), with the real backend process, the
 * simulator and headless Weston. What a user would notice is measured
 * where it is held: dom0 memory in the backend's and Weston's mappings
 * (/proc/PID/smaps), grant maps on the simulated hypervisor's side
 * (xd_sim_hv_stats(), what `xd-sim stats` prints). In every case a
 * second, well-behaved guest flips afterwards, and both backends and
 * Weston live.
 *
 *   test-hostile-budget CASE | --list       (a case is an XD_TEST below)
 */

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <drm_fourcc.h>

#include "event-loop.h"
#include "harness/harness.h"
#include "sim/backend-process.h"
#include "sim/sim-front.h"
#include "sim/sim-hv.h"
#include "sim/sim-process.h"

#define BAD 1
#define GOOD 2
#define TIMEOUT_MS 10000

/* A guest's default budget (buffers/budget.h): these tests check the
 * numbers doc/hostile-guests.md promises, not the header's. */
#define BUDGET_MAPPED_PAGES 16384u
#define BUDGET_MEMORY ((uint64_t)256 << 20)

static struct xd_weston *weston;
static struct xd_event_loop *loop;
static struct xd_sim_hv *hv;
static char sim_socket[256];
static struct xd_sim_front *good, *bad;
static int backend_pids[2];
static uint16_t next_id = 1000;

static void
kill_backends(void)
{
	int i;

	for (i = 0; i < 2; i++)
		xd_backend_kill(backend_pids[i]);
}

/* A guest with connectors of w x h each, its backend started with
 * extra arguments. */
static struct xd_sim_front *
make_guest(uint32_t domid, const char *name, uint32_t connectors,
	   uint32_t w, uint32_t h, const char *const *extra)
{
	static const char *const ids[] = { "c0", "c1", "c2", "c3" };
	struct xd_sim_front_config config = {
		.domid = domid,
		.num_connectors = connectors,
	};
	uint32_t i;

	for (i = 0; i < connectors; i++) {
		config.connectors[i].width = w;
		config.connectors[i].height = h;
		config.connectors[i].unique_id = ids[i];
	}
	XD_ASSERT(xd_sim_hv_domain_create(hv, domid, name, 65536) == 0,
		  "domain %u", domid);
	XD_ASSERT(xd_sim_toolstack_add_vdispl(hv, &config) == 0,
		  "toolstack");
	backend_pids[domid - 1] = xd_backend_spawn_args(weston, sim_socket,
							domid, false, extra);
	return xd_sim_front_create(hv, loop, &config);
}

/* Weston, the simulator, a good guest connected and the hostile one
 * (bad_connectors of bad_w x bad_h, its backend given extra). */
static void
setup(uint32_t bad_connectors, uint32_t bad_w, uint32_t bad_h,
      const char *const *extra)
{
	struct xd_weston_options opt = { .width = 320, .height = 240 };
	char dir[] = "/tmp/xd-budget-XXXXXX";

	weston = xd_weston_start(&opt);
	XD_ASSERT(mkdtemp(dir), "mkdtemp");
	snprintf(sim_socket, sizeof sim_socket, "%s/sim.sock", dir);
	loop = xd_event_loop_create();
	hv = xd_sim_hv_create(loop, sim_socket);
	XD_ASSERT(hv, "simulator");
	atexit(kill_backends);
	good = make_guest(GOOD, "good", 1, 320, 240, NULL);
	bad = make_guest(BAD, "bad", bad_connectors, bad_w, bad_h, extra);
	XD_ASSERT(xd_sim_front_connect(good, TIMEOUT_MS) == 0,
		  "the good guest does not connect");
	XD_ASSERT(xd_sim_front_connect(bad, TIMEOUT_MS) == 0,
		  "the hostile guest does not connect");
}

/* The good guest modesets once and flips: each flip completes. */
static void
good_guest_flips(int frames)
{
	struct xd_sim_buffer *buf;
	int i;

	XD_ASSERT(xd_sim_front_dbuf_create(good, 0, 1, 320, 240, 32, 0,
					   &buf) == 0, "good dbuf");
	XD_ASSERT(xd_sim_front_fb_attach(good, 0, buf, 2, 320, 240,
					 DRM_FORMAT_XRGB8888) == 0, "good fb");
	XD_ASSERT(xd_sim_front_set_config(good, 0, 2, 320, 240, 32) == 0,
		  "good set_config");
	for (i = 0; i < frames; i++) {
		memset(buf->pixels, i * 40, buf->size);
		XD_ASSERT(xd_sim_front_page_flip(good, 0, 2) == 0,
			  "good flip refused");
		XD_ASSERT(xd_sim_front_wait_flip_done(good, 0, 2,
						      TIMEOUT_MS) == 0,
			  "good guest's flip did not complete");
	}
}

static void
finish(void)
{
	good_guest_flips(3);
	XD_ASSERT(xd_backend_alive(backend_pids[GOOD - 1]),
		  "good guest's backend died");
	XD_ASSERT(xd_backend_alive(backend_pids[BAD - 1]),
		  "the hostile guest crashed its backend");
	XD_ASSERT(kill(weston->pid, 0) == 0, "Weston died");
	xd_weston_stop(weston);
}

static int32_t
raw(uint32_t conn, uint8_t op, const void *payload, size_t size)
{
	struct xendispl_req req = { .id = next_id++, .operation = op };
	struct xendispl_resp resp;
	int ret;

	memcpy(&req.op, payload, size);
	ret = xd_sim_front_request_raw(bad, conn, &req, &resp, TIMEOUT_MS);
	XD_ASSERT(ret == 0, "no response to op %#x: %d", op, ret);
	XD_ASSERT(resp.id == req.id && resp.operation == op,
		  "response does not echo the request");
	return resp.status;
}

/* Lets the backends' requests to the simulator (unmaps) be served. */
static void
settle(int ms)
{
	for (; ms > 0; ms -= 10)
		xd_event_loop_dispatch(loop, 10);
}

/* The hostile guest's pages mapped by others, as the hypervisor counts
 * them. */
static uint32_t
pages_mapped(void)
{
	struct xd_sim_stats st;

	xd_sim_hv_stats(hv, BAD, &st);
	return st.pages_mapped;
}

static void
assert_within_budget(const char *when)
{
	uint32_t pages = pages_mapped();

	XD_ASSERT(pages <= BUDGET_MAPPED_PAGES,
		  "%s: %u of the guest's pages mapped in dom0, past its "
		  "budget of %u", when, pages, BUDGET_MAPPED_PAGES);
}

/* Bytes of the copy path's shm buffers (memfd "xen-display-copy") that
 * process pid holds, as its proportional share (Pss): summed over the
 * backend and Weston, each page counts once. */
static uint64_t
copy_memory_of(int pid)
{
	char path[64], line[512], perms[8];
	unsigned long start, end, kb;
	uint64_t total = 0;
	bool copy = false;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/smaps", pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof line, f)) {
		/* A mapping's header: "START-END PERMS OFFSET DEV INODE
		 * NAME"; its fields follow, one a line. */
		if (sscanf(line, "%lx-%lx %7s", &start, &end, perms) == 3)
			copy = strstr(line, "/memfd:xen-display-copy") != NULL;
		else if (copy && sscanf(line, "Pss: %lu kB", &kb) == 1)
			total += (uint64_t)kb << 10;
	}
	fclose(f);
	return total;
}

/* dom0 memory held for the hostile guest's copies: the backend's and
 * Weston's. */
static uint64_t
copy_memory(void)
{
	return copy_memory_of(backend_pids[BAD - 1]) +
	       copy_memory_of(weston->pid);
}

/* --- the cases ------------------------------------------------------ */

/*
 * The attack of issue 22: one 8192x8192 16 bpp buffer (128 MiB, within
 * the per-buffer bound; the guest's budget of mapped pages is raised for
 * it, as an administrator might), 64 framebuffers of 8192x8192 RGB565 on
 * it and a SET_CONFIG of each, on the copy path: each shown fb used to
 * cost a 256 MiB XRGB copy of dom0 memory, ~16 GiB in all. The guest's
 * dom0 memory stays within its budget, and it gets error statuses.
 * Checked after every request, so that without the budget the test
 * stops at the first copy past it, long before the machine runs out.
 */
XD_TEST(framebuffer_attack)
{
	static const char *const extra[] = {
		"--budget-mapped-pages=40000", NULL,
	};
	struct xendispl_fb_attach_req a = {
		.dbuf_cookie = 1, .width = 8192, .height = 8192,
		.pixel_format = DRM_FORMAT_RGB565,
	};
	struct xendispl_set_config_req s = {
		.width = 8192, .height = 8192, .bpp = 16,
	};
	struct xd_sim_buffer *buf;
	int errors = 0, i;
	uint64_t held;

	setenv("XD_SIM_NO_DMABUF", "all", 1);
	setup(1, 1920, 1080, extra);
	XD_ASSERT(xd_sim_front_dbuf_create(bad, 0, 1, 8192, 8192, 16, 0,
					   &buf) == 0,
		  "a 128 MiB buffer within the raised budget was refused");
	for (i = 0; i < 64; i++) {
		a.fb_cookie = s.fb_cookie = 100 + i;
		if (raw(0, XENDISPL_OP_FB_ATTACH, &a, sizeof a) < 0)
			errors++;
		if (raw(0, XENDISPL_OP_SET_CONFIG, &s, sizeof s) < 0)
			errors++;
		settle(20);
		held = copy_memory();
		XD_ASSERT(held <= BUDGET_MEMORY,
			  "after %d framebuffers dom0 holds %llu MiB of "
			  "copies for the guest, past its budget of %llu "
			  "MiB", i + 1, (unsigned long long)(held >> 20),
			  (unsigned long long)(BUDGET_MEMORY >> 20));
	}
	XD_ASSERT(errors > 0, "all 64 framebuffers accepted and shown");
	finish();
}

/*
 * The same attack with frames the connector can show (a 4095x4095
 * connector, 4095x4095 RGB565 framebuffers: 64 MiB XRGB copies): the
 * copies themselves are bounded by the budget, freed when Weston
 * releases them, and a buffer takes at most a few framebuffers.
 */
XD_TEST(copy_memory)
{
	struct xendispl_fb_attach_req a = {
		.width = 4095, .height = 4095,
		.pixel_format = DRM_FORMAT_RGB565,
	};
	struct xendispl_set_config_req s = {
		.width = 4095, .height = 4095, .bpp = 16,
	};
	struct xd_sim_buffer *buf;
	int errors = 0, shown = 0, i, ret;
	uint64_t held, most = 0;

	setenv("XD_SIM_NO_DMABUF", "all", 1);
	setup(1, 4095, 4095, NULL);
	for (i = 0; i < 3; i++) {
		ret = xd_sim_front_dbuf_create(bad, 0, 1 + i, 4095, 4095, 16,
					       0, &buf);
		if (ret < 0)
			errors++;
	}
	XD_ASSERT(errors < 3, "no 32 MiB buffer accepted");
	for (i = 0; i < 64; i++) {
		a.dbuf_cookie = 1 + i % 3;
		a.fb_cookie = s.fb_cookie = 100 + i;
		if (raw(0, XENDISPL_OP_FB_ATTACH, &a, sizeof a) < 0) {
			errors++;
			continue;
		}
		if (raw(0, XENDISPL_OP_SET_CONFIG, &s, sizeof s) < 0)
			errors++;
		else
			shown++;
		settle(50);
		held = copy_memory();
		most = held > most ? held : most;
		XD_ASSERT(held <= BUDGET_MEMORY,
			  "after %d framebuffers dom0 holds %llu MiB of "
			  "copies for the guest, past its budget of %llu "
			  "MiB", i + 1, (unsigned long long)(held >> 20),
			  (unsigned long long)(BUDGET_MEMORY >> 20));
	}
	XD_ASSERT(shown >= 2, "only %d framebuffers shown", shown);
	XD_ASSERT(errors > 0, "64 framebuffers accepted");
	fprintf(stderr, "%d shown, %d refused, at most %llu MiB of copies\n",
		shown, errors, (unsigned long long)(most >> 20));
	finish();
}

/*
 * A buffer destroyed while on screen stays mapped until Weston lets go
 * of it: its pages stay charged until then, so the guest cannot make
 * more buffers in its place, and the pages mapped never pass the budget.
 */
XD_TEST(destroy_on_screen)
{
	struct xd_sim_buffer *a, *b, *c;
	int ret = -1, tries;

	setup(1, 1920, 1080, NULL);
	/* 1920x3600x4: 6750 pages; two fit in 16384, three do not. */
	XD_ASSERT(xd_sim_front_dbuf_create(bad, 0, 1, 1920, 3600, 32, 0,
					   &a) == 0, "buffer A");
	XD_ASSERT(xd_sim_front_fb_attach(bad, 0, a, 11, 1920, 1080,
					 DRM_FORMAT_XRGB8888) == 0, "fb A");
	XD_ASSERT(xd_sim_front_set_config(bad, 0, 11, 1920, 1080, 32) == 0,
		  "show A");
	settle(200);
	XD_ASSERT(xd_sim_front_dbuf_destroy(bad, 0, a) == 0,
		  "destroy A while on screen");
	assert_within_budget("A destroyed on screen");
	XD_ASSERT(xd_sim_front_dbuf_create(bad, 0, 2, 1920, 3600, 32, 0,
					   &b) == 0, "buffer B");
	assert_within_budget("B made");
	ret = xd_sim_front_dbuf_create(bad, 0, 3, 1920, 3600, 32, 0, &c);
	assert_within_budget("C asked for while Weston holds A");
	XD_ASSERT(ret == -ENOMEM, "buffer C got %d while Weston still shows "
		  "A: want -ENOMEM", ret);

	/* B on screen: Weston lets go of A, and then C fits. */
	XD_ASSERT(xd_sim_front_fb_attach(bad, 0, b, 12, 1920, 1080,
					 DRM_FORMAT_XRGB8888) == 0, "fb B");
	XD_ASSERT(xd_sim_front_set_config(bad, 0, 12, 1920, 1080, 32) == 0,
		  "show B");
	for (tries = 0; tries < 50 && ret != 0; tries++) {
		settle(100);
		ret = xd_sim_front_dbuf_create(bad, 0, 3, 1920, 3600, 32, 0,
					       &c);
		assert_within_budget("C asked for again");
	}
	XD_ASSERT(ret == 0, "buffer C still refused (%d) after Weston "
		  "released A", ret);
	finish();
}

/*
 * The kmod's cap on grant maps (its ENOSPC) ends the request: the chain
 * does not hand the buffer to the next provider, which would map it
 * anyway. XD_SIM_KMOD_MAX_PAGES puts the kmod's double in front of the
 * simulator's provider (buffers/provider-sim.c).
 */
XD_TEST(provider_fallthrough)
{
	struct xd_sim_buffer *buf;
	int ret = 0, i;
	uint32_t pages;

	setenv("XD_SIM_KMOD_MAX_PAGES", "4096", 1);
	setup(1, 1920, 1080, NULL);
	/* 1024x1000x4: 1000 pages each; the fifth passes the kmod's cap. */
	for (i = 0; i < 8 && ret == 0; i++) {
		ret = xd_sim_front_dbuf_create(bad, 0, 1 + i, 1024, 1000, 32,
					       0, &buf);
		assert_within_budget("buffers past the kmod's cap");
	}
	pages = pages_mapped();
	XD_ASSERT(ret < 0 && i == 5, "buffer %d got %d: want the fifth "
		  "refused", i, ret);
	XD_ASSERT(ret == -ENOSPC, "the kmod's refusal came back as %d, want "
		  "-ENOSPC", ret);
	/* Four buffers, two ring pages. */
	XD_ASSERT(pages <= 4096 + 2, "%u pages mapped past the kmod's cap of "
		  "4096: another provider took over", pages);
	finish();
}

/*
 * Four connectors, each showing a buffer it then destroys on screen:
 * one buffer per connector used to escape the count. The pages mapped
 * stay within the budget, and the guest is told no.
 */
XD_TEST(four_connectors)
{
	struct xd_sim_buffer *buf[4], *more;
	int refused = 0, ret;
	uint32_t i;

	setup(4, 1920, 1080, NULL);
	/* 1920x1920x4: 3600 pages; four fit in 16384 with eight ring
	 * pages, a fifth does not. */
	for (i = 0; i < 4; i++) {
		XD_ASSERT(xd_sim_front_dbuf_create(bad, i, 1 + i, 1920, 1920,
						   32, 0, &buf[i]) == 0,
			  "buffer %u", i);
		XD_ASSERT(xd_sim_front_fb_attach(bad, i, buf[i], 11 + i, 1920,
						 1080, DRM_FORMAT_XRGB8888) ==
			  0, "fb %u", i);
		XD_ASSERT(xd_sim_front_set_config(bad, i, 11 + i, 1920, 1080,
						  32) == 0, "show %u", i);
	}
	settle(300);
	for (i = 0; i < 4; i++) {
		XD_ASSERT(xd_sim_front_dbuf_destroy(bad, i, buf[i]) == 0,
			  "destroy %u on screen", i);
		assert_within_budget("buffers destroyed on screen");
	}
	for (i = 0; i < 4; i++) {
		ret = xd_sim_front_dbuf_create(bad, i, 21 + i, 1920, 1920, 32,
					       0, &more);
		if (ret < 0)
			refused++;
		assert_within_budget("new buffers while Weston shows the old");
	}
	XD_ASSERT(refused > 0, "four more buffers accepted while Weston "
		  "still shows four");
	finish();
}

/* Whether backend pid's command line has the word want. */
static bool
cmdline_has(int pid, const char *want)
{
	char path[64], cmd[2048];
	size_t n, i;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/cmdline", pid);
	f = fopen(path, "r");
	if (!f)
		return false;
	n = fread(cmd, 1, sizeof cmd - 1, f);
	fclose(f);
	cmd[n] = '\0';
	for (i = 0; i < n; i += strlen(cmd + i) + 1)
		if (strcmp(cmd + i, want) == 0)
			return true;
	return false;
}

static struct xd_sim_process *sim;

static void
stop_sim(void)
{
	if (sim)
		xd_sim_process_stop(sim);
}

/*
 * The module gives each backend its guest's budget from weston.ini (a
 * guest's own section overriding the global one), and starts no backend
 * whose budget would take all guests past budget-mapped-pages-total=,
 * saying so in its log.
 */
XD_TEST(module_budgets)
{
	struct xd_weston_options opt = {
		.width = 320, .height = 240, .load_module = true,
	};
	char dir[] = "/tmp/xd-budget-module-XXXXXX";
	char *config;
	const char *answer;
	int pid;

	XD_ASSERT(mkdtemp(dir), "mkdtemp");
	sim = xd_sim_process_start(dir);
	atexit(stop_sim);
	XD_ASSERT(asprintf(&config,
			   "[xen-display]\nxen=sim:%s\nbackend=%s\n"
			   "budget-mapped-pages-total=40000\n\n"
			   "[xen-display]\nguest=guest-b\n"
			   "budget-mapped-pages=20000\n"
			   "budget-memory-mib=64\n",
			   sim->socket, XD_BACKEND_PATH) > 0, "asprintf");
	opt.config = config;
	weston = xd_weston_start(&opt);
	free(config);
	XD_ASSERT(xd_weston_wait_log(weston, "watching", 10000),
		  "module does not watch the simulator's XenStore");

	xd_sim_ok(sim, TIMEOUT_MS, "guest 1 guest-a 320x240");
	pid = xd_backend_find(weston, 1);
	XD_ASSERT(pid && cmdline_has(pid, "--budget-mapped-pages=16384") &&
		  cmdline_has(pid, "--budget-memory-mib=256"),
		  "guest-a's backend was not given the default budget");
	xd_sim_ok(sim, TIMEOUT_MS, "guest 2 guest-b 320x240");
	pid = xd_backend_find(weston, 2);
	XD_ASSERT(pid && cmdline_has(pid, "--budget-mapped-pages=20000") &&
		  cmdline_has(pid, "--budget-memory-mib=64") &&
		  cmdline_has(pid, "--budget-buffers=64"),
		  "guest-b's backend was not given its section's budget");

	/* 16384 + 20000 + 16384 would pass 40000: guest-c waits. */
	answer = xd_sim_command(sim, 3000, "guest 3 guest-c 320x240");
	XD_ASSERT(!answer || strncmp(answer, "ok", 2) != 0,
		  "guest-c connected past the cap");
	XD_ASSERT(xd_weston_wait_log(weston, "guest-c: display device 0 not "
				     "started", 5000),
		  "no log line says why guest-c has no display");
	XD_ASSERT(xd_weston_wait_log(weston, "budget-mapped-pages-total="
				     "40000", 1000),
		  "the log line does not name the option to raise");
	XD_ASSERT(xd_backend_find(weston, 3) == 0,
		  "a backend was started for guest-c past the cap");
	XD_ASSERT(kill(weston->pid, 0) == 0, "Weston died");
	xd_weston_stop(weston);
}

/*
 * A guest's section with backend= has the module launch that executable
 * for the guest, and every other guest the global one (the Xen rig's
 * compromised-backend test relies on it).
 */
XD_TEST(module_backend_per_guest)
{
	struct xd_weston_options opt = {
		.width = 320, .height = 240, .load_module = true,
	};
	char dir[] = "/tmp/xd-backend-guest-XXXXXX";
	char *config, *own;
	int pid;

	XD_ASSERT(mkdtemp(dir), "mkdtemp");
	/* Its own name, so its command line tells which one ran. */
	XD_ASSERT(asprintf(&own, "%s/xen-display-backend-guest-b", dir) > 0,
		  "asprintf");
	XD_ASSERT(symlink(XD_BACKEND_PATH, own) == 0, "symlink %s", own);
	sim = xd_sim_process_start(dir);
	atexit(stop_sim);
	XD_ASSERT(asprintf(&config,
			   "[xen-display]\nxen=sim:%s\nbackend=%s\n\n"
			   "[xen-display]\nguest=guest-b\nbackend=%s\n",
			   sim->socket, XD_BACKEND_PATH, own) > 0, "asprintf");
	opt.config = config;
	weston = xd_weston_start(&opt);
	free(config);
	XD_ASSERT(xd_weston_wait_log(weston, "watching", 10000),
		  "module does not watch the simulator's XenStore");

	xd_sim_ok(sim, TIMEOUT_MS, "guest 1 guest-a 320x240");
	pid = xd_backend_find(weston, 1);
	XD_ASSERT(pid && cmdline_has(pid, XD_BACKEND_PATH),
		  "guest-a's backend is not the global backend=");
	xd_sim_ok(sim, TIMEOUT_MS, "guest 2 guest-b 320x240");
	pid = xd_backend_find(weston, 2);
	XD_ASSERT(pid && cmdline_has(pid, own),
		  "guest-b's backend is not its section's backend=");
	XD_ASSERT(kill(weston->pid, 0) == 0, "Weston died");
	xd_weston_stop(weston);
	unlink(own);
	free(own);
}
