/* SPDX-License-Identifier: MIT */
/*
 * Benchmark-only flip trace: with XD_FLIP_TRACE=DIR each backend process
 * appends one line per completed flip to DIR/flips-PID.txt,
 *   CONN PRESENTED_NS DONE_NS COPIED COMMITTED_NS
 * DONE_NS is taken just before PG_FLIP_COMPLETE is written and the guest
 * notified; COMMITTED_NS when the backend queued the flip's commit for
 * Weston (before the surface is configured: when it took the flip);
 * all on CLOCK_MONOTONIC (the guest simulator's clock) so that
 * tests/bench/bench-backend.c can pair them with the moment the guest saw
 * PG_FLIP_COMPLETE. PRESENTED_NS is 0 for a flip completed without being
 * presented. Unset (always, outside benchmarks) it costs one getenv.
 */

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "xdw-internal.h"

static FILE *trace;
static bool trace_checked;

static uint64_t
ns(const struct timespec *ts)
{
	return (uint64_t)ts->tv_sec * 1000000000 + ts->tv_nsec;
}

void
xdw_trace_flip(uint32_t conn, clockid_t clock, const struct timespec *presented,
	       uint64_t committed_ns, bool copied)
{
	struct timespec now_clock, now_mono;
	uint64_t presented_ns = 0;
	const char *dir;
	char path[512];

	if (!trace_checked) {
		trace_checked = true;
		dir = getenv("XD_FLIP_TRACE");
		if (dir && *dir) {
			snprintf(path, sizeof path, "%s/flips-%d.txt", dir,
				 (int)getpid());
			trace = fopen(path, "we");
		}
		/* Written out once a second (stats timer), not per flip. */
		if (trace)
			setvbuf(trace, NULL, _IOFBF, 1 << 16);
	}
	if (!trace)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now_mono);
	if (presented) {
		clock_gettime(clock, &now_clock);
		presented_ns = ns(&now_mono) - (ns(&now_clock) - ns(presented));
	}
	fprintf(trace, "%u %llu %llu %d %llu\n", conn,
		(unsigned long long)presented_ns,
		(unsigned long long)ns(&now_mono), copied,
		(unsigned long long)committed_ns);
}

void
xdw_trace_flush(void)
{
	if (trace)
		fflush(trace);
}
