/* SPDX-License-Identifier: MIT */
/*
 * One guest's budget (budget.h): counters against limits, and the one
 * log line a guest at a limit gets.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "budget.h"
#include "common/clock.h"
#include "log.h"

/* A guest that keeps asking past a limit gets one line per this. */
#define LOG_INTERVAL_MS 10000

struct xd_budget {
	int refcount;
	uint32_t domid;
	char label[72];
	uint64_t used[XD_BUDGET_KINDS];
	uint64_t limit[XD_BUDGET_KINDS];
	uint64_t logged_ms[XD_BUDGET_KINDS];	/* 0: never */
	uint64_t refused[XD_BUDGET_KINDS];	/* since that line */
};

static const char *const kind_names[XD_BUDGET_KINDS] = {
	[XD_BUDGET_MAPPED_PAGES] = "mapped-pages",
	[XD_BUDGET_MEMORY] = "memory",
	[XD_BUDGET_BUFFERS] = "buffers",
	[XD_BUDGET_FRAMEBUFFERS] = "framebuffers",
};

/* The weston.ini key that raises each, in the guest's section. */
static const char *const kind_options[XD_BUDGET_KINDS] = {
	[XD_BUDGET_MAPPED_PAGES] = "budget-mapped-pages",
	[XD_BUDGET_MEMORY] = "budget-memory-mib",
	[XD_BUDGET_BUFFERS] = "budget-buffers",
	[XD_BUDGET_FRAMEBUFFERS] = "budget-framebuffers",
};

void
xd_budget_limits_default(struct xd_budget_limits *l)
{
	l->limit[XD_BUDGET_MAPPED_PAGES] = XD_BUDGET_DEFAULT_MAPPED_PAGES;
	l->limit[XD_BUDGET_MEMORY] =
		(uint64_t)XD_BUDGET_DEFAULT_MEMORY_MIB << 20;
	l->limit[XD_BUDGET_BUFFERS] = XD_BUDGET_DEFAULT_BUFFERS;
	l->limit[XD_BUDGET_FRAMEBUFFERS] = XD_BUDGET_DEFAULT_FRAMEBUFFERS;
}

const char *
xd_budget_kind_name(enum xd_budget_kind kind)
{
	return kind_names[kind];
}

struct xd_budget *
xd_budget_create(uint32_t domid, const struct xd_budget_limits *limits)
{
	struct xd_budget *b = calloc(1, sizeof *b);
	int i;

	if (!b)
		return NULL;
	b->refcount = 1;
	b->domid = domid;
	for (i = 0; i < XD_BUDGET_KINDS; i++)
		b->limit[i] = limits->limit[i];
	snprintf(b->label, sizeof b->label, "dom%u", domid);
	return b;
}

void
xd_budget_set_label(struct xd_budget *b, const char *label)
{
	snprintf(b->label, sizeof b->label, "%s", label);
}

struct xd_budget *
xd_budget_ref(struct xd_budget *b)
{
	if (b)
		b->refcount++;
	return b;
}

void
xd_budget_unref(struct xd_budget *b)
{
	if (b && --b->refcount == 0)
		free(b);
}

static void
log_refusal(struct xd_budget *b, enum xd_budget_kind kind)
{
	uint64_t now = xd_now_ms();
	char limit[32];

	b->refused[kind]++;
	if (b->logged_ms[kind] && now - b->logged_ms[kind] < LOG_INTERVAL_MS)
		return;
	if (kind == XD_BUDGET_MEMORY)
		snprintf(limit, sizeof limit, "%llu MiB",
			 (unsigned long long)(b->limit[kind] >> 20));
	else
		snprintf(limit, sizeof limit, "%llu",
			 (unsigned long long)b->limit[kind]);
	xd_log("dom%u (%s): %s budget %s reached: request refused%s; raise "
	       "%s= in its [xen-display] section\n", b->domid, b->label,
	       kind_names[kind], limit,
	       b->refused[kind] > 1 ? " (and others since the last line)" :
	       "", kind_options[kind]);
	b->logged_ms[kind] = now ? now : 1;
	b->refused[kind] = 0;
}

int
xd_budget_charge(struct xd_budget *b, enum xd_budget_kind kind,
		 uint64_t amount)
{
	if (!b)
		return 0;
	if (amount > b->limit[kind] - b->used[kind] ||
	    b->used[kind] > b->limit[kind]) {
		log_refusal(b, kind);
		return -ENOMEM;
	}
	b->used[kind] += amount;
	return 0;
}

void
xd_budget_uncharge(struct xd_budget *b, enum xd_budget_kind kind,
		   uint64_t amount)
{
	if (!b)
		return;
	b->used[kind] = amount > b->used[kind] ? 0 : b->used[kind] - amount;
}

uint64_t
xd_budget_used(const struct xd_budget *b, enum xd_budget_kind kind)
{
	return b ? b->used[kind] : 0;
}

uint64_t
xd_budget_limit(const struct xd_budget *b, enum xd_budget_kind kind)
{
	return b ? b->limit[kind] : UINT64_MAX;
}
