/* SPDX-License-Identifier: MIT */
/*
 * Benchmark-only flip trace: with XD_FLIP_TRACE=DIR each backend process
 * appends one line per completed flip to DIR/flips-PID.txt,
 *   CONN REPAINTED DONE_NS COPIED COMMITTED_NS
 * DONE_NS is taken just before PG_FLIP_COMPLETE is written and the guest
 * notified; COMMITTED_NS when the backend queued the flip's commit for
 * Weston (before the surface is configured: when it took the flip);
 * both on CLOCK_MONOTONIC (the guest simulator's clock, and Weston's
 * timeline's) so that tests/bench/bench-backend.c can pair them with the
 * moment the guest saw PG_FLIP_COMPLETE and with Weston's repaints.
 * REPAINTED is 0 for a flip completed without a repaint taking it
 * (replaced, or the fallback). Unset (always, outside benchmarks) it
 * costs one getenv.
 */

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "common/clock.h"
#include "xdw-internal.h"

static FILE *trace;
static bool trace_checked;

void
xdw_trace_flip(uint32_t conn, bool repainted, uint64_t committed_ns,
	       bool copied)
{
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
	fprintf(trace, "%u %d %llu %d %llu\n", conn, repainted,
		(unsigned long long)xd_now_ns(), copied,
		(unsigned long long)committed_ns);
}

void
xdw_trace_flush(void)
{
	if (trace)
		fflush(trace);
}
