/* SPDX-License-Identifier: MIT */
/*
 * The whole backend, measured end to end: simulated guests (xd-sim) ->
 * displif ring -> xen-display-backend processes launched by our module in
 * headless Weston -> linux-dmabuf -> repaint -> PG_FLIP_COMPLETE
 * back on the guest's event page.
 *
 *   bench-backend [--flips N] [--seconds S] [--guests G]
 *                 [--backend PATH] [--profile] [--copy-flips N]
 *                 [--refresh-mhz R] [--repaint-window MS]
 *
 * --backend runs PATH (a wrapper: a profiler around the real backend)
 * instead of the built backend; --profile runs the cost phase only, N
 * flips zero copy and --copy-flips (default N) copying, for
 * tools/profile-flip.sh.
 *
 * 1. Cost: one guest at a time, 480p/1080p/4K, zero copy and copy (guests
 *    whose dma-buf the simulator withholds, XD_SIM_NO_DMABUF, as real
 *    Xen's 'map' provider does: the backend's real copy path), N flips
 *    each, display-paced (the guest flips again when the last completed,
 *    as a vblank-driven guest does). Backend CPU time per flip from
 *    /proc/PID/stat; map calls the simulated hypervisor served per flip;
 *    DBUF_CREATE + FB_ATTACH time per buffer.
 * 2. Latency: the repaint that took the flip (Weston's timeline,
 *    core_repaint_posted: the frame callbacks are sent) -> the guest took
 *    PG_FLIP_COMPLETE off its event page (xd-sim), both CLOCK_MONOTONIC,
 *    paired per flip through the backend's trace (XD_FLIP_TRACE): a flip
 *    was taken by the last repaint before its backend completed it.
 * 3. Scale: G guests, one 1080p connector each, all display-paced for S
 *    seconds. A frame is dropped when a repaint that took some guest's
 *    flip falls between two consecutive flips of another guest (a
 *    repaint without that guest's next frame), or a flip completed
 *    without a repaint. Backend CPU share and memory (smaps_rollup) per
 *    guest.
 *
 * Headless Weston has no vblank: it presents a frame one refresh period
 * (whole ms) after its repaint, and repaints again repaint-window ms
 * before the next predicted one, i.e. two refresh periods less the
 * window after the last. A guest flipping on PG_FLIP_COMPLETE (sent at
 * the repaint) makes the next frame only when its commit reaches Weston
 * within that time (its slack). The default, 120 Hz and a 0 ms window,
 * gives ~16.3 ms frames and a slack of 16.7 ms: a 60 Hz display. The
 * same frames with --refresh-mhz 60000 --repaint-window 16 leave a
 * slack of 17.3 ms.
 *
 * Everything runs on this machine's wall clock with the guests, Weston
 * and the backends sharing its CPUs. Prints a table, then machine-readable
 * lines "name value". Every wait is bounded.
 */

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bench-sizes.h"
#include "syscall-counter.h"
#include "wakeup-floor.h"
#include "harness/harness.h"
#include "sim/backend-process.h"
#include "sim/sim-process.h"

#define CMD_MS 30000
#define MAX_FLIPS 65536
#define MAX_REPAINTS (1 << 18)


static struct xd_sim_process *sim;
static struct xd_weston *weston;
static char dir[] = "/tmp/xd-bench-XXXXXX";
static char trace_dir[64];

static void
stop_all(void)
{
	if (sim)
		xd_sim_process_stop(sim);
	sim = NULL;
}

