/* SPDX-License-Identifier: MIT */
/*
 * The flip loop of sim-flip-loop.h. One loop drives every guest. A flip
 * does not wait for its ring response: the guests are separate VMs, and
 * waiting for one guest's response before the next guest may flip would
 * serialise them all behind each backend's wakeup. The response is
 * checked when it comes; the completion event follows it.
 */

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

#include "event-loop.h"
#include "sim-flip-loop.h"
#include "sim-front.h"

struct flip_state {
	struct xd_sim_flip_target *t;
	struct loop_run *run;
	uint32_t turns;
	bool pending;
	int64_t sent_ns;
	int64_t next_ns;
};

struct seen {
	uint32_t domid;
	uint32_t conn;
	int64_t ns;
};

struct loop_run {
	int64_t period_ns;
	struct xd_sim_flip_result *res;
	struct seen *seen;
	uint32_t *rtt_us;
	uint32_t n_seen, max_seen;
};

static int64_t
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void
flip_seen(void *data, uint32_t conn, uint64_t fb_cookie)
{
	struct flip_state *s = data;
	struct loop_run *run = s->run;
	int64_t now = mono_ns();

	if (conn != s->t->conn || !s->pending)
		return;
	s->pending = false;
	run->res->completed++;
	if (run->period_ns && now - s->sent_ns > run->period_ns)
		run->res->late++;
	if (run->n_seen < run->max_seen) {
		run->seen[run->n_seen] = (struct seen){ s->t->domid, conn, now };
		run->rtt_us[run->n_seen++] = (now - s->sent_ns) / 1000;
	}
}

static int
compare_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* One turn of s at now: flip, or drop when the last flip is pending. */
static int
turn(struct flip_state *s, int64_t now)
{
	struct xd_sim_flip_target *t = s->t;
	int ret;

	if (s->run->period_ns) {
		if (now - s->next_ns > s->run->period_ns / 2)
			s->run->res->ticks_late++;
		s->next_ns += s->run->period_ns;
	}
	s->turns++;
	if (s->pending) {
		s->run->res->dropped++;
		return 0;
	}
	s->pending = true;
	s->sent_ns = mono_ns();
	s->run->res->flips++;
	ret = xd_sim_front_page_flip_nowait(t->front, t->conn,
					    t->fb[s->turns & 1]);
	if (ret < 0)
		s->pending = false;
	return ret;
}

int
xd_sim_flip_loop(struct xd_event_loop *loop,
		 struct xd_sim_flip_target *targets, uint32_t n, uint32_t hz,
		 uint32_t count, FILE *out, int timeout_ms,
		 struct xd_sim_flip_result *result)
{
	struct flip_state *st = calloc(n, sizeof *st);
	struct loop_run run = {
		.period_ns = hz ? 1000000000 / hz : 0,
		.res = result,
		.max_seen = n * count,
	};
	int64_t start = mono_ns(), now, next, stall_ns;
	uint32_t i, busy;
	int ret = 0;

	*result = (struct xd_sim_flip_result){ 0 };
	run.seen = calloc(run.max_seen, sizeof *run.seen);
	run.rtt_us = calloc(run.max_seen, sizeof *run.rtt_us);
	if (!st || !run.seen || !run.rtt_us) {
		ret = -ENOMEM;
		goto out;
	}
	stall_ns = (int64_t)timeout_ms * 1000000;
	for (i = 0; i < n; i++) {
		st[i] = (struct flip_state){ .t = &targets[i], .run = &run };
		st[i].next_ns = start + run.period_ns * i / n;
		xd_sim_front_set_flip_listener(targets[i].front, flip_seen,
					       &st[i]);
	}
	for (;;) {
		now = mono_ns();
		next = now + 100000000;
		busy = 0;
		for (i = 0; i < n && ret == 0; i++) {
			struct flip_state *s = &st[i];

			if (s->pending && now - s->sent_ns > stall_ns)
				ret = -ETIMEDOUT;
			if (s->pending && ret == 0) {
				int status = xd_sim_front_last_status(
					s->t->front, s->t->conn);

				if (status < 0 && status != -EINPROGRESS)
					ret = status;
			}
			if (s->turns < count || s->pending)
				busy++;
			if (s->turns == count)
				continue;
			if (run.period_ns == 0 ? !s->pending :
			    s->next_ns <= now) {
				ret = turn(s, now);
				now = mono_ns();
			}
			if (run.period_ns && s->turns < count &&
			    s->next_ns < next)
				next = s->next_ns;
		}
		if (ret < 0 || busy == 0)
			break;
		/* Round up: waking early would spin. */
		xd_event_loop_dispatch(loop,
			next > now ? (int)((next - now + 999999) / 1000000) : 0);
	}
	result->wall_us = (mono_ns() - start) / 1000;
	for (i = 0; i < run.n_seen && out; i++)
		fprintf(out, "%u %u %lld\n", run.seen[i].domid,
			run.seen[i].conn, (long long)run.seen[i].ns);
	if (run.n_seen) {
		qsort(run.rtt_us, run.n_seen, sizeof *run.rtt_us, compare_u32);
		result->rtt_p50_us = run.rtt_us[run.n_seen / 2];
		result->rtt_p99_us = run.rtt_us[run.n_seen * 99 / 100];
	}
out:
	for (i = 0; st && i < n; i++)
		xd_sim_front_set_flip_listener(targets[i].front, NULL, NULL);
	free(st);
	free(run.seen);
	free(run.rtt_us);
	return ret;
}
