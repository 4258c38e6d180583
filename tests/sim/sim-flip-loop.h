/* SPDX-License-Identifier: MIT */
/*
 * Guests flipping at a frame rate, as a compositor-driven DRM client in
 * each would (one flip in flight per connector: a frame whose turn comes
 * while the previous flip is still pending is dropped). For benchmarks:
 * xd-sim's flip-loop command.
 */

#ifndef XD_SIM_FLIP_LOOP_H
#define XD_SIM_FLIP_LOOP_H

#include <stdint.h>
#include <stdio.h>

struct xd_event_loop;
struct xd_sim_front;

struct xd_sim_flip_target {
	struct xd_sim_front *front;
	uint32_t domid;
	uint32_t conn;
	uint64_t fb[2];			/* flipped alternately */
};

struct xd_sim_flip_result {
	uint32_t flips;			/* PG_FLIP requests sent */
	uint32_t completed;		/* PG_FLIP_COMPLETE seen */
	uint32_t dropped;		/* turns skipped: previous still pending */
	uint32_t late;			/* completed more than a period after */
	uint32_t ticks_late;		/* turns we ourselves came late to */
	uint32_t rtt_p50_us;		/* request -> completion seen */
	uint32_t rtt_p99_us;
	uint64_t wall_us;
};

/* Each target flips count times, hz a second (0: each flip as soon as
 * the previous completed), phases spread over one period. Every moment
 * the guest saw a completion goes to out as "DOMID CONN SEEN_NS"
 * (CLOCK_MONOTONIC). Returns 0, or a negative errno of a failed flip or
 * -ETIMEDOUT when completions stop coming (bounded by timeout_ms). */
int
xd_sim_flip_loop(struct xd_event_loop *loop,
		 struct xd_sim_flip_target *targets, uint32_t n, uint32_t hz,
		 uint32_t count, FILE *out, int timeout_ms,
		 struct xd_sim_flip_result *result);

#endif