/* Sends a command; the answer must be "ok ...". */
static const char *
sim_ok(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static const char *
sim_ok(const char *fmt, ...)
{
	const char *line;
	char cmd[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	line = xd_sim_command(sim, CMD_MS * 2, "%s", cmd);
	XD_ASSERT(line && strncmp(line, "ok", 2) == 0, "xd-sim: %s: %s",
		  cmd, line ? line : "(no answer)");
	return line;
}

static uint64_t
field(const char *line, const char *name)
{
	const char *p = strstr(line, name);

	XD_ASSERT(p, "no %s in '%s'", name, line);
	return strtoull(p + strlen(name), NULL, 10);
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The backend process Weston launched for domid. */
static int
backend_pid(uint32_t domid)
{
	int pid = xd_backend_find(weston, domid);

	XD_ASSERT(pid, "no backend process for dom%u", domid);
	return pid;
}

/* The sum over pid's threads of a number in /proc/PID/task/TID/FILE,
 * after the text key (NULL: the first number of the file). */
static unsigned long long
task_sum(int pid, const char *file, const char *key)
{
	unsigned long long v, total = 0;
	char path[128], line[256];
	struct dirent *e;
	DIR *d;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/task", pid);
	d = opendir(path);
	XD_ASSERT(d, "no process %d", pid);
	while ((e = readdir(d))) {
		if (atoi(e->d_name) <= 0)
			continue;
		snprintf(path, sizeof path, "/proc/%d/task/%d/%s", pid,
			 atoi(e->d_name), file);
		f = fopen(path, "r");
		while (f && fgets(line, sizeof line, f))
			if ((!key || strncmp(line, key, strlen(key)) == 0) &&
			    sscanf(line + (key ? strlen(key) : 0), "%llu",
				   &v) == 1) {
				total += v;
				break;
			}
		if (f)
			fclose(f);
	}
	closedir(d);
	return total;
}

/* CPU time of all of pid's threads, in seconds: schedstat counts
 * nanoseconds, where stat's utime and stime count 10 ms ticks. */
static double
cpu_s(int pid)
{
	return task_sum(pid, "schedstat", NULL) / 1e9;
}

/* Times pid's threads went to sleep and were woken. */
static unsigned long long
wakeups(int pid)
{
	return task_sum(pid, "status", "voluntary_ctxt_switches:");
}

/* A kB figure of /proc/PID/smaps_rollup. */
static double
smaps_kb(int pid, const char *name)
{
	char path[64], line[256];
	double kb = 0, v;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/smaps_rollup", pid);
	f = fopen(path, "r");
	XD_ASSERT(f, "no smaps_rollup of %d", pid);
	while (fgets(line, sizeof line, f))
		if (strncmp(line, name, strlen(name)) == 0 &&
		    sscanf(line + strlen(name), " %lf", &v) == 1)
			kb += v;
	fclose(f);
	return kb;
}

static int
compare_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
percentile(double *v, int n, int pct)
{
	if (n == 0)
		return NAN;
	qsort(v, n, sizeof *v, compare_double);
	return v[(long)n * pct / 100 < n ? (long)n * pct / 100 : n - 1];
}

/* --- Pairing the backend's trace with what the guest saw ----------- */

struct trace_line {
	long long done, committed;
	int repainted, copied;
};

static int
load_trace(int pid, struct trace_line *t, int max)
{
	char path[128];
	unsigned conn;
	FILE *f;
	int n = 0;

	snprintf(path, sizeof path, "%s/flips-%d.txt", trace_dir, pid);
	f = fopen(path, "r");
	XD_ASSERT(f, "no flip trace %s (XD_FLIP_TRACE)", path);
	while (n < max && fscanf(f, "%u %d %lld %d %lld", &conn,
				 &t[n].repainted, &t[n].done, &t[n].copied,
				 &t[n].committed) == 5)
		n++;
	fclose(f);
	return n;
}

/* Weston's repaints so far, from its timeline in its log, in order. */
static long long *repaints;
static int n_repaints;

static void
load_repaints(void)
{
	static long long t[MAX_REPAINTS];
	char *log = xd_weston_read_log(weston), *at = log;
	const char *tag = "\"N\":\"core_repaint_posted\"";
	long long s, ns;
	char *line;

	n_repaints = 0;
	repaints = t;
	while ((at = strstr(at, tag))) {
		line = at;
		while (line > log && line[-1] != '\n')
			line--;
		at += strlen(tag);
		if (sscanf(line, "{ \"T\":[%lld, %lld]", &s, &ns) != 2)
			continue;
		XD_ASSERT(n_repaints < MAX_REPAINTS, "too many repaints");
		t[n_repaints++] = s * 1000000000 + ns;
	}
	free(log);
	XD_ASSERT(n_repaints > 0, "no core_repaint_posted in Weston's "
		  "timeline (its log)");
}

/* The repaint that took a flip the backend completed at done: the last
 * one before. */
static long long
repaint_before(long long done)
{
	int lo = 0, hi = n_repaints;

	while (lo < hi) {
		int mid = (lo + hi) / 2;

		if (repaints[mid] <= done)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? repaints[lo - 1] : 0;
}

struct pairing {
	double *latency_us;		/* its repaint -> guest saw it */
	int n_latency;
	long long *presented;		/* per flip: its repaint, 0: none */
	long long *committed;		/* per flip: backend committed it */
	long long *done;		/* per flip: backend completed it */
	long long *seen;		/* per flip: the guest saw it done */
	uint32_t *domid;
	int unpresented;		/* completed without a repaint */
	int copied, total;
};

/* Empty, over arrays for MAX_FLIPS flips (one pairing at a time). */
static void
pairing_init(struct pairing *p)
{
	static double lat[MAX_FLIPS];
	static long long presented[MAX_FLIPS], committed[MAX_FLIPS];
	static long long seen[MAX_FLIPS], done[MAX_FLIPS];
	static uint32_t domid[MAX_FLIPS];

	*p = (struct pairing){ .latency_us = lat, .presented = presented,
			       .committed = committed, .seen = seen,
			       .done = done,
			       .domid = domid };
}

/* Pairs each moment dom domid saw a completion (seen file of one
 * flip-loop) with the latest backend completion before it. */
static void
pair(const char *seen_path, uint32_t domid, struct pairing *p)
{
	static struct trace_line t[MAX_FLIPS];
	unsigned d, conn;
	long long seen;
	int n, i = 0;
	FILE *f;

	n = load_trace(backend_pid(domid), t, MAX_FLIPS);
	f = fopen(seen_path, "r");
	XD_ASSERT(f, "no %s", seen_path);
	while (fscanf(f, "%u %u %lld", &d, &conn, &seen) == 3) {
		if (d != domid)
			continue;
		while (i + 1 < n && t[i + 1].done <= seen)
			i++;
		XD_ASSERT(n && t[i].done <= seen,
			  "dom%u saw a flip the backend never completed", d);
		XD_ASSERT(p->total < MAX_FLIPS, "too many flips");
		p->domid[p->total] = d;
		p->committed[p->total] = t[i].committed;
		p->seen[p->total] = seen;
		p->done[p->total] = t[i].done;
		p->presented[p->total] = t[i].repainted ?
					 repaint_before(t[i].done) : 0;
		p->copied += t[i].copied;
		if (!p->presented[p->total++]) {
			p->unpresented++;
			continue;
		}
		p->latency_us[p->n_latency++] =
			(seen - p->presented[p->total - 1]) / 1e3;
	}
	fclose(f);
}

static int
compare_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

/* How long a guest waited for its flips: from the backend's commit to
 * the guest seeing the completion, whatever completes them (comparable
 * across ways of completing a flip). */
static void
guest_wait(const struct pairing *p, double *p50_us, double *p99_us)
{
	static double us[MAX_FLIPS];
	int i;

	for (i = 0; i < p->total; i++)
		us[i] = (p->seen[i] - p->committed[i]) / 1e3;
	*p50_us = percentile(us, p->total, 50);
	*p99_us = percentile(us, p->total, 99);
}

/* The time a guest has after a repaint to get its next frame into the
 * next one (see the top of this file). */
static double slack_us;

/* Why frames were dropped: per late flip (one that missed a repaint), when
 * its guest saw the previous flip complete and when its backend committed
 * it, against the deadline: the previous repaint + slack_us. */
struct drops {
	int missed;			/* repaints a guest was not in */
	int flips;			/* flips shown after a missed repaint */
	int after_deadline;		/* of them, committed after it */
	double *done_us;		/* previous repaint -> completed */
	double *seen_us;		/* -> the guest saw that completion */
	double *commit_us;		/* -> this flip committed */
};

static void
late_flip(const struct pairing *p, int prev, int late, struct drops *r)
{
	double deadline = p->presented[prev] + slack_us * 1e3;

	r->done_us[r->flips] = (p->done[late - 1] - p->presented[prev]) / 1e3;
	r->seen_us[r->flips] = (p->seen[late - 1] - p->done[late - 1]) / 1e3;
	r->commit_us[r->flips] = (p->committed[late] - p->seen[late - 1]) / 1e3;
	r->flips++;
	r->after_deadline += p->committed[late] > deadline;
}

/* Repaints a guest missed: each distinct repaint that took a flip is a
 * repaint of the one output; a display-paced guest should be in every
 * one between its first and last. Timestamps within SAME_NS are one
 * repaint. */
#define SAME_NS 2000000
static void
missed_repaints(const struct pairing *p, struct drops *r)
{
	static long long all[MAX_FLIPS];
	static int mine[MAX_FLIPS];	/* a guest's repainted flips */
	static double done_us[MAX_FLIPS], seen_us[MAX_FLIPS];
	static double commit_us[MAX_FLIPS];
	int n_all = 0, n_mine, i, j, k, missed;
	uint32_t d;

	*r = (struct drops){ .done_us = done_us, .seen_us = seen_us,
			     .commit_us = commit_us };
	for (i = 0; i < p->total; i++)
		if (p->presented[i] && (n_all == 0 ||
		    all[n_all - 1] != p->presented[i]))
			all[n_all++] = p->presented[i];
	qsort(all, n_all, sizeof *all, compare_ll);
	for (i = j = 0; i < n_all; i++)
		if (j == 0 || all[i] - all[j - 1] > SAME_NS)
			all[j++] = all[i];
	n_all = j;
	for (i = 0; i < p->total; i++) {
		d = p->domid[i];
		if (i > 0 && p->domid[i - 1] == d)
			continue;
		for (n_mine = 0, j = i; j < p->total && p->domid[j] == d; j++)
			if (p->presented[j])
				mine[n_mine++] = j;
		/* Repaints strictly between its consecutive flips. */
		for (j = 1, k = 0; j < n_mine; j++) {
			while (k < n_all &&
			       all[k] <= p->presented[mine[j - 1]] + SAME_NS)
				k++;
			for (missed = 0; k < n_all &&
			     all[k] < p->presented[mine[j]] - SAME_NS; k++)
				missed++;
			r->missed += missed;
			if (missed)
				late_flip(p, mine[j - 1], mine[j], r);
		}
	}
}

/* --- The phases ----------------------------------------------------- */

struct cell {
	double cpu_us;			/* backend CPU per flip */
	double wakeups;			/* backend wakeups per flip */
	double syscalls;		/* backend system calls per flip */
	double maps, unmaps;		/* hypervisor map calls per flip */
	double p50_us, p99_us;
	double wait_p50_us, wait_p99_us;	/* commit -> guest saw it */
	double setup_dbuf_us, setup_attach_us;
	double fps;
};

static uint64_t
sim_stat(const char *name)
{
	return field(sim_ok("stats 0"), name);
}

/* Why the backend's system calls are not counted (NULL: they are): said
 * once on stderr, and under the table. */
static const char *syscalls_why;

/* A counter of pid's system calls (syscall-counter.c), NULL when it
 * cannot be opened: the figures are then NaN. */
static struct xd_syscall_counter *
syscall_counter(int pid)
{
	static char why[256];
	struct xd_syscall_counter *sc;

	sc = xd_syscall_counter_open(pid, why, sizeof why);
	if (!sc && !syscalls_why) {
		syscalls_why = why;
		fprintf(stderr, "bench-backend: not counting system calls: "
			"%s\n", why);
	}
	return sc;
}

/* Flips flips times on a fresh guest; removes it after. */
static void
cost(uint32_t domid, const struct size *s, bool copy, int flips,
     struct cell *c)
{
	struct pairing p;
	char seen[128];
	uint64_t maps0, unmaps0;
	const char *line;
	double cpu0, t0;
	unsigned long long woken0;
	struct xd_syscall_counter *sc;
	long long calls0 = -1, calls1 = -1;
	int pid;

	pairing_init(&p);
	sim_ok("guest %u %s-%s %ux%u", domid, copy ? "copy" : "zc", s->name,
	       s->width, s->height);
	line = sim_ok("setup %u 0", domid);
	c->setup_dbuf_us = field(line, "dbuf_create_us=");
	c->setup_attach_us = field(line, "fb_attach_us=");
	snprintf(seen, sizeof seen, "%s/seen-%u.txt", dir, domid);
	/* Warm up: the surface mapped and shown, caches. */
	sim_ok("flip-loop 0 30 %s.warm %u", seen, domid);
	pid = backend_pid(domid);
	sc = syscall_counter(pid);
	maps0 = sim_stat("map_calls=");
	unmaps0 = sim_stat("unmap_calls=");
	cpu0 = cpu_s(pid);
	woken0 = wakeups(pid);
	if (sc)
		calls0 = xd_syscall_counter_read(sc);
	t0 = now_s();
	sim_ok("flip-loop 0 %d %s %u", flips, seen, domid);
	c->cpu_us = (cpu_s(pid) - cpu0) * 1e6 / flips;
	c->wakeups = (double)(wakeups(pid) - woken0) / flips;
	if (sc)
		calls1 = xd_syscall_counter_read(sc);
	c->syscalls = calls0 >= 0 && calls1 >= 0 ?
		(double)(calls1 - calls0) / flips : NAN;
	xd_syscall_counter_close(sc);
	c->fps = flips / (now_s() - t0);
	c->maps = (double)(sim_stat("map_calls=") - maps0) / flips;
	c->unmaps = (double)(sim_stat("unmap_calls=") - unmaps0) / flips;
	/* The backend writes its trace out once a second. */
	usleep(1300 * 1000);
	load_repaints();
	pair(seen, domid, &p);
	XD_ASSERT(p.total == flips, "dom%u: %d of %d flips paired", domid,
		  p.total, flips);
	XD_ASSERT(p.copied == (copy ? flips : 0),
		  "dom%u: %d of %d flips copied", domid, p.copied, flips);
	c->p50_us = percentile(p.latency_us, p.n_latency, 50);
	c->p99_us = percentile(p.latency_us, p.n_latency, 99);
	guest_wait(&p, &c->wait_p50_us, &c->wait_p99_us);
	sim_ok("remove %u", domid);
}

struct scale {
	int guests;
	double seconds;
	int flips, dropped, unpresented;
	int late;			/* completion seen after slack_us */
	struct drops drops;
	double backend_cpu_pct, weston_cpu_pct, sim_cpu_pct;
	double pss_kb, private_kb, rss_kb;
	double p50_us, p99_us;
	double maps;
};

static void
scale(int guests, int seconds, struct scale *r)
{
	struct pairing p;
	char list[256] = "", seen[128];
	double cpu0[64], w0, s0, t0, cpu = 0;
	int pids[64], g, count = seconds * 60;
	uint64_t maps0;
	size_t len;

	pairing_init(&p);
	XD_ASSERT(guests > 0 && guests <= 16, "1 to 16 guests");
	r->guests = guests;
	for (g = 0; g < guests; g++) {
		sim_ok("guest %d scale-%d 1920x1080", g + 1, g + 1);
		sim_ok("setup %d 0", g + 1);
		len = strlen(list);
		snprintf(list + len, sizeof list - len, "%s%d", g ? "," : "",
			 g + 1);
	}
	snprintf(seen, sizeof seen, "%s/seen-scale.txt", dir);
	sim_ok("flip-loop 0 30 %s.warm %s", seen, list);
	for (g = 0; g < guests; g++) {
		pids[g] = backend_pid(g + 1);
		cpu0[g] = cpu_s(pids[g]);
	}
	w0 = cpu_s(weston->pid);
	s0 = cpu_s(sim->pid);
	maps0 = sim_stat("map_calls=");
	t0 = now_s();
	sim_ok("flip-loop 0 %d %s %s", count, seen, list);
	r->seconds = now_s() - t0;
	for (g = 0; g < guests; g++) {
		cpu += cpu_s(pids[g]) - cpu0[g];
		r->pss_kb += smaps_kb(pids[g], "Pss:") / guests;
		r->rss_kb += smaps_kb(pids[g], "Rss:") / guests;
		r->private_kb += (smaps_kb(pids[g], "Private_Clean:") +
				  smaps_kb(pids[g], "Private_Dirty:")) / guests;
	}
	r->backend_cpu_pct = cpu * 100 / r->seconds;
	r->weston_cpu_pct = (cpu_s(weston->pid) - w0) * 100 / r->seconds;
	r->sim_cpu_pct = (cpu_s(sim->pid) - s0) * 100 / r->seconds;
	r->flips = count * guests;
	r->maps = (double)(sim_stat("map_calls=") - maps0) / r->flips;
	usleep(1300 * 1000);
	load_repaints();
	for (g = 0; g < guests; g++)
		pair(seen, g + 1, &p);
	XD_ASSERT(p.total == r->flips, "scale: %d of %d flips paired",
		  p.total, r->flips);
	missed_repaints(&p, &r->drops);
	r->dropped = r->drops.missed + p.unpresented;
	r->unpresented = p.unpresented;
	/* Before the guest even flips again, the next repaint began. */
	for (g = 0; g < p.n_latency; g++)
		r->late += p.latency_us[g] > slack_us;
	r->p50_us = percentile(p.latency_us, p.n_latency, 50);
	r->p99_us = percentile(p.latency_us, p.n_latency, 99);
	for (g = 0; g < guests; g++)
		sim_ok("remove %d", g + 1);
}

static void
machine(void)
{
	char line[256], model[256] = "?";
	FILE *f = fopen("/proc/cpuinfo", "r");
	char *p;

	while (f && fgets(line, sizeof line, f))
		if (strncmp(line, "model name", 10) == 0 &&
		    (p = strchr(line, ':'))) {
			snprintf(model, sizeof model, "%s", p + 2);
			model[strcspn(model, "\n")] = '\0';
			break;
		}
	if (f)
		fclose(f);
	f = fopen("/proc/sys/kernel/osrelease", "r");
	if (!f || !fgets(line, sizeof line, f))
		strcpy(line, "?");
	line[strcspn(line, "\n")] = '\0';
	if (f)
		fclose(f);
	printf("machine: %ld CPUs, %s, Linux %s\n",
	       sysconf(_SC_NPROCESSORS_ONLN), model, line);
}

int
main(int argc, char *argv[])
{
	static const struct option options[] = {
		{ "flips", required_argument, NULL, 'f' },
		{ "seconds", required_argument, NULL, 's' },
		{ "guests", required_argument, NULL, 'g' },
		{ "backend", required_argument, NULL, 'b' },
		{ "profile", no_argument, NULL, 'p' },
		{ "copy-flips", required_argument, NULL, 'c' },
		{ "refresh-mhz", required_argument, NULL, 'r' },
		{ "repaint-window", required_argument, NULL, 'w' },
		{ 0 },
	};
	struct xd_weston_options opt = {
		.width = 800, .height = 600, .load_module = true,
		.timeline = true,
	};
	int flips = 300, seconds = 8, guests = 16, copy_flips = 0, c;
	const char *backend = XD_BACKEND_PATH;
	int refresh_mhz = 120000, repaint_window = 0;
	bool profile = false;
	struct cell zc[BENCH_SIZES], cp[BENCH_SIZES];
	struct scale sc = { 0 };
	double floor_us, flip_floor_us, pace_us, paced_floor_us;
	char *config, *env;
	size_t i;

	while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
		if (c == 'f')
			flips = atoi(optarg);
		else if (c == 's')
			seconds = atoi(optarg);
		else if (c == 'g')
			guests = atoi(optarg);
		else if (c == 'b')
			backend = optarg;
		else if (c == 'p')
			profile = true;
		else if (c == 'c')
			copy_flips = atoi(optarg);
		else if (c == 'r')
			refresh_mhz = atoi(optarg);
		else if (c == 'w')
			repaint_window = atoi(optarg);
		else
			return EXIT_FAILURE;
	}
	if (copy_flips <= 0)
		copy_flips = flips;
	XD_ASSERT(flips > 0 && flips * 16 < MAX_FLIPS &&
		  copy_flips < MAX_FLIPS &&
		  seconds * 60 * 16 < MAX_FLIPS, "too many flips");
	XD_ASSERT(mkdtemp(dir), "mkdtemp");
	snprintf(trace_dir, sizeof trace_dir, "%s/trace", dir);
	XD_ASSERT(mkdir(trace_dir, 0700) == 0, "mkdir %s", trace_dir);
	sim = xd_sim_process_start(dir);
	atexit(stop_all);
	XD_ASSERT(refresh_mhz >= 1000 && repaint_window >= 0 &&
		  repaint_window <= 1000, "refresh or repaint window");
	slack_us = 2 * (1e9 / refresh_mhz) - repaint_window * 1e3;
	XD_ASSERT(asprintf(&config, "[core]\nrepaint-window=%d\n"
			   "[xen-display]\nxen=sim:%s\nbackend=%s\n"
			   "sandbox-path=" XD_SANDBOX_PATH "\n",
			   repaint_window, sim->socket, backend) > 0,
		  "asprintf");
	/* The compositor sends no frame callbacks for a surface it does
	 * not show: the scale guests are cascaded, each partly in
	 * view, unscaled. Each gets half the default budget of mapped
	 * pages (a 1080p connector double-buffered is 4050), as an
	 * operator sizes 16 guests into the displays' share of dom0's
	 * maptrack (doc/hostile-guests.md, Budgets). */
	for (c = 1; c <= 16; c++) {
		char *more;

		XD_ASSERT(asprintf(&more, "%s[xen-display]\nguest=scale-%d\n"
				   "output=headless\nplacement=position\n"
				   "position=%d,%d\nbudget-mapped-pages=8192\n",
				   config, c, (c - 1) * 24,
				   (c - 1) * 16) > 0, "asprintf");
		free(config);
		config = more;
	}
	/* Guests 201-203 get the copy path. */
	XD_ASSERT(asprintf(&env, "XD_SIM_NO_DMABUF=201,202,203 "
			   "XD_FLIP_TRACE=%s", trace_dir) > 0, "asprintf");
	opt.config = config;
	opt.extra_env = env;
	opt.refresh_mhz = refresh_mhz;
	weston = xd_weston_start(&opt);
	XD_ASSERT(xd_weston_wait_log(weston, "watching", 10000),
		  "module does not watch the simulator's XenStore");

	if (profile) {
		for (i = 0; i < BENCH_SIZES; i++) {
			cost(101 + i, &sizes[i], false, flips, &zc[i]);
			printf("profile: dom%zu %s, 30 + %d zero-copy flips, "
			       "%.1f fps\n", 101 + i, sizes[i].name, flips,
			       zc[i].fps);
			cost(201 + i, &sizes[i], true, copy_flips, &cp[i]);
			printf("profile: dom%zu %s, 30 + %d copy flips, "
			       "%.1f fps\n", 201 + i, sizes[i].name,
			       copy_flips, cp[i].fps);
		}
		xd_weston_stop(weston);
		stop_all();
		return 0;
	}
	for (i = 0; i < BENCH_SIZES; i++) {
		cost(101 + i, &sizes[i], false, flips, &zc[i]);
		cost(201 + i, &sizes[i], true, flips, &cp[i]);
	}
	floor_us = xd_wakeup_floor_us(1000, 2000);
	/* The same, woken as often as the 4K zero-copy backend was: a
	 * wakeup after a longer sleep costs more here (doc/performance.md). */
	pace_us = 1e6 / (zc[2].fps * zc[2].wakeups);
	paced_floor_us = xd_wakeup_floor_us(300, (int)pace_us);
	/* Spaced as the 4K guest's flips: the guest flips again at once,
	 * the compositor answers a repaint (~16 ms) later. */
	flip_floor_us = xd_flip_floor_us(300, 400, 16000);
	scale(guests, seconds, &sc);

	machine();
	printf("backend CPU per flip, %d display-paced flips each, XRGB8888, "
	       "800x600 headless Weston (gl), refresh %.3f Hz, repaint "
	       "window %d ms: slack %.0f us\n", flips, refresh_mhz / 1e3,
	       repaint_window, slack_us);
	printf("%-6s %11s %11s %7s %9s %11s %11s %6s\n", "size", "zero copy",
	       "copy", "ratio", "maps/flip", "lat p50 zc", "lat p99 zc",
	       "fps");
	for (i = 0; i < BENCH_SIZES; i++)
		printf("%-6s %8.1f us %8.1f us %6.1fx %9.2f %8.0f us "
		       "%8.0f us %6.1f\n", sizes[i].name, zc[i].cpu_us,
		       cp[i].cpu_us, cp[i].cpu_us / zc[i].cpu_us,
		       zc[i].maps + cp[i].maps, zc[i].p50_us, zc[i].p99_us,
		       zc[i].fps);
	printf("%-6s %13s %13s %13s %13s\n", "", "wakeups zc",
	       "wakeups copy", "syscalls zc", "syscalls copy");
	for (i = 0; i < BENCH_SIZES; i++)
		printf("%-6s %13.2f %13.2f %13.2f %13.2f\n", sizes[i].name,
		       zc[i].wakeups, cp[i].wakeups, zc[i].syscalls,
		       cp[i].syscalls);
	if (syscalls_why)
		printf("syscalls not counted: %s\n", syscalls_why);
	printf("copy path latency p50/p99: 480p %.0f/%.0f us, 1080p "
	       "%.0f/%.0f us, 4k %.0f/%.0f us\n", cp[0].p50_us, cp[0].p99_us,
	       cp[1].p50_us, cp[1].p99_us, cp[2].p50_us, cp[2].p99_us);
	printf("guest's wait per flip (the backend's commit -> the guest saw "
	       "it complete), 1080p p50/p99: zero copy %.0f/%.0f us, copy "
	       "%.0f/%.0f us\n", zc[1].wait_p50_us, zc[1].wait_p99_us,
	       cp[1].wait_p50_us, cp[1].wait_p99_us);
	printf("wakeup floor: being woken (from read() by another process, "
	       "one read, one write) costs %.1f us of CPU here; a 4k "
	       "zero-copy flip woke its backend %.2f times (the guest's "
	       "request; Weston's repaint, with the frame callback and the "
	       "replaced buffer's release): %.1f us, %.0f%% of its cost; 4k copy / that "
	       "floor: %.1fx\n", floor_us, zc[2].wakeups,
	       zc[2].wakeups * floor_us,
	       zc[2].wakeups * floor_us * 100 / zc[2].cpu_us,
	       cp[2].cpu_us / (zc[2].wakeups * floor_us));
	printf("wakeup floor at the flips' pace (woken every %.0f us, as "
	       "often as the 4k zero-copy backend): %.1f us; 4k copy / "
	       "that floor: %.1fx; zero copy / that floor: %.1fx\n", pace_us,
	       paced_floor_us, cp[2].cpu_us / (zc[2].wakeups * paced_floor_us),
	       zc[2].cpu_us / (zc[2].wakeups * paced_floor_us));
	printf("flip floor: the skeleton of a backend (woken by the guest's "
	       "request, it answers and commits; woken by the compositor, it "
	       "tells the guest: 2 wakeups, 2 reads, 3 writes waking a peer) "
	       "costs %.1f us of CPU per flip here, %.1f times the wakeup "
	       "floor; a 4k zero-copy flip costs %.1f times that\n",
	       flip_floor_us, flip_floor_us / floor_us,
	       zc[2].cpu_us / flip_floor_us);
	printf("4k buffer setup (8100 grant refs): DBUF_CREATE %.0f us, "
	       "FB_ATTACH %.0f us (zero copy); %.0f us, %.0f us (copy)\n",
	       zc[2].setup_dbuf_us, zc[2].setup_attach_us,
	       cp[2].setup_dbuf_us, cp[2].setup_attach_us);
	printf("scale: %d guests x 1080p, display-paced, %.1f s: %d flips, "
	       "%d frames dropped (%d not repainted), latency p50 %.0f us "
	       "p99 %.0f us\n", sc.guests, sc.seconds, sc.flips, sc.dropped,
	       sc.unpresented, sc.p50_us, sc.p99_us);
	printf("scale: %d of %d completions reached their guest after the "
	       "next repaint began (later than the %.0f us slack)\n",
	       sc.late, sc.flips, slack_us);
	if (sc.drops.flips) {
		printf("scale: %d late flips (shown after a repaint without "
		       "them), %d committed after the repaint could begin "
		       "(previous repaint + slack); their way, p50/max "
		       "in us:\n", sc.drops.flips, sc.drops.after_deadline);
		printf("scale:   previous repaint -> backend completed "
		       "it %.0f/%.0f -> guest saw it %.0f/%.0f -> backend "
		       "committed the late flip %.0f/%.0f\n",
		       percentile(sc.drops.done_us, sc.drops.flips, 50),
		       percentile(sc.drops.done_us, sc.drops.flips, 100),
		       percentile(sc.drops.seen_us, sc.drops.flips, 50),
		       percentile(sc.drops.seen_us, sc.drops.flips, 100),
		       percentile(sc.drops.commit_us, sc.drops.flips, 50),
		       percentile(sc.drops.commit_us, sc.drops.flips, 100));
	}
	printf("scale CPU (%% of one CPU): backends %.1f%% (%.2f%% a "
	       "guest), Weston %.1f%%, guest simulator %.1f%%\n",
	       sc.backend_cpu_pct, sc.backend_cpu_pct / sc.guests,
	       sc.weston_cpu_pct, sc.sim_cpu_pct);
	printf("scale memory per backend: Rss %.0f kB, Pss %.0f kB, private "
	       "%.0f kB; map calls per flip %.2f\n", sc.rss_kb, sc.pss_kb,
	       sc.private_kb, sc.maps);

	printf("ratio_copy_vs_zero_copy_4k %.1f\n", cp[2].cpu_us / zc[2].cpu_us);
	printf("wakeup_cpu_us %.1f\n", floor_us);
	printf("zero_copy_wakeups_per_flip_4k %.2f\n", zc[2].wakeups);
	printf("zero_copy_syscalls_per_flip %.2f\n", zc[2].syscalls);
	printf("copy_wakeups_per_flip_4k %.2f\n", cp[2].wakeups);
	printf("copy_syscalls_per_flip_4k %.2f\n", cp[2].syscalls);
	printf("wakeup_cpu_us_at_flip_pace %.1f\n", paced_floor_us);
	printf("ratio_copy_4k_vs_wakeup_floor_at_flip_pace %.1f\n",
	       cp[2].cpu_us / (zc[2].wakeups * paced_floor_us));
	printf("flip_floor_cpu_us %.1f\n", flip_floor_us);
	printf("zero_copy_4k_vs_flip_floor %.2f\n",
	       zc[2].cpu_us / flip_floor_us);
	printf("ratio_copy_4k_vs_wakeup_floor %.1f\n",
	       cp[2].cpu_us / (zc[2].wakeups * floor_us));
	printf("zero_copy_cost_growth_480p_to_4k %.2f\n",
	       zc[2].cpu_us / zc[0].cpu_us);
	printf("flip_complete_latency_p50_us %.0f\n", zc[1].p50_us);
	printf("flip_complete_latency_p99_us %.0f\n", zc[1].p99_us);
	printf("flip_commit_to_guest_p50_us %.0f\n", zc[1].wait_p50_us);
	printf("flip_commit_to_guest_p99_us %.0f\n", zc[1].wait_p99_us);
	printf("dropped_frames_%dx1080p60 %d\n", sc.guests, sc.dropped);
	printf("maps_per_flip %.2f\n",
	       (zc[0].maps + zc[1].maps + zc[2].maps + cp[0].maps +
		cp[1].maps + cp[2].maps + sc.maps) / 7);
	printf("scale_backend_cpu_percent_of_one_cpu %.1f\n",
	       sc.backend_cpu_pct);
	printf("scale_backend_pss_kb_per_guest %.0f\n", sc.pss_kb);
	printf("setup_4k_dbuf_create_fb_attach_us %.0f\n",
	       zc[2].setup_dbuf_us + zc[2].setup_attach_us);

	xd_weston_stop(weston);
	stop_all();
	free(config);
	free(env);
	return 0;
}
